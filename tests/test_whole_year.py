"""A whole year on the demo round, through the pages each person uses: decisions from the recommendation, letters,
acceptance, a payout batch whose export adds up to the decisions, reports, approval and one claim back.

The demo takes last year's round as far as the forum's approved recommendation (``demo --until innstilling``); every
step after that is a request to the views, as the caseworker, the owners and the partners make it.
"""

import csv
import io
import re
import uuid
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dekomp.accounts.models import OrganisationMembership, OrganisationRole, User
from dekomp.allocation.models import RecommendationStatus
from dekomp.decisions.models import Decision, DecisionLine, DecisionStatus, Outcome
from dekomp.home.demo.year import bank_account_for
from dekomp.organisations.models import Organisation
from dekomp.payouts.ledger import ledger
from dekomp.payouts.models import BatchStatus, PayoutBatch, RecipientKind
from dekomp.payouts.services import export_headers
from dekomp.reporting.models import RecipientReport, ReportStatus, SettlementKind
from dekomp.schemes.models import Round

ROUND = "Tilskuddsrunde 2026"


@pytest.fixture
def demo_round(settings, tmp_path, django_db_setup, django_db_blocker):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", until="innstilling", verbosity=0)
    return Round.objects.get(name=ROUND)


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _submitter(organisation) -> User:
    return (
        OrganisationMembership.objects.filter(organisation=organisation, role=OrganisationRole.SUBMITTER)
        .select_related("user")
        .order_by("pk")
        .first()
        .user
    )


def _ok(response, to: str = "") -> None:
    """A redirect (to ``to`` when given) after a successful POST, with no error message on the way."""
    assert response.status_code == 302, response.content.decode()[:3000]
    if to:
        assert response["Location"] == to


@pytest.mark.django_db
def test_a_whole_year_on_the_demo_round(demo_round, mailoutbox, django_capture_on_commit_callbacks):
    round = demo_round
    office = round.office
    caseworker = User.objects.get(email="saksbehandler@demo.no")
    office_client = _as(caseworker)
    recommendation = round.recommendations.get(status=RecommendationStatus.APPROVED)
    recommended = defaultdict(Decimal)
    for line in recommendation.lines.all():
        recommended[line.report_id] += line.amount

    # 1. Decisions from the recommendation: prepared in one batch, then made.
    workspace = reverse("decisions:round", args=[round.pk])
    page = office_client.get(workspace).content.decode()
    assert "Forbered vedtak" in page
    _ok(
        office_client.post(
            reverse("decisions:prepare", args=[round.pk]),
            {"recommendation": recommendation.pk, "token": uuid.uuid4()},
        )
    )
    decisions = list(Decision.objects.filter(report__round=round).select_related("report").prefetch_related("lines"))
    assert len(decisions) == round.needs_reports.filter(status="kontrollert").count() == 15
    for decision in decisions:
        assert sum(line.amount for line in decision.lines.all()) == recommended[decision.report_id]
    batch = decisions[0].batch
    with django_capture_on_commit_callbacks(execute=True):
        _ok(office_client.post(reverse("decisions:decide", args=[batch.pk]), {"token": uuid.uuid4()}))
    assert set(Decision.objects.filter(batch=batch).values_list("status", flat=True)) == {DecisionStatus.DECIDED}
    # Deciding expects a report from every recipient for every year with money.
    lines = DecisionLine.objects.filter(decision__batch=batch, amount__gt=0)
    assert RecipientReport.objects.filter(line__in=lines).count() == lines.count()

    # 2. Letters, sent by e-mail through the task queue, in each owner's målform.
    with django_capture_on_commit_callbacks(execute=True):
        _ok(office_client.post(reverse("decisions:letters_send", args=[round.pk]), {"token": uuid.uuid4()}))
    sent = Decision.objects.filter(batch=batch).select_related("report__owner")
    assert all(d.status == DecisionStatus.SENT and d.letter for d in sent)
    assert all(d.letter_language == d.report.owner.malform for d in sent)
    letter_mails = [m for m in mailoutbox if m.attachments]
    assert len(letter_mails) == len(decisions)
    assert all(m.attachments[0][2] == "application/pdf" for m in letter_mails)

    # 3. Every owner accepts the terms on its own home's link; accepting twice is refused.
    granted = [d for d in sent if d.outcome != Outcome.REJECTED]
    assert granted
    for decision in granted:
        owner_client = _as(_submitter(decision.report.owner))
        home = owner_client.get(reverse("home:owner", args=[decision.report.owner_id])).content.decode()
        assert reverse("decisions:accept", args=[decision.pk]) in home
        _ok(owner_client.post(reverse("decisions:accept", args=[decision.pk]), {"confirm": "on"}))
    again = _as(_submitter(granted[0].report.owner)).post(
        reverse("decisions:accept", args=[granted[0].pk]), {"confirm": "on"}, follow=True
    )
    assert "allerede akseptert" in again.content.decode()
    assert Decision.objects.filter(batch=batch, status=DecisionStatus.ACCEPTED).count() == len(granted)

    # 4. The first budget year paid: owners and partners in separate batches; the exports add up to the decisions.
    year = round.first_budget_year
    for organisation_id in lines.values_list("recipient", flat=True).distinct():
        organisation = Organisation.objects.get(pk=organisation_id)
        account = bank_account_for(organisation)
        _ok(
            _as(_submitter(organisation)).post(
                reverse("payouts:bank_account", args=[organisation.pk]),
                {"bank_account": f"{account[:4]} {account[4:6]} {account[6:]}"},
            )
        )
    exported_total = Decimal(0)
    for kind in (RecipientKind.OWNER, RecipientKind.PARTNER):
        _ok(
            office_client.post(
                reverse("payouts:create", args=[office.slug]),
                {"budget_year": year, "recipient_kind": kind, "token": uuid.uuid4()},
            )
        )
        payout_batch = PayoutBatch.objects.filter(office=office, recipient_kind=kind).latest("pk")
        expected = {
            (line.recipient.orgnr, line.decision.reference): line.amount
            for line in lines.filter(budget_year=year).select_related("recipient", "decision__report__round")
            if (line.recipient_id == line.decision.report.owner_id) == (kind == RecipientKind.OWNER)
        }
        _ok(office_client.post(reverse("payouts:export_confirm", args=[payout_batch.pk])))
        csv_rows = list(
            csv.reader(
                io.StringIO(
                    office_client.get(reverse("payouts:export", args=[payout_batch.pk, "csv"])).content.decode(
                        "utf-8-sig"
                    )
                ),
                delimiter=";",
            )
        )
        header, rows = csv_rows[0], csv_rows[1:]
        assert header == export_headers()
        orgnr_col, account_col, amount_col, reference_col = 0, 2, 3, 4
        exported = {(row[orgnr_col], row[reference_col]): Decimal(re.sub(r"\D", "", row[amount_col])) for row in rows}
        assert exported == expected
        assert all(re.fullmatch(r"\d{11}", row[account_col]) for row in rows)
        workbook = load_workbook(
            io.BytesIO(office_client.get(reverse("payouts:export", args=[payout_batch.pk, "xlsx"])).content)
        )
        sheet_rows = list(workbook.active.iter_rows(values_only=True))[1:]
        assert sum(Decimal(str(row[amount_col])) for row in sheet_rows if row[amount_col] is not None) == sum(
            expected.values()
        )
        exported_total += sum(expected.values())
        payout_batch.refresh_from_db()
        _ok(office_client.post(reverse("payouts:mark_paid", args=[payout_batch.pk]), {"version": payout_batch.version}))
        payout_batch.refresh_from_db()
        assert payout_batch.status == BatchStatus.PAID
    assert exported_total == sum(line.amount for line in lines.filter(budget_year=year))
    for row in ledger(office):
        assert row.frame == row.committed + row.free and row.paid <= row.committed
    assert sum(row.paid for row in ledger(office) if row.budget_year == year) == exported_total

    # 5. Reports for the first year: one recipient used it all, another left money unused.
    first_year = list(
        RecipientReport.objects.filter(line__in=lines.filter(budget_year=year))
        .select_related("line__decision__report__scheme", "recipient")
        .order_by("line__decision__number", "pk")
    )
    owner_reports = [r for r in first_year if r.recipient_id == r.line.decision.report.owner_id][:2]
    for report, share in zip(owner_reports, (Decimal(1), Decimal("0.8")), strict=True):
        used = (report.line.amount * share).quantize(Decimal(1))
        needs_report = report.line.decision.report
        data = {
            "version": report.version,
            "activities": "Samlinger, veiledning og nettverksmøter.",
            "units_reached": [unit.pk for unit in needs_report.units.all()[:2]],
            "participants": 40,
            "goal_achievement": "Målene er i hovedsak nådd.",
            "used": str(used),
            "egenandel_documented": str((used * Decimal("0.4")).quantize(Decimal(1))),
            "handling": "send_inn",
        }
        with django_capture_on_commit_callbacks(execute=True):
            _ok(_as(_submitter(report.recipient)).post(reverse("reporting:edit", args=[report.pk]), data))
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED and report.used == used
    # Money used above what was granted is refused, and nothing is saved.
    third = next(r for r in first_year if r not in owner_reports)
    refused = _as(_submitter(third.recipient)).post(
        reverse("reporting:edit", args=[third.pk]),
        {"version": third.version, "used": str(third.line.amount + 1), "handling": "send_inn"},
    )
    assert refused.status_code == 200 and "kan ikke være høyere enn tildelt" in refused.content.decode()
    third.refresh_from_db()
    assert third.status == ReportStatus.EXPECTED and third.used is None

    # 6. The office approves the first and claims the unused money of the second back.
    full, partial = owner_reports
    _ok(office_client.post(reverse("reporting:approve", args=[full.pk]), {"approve-comment": "Godkjent."}))
    unused = partial.line.amount - (partial.line.amount * Decimal("0.8")).quantize(Decimal(1))
    with django_capture_on_commit_callbacks(execute=True):
        _ok(
            office_client.post(
                reverse("reporting:settle", args=[partial.pk]),
                {
                    "settle-kind": SettlementKind.CLAIM_BACK,
                    "settle-amount": str(unused),
                    "settle-reason": "Midlene ble ikke brukt i budsjettåret.",
                },
            )
        )
    full.refresh_from_db()
    partial.refresh_from_db()
    assert full.status == ReportStatus.APPROVED
    assert partial.status == ReportStatus.APPROVED
    assert partial.settlement.kind == SettlementKind.CLAIM_BACK and partial.settlement.amount == unused
    notices = [m for m in mailoutbox if partial.settlement.reference in m.subject + m.body]
    assert notices and _submitter(partial.recipient).email in {address for m in notices for address in m.to}
