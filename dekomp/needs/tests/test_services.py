"""Needs-report services: the journey, and every bad input refused with a clear message and nothing changed."""

import io
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dekomp.activity.services import events_for
from dekomp.needs import services, snapshot
from dekomp.needs.models import NeedsReport, OwnContribution, Status, Submission
from dekomp.needs.tests.factories import complete_draft, confirm_partner, open_round
from dekomp.organisations.models import Unit, UnitKind
from dekomp.organisations.validators import synthetic_orgnrs
from dekomp.schemes.models import DeadlineExtension, Scheme
from dekomp.schemes.services import deadline_reopen

pytestmark = pytest.mark.django_db


@pytest.fixture
def round(world):
    return open_round(world.office)


@pytest.fixture
def draft(world, round):
    return complete_draft(world, round)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


def state(report: NeedsReport) -> tuple:
    """What a bad input must leave untouched."""
    report = NeedsReport.objects.get(pk=report.pk)
    return (
        report.version,
        report.status,
        report.years,
        report.title,
        report.staff_reached,
        sorted(report.units.values_list("pk", flat=True)),
        sorted(report.budget_lines.values_list("budget_year", "recipient_id", "amount", "coordinator_amount")),
        sorted(report.contributions.values_list("budget_year", "amount")),
        sorted(report.partner_links.values_list("organisation_id", "status")),
        report.attachments.count(),
        report.submissions.count(),
    )


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Submit as the owner and run what the commit would trigger (the receipt e-mail task)."""

    def run(world, report, token=None):
        with django_capture_on_commit_callbacks(execute=True):
            return services.needs_report_submit(
                by=world.users["owner"], report=report, token=token or uuid.uuid4(), is_declared=True
            )

    return run


def test_whole_journey_submit_return_resubmit_check(world, draft, submit):
    assert [p.message for p in services.submission_problems(draft)] == ["Venter på bekreftelse fra partneren OsloMet."]
    confirm_partner(world, draft)
    first = submit(world, draft)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and first.number == 1
    assert first.snapshot["total"] == "1500000"
    # The receipt e-mail went out with the PDF.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][0] == f"kvittering-{draft.reference}-v1.pdf"
    assert mail.outbox[0].attachments[0][1].startswith(b"%PDF")

    services.needs_report_return(by=world.users["caseworker"], report=draft, comment="Mer om evaluering, takk.")
    draft.refresh_from_db()
    assert draft.status == Status.RETURNED
    draft = services.needs_report_save_content(
        by=world.users["owner"],
        report=draft,
        expected_version=draft.version,
        need=draft.need,
        analysis=draft.analysis,
        goals=draft.goals,
        collective=draft.collective,
        evaluation="Ny kartlegging etter ett og to år, og intervjuer med lærerne.",
        themes=list(draft.themes.all()),
        activity_types=list(draft.activity_types.all()),
    )
    second = submit(world, draft)
    assert second.number == 2
    changes = snapshot.diff(first.snapshot, second.snapshot)
    assert [str(change["label"]) for change in changes] == ["Vurdering av resultatene"]
    services.needs_report_check(by=world.users["caseworker"], report=draft)
    draft.refresh_from_db()
    assert draft.status == Status.CHECKED
    verbs = [event.verb for event in events_for(draft)]
    assert verbs[-4:] == ["returned", "saved_content", "resubmitted", "checked"]


def test_double_clicked_submit_creates_one_submission(world, draft, submit):
    confirm_partner(world, draft)
    token = uuid.uuid4()
    first = submit(world, draft, token)
    second = submit(world, draft, token)
    assert first.pk == second.pk
    assert Submission.objects.filter(report=draft).count() == 1
    assert len(mail.outbox) == 1


def test_stale_version_does_not_overwrite(world, draft):
    opened_at = draft.version
    services.needs_report_save_anchoring(
        by=world.users["owner"],
        report=draft,
        expected_version=opened_at,
        local_plan="Ny plan",
        is_staff_involved=True,
        is_union_involved=True,
    )
    before = state(draft)
    with pytest.raises(services.StaleVersionError, match="lagret av noen andre"):
        services.needs_report_save_anchoring(
            by=world.users["owner"],
            report=draft,
            expected_version=opened_at,
            local_plan="Eldre tekst",
            is_staff_involved=True,
            is_union_involved=True,
        )
    assert state(draft) == before
    assert NeedsReport.objects.get(pk=draft.pk).local_plan == "Ny plan"


@pytest.mark.parametrize(
    ("amount", "coordinator", "message"),
    [
        (Decimal(-5), Decimal(0), "Beløp må være mellom 0 og"),
        (Decimal(900_000_000), Decimal(0), "Beløp må være mellom 0 og"),
        (Decimal(100), Decimal(200), "Koordinatorandelen kan ikke"),
    ],
)
def test_bad_amounts_are_refused(world, draft, amount, coordinator, message):
    before = state(draft)
    with pytest.raises(ValidationError) as caught:
        services.needs_report_save_budget(
            by=world.users["owner"],
            report=draft,
            expected_version=draft.version,
            years=1,
            lines=[services.BudgetInput(2027, world.owner_org.pk, amount, coordinator)],
            contributions={},
            egenandel_form="penger",
        )
    assert message in caught.value.message_dict["budget"][0]
    assert state(draft) == before


@pytest.mark.parametrize("years", [0, 4])
def test_period_must_be_one_to_three_years(world, draft, years):
    before = state(draft)
    with pytest.raises(ValidationError) as caught:
        services.needs_report_save_budget(
            by=world.users["owner"],
            report=draft,
            expected_version=draft.version,
            years=years,
            lines=[],
            contributions={},
            egenandel_form="penger",
        )
    assert caught.value.message_dict["years"] == ["Et tiltak varer fra ett til tre skoleår."]
    assert state(draft) == before


def codes(error: ValidationError) -> list[str]:
    return [e.code for e in error.error_list]


def test_dekomp_egenandel_under_30_percent_is_refused(world, round, submit):
    report = complete_draft(world, round)  # 500 000 asked for a year, egenandel 150 000: exactly 30 %
    confirm_partner(world, report)
    # Lowered behind the budget step's back (saved before the step checked it): the submission still catches it.
    OwnContribution.objects.filter(report=report, budget_year=2028).update(amount=149_999)
    before = state(report)
    with pytest.raises(ValidationError) as caught:
        submit(world, report)
    assert codes(caught.value) == ["egenandel_too_low"]
    assert "for 2028 minst 150\u00a0000\u00a0kr" in caught.value.messages[0]
    assert state(report) == before


def test_the_egenandel_is_checked_per_year_not_over_the_period(world, round, submit):
    report = complete_draft(world, round, years=2)
    confirm_partner(world, report)
    # 200 000 + 100 000 is 30 % of the period's 1 000 000, but 2028 alone needs 150 000.
    OwnContribution.objects.filter(report=report, budget_year=2027).update(amount=200_000)
    OwnContribution.objects.filter(report=report, budget_year=2028).update(amount=100_000)
    problems = services.submission_problems(NeedsReport.objects.get(pk=report.pk))
    assert [(p.step, p.code) for p in problems if p.code != "not_ready"] == [("budsjett", "egenandel_too_low")]
    assert "2028" in problems[0].message


def _save_budget(world, draft, *, owner: int, partner: int, egenandel: dict):
    return services.needs_report_save_budget(
        by=world.users["owner"],
        report=draft,
        expected_version=draft.version,
        years=1,
        lines=[
            services.BudgetInput(2027, world.owner_org.pk, Decimal(owner)),
            services.BudgetInput(2027, world.partner_org.pk, Decimal(partner)),
        ],
        contributions={year: Decimal(amount) for year, amount in egenandel.items()},
        egenandel_form="penger",
    )


def test_the_budget_step_refuses_a_typed_egenandel_below_the_share_of_the_year(world, draft):
    before = state(draft)
    # 100 001 asked for in 2027: 30 % is 30 000,30 kr, so 30 000 kr is too little and 30 001 kr is enough.
    with pytest.raises(ValidationError) as caught:
        _save_budget(world, draft, owner=60_001, partner=40_000, egenandel={2027: 30_000})
    assert list(caught.value.error_dict) == ["egenandel_2027"]
    assert [e.code for e in caught.value.error_dict["egenandel_2027"]] == ["egenandel_too_low"]
    assert "minst 30\u00a0001\u00a0kr (30 % av 100\u00a0001\u00a0kr)" in caught.value.messages[0]
    assert state(draft) == before
    saved = _save_budget(world, draft, owner=60_001, partner=40_000, egenandel={2027: 30_001})
    assert list(saved.contributions.values_list("budget_year", "amount")) == [(2027, 30_001)]


def test_the_budget_step_saves_a_year_without_egenandel_for_the_summary_to_ask_for(world, draft):
    # Nothing typed is no wrong number: a draft may be saved before the egenandel is known.
    saved = _save_budget(world, draft, owner=60_001, partner=40_000, egenandel={})
    assert not saved.contributions.exists()
    problems = services.submission_problems(saved)
    assert [p.code for p in problems if p.step == "budsjett"] == ["egenandel_too_low"]


def test_a_scheme_without_egenandel_takes_any_egenandel_on_the_budget_step(world, draft):
    NeedsReport.objects.filter(pk=draft.pk).update(scheme=Scheme.objects.get(code="rekomp"))
    draft = NeedsReport.objects.get(pk=draft.pk)
    saved = _save_budget(world, draft, owner=60_001, partner=40_000, egenandel={2027: 1})
    assert list(saved.contributions.values_list("amount", flat=True)) == [1]
    assert not [p for p in services.submission_problems(saved) if p.code == "egenandel_too_low"]


def test_missing_partner_confirmation_blocks_submission(world, draft, submit):
    before = state(draft)
    with pytest.raises(ValidationError) as caught:
        submit(world, draft)
    assert "Venter på bekreftelse fra partneren OsloMet." in caught.value.messages
    assert state(draft) == before


def test_declined_partner_needs_a_reason_and_blocks_submission(world, draft, submit):
    link = draft.partner_links.get()
    with pytest.raises(ValidationError, match="Skriv hvorfor"):
        services.partner_answer(by=world.users["partner"], link=link, is_confirmed=False, comment=" ")
    services.partner_answer(by=world.users["partner"], link=link, is_confirmed=False, comment="Vi har ikke kapasitet")
    with pytest.raises(ValidationError) as caught:
        submit(world, draft)
    assert "Partneren OsloMet har avslått." in caught.value.messages


def test_only_the_named_partner_answers(world, draft):
    link = draft.partner_links.get()
    for persona in ("owner", "co_owner", "caseworker", "outsider"):
        with pytest.raises(PermissionDenied):
            services.partner_answer(by=world.users[persona], link=link, is_confirmed=True)


def test_a_round_past_open_takes_no_report_whatever_the_deadline(world, draft, submit):
    """The deadline is ahead, but the office has moved the round on: a first submission is refused."""
    from dekomp.schemes.models import Round, RoundStatus

    confirm_partner(world, draft)
    before = state(draft)
    for status in (RoundStatus.CLOSED, RoundStatus.ASSESSMENT, RoundStatus.RECOMMENDATION, RoundStatus.DECISION):
        Round.objects.filter(pk=draft.round_id).update(status=status)
        draft.round.refresh_from_db()
        assert not services.round_accepts(draft)
        with pytest.raises(ValidationError) as caught:
            submit(world, draft)
        assert caught.value.code == "round_closed"
        assert state(draft) == before
    # Reopened for this owner while the round is closed: the owner can still submit.
    Round.objects.filter(pk=draft.round_id).update(status=RoundStatus.CLOSED)
    draft.round.refresh_from_db()
    deadline_reopen(
        by=world.users["caseworker"],
        round=draft.round,
        owner=world.owner_org,
        deadline=timezone.now() + timedelta(days=2),
        reason="Ny skoleeier",
    )
    assert submit(world, draft).number == 1


def test_a_returned_report_comes_back_during_assessment_but_not_at_the_forum(world, draft, submit):
    from dekomp.schemes.models import Round, RoundStatus

    confirm_partner(world, draft)
    submit(world, draft)
    services.needs_report_return(by=world.users["caseworker"], report=draft, comment="Mer om evaluering.")
    draft.refresh_from_db()
    Round.objects.filter(pk=draft.round_id).update(status=RoundStatus.ASSESSMENT)
    draft.round.refresh_from_db()
    assert services.round_accepts(draft)
    Round.objects.filter(pk=draft.round_id).update(status=RoundStatus.RECOMMENDATION)
    draft.round.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        submit(world, draft)
    assert caught.value.code == "round_closed"


def test_deadline_passed_locks_the_draft_until_the_office_reopens(world, draft, submit):
    confirm_partner(world, draft)
    group = draft.round.applicant_groups.get()
    group.deadline = timezone.now() - timedelta(minutes=1)
    group.save()
    before = state(draft)
    with pytest.raises(ValidationError, match="Fristen for Fredrikstad kommune gikk ut"):
        services.needs_report_save_anchoring(
            by=world.users["owner"],
            report=draft,
            expected_version=draft.version,
            local_plan="x",
            is_staff_involved=True,
            is_union_involved=True,
        )
    with pytest.raises(ValidationError) as caught:
        submit(world, draft)
    assert "Fristen for å sende inn har gått ut." in caught.value.messages
    assert state(draft) == before
    deadline_reopen(
        by=world.users["caseworker"],
        round=draft.round,
        owner=world.owner_org,
        deadline=timezone.now() + timedelta(days=2),
        reason="Sykdom hos rektor",
    )
    assert DeadlineExtension.objects.get().reason == "Sykdom hos rektor"
    assert submit(world, draft).number == 1


def test_unit_of_another_owner_is_refused(world, draft):
    before = state(draft)
    other_unit = world.co_owner_org.units.first()
    with pytest.raises(ValidationError) as caught:
        services.needs_report_save_units(
            by=world.users["owner"],
            report=draft,
            expected_version=draft.version,
            units=[other_unit],
            target_groups=["laerere"],
            staff_reached=10,
        )
    assert "hører ikke til dere eller medeierne" in caught.value.message_dict["units"][0]
    assert state(draft) == before


def test_kindergarten_in_a_school_scheme_is_refused(world, draft):
    kindergarten = Unit.objects.create(
        orgnr=next(synthetic_orgnrs(61_000_000)),
        name="Solsiden barnehage",
        kind=UnitKind.KINDERGARTEN,
        owner=world.owner_org,
        municipality=world.owner_org.municipality,
    )
    with pytest.raises(ValidationError) as caught:
        services.needs_report_save_units(
            by=world.users["owner"],
            report=draft,
            expected_version=draft.version,
            units=[kindergarten],
            target_groups=["laerere"],
            staff_reached=10,
        )
    assert "DeKomp gjelder ikke disse enhetene: Solsiden barnehage." in caught.value.message_dict["units"]


def test_attachment_over_the_size_limit_is_refused(world, draft, settings):
    before = state(draft)
    big = SimpleUploadedFile("plan.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError, match="Største tillatte størrelse er 10,0"):
        services.attachment_add(by=world.users["owner"], report=draft, expected_version=draft.version, upload=big)
    assert state(draft) == before


def test_executable_renamed_pdf_is_refused(world, draft):
    before = state(draft)
    fake = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    with pytest.raises(ValidationError, match="er ikke en ekte PDF-fil"):
        services.attachment_add(by=world.users["owner"], report=draft, expected_version=draft.version, upload=fake)
    assert state(draft) == before


def test_real_pdf_is_attached_with_a_safe_name(world, draft):
    upload = SimpleUploadedFile("../../etc/Plan for <lesing>.pdf", b"%PDF-1.7\n%%EOF\n")
    attachment = services.attachment_add(
        by=world.users["owner"], report=draft, expected_version=draft.version, upload=upload
    )
    assert attachment.original_name == "Plan for _lesing_.pdf"
    assert "/etc/" not in attachment.file.name
    assert io.BytesIO(attachment.file.read()).read().startswith(b"%PDF")


def test_others_cannot_edit_or_submit_the_owners_report(world, draft):
    for persona in ("co_owner", "partner", "caseworker", "other_caseworker", "national_reader"):
        with pytest.raises(PermissionDenied):
            services.needs_report_save_anchoring(
                by=world.users[persona],
                report=draft,
                expected_version=draft.version,
                local_plan="x",
                is_staff_involved=True,
                is_union_involved=True,
            )
        with pytest.raises(PermissionDenied):
            services.needs_report_submit(by=world.users[persona], report=draft, token=uuid.uuid4(), is_declared=True)


def test_only_the_office_checks_and_returns(world, draft, submit):
    confirm_partner(world, draft)
    submit(world, draft)
    for persona in ("owner", "partner", "other_caseworker", "forum_member"):
        with pytest.raises(PermissionDenied):
            services.needs_report_check(by=world.users[persona], report=draft)
    with pytest.raises(ValidationError, match="Skriv hva eieren må endre"):
        services.needs_report_return(by=world.users["caseworker"], report=draft, comment="")


def test_withdraw_and_copy(world, draft):
    services.needs_report_withdraw(by=world.users["owner"], report=draft, comment="Utsatt")
    draft.refresh_from_db()
    assert draft.status == Status.WITHDRAWN
    copy = services.needs_report_copy(by=world.users["owner"], source=draft, round=draft.round)
    assert copy.status == Status.DRAFT and copy.copied_from == draft and copy.number != draft.number
    assert copy.partner_links.get().status == "venter"
    assert copy.budget_lines.count() == draft.budget_lines.count()
    assert set(copy.units.all()) == set(draft.units.all())


def test_partner_cannot_start_a_report_and_a_closed_round_takes_none(world, round):
    with pytest.raises(PermissionDenied):
        services.needs_report_create(
            by=world.users["partner"],
            round=round,
            scheme=Scheme.objects.get(code="rekomp"),
            owner=world.partner_org,
            title="x",
        )
    round.status = "lukket"
    round.save()
    with pytest.raises(ValidationError, match="er ikke åpen for behovsmeldinger"):
        services.needs_report_create(
            by=world.users["owner"],
            round=round,
            scheme=Scheme.objects.get(code="dekomp"),
            owner=world.owner_org,
            title="x",
        )
