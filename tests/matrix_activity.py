"""Permission-matrix cases for the audit trail's pages (joined into MATRIX by test_permission_matrix).

Only the office's admins read its log: caseworkers and the secretariat (also office staff) do not, nor do national
readers or the other office's caseworker.
"""

from tests.matrix import Case, logged_in, only

ADMIN_ONLY = {"GET": only("office_admin"), "POST": logged_in(405)}

CASES: dict[str, Case] = {
    "activity:report": Case(lambda w: [w.report.pk], ADMIN_ONLY),
    "activity:round": Case(lambda w: [w.round.pk], ADMIN_ONLY),
    "activity:round_csv": Case(lambda w: [w.round.pk], ADMIN_ONLY),
    # The caseworker holds a role at the admin's office, so the admin may read what they did there.
    "activity:user": Case(lambda w: [w.users["caseworker"].pk], ADMIN_ONLY),
}
