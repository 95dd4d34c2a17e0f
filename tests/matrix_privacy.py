"""Permission-matrix cases for personal data (joined into MATRIX by test_permission_matrix).

Everyone logged in reads and downloads their own data. Only an admin of an office where the person has a role
anonymises them: here the caseworker, at office_admin's office. The POST carries no confirmation, so even the admin
gets the form back (200) and nobody is anonymised.
"""

from tests.matrix import Case, logged_in, only

OWN_DATA = {"GET": logged_in(200), "POST": logged_in(405)}

CASES: dict[str, Case] = {
    "home:my_data": Case(lambda w: [], OWN_DATA),
    "home:my_data_download": Case(lambda w: [], OWN_DATA),
    "home:anonymise": Case(
        lambda w: [w.users["caseworker"].pk], {"GET": only("office_admin"), "POST": only("office_admin")}
    ),
}
