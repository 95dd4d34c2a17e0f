"""Permission-matrix cases for the reporting app's views (joined into MATRIX by test_permission_matrix)."""

from tests import matrix as dashboard_matrix
from tests.matrix import Case

CASES: dict[str, Case] = {}

# The money dashboard: office staff see their own office (other_caseworker theirs), national readers every office.
CASES["reporting:dashboard"] = dashboard_matrix.Case(
    lambda w: [],
    {
        "GET": dashboard_matrix.only(*dashboard_matrix.OFFICE_STAFF, "other_caseworker", "national_reader"),
        "POST": dashboard_matrix.logged_in(405),
    },
)


# Recipients' reports: built on a round of their own, with an accepted decision and its expected reports.
def _recipient_report(world, who: str = "partner"):
    """The 2027 report of OsloMet (or, with ``who="owner"``, Fredrikstad) in the matrix's decided round (made once)."""
    from dekomp.reporting.models import RecipientReport
    from dekomp.reporting.tests.factories import expected_reports

    org = world.partner_org if who == "partner" else world.owner_org
    existing = RecipientReport.objects.filter(
        line__decision__report__round__name="Matrise-rapportering", recipient=org, budget_year=2027
    ).first()
    return existing or expected_reports(world, name="Matrise-rapportering")[(who, 2027)]


def _reporting_cases() -> dict[str, Case]:
    from tests.matrix import OFFICE_STAFF, logged_in, only

    report = lambda w: [_recipient_report(w).pk]  # noqa: E731
    return {
        "reporting:list": Case(
            lambda w: [_recipient_report(w).line.decision.report.round_id],
            {"GET": only(*OFFICE_STAFF), "POST": logged_in(405)},
        ),
        # The recipient's submitters write; an empty post comes back with the form's errors.
        "reporting:edit": Case(report, {"GET": only("partner"), "POST": only("partner")}),
        # The recipient (OsloMet), the needs report's owner (Fredrikstad) and the office read it.
        "reporting:detail": Case(report, {"GET": only("owner", "partner", *OFFICE_STAFF), "POST": logged_in(405)}),
        # The report is not sent in yet: the office gets the page back with the refusal, nobody else gets in.
        "reporting:approve": Case(report, {"GET": logged_in(405), "POST": only(*OFFICE_STAFF)}),
        "reporting:request_more": Case(report, {"GET": logged_in(405), "POST": only(*OFFICE_STAFF)}),
        "reporting:settle": Case(report, {"GET": logged_in(405), "POST": only(*OFFICE_STAFF)}),
    }


CASES |= _reporting_cases()


# An organisation's page over every round: its own people and the staff of the office covering it (other_caseworker's
# office neither covers Fredrikstad nor has a case naming it; national readers see the register page only).
CASES["reporting:organisation"] = dashboard_matrix.Case(
    lambda w: [w.owner_org.pk],
    {
        "GET": dashboard_matrix.only("owner", *dashboard_matrix.OFFICE_STAFF),
        "POST": dashboard_matrix.logged_in(405),
    },
)
