"""Demo data: a realistic office with its actors, for `make run` and the end-to-end tests."""
