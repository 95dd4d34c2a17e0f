"""Template tags of the decisions app."""
