"""Reads for decisions: the latest approved recommendation, the parties' decisions, the recommended totals."""

import uuid

import pytest

from dekomp.allocation.models import RecommendationStatus
from dekomp.assessment.tests.factories import checked_reports
from dekomp.decisions import selectors, services
from dekomp.decisions.models import DecisionStatus
from dekomp.decisions.tests.factories import decided
from dekomp.decisions.tests.test_deciding import full, prepared, recommend
from dekomp.needs.models import CoOwner
from dekomp.needs.tests.factories import open_round
from dekomp.schemes.models import Scheme

pytestmark = pytest.mark.django_db


def test_latest_approved_recommendation_skips_drafts_and_older_versions(world):
    round, reports = checked_reports(world, 1, open_round(world.office, name="Vedtaksrunde"))
    assert selectors.latest_approved_recommendation(round) is None
    recommend(world, round, {reports[0]: full(reports[0])}, number=1)
    second = recommend(world, round, {reports[0]: full(reports[0])}, number=2)
    recommend(world, round, {reports[0]: full(reports[0])}, number=3, status=RecommendationStatus.DRAFT)
    assert selectors.latest_approved_recommendation(round) == second
    assert selectors.round_workspace(round).has_newer_draft


def test_decisions_for_an_organisation_are_the_made_ones_where_it_is_named(world):
    sent = decided(world, 2, round=open_round(world.office, name="Sendt-runde"))  # Fredrikstad's, then Sarpsborg's
    _round, _reports, batch = prepared(world, 1)  # a draft of Fredrikstad's: not shown to anyone outside the office
    CoOwner.objects.create(report=sent[1].report, organisation=world.owner_org)
    assert set(selectors.decisions_for_organisation(world.owner_org)) == {sent[0], sent[1]}
    assert list(selectors.decisions_for_organisation(world.co_owner_org)) == [sent[1]]
    assert set(selectors.decisions_for_organisation(world.partner_org)) == {sent[0], sent[1]}
    assert not selectors.decisions_for_organisation(world.other_owner_org).exists()
    services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    assert len(selectors.decisions_for_organisation(world.owner_org)) == 3


def test_the_workspace_totals_and_egenandel_flags(world):
    round, reports, batch = prepared(world, 2)
    reports[1].contributions.all().delete()
    ws = selectors.round_workspace(round)
    dekomp = Scheme.objects.get(code="dekomp")
    assert selectors.recommended_totals(ws.recommendation) == {(dekomp.pk, 2027): 400_000, (dekomp.pk, 2028): 400_000}
    assert [block.scheme.code for block in ws.totals] == ["dekomp"]  # the others have frames but no money asked
    block = ws.totals[0]
    assert [(row.year, row.recommended, row.drafted, row.decided) for row in block.rows] == [
        (2027, 400_000, 400_000, 0),
        (2028, 400_000, 400_000, 0),
        (2029, 0, 0, 0),
    ]
    rows = {row.decision.report_id: row for row in ws.batches[0].rows}
    assert rows[reports[0].pk].egenandel_problems == []
    assert len(rows[reports[1].pk].egenandel_problems) == 2
    services.decision_set(
        by=world.users["caseworker"],
        decision=batch.decisions.get(report=reports[1]),
        version=1,
        outcome="avslatt",
        amounts={},
        considerations="",
        deviation_reason="Mangler egenandel.",
    )
    services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    block = selectors.round_workspace(round).totals[0]
    assert [(row.year, row.decided, row.drafted) for row in block.rows[:2]] == [(2027, 150_000, 0), (2028, 150_000, 0)]
    assert set(batch.decisions.values_list("status", flat=True)) == {DecisionStatus.DECIDED}
