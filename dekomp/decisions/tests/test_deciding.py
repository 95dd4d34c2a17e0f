"""Preparing decisions from the approved recommendation, setting one, and deciding a batch all or nothing."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dekomp.activity.models import Event
from dekomp.allocation.models import Recommendation, RecommendationLine, RecommendationStatus
from dekomp.assessment.tests.factories import checked_reports
from dekomp.decisions import services
from dekomp.decisions.models import Decision, DecisionBatch, DecisionLine, DecisionStatus, Outcome
from dekomp.decisions.tests.factories import decided
from dekomp.needs.models import BudgetLine, NeedsReport, OwnContribution, ReportPartner, Status
from dekomp.needs.tests.factories import open_round
from dekomp.schemes.models import Frame, Scheme

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------------------------ helpers


def recommend(world, round, amounts: dict, *, number: int = 1, status=RecommendationStatus.APPROVED):
    """A recommendation of the given version with ``{report: {year: amount}}``."""
    recommendation = Recommendation.objects.create(
        round=round,
        forum=world.forum,
        number=number,
        status=status,
        approved_at=timezone.now() if status == RecommendationStatus.APPROVED else None,
        approved_by=world.users["secretariat"] if status == RecommendationStatus.APPROVED else None,
    )
    for report, years in amounts.items():
        for year, amount in years.items():
            RecommendationLine.objects.create(
                recommendation=recommendation,
                report=report,
                budget_year=year,
                proposed=Decimal(amount),
                amount=Decimal(amount),
            )
    return recommendation


def requested(report) -> dict[int, Decimal]:
    """Budget year → the report's requested total."""
    totals: dict[int, Decimal] = {}
    for line in report.budget_lines.all():
        totals[line.budget_year] = totals.get(line.budget_year, Decimal(0)) + line.amount
    return totals


def contribute(report, share: str = "0.3") -> None:
    """The owner's egenandel: ``share`` of the requested amount in every year."""
    for year, total in requested(report).items():
        OwnContribution.objects.update_or_create(
            report=report, budget_year=year, defaults={"amount": (Decimal(share) * total).quantize(Decimal(1))}
        )


def full(report) -> dict[int, Decimal]:
    return requested(report)


def prepared(world, count: int = 3, *, name: str = "Vedtaksrunde"):
    """A round with ``count`` checked reports, all recommended in full, with egenandel, and a prepared batch."""
    round, reports = checked_reports(world, count, open_round(world.office, name=name))
    for report in reports:
        contribute(report)
    recommendation = recommend(world, round, {report: full(report) for report in reports})
    batch = services.decisions_prepare(by=world.users["caseworker"], recommendation=recommendation, token=uuid.uuid4())
    return round, reports, batch


def amounts_of(decision) -> dict[tuple[int, int], Decimal]:
    return {(line.recipient_id, line.budget_year): line.amount for line in decision.lines.all()}


def set_decision(world, decision, *, outcome="", amounts=None, reason="", considerations="", by=None):
    decision.refresh_from_db()
    return services.decision_set(
        by=by or world.users["caseworker"],
        decision=decision,
        version=decision.version,
        outcome=outcome,
        amounts=amounts if amounts is not None else amounts_of(decision),
        considerations=considerations,
        deviation_reason=reason,
    )


# ------------------------------------------------------------------------------------------------------ prepare


def test_prepare_splits_the_recommendation_between_recipients_and_sets_the_outcome(world):
    round, reports = checked_reports(world, 4, open_round(world.office, name="Vedtaksrunde"))
    extra = NeedsReport.objects.create(
        round=round,
        scheme=reports[0].scheme,
        owner=world.owner_org,
        number=99,
        title="Trukket",
        region=world.region,
        status=Status.WITHDRAWN,
        years=1,
        created_by=world.users["owner"],
    )
    recommendation = recommend(
        world,
        round,
        {
            # Fredrikstad asks 100 000 and OsloMet 50 000 a year: 100 001 is split 2 : 1, to the krone.
            reports[0]: {2027: 100_001, 2028: 150_000},
            reports[1]: full(reports[1]),
            reports[2]: {2027: 0, 2028: 0},
            # reports[3] is checked but not in the recommendation at all.
        },
    )
    batch = services.decisions_prepare(by=world.users["caseworker"], recommendation=recommendation, token=uuid.uuid4())
    decisions = list(batch.decisions.order_by("number"))
    assert [d.report for d in decisions] == reports  # extra (withdrawn) gets none; numbered by report number
    assert [d.number for d in decisions] == [1, 2, 3, 4]
    assert [d.outcome for d in decisions] == [Outcome.PARTLY, Outcome.GRANTED, Outcome.REJECTED, Outcome.REJECTED]
    assert all(d.status == DecisionStatus.DRAFT for d in decisions)
    first = {(line.recipient_id, line.budget_year): line for line in decisions[0].lines.all()}
    owner, partner = world.owner_org.pk, world.partner_org.pk
    assert (first[(owner, 2027)].recommended, first[(partner, 2027)].recommended) == (66_667, 33_334)
    assert first[(owner, 2027)].amount == 66_667 and first[(owner, 2027)].requested == 100_000
    assert first[(partner, 2028)].recommended == 50_000
    rejected = list(decisions[3].lines.all())
    assert len(rejected) == 4 and all(line.amount == 0 and line.recommended == 0 for line in rejected)
    assert sum(line.requested for line in rejected) == 2 * (400_000 + 50_000)
    assert not Decision.objects.filter(report=extra).exists()
    assert Event.objects.filter(verb="decisions_prepared", target_id=batch.pk).exists()


def test_prepare_needs_an_approved_recommendation(world):
    round, reports = checked_reports(world, 2, open_round(world.office, name="Vedtaksrunde"))
    draft = recommend(world, round, {r: full(r) for r in reports}, status=RecommendationStatus.DRAFT)
    with pytest.raises(ValidationError) as caught:
        services.decisions_prepare(by=world.users["caseworker"], recommendation=draft, token=uuid.uuid4())
    assert "ikke vedtatt av samarbeidsforumet" in caught.value.messages[0]
    assert not DecisionBatch.objects.exists() and not Decision.objects.exists()


def test_prepare_refuses_an_older_approved_version(world):
    round, reports = checked_reports(world, 2, open_round(world.office, name="Vedtaksrunde"))
    old = recommend(world, round, {r: full(r) for r in reports}, number=1)
    recommend(world, round, {r: full(r) for r in reports}, number=2)
    with pytest.raises(ValidationError) as caught:
        services.decisions_prepare(by=world.users["caseworker"], recommendation=old, token=uuid.uuid4())
    assert "nyere vedtatt innstilling (versjon 2)" in caught.value.messages[0]
    assert not Decision.objects.exists()


@pytest.mark.parametrize("persona", ["owner", "forum_member", "other_caseworker", "national_reader"])
def test_only_the_offices_staff_prepare(world, persona):
    round, reports = checked_reports(world, 2, open_round(world.office, name="Vedtaksrunde"))
    recommendation = recommend(world, round, {r: full(r) for r in reports})
    with pytest.raises(PermissionDenied):
        services.decisions_prepare(by=world.users[persona], recommendation=recommendation, token=uuid.uuid4())
    assert not DecisionBatch.objects.exists()


def test_prepare_is_idempotent_by_its_token(world):
    round, reports = checked_reports(world, 2, open_round(world.office, name="Vedtaksrunde"))
    recommendation = recommend(world, round, {r: full(r) for r in reports})
    token = uuid.uuid4()
    first = services.decisions_prepare(by=world.users["caseworker"], recommendation=recommendation, token=token)
    again = services.decisions_prepare(by=world.users["secretariat"], recommendation=recommendation, token=token)
    assert again == first
    assert Decision.objects.count() == 2 and DecisionLine.objects.count() == 8
    with pytest.raises(ValidationError) as caught:
        services.decisions_prepare(by=world.users["caseworker"], recommendation=recommendation, token=uuid.uuid4())
    assert caught.value.messages == ["Alle kontrollerte behovsmeldinger i runden har allerede vedtak."]
    assert DecisionBatch.objects.count() == 1


def test_a_new_version_only_adds_the_reports_without_a_decision(world):
    round, reports = checked_reports(world, 2, open_round(world.office, name="Vedtaksrunde"))
    first = services.decisions_prepare(
        by=world.users["caseworker"],
        recommendation=recommend(world, round, {r: full(r) for r in reports}),
        token=uuid.uuid4(),
    )
    late = NeedsReport.objects.create(
        round=round,
        scheme=reports[0].scheme,
        owner=world.owner_org,
        number=150,
        title="Sent kontrollert",
        region=world.region,
        status=Status.CHECKED,
        years=1,
        created_by=world.users["owner"],
    )
    BudgetLine.objects.create(report=late, budget_year=2027, recipient=world.owner_org, amount=Decimal(80_000))
    second = services.decisions_prepare(
        by=world.users["caseworker"],
        recommendation=recommend(world, round, {r: full(r) for r in [*reports, late]}, number=2),
        token=uuid.uuid4(),
    )
    assert second != first
    assert list(second.decisions.values_list("report_id", "number")) == [(late.pk, 1)]
    assert Decision.objects.count() == 3


# ---------------------------------------------------------------------------------------------------------- set


def test_an_amount_above_the_recommendation_needs_a_reason(world):
    round, reports = checked_reports(world, 1, open_round(world.office, name="Vedtaksrunde"))
    recommendation = recommend(world, round, {reports[0]: {2027: 75_000, 2028: 150_000}})
    batch = services.decisions_prepare(by=world.users["caseworker"], recommendation=recommendation, token=uuid.uuid4())
    decision = batch.decisions.get()
    key = (world.owner_org.pk, 2027)
    assert amounts_of(decision)[key] == 50_000  # 75 000 split 2 : 1
    above = amounts_of(decision) | {key: Decimal(100_000)}
    with pytest.raises(ValidationError) as caught:
        set_decision(world, decision, amounts=above)
    field = services.amount_field(*key)
    assert caught.value.message_dict[field] == [
        "Beløpet er høyere enn innstilt (50\u00a0000\u00a0kr). Skriv hvorfor vedtaket avviker fra innstillingen."
    ]
    decision.refresh_from_db()
    assert amounts_of(decision)[key] == 50_000 and decision.version == 1
    updated = set_decision(world, decision, amounts=above, reason="Kommunen har vist at de trenger hele beløpet.")
    assert amounts_of(updated)[key] == 100_000
    assert updated.outcome == Outcome.PARTLY and updated.version == 2
    assert updated.deviation_reason == "Kommunen har vist at de trenger hele beløpet."
    event = Event.objects.get(verb="decision_changed", target_id=decision.pk)
    assert event.changes[f"2027:{world.owner_org.pk}"] == ["50000", "100000"]
    assert event.comment == "Kommunen har vist at de trenger hele beløpet."


def test_any_deviation_needs_a_reason_and_nothing_above_the_request(world):
    _round, _reports, batch = prepared(world, 1)
    decision = batch.decisions.get()
    key = (world.partner_org.pk, 2028)
    with pytest.raises(ValidationError) as caught:
        set_decision(world, decision, amounts=amounts_of(decision) | {key: Decimal(10_000)}, outcome=Outcome.PARTLY)
    assert caught.value.message_dict == {
        "deviation_reason": ["Vedtaket avviker fra innstillingen. Skriv hvorfor (det står i vedtaksbrevet)."]
    }
    with pytest.raises(ValidationError) as caught:
        set_decision(world, decision, amounts=amounts_of(decision) | {key: Decimal(50_001)}, reason="Mer")
    assert "søkte om 50\u00a0000\u00a0kr for 2028" in caught.value.message_dict[services.amount_field(*key)][0]
    decision.refresh_from_db()
    assert amounts_of(decision)[key] == 50_000 and decision.deviation_reason == ""


def test_the_outcome_must_match_the_amounts_and_rejecting_zeroes_them(world):
    _round, _reports, batch = prepared(world, 1)
    decision = batch.decisions.get()
    lowered = amounts_of(decision) | {(world.owner_org.pk, 2027): Decimal(60_000)}
    with pytest.raises(ValidationError) as caught:
        set_decision(world, decision, outcome=Outcome.GRANTED, amounts=lowered, reason="Lavere kostnader")
    assert caught.value.message_dict["outcome"][0].startswith("Innvilget betyr at alle får det de søkte om.")
    with pytest.raises(ValidationError) as caught:
        set_decision(world, decision, outcome=Outcome.PARTLY)
    assert caught.value.message_dict["outcome"] == ["Alle får det de søkte om. Velg innvilget."]
    rejected = set_decision(world, decision, outcome=Outcome.REJECTED, reason="Tiltaket er ikke kollektivt.")
    assert rejected.outcome == Outcome.REJECTED
    assert set(amounts_of(rejected).values()) == {Decimal(0)}


def test_a_stale_version_is_refused(world):
    _round, _reports, batch = prepared(world, 1)
    decision = batch.decisions.get()
    with pytest.raises(ValidationError) as caught:
        services.decision_set(
            by=world.users["caseworker"],
            decision=decision,
            version=decision.version - 1,
            outcome="",
            amounts={},
            considerations="Noe",
            deviation_reason="",
        )
    assert caught.value.messages[0].startswith("Vedtaket er endret av noen andre")
    decision.refresh_from_db()
    assert decision.considerations == ""


def test_only_staff_set_and_only_drafts_change(world):
    _round, _reports, batch = prepared(world, 1)
    decision = batch.decisions.get()
    with pytest.raises(PermissionDenied):
        set_decision(world, decision, considerations="Jeg bestemmer", by=world.users["owner"])
    services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    with pytest.raises(ValidationError) as caught:
        set_decision(world, decision, considerations="For sent")
    assert caught.value.messages == ["Vedtaket er allerede fattet og kan ikke endres."]


# ------------------------------------------------------------------------------------------------------- decide


def test_decide_makes_every_draft_in_the_batch(world):
    _round, _reports, batch = prepared(world, 3)
    caseworker = world.users["caseworker"]
    decisions = services.decisions_decide(by=caseworker, batch=batch, token=uuid.uuid4())
    assert len(decisions) == 3
    for decision in Decision.objects.all():
        assert decision.status == DecisionStatus.DECIDED
        assert decision.decided_by == caseworker and decision.decided_at is not None
    batch.refresh_from_db()
    assert batch.decided_by == caseworker and batch.decided_at is not None
    assert Event.objects.filter(verb="decision_decided").count() == 3


def test_decide_twice_with_the_same_token_changes_nothing(world):
    _round, _reports, batch = prepared(world, 2)
    token = uuid.uuid4()
    services.decisions_decide(by=world.users["caseworker"], batch=batch, token=token)
    events = Event.objects.count()
    again = services.decisions_decide(by=world.users["caseworker"], batch=batch, token=token)
    assert len(again) == 2 and Event.objects.count() == events
    with pytest.raises(ValidationError) as caught:
        services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    assert caught.value.messages == ["Vedtakene i denne bunken er allerede fattet."]


def test_a_non_caseworker_cannot_decide(world):
    _round, _reports, batch = prepared(world, 1)
    for persona in ("owner", "forum_member", "other_caseworker"):
        with pytest.raises(PermissionDenied):
            services.decisions_decide(by=world.users[persona], batch=batch, token=uuid.uuid4())
    assert batch.decisions.get().status == DecisionStatus.DRAFT


def test_one_failing_decision_stops_the_whole_batch(world):
    _round, reports, batch = prepared(world, 3)
    # Lowered behind the form's back, without a reason: the batch check still catches it.
    second = batch.decisions.get(report=reports[1])
    DecisionLine.objects.filter(decision=second, budget_year=2027, recipient=reports[1].owner).update(amount=1000)
    Decision.objects.filter(pk=second.pk).update(outcome=Outcome.PARTLY)
    with pytest.raises(ValidationError) as caught:
        services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    assert caught.value.messages == [
        f"{second.reference} Tiltak 2: vedtaket avviker fra innstillingen, men mangler begrunnelse."
    ]
    assert set(Decision.objects.values_list("status", flat=True)) == {DecisionStatus.DRAFT}
    batch.refresh_from_db()
    assert batch.decided_at is None and batch.decide_token is None
    assert not Event.objects.filter(verb="decision_decided").exists()


def test_the_egenandel_is_checked_against_the_amount_granted(world):
    _round, reports, batch = prepared(world, 2)
    # Fredrikstad's egenandel for 2028 is 20 000: too little for a grant of 150 000 (30 % is 45 000).
    OwnContribution.objects.filter(report=reports[0], budget_year=2028).update(amount=20_000)
    with pytest.raises(ValidationError) as caught:
        services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    decision = batch.decisions.get(report=reports[0])
    assert caught.value.messages == [
        f"{decision.reference} Tiltak 1: DeKomp krever egenandel på minst 30 % av det som innvilges. For 2028 "
        "innvilges 150\u00a0000\u00a0kr, så egenandelen må være minst 45\u00a0000\u00a0kr, "
        "men den er 20\u00a0000\u00a0kr."
    ]
    assert [error.code for error in caught.value.error_list] == ["egenandel_too_low"]
    assert set(Decision.objects.values_list("status", flat=True)) == {DecisionStatus.DRAFT}
    # Granting less makes the same egenandel enough: 30 % of 60 000 is 18 000.
    amounts = amounts_of(decision) | {(world.owner_org.pk, 2028): Decimal(10_000)}
    set_decision(world, decision, amounts=amounts, outcome=Outcome.PARTLY, reason="Mindre egenandel år 2")
    services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    assert set(Decision.objects.values_list("status", flat=True)) == {DecisionStatus.DECIDED}


def test_no_egenandel_is_needed_where_the_scheme_has_none(world):
    round, reports = checked_reports(world, 1, open_round(world.office, name="Vedtaksrunde"))
    rekomp = Scheme.objects.get(code="rekomp")
    NeedsReport.objects.filter(pk=reports[0].pk).update(scheme=rekomp)
    recommendation = recommend(world, round, {reports[0]: full(reports[0])})
    batch = services.decisions_prepare(by=world.users["caseworker"], recommendation=recommendation, token=uuid.uuid4())
    services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    assert batch.decisions.get().status == DecisionStatus.DECIDED


def test_the_frame_holds_other_rounds_commitments_and_the_rounds_decisions(world):
    scheme = Scheme.objects.get(code="dekomp")
    # Another round of the office already binds 100 000 + 50 000 in 2027 (and in 2028) for DeKomp.
    decided(world, 1, round=open_round(world.office, name="Tidligere runde"))
    round, _reports, batch = prepared(world, 2)
    # This batch grants 150 000 + 250 000 in 2027; with the 150 000 bound, a frame of 500 000 is too small.
    Frame.objects.filter(round=round, scheme=scheme, budget_year=2027).update(amount=500_000)
    with pytest.raises(ValidationError) as caught:
        services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    assert caught.value.messages == [
        "DeKomp 2027: vedtakene binder 550\u00a0000\u00a0kr – 400\u00a0000\u00a0kr i disse vedtakene, "
        "0\u00a0kr i tidligere vedtak i runden og 150\u00a0000\u00a0kr fra andre runder. "
        "Rammen er 500\u00a0000\u00a0kr, altså 50\u00a0000\u00a0kr for mye."
    ]
    assert set(batch.decisions.values_list("status", flat=True)) == {DecisionStatus.DRAFT}
    Frame.objects.filter(round=round, scheme=scheme, budget_year=2027).update(amount=550_000)
    services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    assert set(batch.decisions.values_list("status", flat=True)) == {DecisionStatus.DECIDED}


def test_the_frame_counts_earlier_decisions_in_the_same_round(world):
    scheme = Scheme.objects.get(code="dekomp")
    round, reports, first = prepared(world, 1)
    services.decisions_decide(by=world.users["caseworker"], batch=first, token=uuid.uuid4())
    late = NeedsReport.objects.create(
        round=round,
        scheme=scheme,
        owner=world.co_owner_org,
        number=150,
        title="Sent kontrollert",
        region=world.region,
        status=Status.CHECKED,
        years=1,
        created_by=world.users["owner"],
    )
    ReportPartner.objects.create(report=late, organisation=world.partner_org, contact_name="P", contact_email="p@x.no")
    BudgetLine.objects.create(report=late, budget_year=2027, recipient=world.co_owner_org, amount=Decimal(100_000))
    contribute(late)
    second = services.decisions_prepare(
        by=world.users["caseworker"],
        recommendation=recommend(world, round, {r: full(r) for r in [*reports, late]}, number=2),
        token=uuid.uuid4(),
    )
    Frame.objects.filter(round=round, scheme=scheme, budget_year=2027).update(amount=200_000)
    with pytest.raises(ValidationError) as caught:
        services.decisions_decide(by=world.users["caseworker"], batch=second, token=uuid.uuid4())
    assert (
        "100\u00a0000\u00a0kr i disse vedtakene, 150\u00a0000\u00a0kr i tidligere vedtak i runden"
        in caught.value.messages[0]
    )
