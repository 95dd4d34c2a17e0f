"""Permission-matrix cases for the decisions app's views (joined into MATRIX by test_permission_matrix)."""

from tests.matrix import Case

CASES: dict[str, Case] = {}
