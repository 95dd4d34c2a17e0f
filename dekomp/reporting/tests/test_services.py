"""Reporting services: expectation, the recipient's draft and submission, the office's follow-up, settlement of
unused money and reminders; every bad input refused with a clear message and nothing changed."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from dekomp.accounts.models import OrganisationMembership, OrganisationRole, User
from dekomp.activity.services import events_for
from dekomp.decisions.models import DecisionStatus, Outcome
from dekomp.decisions.tests.factories import decided
from dekomp.needs.tests.factories import open_round
from dekomp.organisations.models import Malform, Organisation
from dekomp.reporting import services
from dekomp.reporting.models import (
    RecipientReport,
    Reminder,
    ReminderKind,
    ReportStatus,
    Settlement,
    SettlementKind,
)
from dekomp.reporting.selectors import overdue_recipients
from dekomp.reporting.tests.factories import DEADLINE, filled, submitted
from dekomp.schemes.models import Round

pytestmark = pytest.mark.django_db


def state(report: RecipientReport) -> tuple:
    """What a refused action must leave untouched."""
    report = RecipientReport.objects.get(pk=report.pk)
    return (
        report.status,
        report.version,
        report.activities,
        report.participants,
        report.used,
        report.egenandel_documented,
        sorted(report.units_reached.values_list("pk", flat=True)),
        report.approved_at,
        Settlement.objects.count(),
    )


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------------------------------------- expectation


def test_expect_makes_one_report_per_recipient_and_year_with_shifted_deadlines(world, expected):
    owner_2027, owner_2028 = expected[("owner", 2027)], expected[("owner", 2028)]
    assert owner_2027.recipient == world.owner_org and owner_2027.status == ReportStatus.EXPECTED
    assert owner_2027.deadline == DEADLINE
    assert owner_2028.deadline == date(2029, 1, 15)  # the round's deadline moved one year per budget year
    assert expected[("partner", 2027)].recipient == world.partner_org
    assert RecipientReport.objects.filter(line__decision=expected["decisions"][0]).count() == 4


def test_expect_is_idempotent(world, expected):
    decision = expected["decisions"][0]
    again = services.reports_expect(decision=decision)
    assert sorted(report.pk for report in again) == sorted(
        expected[key].pk for key in [("owner", 2027), ("owner", 2028), ("partner", 2027), ("partner", 2028)]
    )
    assert RecipientReport.objects.count() == 4
    assert services.reports_expect_for_round(expected["round"]) and RecipientReport.objects.count() == 4
    assert [event.verb for event in events_for(expected[("owner", 2027)])] == ["expected"]


def test_expect_without_a_reporting_deadline_uses_15_january_and_skips_unbound_and_empty_lines(world):
    round = open_round(world.office, name="Uten frist")
    [accepted] = decided(world, 1, round=round, status=DecisionStatus.ACCEPTED)
    assert {r.deadline for r in services.reports_expect(decision=accepted) if r.budget_year == 2027} == {
        date(2028, 1, 15)
    }
    round2 = open_round(world.office, name="Utkast og avslag")
    [draft] = decided(world, 1, round=round2, status=DecisionStatus.DRAFT)
    assert services.reports_expect(decision=draft) == []
    round3 = open_round(world.office, name="Avslag")
    [rejected] = decided(world, 1, round=round3, status=DecisionStatus.SENT, outcome=Outcome.REJECTED)
    assert services.reports_expect(decision=rejected) == []


def test_deadline_of_29_february_in_a_year_without_it():
    leap = Round(first_budget_year=2027, reporting_deadline=date(2028, 2, 29))
    assert services.report_deadline(round=leap, budget_year=2028) == date(2029, 2, 28)


# ---------------------------------------------------------------------------------------------- the recipient


def test_draft_save_then_submit(world, expected):
    report = expected[("owner", 2027)]
    owner = world.users["owner"]
    report = services.report_save(
        by=owner, report=report, version=report.version, data={"activities": "Første samling holdt."}
    )
    assert report.status == ReportStatus.DRAFT and report.activities == "Første samling holdt."
    report = submitted(world, report)
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == owner and report.submitted_at is not None
    assert report.used == Decimal(80_000) and report.unused == Decimal(20_000)
    assert list(report.units_reached.all()) == list(world.owner_org.units.all())
    assert [event.verb for event in events_for(report)] == ["expected", "saved", "submitted"]


def test_used_above_granted_is_refused_with_the_numbers_and_nothing_written(world, expected):
    report = expected[("owner", 2027)]
    before = state(report)
    for service in (services.report_save, services.report_submit):
        with pytest.raises(ValidationError) as error:
            service(
                by=world.users["owner"],
                report=report,
                version=report.version,
                data=filled(world, used=Decimal(150_000), egenandel_documented=Decimal(45_000)),
            )
        assert error.value.message_dict["used"] == [
            "Brukt beløp (150\u00a0000\u00a0kr) kan ikke være høyere enn tildelt (100\u00a0000\u00a0kr)."
        ]
        assert state(report) == before


def test_egenandel_below_the_share_of_used_is_refused(world, expected):
    report = expected[("owner", 2027)]
    before = state(report)
    with pytest.raises(ValidationError) as error:
        submitted(world, report, egenandel_documented=Decimal(20_000))
    assert error.value.message_dict["egenandel_documented"] == [
        "DeKomp krever egenandel på minst 30 % av brukt beløp: minst 24\u00a0000\u00a0kr av 80\u00a0000\u00a0kr, "
        "men dere har dokumentert 20\u00a0000\u00a0kr."
    ]
    assert [e.code for e in error.value.error_dict["egenandel_documented"]] == ["egenandel_too_low"]
    with pytest.raises(ValidationError) as error:
        submitted(world, report, egenandel_documented=None)
    assert [e.code for e in error.value.error_dict["egenandel_documented"]] == ["egenandel_missing"]
    assert state(report) == before
    assert submitted(world, report, egenandel_documented=Decimal(24_000)).status == ReportStatus.SUBMITTED


def test_a_partner_documents_no_egenandel(world, expected):
    report = submitted(world, expected[("partner", 2027)], egenandel_documented=Decimal(5))
    assert report.status == ReportStatus.SUBMITTED and report.egenandel_documented is None


def test_submission_names_every_missing_field(world, expected):
    report = expected[("owner", 2027)]
    before = state(report)
    with pytest.raises(ValidationError) as error:
        services.report_submit(by=world.users["owner"], report=report, version=report.version, data={})
    assert set(error.value.message_dict) == {"activities", "participants", "goal_achievement", "used"}
    assert state(report) == before
    # A draft may be incomplete.
    assert services.report_save(by=world.users["owner"], report=report, version=report.version, data={}).version == 2


def test_units_must_belong_to_the_measure(world, expected):
    report = expected[("owner", 2027)]
    stranger = world.co_owner_org.units.first()
    before = state(report)
    with pytest.raises(ValidationError) as error:
        submitted(world, report, units_reached=[stranger])
    assert error.value.message_dict["units_reached"] == [
        "Skole i Sarpsborg kommune hører ikke til eieren eller medeierne i tiltaket."
    ]
    assert state(report) == before


@pytest.mark.parametrize("persona", ["co_owner", "partner", "caseworker", "outsider", "national_reader"])
def test_only_the_recipients_submitters_write(world, expected, persona):
    report = expected[("owner", 2027)]
    before = state(report)
    with pytest.raises(PermissionDenied):
        services.report_submit(by=world.users[persona], report=report, version=report.version, data=filled(world))
    assert state(report) == before


def test_a_reader_of_the_recipient_may_not_write(world, expected):
    reader = User.objects.create_user(email="leser@test.example", password="pw", full_name="Leser")
    OrganisationMembership.objects.create(user=reader, organisation=world.owner_org, role=OrganisationRole.READER)
    report = expected[("owner", 2027)]
    with pytest.raises(PermissionDenied):
        services.report_save(by=reader, report=report, version=report.version, data={})


def test_a_stale_version_is_refused(world, expected):
    report = expected[("owner", 2027)]
    services.report_save(by=world.users["owner"], report=report, version=1, data={"activities": "A"})
    with pytest.raises(services.StaleVersionError):
        services.report_save(by=world.users["owner"], report=report, version=1, data={"activities": "B"})
    report.refresh_from_db()
    assert report.activities == "A"


def test_a_submitted_or_approved_report_cannot_be_changed_by_the_recipient(world, expected):
    report = submitted(world, expected[("owner", 2027)])
    with pytest.raises(ValidationError, match="kan ikke endres"):
        services.report_save(by=world.users["owner"], report=report, version=report.version, data={})
    with pytest.raises(ValidationError, match="kan ikke sendes inn"):
        submitted(world, report)


# ---------------------------------------------------------------------------------------------- the office


def test_approve_needs_a_submitted_report_and_the_office(world, expected):
    report = expected[("owner", 2027)]
    with pytest.raises(ValidationError, match="kan ikke gå fra «ikke påbegynt» til «godkjent»"):
        services.report_approve(by=world.users["caseworker"], report=report)
    report = submitted(world, report)
    for persona in ("owner", "other_caseworker", "forum_member"):
        with pytest.raises(PermissionDenied):
            services.report_approve(by=world.users[persona], report=report)
    report = services.report_approve(by=world.users["caseworker"], report=report, comment="Fint arbeid.")
    assert report.status == ReportStatus.APPROVED and report.approved_by == world.users["caseworker"]
    assert report.office_comment == "Fint arbeid."
    assert events_for(report).last().verb == "approved"


def test_request_more_needs_a_comment_and_mails_the_recipient(world, expected, django_capture_on_commit_callbacks):
    Organisation.objects.filter(pk=world.owner_org.pk).update(email="post@fredrikstad.example")
    report = submitted(world, expected[("owner", 2027)])
    with pytest.raises(ValidationError) as error:
        services.report_request_more(by=world.users["caseworker"], report=report, comment="  ")
    assert error.value.message_dict == {"comment": ["Skriv hva mottakeren må utdype eller rette."]}
    assert RecipientReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request_more(
            by=world.users["caseworker"], report=report, comment="Beskriv samlingene nærmere."
        )
    assert report.status == ReportStatus.MORE_REQUESTED
    [message] = mail.outbox
    assert message.to == ["owner@test.example", "post@fredrikstad.example"]
    assert "Beskriv samlingene nærmere." in message.body and expected["decisions"][0].reference in message.subject
    # The recipient corrects and sends it in again.
    report = submitted(world, report, activities="Fire samlinger à to dager, med oppgaver mellom.")
    assert report.status == ReportStatus.SUBMITTED
    assert events_for(report).last().verb == "resubmitted"


def test_claim_back_makes_a_repayment_decision_approves_and_notifies(
    world, expected, django_capture_on_commit_callbacks
):
    report = submitted(world, expected[("owner", 2027)])
    with django_capture_on_commit_callbacks(execute=True):
        settlement = services.report_settle(
            by=world.users["caseworker"],
            report=report,
            kind=SettlementKind.CLAIM_BACK,
            amount=Decimal(20_000),
            reason="Midlene ble ikke brukt i året.",
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.approved_by == world.users["caseworker"]
    assert settlement.due_date == timezone.localdate() + timedelta(days=30)
    assert settlement.carried_to is None and settlement.decided_by == world.users["caseworker"]
    [message] = mail.outbox
    assert message.to == ["owner@test.example"]
    assert settlement.reference in message.subject and "20\u00a0000\u00a0kr" in message.body
    assert "klage" in message.body
    assert events_for(report).last().verb == "settled_tilbakebetaling"


def test_settling_twice_is_refused(world, expected):
    report = submitted(world, expected[("owner", 2027)])
    services.report_settle(
        by=world.users["caseworker"], report=report, kind=SettlementKind.CLAIM_BACK, amount=Decimal(5_000), reason="R"
    )
    before = state(report)
    with pytest.raises(ValidationError, match="allerede avgjort"):
        services.report_settle(
            by=world.users["caseworker"],
            report=report,
            kind=SettlementKind.CLAIM_BACK,
            amount=Decimal(5_000),
            reason="R",
        )
    assert state(report) == before


def test_settlement_refusals_leave_nothing_written(world, expected):
    report = submitted(world, expected[("owner", 2027)])
    before = state(report)
    caseworker = world.users["caseworker"]
    cases = [
        (
            {"kind": SettlementKind.CLAIM_BACK, "amount": Decimal(20_001), "reason": "R"},
            "amount",
            "Beløpet (20\u00a0001\u00a0kr) kan ikke være høyere enn de ubrukte midlene (20\u00a0000\u00a0kr).",
        ),
        ({"kind": SettlementKind.CLAIM_BACK, "amount": Decimal(1), "reason": " "}, "reason", "Begrunn avgjørelsen."),
        ({"kind": "noe", "amount": Decimal(1), "reason": "R"}, "kind", None),
        ({"kind": SettlementKind.CLAIM_BACK, "amount": Decimal(0), "reason": "R"}, "amount", None),
        (
            {
                "kind": SettlementKind.CLAIM_BACK,
                "amount": Decimal(1),
                "reason": "R",
                "due_date": timezone.localdate() - timedelta(days=1),
            },
            "due_date",
            None,
        ),
    ]
    for kwargs, field, message in cases:
        with pytest.raises(ValidationError) as error:
            services.report_settle(by=caseworker, report=report, **kwargs)
        assert field in error.value.message_dict, kwargs
        if message:
            assert error.value.message_dict[field] == [message]
    with pytest.raises(PermissionDenied):
        services.report_settle(
            by=world.users["owner"], report=report, kind=SettlementKind.CLAIM_BACK, amount=Decimal(1), reason="R"
        )
    assert state(report) == before


def test_no_settlement_without_unused_money_or_before_submission(world, expected):
    caseworker = world.users["caseworker"]
    with pytest.raises(ValidationError, match="når rapporten er sendt inn"):
        services.report_settle(
            by=caseworker,
            report=expected[("owner", 2027)],
            kind=SettlementKind.CLAIM_BACK,
            amount=Decimal(1),
            reason="R",
        )
    report = submitted(world, expected[("partner", 2027)])  # used all 50 000
    with pytest.raises(ValidationError, match="ingen ubrukte midler"):
        services.report_settle(
            by=caseworker, report=report, kind=SettlementKind.CLAIM_BACK, amount=Decimal(1), reason="R"
        )


def test_carry_over_raises_next_years_ceiling(world, expected, django_capture_on_commit_callbacks):
    first, second = expected[("owner", 2027)], expected[("owner", 2028)]
    first = submitted(world, first)
    with django_capture_on_commit_callbacks(execute=True):
        settlement = services.report_settle(
            by=world.users["caseworker"],
            report=first,
            kind=SettlementKind.CARRY_OVER,
            amount=Decimal(15_000),
            reason="Siste samling flyttet til høsten.",
            due_date=date(2030, 1, 1),  # ignored: money carried over is not paid back
        )
    assert settlement.carried_to == second and settlement.due_date is None
    second.refresh_from_db()
    assert second.carried_in_amount == Decimal(15_000) and second.granted == Decimal(115_000)
    assert "overført til 2028" in mail.outbox[0].subject
    # 110 000 used in 2028 is within 100 000 granted plus 15 000 carried over; 116 000 is not.
    with pytest.raises(ValidationError) as error:
        submitted(world, second, used=Decimal(116_000), egenandel_documented=Decimal(40_000))
    assert "tildelt (115\u00a0000\u00a0kr)" in error.value.message_dict["used"][0]
    assert submitted(world, second, used=Decimal(110_000), egenandel_documented=Decimal(33_000)).unused == 5_000
    # The last year has no following year to carry over to.
    with pytest.raises(ValidationError, match="kan ikke overføres"):
        services.report_settle(
            by=world.users["caseworker"],
            report=second,
            kind=SettlementKind.CARRY_OVER,
            amount=Decimal(5_000),
            reason="R",
        )


def test_carry_over_to_a_report_already_sent_in_is_refused(world, expected):
    first = submitted(world, expected[("owner", 2027)])
    submitted(world, expected[("owner", 2028)])
    with pytest.raises(ValidationError, match="allerede sendt inn"):
        services.report_settle(
            by=world.users["caseworker"],
            report=first,
            kind=SettlementKind.CARRY_OVER,
            amount=Decimal(1_000),
            reason="R",
        )
    assert Settlement.objects.count() == 0


# ---------------------------------------------------------------------------------------------- reminders


def run_reminders(today: date, capture) -> int:
    with capture(execute=True):
        return services.reminders_send(today=today)


def test_reminders_once_per_kind_and_none_for_approved_reports(world, expected, django_capture_on_commit_callbacks):
    approved = submitted(world, expected[("partner", 2027)])
    services.report_approve(by=world.users["caseworker"], report=approved)
    assert run_reminders(DEADLINE - timedelta(days=15), django_capture_on_commit_callbacks) == 0
    # Within 14 days: the owner's 2027 report is reminded, the approved partner report is not.
    assert run_reminders(DEADLINE - timedelta(days=14), django_capture_on_commit_callbacks) == 1
    assert run_reminders(DEADLINE, django_capture_on_commit_callbacks) == 0
    [before] = mail.outbox
    assert before.to == ["owner@test.example"] and "innen 15. januar 2028" in before.subject
    # Overdue: once.
    assert run_reminders(DEADLINE + timedelta(days=1), django_capture_on_commit_callbacks) == 1
    assert run_reminders(DEADLINE + timedelta(days=30), django_capture_on_commit_callbacks) == 0
    assert mail.outbox[1].subject.startswith("Fristen er passert")
    assert sorted(Reminder.objects.values_list("report_id", "kind")) == [
        (expected[("owner", 2027)].pk, ReminderKind.BEFORE),
        (expected[("owner", 2027)].pk, ReminderKind.OVERDUE),
    ]


def test_reminders_go_to_the_organisation_and_its_submitters_in_its_malform(
    world, expected, django_capture_on_commit_callbacks
):
    Organisation.objects.filter(pk=world.owner_org.pk).update(malform=Malform.NYNORSK, email="post@fredrikstad.example")
    reader = User.objects.create_user(email="leser@test.example", password="pw", full_name="Leser")
    OrganisationMembership.objects.create(user=reader, organisation=world.owner_org, role=OrganisationRole.READER)
    rendered_in = []
    from dekomp.activity import notify

    original = notify.render

    def spy(**kwargs):
        subject, body, written_in = original(**kwargs)
        rendered_in.append(written_in)
        return subject, body, written_in

    notify.render = spy
    try:
        assert run_reminders(DEADLINE + timedelta(days=1), django_capture_on_commit_callbacks) == 2
    finally:
        notify.render = original
    owner_mail = next(m for m in mail.outbox if "owner@test.example" in m.to)
    assert owner_mail.to == ["owner@test.example", "post@fredrikstad.example"]  # not the reader
    assert owner_mail.extra_headers["Content-Language"] == "nn"
    partner_mail = next(m for m in mail.outbox if "partner@test.example" in m.to)
    assert partner_mail.extra_headers["Content-Language"] == "nb"
    assert sorted(set(rendered_in)) == ["nb", "nn"]


def test_a_recipient_without_any_address_is_left_for_a_later_run(world, expected, django_capture_on_commit_callbacks):
    User.objects.filter(pk=world.users["partner"].pk).update(is_active=False)
    assert run_reminders(DEADLINE + timedelta(days=1), django_capture_on_commit_callbacks) == 1
    assert not Reminder.objects.filter(report__recipient=world.partner_org).exists()


def test_two_runs_at_once_send_one_reminder(world, expected, django_capture_on_commit_callbacks, monkeypatch):
    """Another run records the reminder after this run read the reports: the unique constraint stops a second."""
    report = expected[("owner", 2027)]
    original = services.reminder_addresses

    def competing_run(organisations):
        Reminder.objects.get_or_create(report=report, kind=ReminderKind.OVERDUE)
        return original(organisations)

    monkeypatch.setattr(services, "reminder_addresses", competing_run)
    assert run_reminders(DEADLINE + timedelta(days=1), django_capture_on_commit_callbacks) == 1  # the partner only
    assert Reminder.objects.filter(report=report).count() == 1
    assert all("owner@test.example" not in message.to for message in mail.outbox)


def test_command_sends_and_prints_the_count(world, expected, django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_report_reminders", "--today", "2028-01-16", stdout=out)
    assert out.getvalue().strip() == "Sent 2 report reminders for 2028-01-16."
    assert len(mail.outbox) == 2


def test_overdue_recipients_are_those_with_an_editable_report_past_its_deadline(world, expected):
    assert list(overdue_recipients(world.office, DEADLINE)) == []
    assert set(overdue_recipients(world.office, DEADLINE + timedelta(days=1))) == {world.owner_org, world.partner_org}
    submitted(world, expected[("partner", 2027)])
    assert list(overdue_recipients(world.office, DEADLINE + timedelta(days=1))) == [world.owner_org]
    assert list(overdue_recipients(world.other_office, DEADLINE + timedelta(days=1))) == []
