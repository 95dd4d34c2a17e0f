"""Permission-matrix cases for the public list and open data (joined into MATRIX by test_permission_matrix)."""

from tests.matrix import Case

CASES: dict[str, Case] = {}
