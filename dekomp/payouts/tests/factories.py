"""Decided worlds, overdue reports and valid account numbers for the payouts tests."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.utils import timezone
from stdnum.no import kontonr

from dekomp.decisions.models import Decision, DecisionLine, DecisionStatus
from dekomp.decisions.tests.factories import decided
from dekomp.needs.tests.factories import open_round
from dekomp.payouts import services
from dekomp.payouts.models import RecipientKind


def bank_accounts(start: int = 1234_56_7890):
    """Yield valid 11-digit account numbers (mod-11) from a ten-digit base upwards."""
    base = start
    while True:
        for digit in "0123456789":
            candidate = f"{base:010d}{digit}"
            if kontonr.is_valid(candidate):
                yield candidate
                break
        base += 1


def give_accounts(*organisations) -> None:
    """A valid account number for each organisation."""
    numbers = bank_accounts()
    for organisation in organisations:
        organisation.bank_account = next(numbers)
        organisation.save(update_fields=["bank_account"])


def accepted_world(world, count: int = 2, *, name: str = "Utbetalingsrunde", accounts: bool = True) -> list[Decision]:
    """``count`` accepted DeKomp decisions in a 2027 round (owner Fredrikstad or Sarpsborg, partner OsloMet)."""
    round = open_round(world.office, name=name)
    decisions = decided(world, count, round=round, status=DecisionStatus.ACCEPTED)
    if accounts:
        give_accounts(world.owner_org, world.co_owner_org, world.partner_org)
    return decisions


def lines(decisions, *, year: int, owner_side: bool) -> list[DecisionLine]:
    """The decisions' lines of a year for owners (owner or co-owner) or for partners."""
    result = []
    for decision in decisions:
        owners = {decision.report.owner_id, *decision.report.co_owner_links.values_list("organisation_id", flat=True)}
        for line in decision.lines.filter(budget_year=year):
            if (line.recipient_id in owners) == owner_side:
                result.append(line)
    return result


def overdue_report(line: DecisionLine, *, days: int = 10, status: str = "forventet"):
    """A report for the line whose deadline passed ``days`` ago (made through the app registry: payouts comes
    before reporting and does not import it)."""
    report_model = apps.get_model("reporting", "RecipientReport")
    return report_model.objects.create(
        line=line,
        recipient=line.recipient,
        budget_year=line.budget_year,
        deadline=timezone.localdate() - timedelta(days=days),
        status=status,
    )


def create_batch(world, *, year: int = 2027, kind: str = RecipientKind.OWNER, by: str = "caseworker"):
    return services.payout_batch_create(
        by=world.users[by], office=world.office, budget_year=year, recipient_kind=kind, token=uuid.uuid4()
    )


def paid_batch(world, *, year: int = 2027, kind: str = RecipientKind.OWNER):
    """A batch created, exported and marked as paid."""
    batch = create_batch(world, year=year, kind=kind)
    services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="csv")
    return services.payout_batch_mark_paid(by=world.users["caseworker"], batch=batch, version=batch.version)


def total(lines_) -> Decimal:
    return sum((line.amount for line in lines_), Decimal(0))
