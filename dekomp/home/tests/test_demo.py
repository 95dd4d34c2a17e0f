"""The demo data: realistic, idempotent, and every persona lands on its own home with something to do."""

from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from dekomp.accounts.models import BodyRole, ForumMembership, OfficeMembership, OrganisationMembership, User
from dekomp.activity.models import Event
from dekomp.activity.services import events_for
from dekomp.home.demo.personas import DEMO_OFFICE_SLUG, DEMO_PASSWORD, PERSONAS, WORKING_GROUP_LEADERS
from dekomp.needs.models import BudgetLine, ConfirmationStatus, CoOwner, NeedsReport, ReportPartner, Status, Submission
from dekomp.needs.permissions import can_answer_as_co_owner, can_answer_as_partner, can_edit_report
from dekomp.needs.services import submission_problems
from dekomp.organisations.models import Organisation, OrganisationKind, Region, Unit, UnitKind, WorkingGroup
from dekomp.organisations.validators import clean_orgnr
from dekomp.schemes.models import ActivityType, Round, RoundStatus, Theme

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
ROUND = "Tilskuddsrunde 2027"
EARLIER_ROUND = "Tilskuddsrunde 2026"
SENT = (Status.SUBMITTED, Status.CHECKED, Status.RETURNED)


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", verbosity=0)


def snapshot():
    return (
        Organisation.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
        Region.objects.count(),
        ForumMembership.objects.count(),
        sorted(Unit.objects.values_list("orgnr", "name", "owner__orgnr")),
        NeedsReport.objects.count(),
        sorted(NeedsReport.objects.values_list("round__name", "number", "status", "title", "owner__orgnr")),
        sorted(
            BudgetLine.objects.values_list(
                "report__round__name", "report__number", "budget_year", "recipient__orgnr", "amount"
            )
        ),
        sorted(Submission.objects.values_list("report__round__name", "report__number", "number", "token")),
        Event.objects.count(),
    )


def test_demo_is_realistic(demo):
    kinds = dict(Organisation.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds[OrganisationKind.MUNICIPALITY] == 52
    assert kinds[OrganisationKind.COUNTY_MUNICIPALITY] == 3
    assert 18 <= kinds[OrganisationKind.PRIVATE_SCHOOL_OWNER] + kinds[OrganisationKind.PRIVATE_KINDERGARTEN_OWNER] <= 22
    units = dict(Unit.objects.values_list("kind").annotate(n=Count("pk")))
    assert 280 <= units[UnitKind.PRIMARY_SCHOOL] + units[UnitKind.UPPER_SECONDARY_SCHOOL] <= 320
    assert 380 <= units[UnitKind.KINDERGARTEN] <= 420
    assert Region.objects.filter(working_group__isnull=False).count() == 5
    assert all(o.is_demo for o in Organisation.objects.all())
    for orgnr in [*Organisation.objects.values_list("orgnr", flat=True), *Unit.objects.values_list("orgnr", flat=True)]:
        assert clean_orgnr(orgnr) == orgnr
    # Every unit's kind fits its owner (the same rule the forms enforce).
    for unit in Unit.objects.select_related("owner"):
        unit.clean()


def test_demo_forum_is_balanced_and_the_office_has_no_vote(demo):
    seats = ForumMembership.objects.select_related("representing")
    kinds = {seat.representing.kind for seat in seats if seat.representing and seat.role != "sekretariat"}
    assert {
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.COUNTY_MUNICIPALITY,
        OrganisationKind.UNIVERSITY,
        OrganisationKind.KS,
        OrganisationKind.PBL,
        OrganisationKind.UNION,
    } <= kinds
    assert all(
        seat.role == "sekretariat"
        for seat in seats
        if seat.representing and seat.representing.kind == OrganisationKind.OFFICE
    )


def test_demo_is_idempotent(demo):
    before = snapshot()
    call_command("demo", verbosity=0)
    assert snapshot() == before


def test_every_persona_lands_on_its_home(demo):
    for persona in PERSONAS:
        client = Client()
        assert client.login(email=persona.email, password=DEMO_PASSWORD), persona.email
        response = client.get(reverse("home:index"), follow=True)
        assert response.status_code == 200, persona.email
        assert response.resolver_match.view_name == persona.home, persona.email


def test_demo_logins_command_lists_every_persona(capsys):
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert all(persona.email in out for persona in PERSONAS)
    assert all(email in out for email in WORKING_GROUP_LEADERS.values())


def test_every_demo_user_logs_in_with_the_demo_password(demo):
    """Whoever the demo shows (seats, contacts, submitters, history) can be tried: the password is ``demo``."""
    users = list(User.objects.filter(is_demo=True))
    assert len(users) > 60
    refused = [user.email for user in users if not (user.is_active and user.check_password(DEMO_PASSWORD))]
    assert not refused, refused


def test_every_working_group_has_a_leader_who_logs_in_and_can_send_the_ranking(demo):
    """Four of five regions could never rank when only Østfold's leader could log in."""
    round_ = Round.objects.get(name=ROUND)
    leaders = {}
    for group in WorkingGroup.objects.filter(region__office__slug=DEMO_OFFICE_SLUG).select_related("region"):
        [seat] = group.memberships.filter(role=BodyRole.LEADER).select_related("user")
        leaders[group.region.name] = seat.user.email
        client = Client()
        assert client.login(email=seat.user.email, password=DEMO_PASSWORD), seat.user.email
        board = client.get(reverse("assessment:board", args=[round_.pk, group.pk])).content.decode()
        assert 'action="/prioritering/rangering/' in board and '/send/"' in board, group.name
    assert leaders == {"Østfold": "arbeidsgruppeleder@demo.no", **WORKING_GROUP_LEADERS}


def test_the_year_carries_its_story_dates(demo):
    """Last year's events, letters, acceptances and payouts are dated in the story, not on the day of loading."""
    import io

    import pypdf

    from dekomp.decisions.models import Decision, DecisionStatus
    from dekomp.payouts.models import PayoutBatch
    from dekomp.reporting.models import RecipientReport, ReportStatus

    story_today = datetime(2026, 11, 22, tzinfo=OSLO)
    assert Event.objects.filter(at__gte=story_today).count() == 0
    decisions = Decision.objects.filter(report__round__name=EARLIER_ROUND)
    for decision in decisions:
        assert decision.decided_at.astimezone(OSLO).date() == date(2026, 4, 28)
        assert decision.letter_sent_at.astimezone(OSLO).date() == date(2026, 5, 5)
        assert [e.at.astimezone(OSLO).date() for e in events_for(decision).filter(verb="letter_sent")] == [
            date(2026, 5, 5)
        ]
        if decision.status == DecisionStatus.ACCEPTED:
            assert date(2026, 5, 7) <= decision.accepted_at.astimezone(OSLO).date() <= date(2026, 5, 31)
    letter = decisions.order_by("number").first().letter
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(letter.read())).pages)
    assert "5. mai 2026" in text
    assert {b.paid_at.astimezone(OSLO).date() for b in PayoutBatch.objects.all()} == {date(2026, 6, 14)}
    sent = RecipientReport.objects.filter(status=ReportStatus.SUBMITTED)
    sent_at = [e.at.astimezone(OSLO).date() for r in sent for e in events_for(r).exclude(verb="expected")]
    assert sent_at and all(date(2026, 11, 1) <= day < story_today.date() for day in sent_at)


def test_demo_round_2027_is_open_with_frames_and_deadlines(demo):
    round_ = Round.objects.get(name=ROUND)
    assert (round_.status, round_.year, round_.first_budget_year) == (RoundStatus.OPEN, 2027, 2027)
    assert {scheme.code for scheme in round_.schemes.all()} == {"dekomp", "rekomp", "kompetanseloftet"}
    assert round_.themes.count() == Theme.objects.count()
    assert round_.activity_types.count() == ActivityType.objects.count()
    assert round_.opens_at == datetime(2026, 10, 15, 9, tzinfo=OSLO)
    assert round_.working_group_deadline == date(2027, 4, 1)
    assert round_.forum_meeting == datetime(2027, 4, 20, 10, tzinfo=OSLO)
    assert round_.reporting_deadline == date(2028, 1, 15)
    frames = {(frame.scheme.code, frame.budget_year): frame.amount for frame in round_.frames.select_related("scheme")}
    assert len(frames) == 9
    assert sum(frames[(code, 2027)] for code in ("dekomp", "rekomp", "kompetanseloftet")) == 190_000_000
    assert all(frames[(code, 2027)] > frames[(code, 2028)] > frames[(code, 2029)] for code in ("dekomp", "rekomp"))
    groups = {group.name: group for group in round_.applicant_groups.prefetch_related("members")}
    default = groups["Nettverk og private eiere"]
    assert default.is_default and default.deadline == datetime(2027, 3, 1, 23, 59, tzinfo=OSLO)
    oslo = groups["Oslo kommune og fylkeskommunene"]
    assert oslo.deadline == datetime(2027, 3, 15, 23, 59, tzinfo=OSLO)
    assert {member.name for member in oslo.members.all()} == {
        "Oslo kommune",
        "Østfold fylkeskommune",
        "Akershus fylkeskommune",
        "Buskerud fylkeskommune",
    }
    earlier = Round.objects.get(name=EARLIER_ROUND)
    assert earlier.status == RoundStatus.REPORTING  # taken through the year by dekomp.home.demo.year
    checked = earlier.needs_reports.filter(status=Status.CHECKED)
    assert 12 <= checked.count() == earlier.needs_reports.count() <= 18
    assert Submission.objects.filter(report__round=earlier).count() == checked.count()


def test_demo_round_has_a_years_needs_reports_in_every_status(demo):
    reports = NeedsReport.objects.filter(round__name=ROUND)
    per_scheme = dict(reports.values_list("scheme__code").annotate(n=Count("pk")))
    assert per_scheme == {"dekomp": 95, "rekomp": 84, "kompetanseloftet": 56}
    assert sorted(reports.values_list("number", flat=True)) == list(range(1, 236))
    statuses = Counter(reports.values_list("status", flat=True))
    assert set(statuses) == set(Status.values)
    assert statuses[Status.SUBMITTED] + statuses[Status.CHECKED] > len(reports) / 2
    assert 10 <= statuses[Status.RETURNED] <= 20 and 3 <= statuses[Status.WITHDRAWN] <= 12
    assert 60 <= reports.values("owner").distinct().count() <= 90  # spread over the owners, the big ones more
    networks = reports.filter(co_owner_links__isnull=False).distinct()
    assert networks.count() >= 20
    assert CoOwner.objects.filter(report__in=networks, status=ConfirmationStatus.PENDING).exists()
    assert len(set(reports.values_list("title", flat=True))) == len(reports)
    # Every sent report has its submitted versions, dated in the weeks since the form opened.
    opened, today = datetime(2026, 10, 15, 9, tzinfo=OSLO), datetime(2026, 11, 21, tzinfo=OSLO)
    for report in reports.filter(status__in=SENT).prefetch_related("submissions"):
        versions = list(report.submissions.all())
        assert [version.number for version in versions] == list(range(1, len(versions) + 1)), report
        assert versions[-1].snapshot["title"] == report.title
        assert all(opened <= version.submitted_at <= today and version.token.version == 4 for version in versions)
        assert versions[-1].submitted_at == report.submitted_at and report.is_declared
        verbs = [event.verb for event in events_for(report)]
        assert verbs[0] == "created" and "submitted" in verbs, (report, verbs)
        if len(versions) == 2:
            assert verbs.count("returned") >= 1 and "resubmitted" in verbs
            assert versions[0].snapshot["analysis"] != versions[1].snapshot["analysis"]
    resubmitted = Submission.objects.filter(report__round__name=ROUND, number=2)
    assert resubmitted.count() >= 5
    for report in reports.filter(status=Status.RETURNED):
        returned = events_for(report).filter(verb="returned").last()
        assert returned.comment and OfficeMembership.objects.filter(user=returned.actor).exists()
    for report in reports.filter(status=Status.CHECKED):
        checked = events_for(report).get(verb="checked")
        assert OfficeMembership.objects.filter(user=checked.actor).exists()
        assert checked.at >= report.submitted_at


def test_demo_reports_obey_the_rules_the_services_enforce(demo):
    reports = NeedsReport.objects.select_related("round", "scheme", "owner", "region").prefetch_related(
        "units", "co_owner_links__organisation", "partner_links__organisation", "budget_lines", "contributions"
    )
    for report in reports:
        scheme = report.scheme
        co_owners = [link.organisation for link in report.co_owner_links.all()]
        owners = {report.owner_id, *(o.pk for o in co_owners)}
        assert all(owner.kind in scheme.eligible_owner_kinds for owner in [report.owner, *co_owners]), report
        # Only the owner's and co-owners' own units, of the kinds the scheme covers.
        for unit in report.units.all():
            assert unit.owner_id in owners and unit.kind in scheme.unit_kinds, (report, unit)
        assert all(link.organisation.is_partner for link in report.partner_links.all())
        assert report.region is None or report.region.office_id == report.round.office_id
        recipients = owners | {link.organisation_id for link in report.partner_links.all()}
        assert all(line.recipient_id in recipients for line in report.budget_lines.all())
        assert all(line.budget_year in report.budget_years for line in report.budget_lines.all())
        if report.status in SENT:
            # Everything the submit service checks held when it was sent (the deadline included).
            assert submission_problems(report, now=report.submitted_at) == [], report


def test_demo_budgets_are_realistic_and_dekomp_brings_its_egenandel(demo):
    reports = NeedsReport.objects.filter(budget_lines__isnull=False).distinct().select_related("scheme", "owner")
    for report in reports.prefetch_related("budget_lines", "contributions"):
        totals, partner_parts = defaultdict(Decimal), defaultdict(Decimal)
        for line in report.budget_lines.all():
            totals[line.budget_year] += line.amount
            if line.recipient_id != report.owner_id:
                partner_parts[line.budget_year] += line.amount
        assert sorted(totals) == report.budget_years, report
        for year, total in totals.items():
            assert 150_000 <= total <= 2_500_000, (report, year, total)
            assert Decimal("0.3") <= partner_parts[year] / total <= Decimal("0.6"), (report, year)
        coordinator = sum(line.coordinator_amount for line in report.budget_lines.all())
        assert coordinator <= report.scheme.coordinator_share_cap * sum(totals.values())
        if report.scheme.code == "dekomp" and report.status in (Status.SUBMITTED, Status.CHECKED):
            own = {c.budget_year: c.amount for c in report.contributions.all()}
            assert report.egenandel_form, report
            for year, total in totals.items():
                assert own[year] >= report.scheme.required_egenandel(total), (report, year)


def test_demo_gives_every_persona_something_to_do(demo):
    users = {user.email: user for user in User.objects.filter(email__endswith="@demo.no")}
    fredrikstad = Organisation.objects.get(name="Fredrikstad kommune")
    theirs = NeedsReport.objects.filter(round__name=ROUND, owner=fredrikstad)

    # eier@demo.no: a DeKomp draft that only waits for OsloMet, a returned report, a submitted one, last year's.
    waiting = [
        report
        for report in theirs.filter(status=Status.DRAFT, scheme__code="dekomp")
        if [problem.step for problem in submission_problems(report)] == ["partnere"]
    ]
    assert len(waiting) == 1
    link = waiting[0].partner_links.get()
    assert (link.organisation.name, link.status) == ("OsloMet – storbyuniversitetet", ConfirmationStatus.PENDING)
    assert can_edit_report(users["eier@demo.no"], waiting[0])
    returned = theirs.get(status=Status.RETURNED)
    event = events_for(returned).get(verb="returned")
    assert event.comment and event.actor == users["saksbehandler@demo.no"]
    assert can_edit_report(users["eier@demo.no"], returned)
    assert theirs.filter(status=Status.SUBMITTED).count() == 1
    assert NeedsReport.objects.filter(round__name=EARLIER_ROUND, owner=fredrikstad, status=Status.CHECKED).count() == 1

    # partner@demo.no: OsloMet has confirmations to give and many given.
    oslomet = ReportPartner.objects.filter(organisation__name="OsloMet – storbyuniversitetet")
    pending = oslomet.filter(status=ConfirmationStatus.PENDING, report__status=Status.DRAFT)
    assert pending.count() >= 3
    assert all(can_answer_as_partner(users["partner@demo.no"], link) for link in pending)
    assert oslomet.filter(status=ConfirmationStatus.CONFIRMED, answered_by=users["partner@demo.no"]).count() >= 5

    # medeier@demo.no: Sarpsborg is asked to join a Fredrikstad network report.
    asked = CoOwner.objects.get(
        organisation__name="Sarpsborg kommune", status=ConfirmationStatus.PENDING, report__owner=fredrikstad
    )
    assert asked.report.status == Status.DRAFT
    assert can_answer_as_co_owner(users["medeier@demo.no"], asked)

    # eier.nynorsk@demo.no (Ål) and privat@demo.no each have a draft to finish.
    al = NeedsReport.objects.get(round__name=ROUND, owner__name="Ål kommune", status=Status.DRAFT)
    assert can_edit_report(users["eier.nynorsk@demo.no"], al)
    assert "skulane" in al.title
    private = OrganisationMembership.objects.get(user=users["privat@demo.no"]).organisation
    draft = NeedsReport.objects.get(round__name=ROUND, owner=private, scheme__code="rekomp", status=Status.DRAFT)
    assert can_edit_report(users["privat@demo.no"], draft)
    assert draft.copied_from is not None and draft.copied_from.round.name == EARLIER_ROUND


def test_demo_takes_last_years_round_through_the_year(demo):
    """Ranked, recommended, decided, letters sent, most terms accepted, the first year paid, two reports sent in."""
    from dekomp.decisions.models import Decision, DecisionStatus
    from dekomp.payouts.ledger import ledger
    from dekomp.payouts.models import BatchStatus, PayoutBatch
    from dekomp.reporting.models import RecipientReport, ReportStatus

    earlier = Round.objects.get(name=EARLIER_ROUND)
    decisions = Decision.objects.filter(report__round=earlier)
    assert decisions.count() == earlier.needs_reports.count()
    assert set(decisions.values_list("status", flat=True)) == {DecisionStatus.SENT, DecisionStatus.ACCEPTED}
    assert decisions.filter(status=DecisionStatus.SENT).count() == 2
    assert all(decision.letter for decision in decisions)
    batches = PayoutBatch.objects.filter(office=earlier.office, budget_year=earlier.first_budget_year)
    assert {b.status for b in batches} == {BatchStatus.PAID} and batches.count() == 2
    rows = {(row.scheme.code, row.budget_year): row for row in ledger(earlier.office)}
    accepted_first_year = sum(
        line.amount
        for decision in decisions.filter(status=DecisionStatus.ACCEPTED)
        for line in decision.lines.all()
        if line.budget_year == earlier.first_budget_year
    )
    assert sum(row.paid for (code, year), row in rows.items() if year == earlier.first_budget_year) == (
        accepted_first_year
    )
    assert all(row.frame == row.committed + row.free and row.paid <= row.committed for row in rows.values())
    # Years 2 and 3 of last year's decisions bind money in this year's round.
    assert rows[("dekomp", earlier.first_budget_year + 1)].committed > 0
    assert (
        RecipientReport.objects.filter(line__decision__report__round=earlier, status=ReportStatus.SUBMITTED).count()
        == 2
    )
