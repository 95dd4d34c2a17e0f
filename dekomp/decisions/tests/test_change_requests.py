"""Change requests (year 2 or 3) and supplements: a new draft from the decision, and superseding when decided."""

import uuid
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from dekomp.activity.models import Event
from dekomp.decisions import services
from dekomp.decisions.models import Decision, DecisionLine, DecisionStatus, Outcome
from dekomp.decisions.tests.factories import decided
from dekomp.decisions.tests.test_deciding import contribute, full, recommend
from dekomp.needs.models import BudgetLine, ReportKind, Status
from dekomp.needs.tests.factories import open_round
from dekomp.organisations.models import Office
from dekomp.schemes.commitments import committed_by_other_rounds
from dekomp.schemes.models import Frame, RoundStatus, Scheme

pytestmark = pytest.mark.django_db


def round_from(office, first_budget_year: int, name: str):
    """An open round whose budget years start in ``first_budget_year``, with a frame of 10 MNOK a year."""
    round = open_round(office, name=name)
    round.year = round.first_budget_year = first_budget_year
    round.save()
    round.frames.all().delete()
    for scheme in Scheme.objects.all():
        for year in round.budget_years:
            Frame.objects.create(round=round, scheme=scheme, budget_year=year, amount=Decimal(10_000_000))
    return round


@pytest.fixture
def granted(world):
    """Fredrikstad's measure granted in 2027 for 2027 and 2028 (letter sent), and the open round of 2028."""
    original_round = open_round(world.office, name="Opprinnelig runde")
    decision = decided(world, 1, round=original_round)[0]
    contribute(decision.report)
    original_round.status = RoundStatus.DECISION
    original_round.save()
    return decision, round_from(world.office, 2028, "Runde 2028")


def pay(world, line: DecisionLine) -> None:
    """Put the line in a payout batch (through the app registry: decisions never imports payouts)."""
    batch = apps.get_model("payouts", "PayoutBatch").objects.create(
        office=world.office,
        budget_year=line.budget_year,
        recipient_kind="eier",
        number=1 + apps.get_model("payouts", "PayoutBatch").objects.count(),
        created_by=world.users["caseworker"],
    )
    apps.get_model("payouts", "Payout").objects.create(batch=batch, line=line, recipient=line.recipient, amount=1)


def decide_in(world, round, reports) -> Decision:
    """Recommend the reports in full in their round, prepare and decide them; return the first decision."""
    recommendation = recommend(world, round, {report: full(report) for report in reports})
    batch = services.decisions_prepare(by=world.users["caseworker"], recommendation=recommendation, token=uuid.uuid4())
    services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    return batch.decisions.order_by("number").first()


def test_a_change_request_is_a_draft_for_the_remaining_years(world, granted):
    decision, new_round = granted
    report = services.change_request_create(
        by=world.users["owner"], decision=decision, kind=ReportKind.CHANGE, round=new_round
    )
    original = decision.report
    assert report.status == Status.DRAFT and report.round == new_round
    assert report.kind == ReportKind.CHANGE and report.amends == original
    assert report.title == "Endring: Tiltak 1"
    assert report.years == 1 and report.budget_years == [2028]
    assert report.owner == original.owner and report.scheme == original.scheme and report.region == original.region
    assert list(report.partner_links.values_list("organisation", flat=True)) == [world.partner_org.pk]
    # It starts from what was decided for 2028, and the egenandel of that year.
    assert sorted(report.budget_lines.values_list("budget_year", "recipient", "amount")) == sorted(
        [(2028, world.owner_org.pk, 100_000), (2028, world.partner_org.pk, 50_000)]
    )
    assert list(report.contributions.values_list("budget_year", "amount")) == [(2028, 45_000)]
    event = Event.objects.get(verb="change_requested", target_id=decision.pk)
    assert event.changes == {"kind": "endring", "report": report.pk, "round": new_round.pk, "years": [2028]}


def test_a_supplement_starts_with_an_empty_budget(world, granted):
    decision, new_round = granted
    report = services.change_request_create(
        by=world.users["owner"], decision=decision, kind=ReportKind.SUPPLEMENT, round=new_round
    )
    assert report.kind == ReportKind.SUPPLEMENT and report.title == "Supplering: Tiltak 1"
    assert report.years == 1 and not report.budget_lines.exists()


@pytest.mark.parametrize("persona", ["co_owner", "partner", "caseworker", "office_admin", "outsider"])
def test_only_the_owners_submitters_ask_for_a_change(world, granted, persona):
    decision, new_round = granted
    with pytest.raises(PermissionDenied):
        services.change_request_create(
            by=world.users[persona], decision=decision, kind=ReportKind.CHANGE, round=new_round
        )
    assert not decision.report.amendments.exists()


def test_only_a_binding_grant_can_be_changed(world, granted):
    decision, new_round = granted
    owner = world.users["owner"]
    Decision.objects.filter(pk=decision.pk).update(status=DecisionStatus.DRAFT)
    decision.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.change_request_create(by=owner, decision=decision, kind=ReportKind.CHANGE, round=new_round)
    assert caught.value.messages == ["Vedtaket er ikke fattet ennå; det kan ikke endres eller suppleres."]
    Decision.objects.filter(pk=decision.pk).update(status=DecisionStatus.SENT, outcome=Outcome.REJECTED)
    decision.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.change_request_create(by=owner, decision=decision, kind=ReportKind.SUPPLEMENT, round=new_round)
    assert caught.value.messages == ["Et avslag kan ikke endres eller suppleres. Send en ny behovsmelding i stedet."]
    assert not decision.report.amendments.exists()


def test_the_round_must_be_open_at_the_same_office_with_years_left(world, granted):
    decision, new_round = granted
    owner = world.users["owner"]
    new_round.status = RoundStatus.CLOSED
    new_round.save()
    with pytest.raises(ValidationError) as caught:
        services.change_request_create(by=owner, decision=decision, kind=ReportKind.CHANGE, round=new_round)
    assert caught.value.message_dict == {"round": ["Velg en åpen runde hos Statsforvalteren som fattet vedtaket."]}
    elsewhere = round_from(Office.objects.get(slug="vestland"), 2028, "Vestland 2028")
    with pytest.raises(ValidationError):
        services.change_request_create(by=owner, decision=decision, kind=ReportKind.CHANGE, round=elsewhere)
    # In a round from 2029 the measure (2027–2028) has no year left to change.
    later = round_from(world.office, 2029, "Runde 2029")
    with pytest.raises(ValidationError) as caught:
        services.change_request_create(by=owner, decision=decision, kind=ReportKind.CHANGE, round=later)
    assert "ingen senere år som ikke er utbetalt" in caught.value.message_dict["round"][0]
    assert not decision.report.amendments.exists()


def test_a_paid_year_cannot_be_changed_but_can_be_supplemented(world, granted):
    decision, new_round = granted
    pay(world, decision.lines.get(budget_year=2028, recipient=world.owner_org))
    with pytest.raises(ValidationError) as caught:
        services.change_request_create(
            by=world.users["owner"], decision=decision, kind=ReportKind.CHANGE, round=new_round
        )
    assert "ingen senere år som ikke er utbetalt" in caught.value.message_dict["round"][0]
    report = services.change_request_create(
        by=world.users["owner"], decision=decision, kind=ReportKind.SUPPLEMENT, round=new_round
    )
    assert report.kind == ReportKind.SUPPLEMENT


def test_one_pending_change_request_at_a_time(world, granted):
    decision, new_round = granted
    first = services.change_request_create(
        by=world.users["owner"], decision=decision, kind=ReportKind.CHANGE, round=new_round
    )
    with pytest.raises(ValidationError) as caught:
        services.change_request_create(
            by=world.users["owner"], decision=decision, kind=ReportKind.SUPPLEMENT, round=new_round
        )
    assert caught.value.messages == [
        f"Det finnes allerede en endringssøknad for tiltaket som ikke har fått vedtak: {first.reference}."
    ]


def _checked_change(world, decision, new_round, *, owner_amount: int = 60_000):
    """The change request as the owner would send it (less for Fredrikstad in 2028), formally checked."""
    report = services.change_request_create(
        by=world.users["owner"], decision=decision, kind=ReportKind.CHANGE, round=new_round
    )
    BudgetLine.objects.filter(report=report, recipient=world.owner_org).update(amount=owner_amount)
    report.status = Status.CHECKED
    report.save()
    return report


def test_deciding_a_change_supersedes_the_original_amounts_for_its_years(world, granted):
    decision, new_round = granted
    change = _checked_change(world, decision, new_round)
    new = decide_in(world, new_round, [change])
    assert new.report == change and new.status == DecisionStatus.DECIDED
    old = {(line.recipient_id, line.budget_year): line for line in decision.lines.all()}
    replacing = {(line.recipient_id, line.budget_year): line for line in new.lines.all()}
    assert old[(world.owner_org.pk, 2028)].superseded_by == replacing[(world.owner_org.pk, 2028)]
    assert old[(world.partner_org.pk, 2028)].superseded_by == replacing[(world.partner_org.pk, 2028)]
    assert old[(world.owner_org.pk, 2027)].superseded_by is None
    # What binds 2028 is now the change (60 000 + 50 000): the original round binds nothing more that year.
    dekomp = Scheme.objects.get(code="dekomp")
    assert committed_by_other_rounds(round=new_round, scheme=dekomp)[2028] == 0
    assert committed_by_other_rounds(round=decision.report.round, scheme=dekomp)[2028] == 110_000


def test_a_supplement_adds_without_superseding(world, granted):
    decision, new_round = granted
    supplement = services.change_request_create(
        by=world.users["owner"], decision=decision, kind=ReportKind.SUPPLEMENT, round=new_round
    )
    BudgetLine.objects.create(report=supplement, budget_year=2028, recipient=world.owner_org, amount=20_000)
    contribute(supplement)
    supplement.status = Status.CHECKED
    supplement.save()
    decide_in(world, new_round, [supplement])
    assert not DecisionLine.objects.filter(decision=decision, superseded_by__isnull=False).exists()
    dekomp = Scheme.objects.get(code="dekomp")
    assert committed_by_other_rounds(round=new_round, scheme=dekomp)[2028] == 150_000
    assert committed_by_other_rounds(round=decision.report.round, scheme=dekomp)[2028] == 20_000


def test_a_line_paid_in_the_meantime_is_not_superseded(world, granted):
    decision, new_round = granted
    change = _checked_change(world, decision, new_round)
    pay(world, decision.lines.get(budget_year=2028, recipient=world.partner_org))
    recommendation = recommend(world, new_round, {change: full(change)})
    batch = services.decisions_prepare(by=world.users["caseworker"], recommendation=recommendation, token=uuid.uuid4())
    with pytest.raises(ValidationError) as caught:
        services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    assert caught.value.messages == [
        f"{batch.decisions.get().reference}: beløpet til OsloMet for 2028 i {decision.reference} er allerede tatt med "
        "i en utbetaling og kan ikke erstattes av en endring."
    ]
    assert batch.decisions.get().status == DecisionStatus.DRAFT
    assert not DecisionLine.objects.filter(superseded_by__isnull=False).exists()
