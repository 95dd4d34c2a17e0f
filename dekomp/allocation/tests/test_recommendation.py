"""From rankings to an approved recommendation: solver run, justified overrides, meeting, votes and approval."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dekomp.accounts.models import BodyRole, ForumMembership
from dekomp.allocation import services
from dekomp.allocation.models import AllocationRun, RecommendationStatus
from dekomp.assessment.services import ranking_sync
from dekomp.assessment.tests.factories import checked_reports
from dekomp.schemes.models import Scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(world):
    round, reports = checked_reports(world, count=4)
    ranking_sync(round=round, working_group=world.working_group)
    scheme = Scheme.objects.get(code="dekomp")
    round.frames.filter(scheme=scheme).update(amount=Decimal(1_000_000))
    services.envelopes_set(
        by=world.users["caseworker"], round=round, scheme=scheme, kind="like", method="largest_remainder"
    )
    run = services.allocation_propose(by=world.users["caseworker"], round=round, scheme=scheme, mode="rank_order")
    ForumMembership.objects.create(
        user=world.users["recused_member"], forum=world.forum, role=BodyRole.MEMBER, representing=world.owner_org
    )
    return round, reports, run


def test_proposal_fills_the_draft_recommendation_within_the_envelope(world, proposal):
    round, reports, run = proposal
    assert AllocationRun.objects.get() == run and run.solver_version == run.result["version"]
    recommendation = services.draft_recommendation(round=round)
    totals = services.recommendation_totals(recommendation)
    assert all(total <= Decimal(1_000_000) for total in totals.values())
    # Requests are 150k, 250k, 350k, 450k a year: in rank order, the first three fit 1 000 000 (750 000).
    granted = {line.report_id for line in recommendation.lines.all() if line.amount > 0}
    assert granted == {reports[0].pk, reports[1].pk, reports[2].pk}


def test_override_needs_a_justification_and_stays_within_the_request(world, proposal):
    round, reports, _run = proposal
    recommendation = services.draft_recommendation(round=round)
    member = world.users["forum_member"]
    with pytest.raises(ValidationError) as caught:
        services.recommendation_line_set(
            by=member,
            recommendation=recommendation,
            report=reports[0],
            amounts={2027: Decimal(100_000)},
            justification="",
            expected_version=recommendation.version,
        )
    assert caught.value.message_dict["justification"] == ["Skriv hvorfor forumet endrer beløpet fra forslaget."]
    with pytest.raises(ValidationError) as caught:
        services.recommendation_line_set(
            by=member,
            recommendation=recommendation,
            report=reports[0],
            amounts={2027: Decimal(999_999)},
            justification="x",
            expected_version=recommendation.version,
        )
    assert "høyere enn det som er søkt om" in caught.value.message_dict["amount_2027"][0]
    line = recommendation.lines.get(report=reports[0], budget_year=2027)
    assert line.amount == line.proposed
    updated = services.recommendation_line_set(
        by=member,
        recommendation=recommendation,
        report=reports[0],
        amounts={2027: Decimal(100_000)},
        justification="Tiltaket kan starte mindre",
        expected_version=recommendation.version,
    )
    line.refresh_from_db()
    assert (line.amount, line.justification) == (Decimal(100_000), "Tiltaket kan starte mindre")
    assert updated.version == recommendation.version + 1


def test_secretariat_and_recused_members_cannot_vote(world, proposal):
    round, reports, _run = proposal
    meeting = services.meeting_record(
        by=world.users["secretariat"],
        forum=world.forum,
        round=round,
        held_at=timezone.now() - timedelta(hours=1),
        present=[world.users["forum_member"], world.users["secretariat"], world.users["recused_member"]],
        is_consensus=False,
        minutes="Forumet gikk gjennom forslaget.",
    )
    with pytest.raises(PermissionDenied, match="stemmer ikke"):
        services.vote_cast(by=world.users["secretariat"], meeting=meeting, choice="for")
    with pytest.raises(PermissionDenied, match="inhabil"):
        services.vote_cast(by=world.users["recused_member"], meeting=meeting, choice="for", report=reports[0])
    assert not meeting.votes.exists()
    recommendation = services.draft_recommendation(round=round)
    with pytest.raises(ValidationError, match="ikke flertall"):
        services.recommendation_approve(by=world.users["secretariat"], recommendation=recommendation, meeting=meeting)
    services.vote_cast(by=world.users["forum_member"], meeting=meeting, choice="for")
    approved = services.recommendation_approve(
        by=world.users["secretariat"], recommendation=recommendation, meeting=meeting
    )
    assert approved.status == RecommendationStatus.APPROVED
    # A change after approval needs a new version, opened by the secretariat, with the same lines.
    with pytest.raises(PermissionDenied):
        services.recommendation_new_version(by=world.users["forum_member"], recommendation=approved)
    nxt = services.recommendation_new_version(by=world.users["secretariat"], recommendation=approved)
    assert nxt.number == 2 and nxt.status == RecommendationStatus.DRAFT
    assert nxt.lines.count() == approved.lines.count()
    with pytest.raises(ValidationError, match="nyere versjon"):
        services.recommendation_new_version(by=world.users["secretariat"], recommendation=approved)
    with pytest.raises(ValidationError, match="ikke vedtatt"):
        services.recommendation_new_version(by=world.users["secretariat"], recommendation=nxt)


def test_approval_refused_above_the_frame(world, proposal):
    round, reports, _run = proposal
    recommendation = services.draft_recommendation(round=round)
    recommendation.lines.filter(report=reports[3]).update(amount=Decimal(450_000), justification="Viktig")
    meeting = services.meeting_record(
        by=world.users["secretariat"],
        forum=world.forum,
        round=round,
        held_at=timezone.now(),
        present=[world.users["forum_member"]],
        is_consensus=True,
        minutes="",
    )
    with pytest.raises(ValidationError, match="over rammen"):
        services.recommendation_approve(by=world.users["secretariat"], recommendation=recommendation, meeting=meeting)
    assert services.draft_recommendation(round=round).status == RecommendationStatus.DRAFT
