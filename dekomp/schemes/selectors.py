"""Reads of schemes and rounds: deadlines per owner, open rounds, frames."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from dekomp.organisations.models import Office, Organisation

from .commitments import Money, money_for_office
from .models import ApplicantGroup, DeadlineExtension, Frame, Round, RoundStatus, Scheme


def deadline_for(*, round: Round, owner: Organisation) -> datetime | None:
    """The owner's deadline: a reopening for this owner, else its applicant group's, else the default group's."""
    extension = DeadlineExtension.objects.filter(round=round, owner=owner).values_list("deadline", flat=True).first()
    if extension:
        return extension
    groups = list(ApplicantGroup.objects.filter(round=round).prefetch_related("members"))
    for group in groups:
        if any(member.pk == owner.pk for member in group.members.all()):
            return group.deadline
    return next((group.deadline for group in groups if group.is_default), None)


def offices_covering(owner: Organisation) -> QuerySet[Office]:
    """The offices whose fylker the owner lies in."""
    county_id = owner.county_id or (owner.municipality.county_id if owner.municipality_id else None)
    return Office.objects.filter(counties__pk=county_id)


def open_rounds_for(*, owner: Organisation) -> QuerySet[Round]:
    """Rounds open for needs reports at the offices covering this owner, with their schemes."""
    return (
        Round.objects.filter(office__in=offices_covering(owner), status=RoundStatus.OPEN)
        .select_related("office")
        .prefetch_related("schemes")
        .order_by("-year", "name")
    )


def rounds_of_office(*, office: Office) -> QuerySet[Round]:
    return Round.objects.filter(office=office).prefetch_related("schemes").order_by("-year", "name")


def round_with_setup(*, round_id: int) -> Round:
    """A round with its schemes, frames, applicant groups and reopenings."""
    return (
        Round.objects.select_related("office")
        .prefetch_related(
            "schemes",
            "themes",
            "activity_types",
            Prefetch("frames", queryset=Frame.objects.select_related("scheme").order_by("scheme_id", "budget_year")),
            Prefetch("applicant_groups", queryset=ApplicantGroup.objects.prefetch_related("members")),
            Prefetch("extensions", queryset=DeadlineExtension.objects.select_related("owner", "granted_by")),
        )
        .get(pk=round_id)
    )


@dataclass(frozen=True)
class YearMoney:
    """One scheme's money in one of the round's budget years, and the round's own frame when another one counts."""

    money: Money
    others: Decimal  # bound by other rounds' decisions
    in_round: Decimal  # bound by this round's decisions
    planned: Decimal | None = None  # the frame this round set for the year, when another round's frame counts
    counts_from: str = ""  # the name of the round whose frame counts, when it is not this round


@dataclass(frozen=True)
class SchemeMoney:
    scheme: Scheme
    years: list[YearMoney]

    @property
    def frame_total(self) -> Decimal:
        return sum((year.money.frame for year in self.years), Decimal(0))


def round_money(round: Round) -> list[SchemeMoney]:
    """Per scheme of the round and budget year: the office's money (``money_for_office``); a fixed number of queries."""
    money = money_for_office(round.office)
    own = {(frame.scheme_id, frame.budget_year): frame.amount for frame in round.frames.all()}
    schemes = sorted(round.schemes.all(), key=lambda scheme: scheme.pk)
    cells = [(scheme, year, money.get(scheme, year)) for scheme in schemes for year in round.budget_years]
    others = {cell.frame_round_id for _s, _y, cell in cells if cell.frame_round_id not in (None, round.pk)}
    names = dict(Round.objects.filter(pk__in=others).values_list("pk", "name")) if others else {}
    by_scheme: dict[int, SchemeMoney] = {}
    for scheme, year, cell in cells:
        row = by_scheme.setdefault(scheme.pk, SchemeMoney(scheme, []))
        split = (cell, cell.committed_by_others(round), cell.committed_in(round))
        if cell.frame_round_id in names:
            row.years.append(YearMoney(*split, own.get((scheme.pk, year)), names[cell.frame_round_id]))
        else:
            row.years.append(YearMoney(*split))
    return list(by_scheme.values())
