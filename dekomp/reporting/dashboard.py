"""Reads for the money dashboard: frame vs. committed vs. paid, and committed money by region, scheme, theme,
partner and budget year, for one office, several, or every office (national readers).

Committed money is the binding decision lines (decided, letter sent or accepted) no later change decision has
superseded — the same rule as the commitments ledger (``dekomp.payouts.ledger``), whose per-office rows give frame,
committed and paid. A measure with several themes counts in full under each of its themes (so the theme sums can
exceed the total); the page says so. Each breakdown comes with a bar chart drawn on the server as inline SVG; the
same numbers stand in a table beside it.

Queries: one for the offices' rounds, three or four per office with rounds (the ledger: frames, commitments,
payouts, schemes) and six for the breakdowns — never more with more decisions or payouts.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from dekomp.accounts.access import access_for
from dekomp.decisions.models import BINDING_STATUSES, DecisionLine
from dekomp.organisations.models import PARTNER_KINDS, Office
from dekomp.payouts.ledger import LedgerRow, ledger
from dekomp.schemes.models import Round, Theme

from .permissions_dashboard import AnyUser

ZERO = Decimal(0)

# Chart geometry, in SVG user units (the SVG scales to its column's width).
CHART_WIDTH = 560
BAR_MAX = 320
BAR_HEIGHT = 20
BAR_GAP = 4
LABEL_HEIGHT = 20
GROUP_GAP = 14
TEXT_GAP = 6
PADDING = 8


@dataclass(frozen=True)
class Bar:
    """One bar: its series, value and where it is drawn."""

    series: str
    css: str
    value: Decimal
    y: float
    width: float
    text_x: float
    text_y: float
    height: int = BAR_HEIGHT


@dataclass(frozen=True)
class BarGroup:
    """A labelled group of bars (one bar for a simple chart; frame, committed and paid for the ledger)."""

    label: str
    label_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart, drawn by the template as inline SVG with a title and a description."""

    key: str
    title: str
    description: str
    groups: list[BarGroup]
    series: list[tuple[str, str]]
    width: int
    height: int


@dataclass(frozen=True)
class Breakdown:
    """Committed money split one way, as a chart and as rows for the table beside it."""

    key: str
    title: str
    label_heading: str
    rows: list[tuple[str, Decimal]]
    chart: BarChart
    note: str = ""

    @property
    def total(self) -> Decimal:
        return sum((amount for _label, amount in self.rows), ZERO)


@dataclass(frozen=True)
class MoneyRow:
    """Frame, committed and paid for one line of the ledger table (a scheme and year, or an office)."""

    label: str
    frame: Decimal
    committed: Decimal
    paid: Decimal
    # Set on a row that is one office's scheme and budget year (the figures of ``schemes.commitments``).
    scheme_code: str = ""
    budget_year: int | None = None

    @property
    def free(self) -> Decimal:
        return self.frame - self.committed

    @property
    def unpaid(self) -> Decimal:
        return self.committed - self.paid


@dataclass
class Dashboard:
    """Everything the dashboard page shows for the chosen offices and round year."""

    offices: list[Office]
    year: int | None
    ledger_rows: list[MoneyRow]
    ledger_chart: BarChart
    office_rows: list[MoneyRow]
    office_chart: BarChart | None
    breakdowns: list[Breakdown] = field(default_factory=list)

    @property
    def ledger_total(self) -> MoneyRow:
        return _sum_rows(_("Sum"), self.ledger_rows)

    @property
    def office_total(self) -> MoneyRow:
        return _sum_rows(_("Sum for landet"), self.office_rows)


def _sum_rows(label: str, rows: list[MoneyRow]) -> MoneyRow:
    return MoneyRow(
        label=label,
        frame=sum((row.frame for row in rows), ZERO),
        committed=sum((row.committed for row in rows), ZERO),
        paid=sum((row.paid for row in rows), ZERO),
    )


def dashboard_offices(user: AnyUser) -> list[Office]:
    """The offices whose money the user may see: every office for national readers, else the user's own offices."""
    access = access_for(user)
    if access is None:
        return []
    if user.is_national_reader:
        return list(Office.objects.order_by("name"))
    seen: dict[int, Office] = {}
    for membership in access.offices:
        seen.setdefault(membership.office_id, membership.office)
    return sorted(seen.values(), key=lambda office: office.name)


def round_years(offices: list[Office]) -> list[int]:
    """The years the offices have rounds for, newest first (for the round filter)."""
    return sorted(
        set(Round.objects.filter(office__in=offices).order_by().values_list("year", flat=True).distinct()),
        reverse=True,
    )


def bar_chart(
    *, key: str, title: str, description: str, groups: list[tuple[str, list[Decimal]]], series: list[tuple[str, str]]
) -> BarChart:
    """Lay out a horizontal bar chart: a label above each group, one bar per series, the value after each bar."""
    largest = max((value for _label, values in groups for value in values), default=ZERO)
    laid_out, y = [], PADDING
    for label, values in groups:
        label_y = y + LABEL_HEIGHT - 6
        y += LABEL_HEIGHT
        bars = []
        for (series_label, css), value in zip(series, values, strict=True):
            width = float(value / largest * BAR_MAX) if largest > 0 else 0.0
            width = max(width, 1.0) if value > 0 else 0.0
            bars.append(
                Bar(
                    series=series_label,
                    css=css,
                    value=value,
                    y=y,
                    width=round(width, 1),
                    text_x=round(width + TEXT_GAP, 1),
                    text_y=y + BAR_HEIGHT - 5,
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        laid_out.append(BarGroup(label=label, label_y=label_y, bars=bars))
        y += GROUP_GAP
    return BarChart(
        key=key,
        title=title,
        description=description,
        groups=laid_out,
        series=series,
        width=CHART_WIDTH,
        height=max(int(y), PADDING * 2),
    )


def committed_lines(offices: list[Office], year: int | None) -> QuerySet[DecisionLine]:
    """The decision lines that bind money at the offices now, of the rounds of one year if given."""
    lines = DecisionLine.objects.filter(
        decision__report__round__office__in=offices,
        decision__status__in=BINDING_STATUSES,
        superseded_by__isnull=True,
    )
    if year is not None:
        lines = lines.filter(decision__report__round__year=year)
    return lines


def _totals(lines: QuerySet[DecisionLine], *fields: str) -> list[tuple]:
    return list(lines.values_list(*fields).annotate(total=Sum("amount")).order_by())


def _breakdown(key: str, title: str, label_heading: str, rows: list[tuple[str, Decimal]], note: str = "") -> Breakdown:
    description = _("Liggende stolper, én per rad, med beløpet ved stolpen. De samme tallene står i tabellen.")
    chart = bar_chart(
        key=key,
        title=title,
        description=description,
        groups=[(label, [amount]) for label, amount in rows],
        series=[("", "committed")],
    )
    return Breakdown(key=key, title=title, label_heading=label_heading, rows=rows, chart=chart, note=note)


def breakdowns(offices: list[Office], year: int | None) -> list[Breakdown]:
    """Committed money by region, scheme, theme, partner and budget year (six queries)."""
    lines = committed_lines(offices, year)
    several = len(offices) > 1

    by_region = []
    for region_id, name, office_name, total in _totals(
        lines, "decision__report__region_id", "decision__report__region__name", "decision__report__round__office__name"
    ):
        label = name if region_id else _("Uten region")
        by_region.append((f"{label} ({office_name})" if several else label, total))
    by_region.sort(key=lambda row: (-row[1], row[0]))

    by_scheme = [
        (name, total)
        for _pk, name, total in sorted(
            _totals(lines, "decision__report__scheme_id", "decision__report__scheme__short_name")
        )
    ]

    themes = {theme.pk: theme.label for theme in Theme.objects.all()}
    by_theme = [
        (themes[theme_id] if theme_id else _("Uten tema"), total)
        for theme_id, total in _totals(lines, "decision__report__themes")
    ]
    by_theme.sort(key=lambda row: (-row[1], row[0]))

    by_partner = sorted(
        (
            (name, total)
            for _pk, name, total in _totals(
                lines.filter(recipient__kind__in=PARTNER_KINDS), "recipient_id", "recipient__name"
            )
        ),
        key=lambda row: (-row[1], row[0]),
    )

    by_year = [(str(budget_year), total) for budget_year, total in sorted(_totals(lines, "budget_year"))]

    return [
        _breakdown("region", _("Tilsagn per region"), _("Region"), by_region),
        _breakdown("scheme", _("Tilsagn per ordning"), _("Ordning"), by_scheme),
        _breakdown(
            "theme",
            _("Tilsagn per tema"),
            _("Tema"),
            by_theme,
            note=_(
                "Et tiltak med flere temaer teller med hele beløpet under hvert av temaene, så summen av temaene kan "
                "bli større enn summen av tilsagnene."
            ),
        ),
        _breakdown(
            "partner",
            _("Tilsagn til partnere"),
            _("Partner"),
            by_partner,
            note=_("Beløpene universiteter, høgskoler og nasjonale sentre selv mottar."),
        ),
        _breakdown("year", _("Tilsagn per budsjettår"), _("Budsjettår"), by_year),
    ]


LEDGER_SERIES_KEYS = ("frame", "committed", "paid")


def _ledger_series() -> list[tuple[str, str]]:
    return [(_("Ramme"), "frame"), (_("Tilsagn"), "committed"), (_("Utbetalt"), "paid")]


def _money_chart(key: str, title: str, rows: list[MoneyRow]) -> BarChart:
    return bar_chart(
        key=key,
        title=title,
        description=_(
            "Liggende stolper i grupper: ramme, tilsagn og utbetalt for hver rad, med navn og beløp ved hver stolpe. "
            "De samme tallene står i tabellen."
        ),
        groups=[(row.label, [row.frame, row.committed, row.paid]) for row in rows],
        series=_ledger_series(),
    )


def dashboard(*, offices: list[Office], year: int | None = None) -> Dashboard:
    """The dashboard for the offices, limited to the rounds of one year (and their budget years) when given."""
    rounds = list(
        Round.objects.filter(office__in=offices).order_by().values_list("office_id", "year", "first_budget_year")
    )
    with_rounds = {office_id for office_id, _year, _first in rounds}
    budget_years: set[int] | None = None
    if year is not None:
        budget_years = {first + i for _office, round_year, first in rounds if round_year == year for i in range(3)}

    combined: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    scheme_names: dict[int, str] = {}
    scheme_codes: dict[int, str] = {}
    office_rows = []
    for office in offices:
        rows: list[LedgerRow] = ledger(office) if office.pk in with_rounds else []
        if budget_years is not None:
            rows = [row for row in rows if row.budget_year in budget_years]
        for row in rows:
            scheme_names[row.scheme.pk] = row.scheme.short_name
            scheme_codes[row.scheme.pk] = row.scheme.code
            sums = combined[(row.scheme.pk, row.budget_year)]
            sums[0] += row.frame
            sums[1] += row.committed
            sums[2] += row.paid
        office_rows.append(
            MoneyRow(
                label=office.name,
                frame=sum((row.frame for row in rows), ZERO),
                committed=sum((row.committed for row in rows), ZERO),
                paid=sum((row.paid for row in rows), ZERO),
            )
        )
    several = len(offices) > 1
    ledger_rows = [
        MoneyRow(
            label=f"{scheme_names[scheme_id]} {budget_year}",
            frame=frame,
            committed=committed,
            paid=paid,
            scheme_code="" if several else scheme_codes[scheme_id],
            budget_year=None if several else budget_year,
        )
        for (scheme_id, budget_year), (frame, committed, paid) in sorted(combined.items())
    ]
    return Dashboard(
        offices=offices,
        year=year,
        ledger_rows=ledger_rows,
        ledger_chart=_money_chart("ledger", _("Ramme, tilsagn og utbetalt per ordning og budsjettår"), ledger_rows),
        office_rows=office_rows if several else [],
        office_chart=_money_chart("offices", _("Ramme, tilsagn og utbetalt per embete"), office_rows)
        if several
        else None,
        breakdowns=breakdowns(offices, year),
    )
