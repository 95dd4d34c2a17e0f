"""The office's pages for a round's needs reports: overview, batch checks, exports, check or return of one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dekomp.core.exports import csv_response, xlsx_response
from dekomp.core.forms import DesignsystemetFormMixin, ModelMultipleChoiceField
from dekomp.organisations.models import Organisation, Region
from dekomp.schemes.models import Round, Scheme, Theme
from dekomp.schemes.permissions import can_view_round_setup

from ..models import NeedsReport, Status
from ..overview import ALL_STATUSES, SORT_FIELDS, Filters, export_rows, round_overview
from ..permissions import can_check_report
from ..services import (
    needs_report_check,
    needs_report_return,
    needs_reports_check_batch,
    needs_reports_return_batch,
)

SORT_LABELS = {
    "reference": gettext_lazy("Referanse"),
    "title": gettext_lazy("Tiltak"),
    "owner": gettext_lazy("Eier"),
    "status": gettext_lazy("Status"),
    "total": gettext_lazy("Søkt beløp"),
    "submitted": gettext_lazy("Sendt inn"),
}
NUMERIC_SORTS = {"total"}
FIRST_DESCENDING = {"total", "submitted"}  # largest and newest first is what one usually wants
ASCENDING, DESCENDING = "stigende", "synkende"
EXPORT_TABLES = {"behovsmeldinger": 0, "budsjettposter": 1}
CHECK, RETURN = "kontroller", "returner"


class OverviewFilterForm(DesignsystemetFormMixin, forms.Form):
    """The overview's filters and sort order, read from the query string; a bad value counts as "all"."""

    q = forms.CharField(label=gettext_lazy("Søk på tiltak, referanse eller eier"), required=False, max_length=100)
    ordning = forms.ModelChoiceField(
        label=gettext_lazy("Ordning"),
        queryset=Scheme.objects.none(),
        required=False,
        empty_label=gettext_lazy("Alle ordninger"),
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=gettext_lazy("Alle regioner"),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    partner = forms.ModelChoiceField(
        label=gettext_lazy("Partner"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("Alle partnere"),
    )
    tema = forms.ModelChoiceField(
        label=gettext_lazy("Tema"),
        queryset=Theme.objects.none(),
        required=False,
        empty_label=gettext_lazy("Alle temaer"),
    )
    sorter = forms.ChoiceField(choices=[(key, key) for key in SORT_FIELDS], required=False, widget=forms.HiddenInput)
    retning = forms.ChoiceField(
        choices=[(ASCENDING, ASCENDING), (DESCENDING, DESCENDING)], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: object, round: Round, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ordning"].queryset = round.schemes.order_by("pk")
        self.fields["region"].queryset = Region.objects.filter(office_id=round.office_id).order_by("name")
        self.fields["partner"].queryset = (
            Organisation.objects.filter(partner_links__report__round=round).distinct().order_by("name")
        )
        self.fields["tema"].queryset = round.themes.order_by("position", "name")
        self.fields["status"].choices = [
            ("", _("Alle unntatt utkast og trukne")),
            (ALL_STATUSES, _("Alle, også utkast")),
            *[(value, label.capitalize()) for value, label in Status.choices],
        ]

    def filters(self) -> Filters:
        """The valid filters (invalid ones are ignored) as the overview selector takes them."""
        self.is_valid()
        data = self.cleaned_data
        pk = lambda name: data[name].pk if data.get(name) else None  # noqa: E731
        return Filters(
            scheme=pk("ordning"),
            region=pk("region"),
            status=data.get("status") or "",
            partner=pk("partner"),
            theme=pk("tema"),
            q=(data.get("q") or "").strip(),
            sort=data.get("sorter") or "reference",
            descending=data.get("retning") == DESCENDING,
        )


class BatchForm(forms.Form):
    """The reports ticked in the overview and what to do with them."""

    valgt = ModelMultipleChoiceField(
        queryset=NeedsReport.objects.none(),
        error_messages={"required": gettext_lazy("Velg minst én behovsmelding.")},
    )
    handling = forms.ChoiceField(choices=[(CHECK, CHECK), (RETURN, RETURN)])
    kommentar = forms.CharField(required=False, max_length=4000)

    def __init__(self, *args: object, round: Round, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["valgt"].queryset = NeedsReport.objects.filter(round=round).select_related("round__office")


def _load_round(request: HttpRequest, round_pk: int) -> Round:
    round = get_object_or_404(Round.objects.select_related("office"), pk=round_pk)
    if not can_view_round_setup(request.user, round):
        raise PermissionDenied
    return round


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _sort_columns(request: HttpRequest, filters: Filters) -> list[dict]:
    """The sortable column headers: their link (other filters kept) and aria-sort for the sorted one."""
    columns = []
    for key, label in SORT_LABELS.items():
        is_sorted = filters.sort == key
        if is_sorted:
            direction = ASCENDING if filters.descending else DESCENDING
        else:
            direction = DESCENDING if key in FIRST_DESCENDING else ASCENDING
        params = request.GET.copy()
        params.pop("side", None)
        params["sorter"], params["retning"] = key, direction
        columns.append(
            {
                "key": key,
                "label": label,
                "url": f"?{params.urlencode()}",
                "aria_sort": ("descending" if filters.descending else "ascending") if is_sorted else "",
                "next_is_descending": direction == DESCENDING,
                "is_numeric": key in NUMERIC_SORTS,
            }
        )
    return columns


@login_required
@require_http_methods(["GET", "POST"])
def round_list(request: HttpRequest, round_pk: int) -> HttpResponse:
    """The round's needs reports for the office: filters, sorting, totals, and the formal check of several."""
    round = _load_round(request, round_pk)
    if request.method == "POST":
        return _batch(request, round)
    form = OverviewFilterForm(request.GET, round=round)
    filters = form.filters()
    overview = round_overview(round=round, filters=filters, page=request.GET.get("side", 1))
    export_query = request.GET.copy()
    export_query.pop("side", None)
    return render(
        request,
        "needs/office/round_list.html",
        {
            "round": round,
            "form": form,
            "filters": filters,
            "overview": overview,
            "columns": {column["key"]: column for column in _sort_columns(request, filters)},
            "export_query": export_query.urlencode(),
            "awaiting_status": Status.SUBMITTED,
        },
    )


def _batch(request: HttpRequest, round: Round) -> HttpResponse:
    """Check or return the ticked reports, all or none, and go back to the same filtered list."""
    form = BatchForm(request.POST, round=round)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(request.get_full_path())
    reports = sorted(form.cleaned_data["valgt"], key=lambda report: report.number)
    if any(not can_check_report(request.user, report) for report in reports):
        raise PermissionDenied
    try:
        if form.cleaned_data["handling"] == CHECK:
            needs_reports_check_batch(by=request.user, reports=reports)
            text = ngettext(
                "%(count)d behovsmelding er formelt kontrollert.",
                "%(count)d behovsmeldinger er formelt kontrollert.",
                len(reports),
            )
        else:
            needs_reports_return_batch(by=request.user, reports=reports, comment=form.cleaned_data["kommentar"])
            text = ngettext(
                "%(count)d behovsmelding er returnert til eieren for endringer.",
                "%(count)d behovsmeldinger er returnert til eierne for endringer.",
                len(reports),
            )
    except ValidationError as error:
        messages.error(request, _("Ingen behovsmeldinger er endret. %(reason)s") % {"reason": _message(error)})
    else:
        messages.success(request, text % {"count": len(reports)})
    return redirect(request.get_full_path())


@login_required
@require_GET
def export(request: HttpRequest, round_pk: int, fmt: str) -> HttpResponse:
    """The filtered reports as a workbook (reports and budget lines) or as CSV (one table, ``?tabell=``)."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    round = _load_round(request, round_pk)
    filters = OverviewFilterForm(request.GET, round=round).filters()
    sheets = export_rows(round=round, filters=filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"behovsmeldinger-{round.office.slug}-{round.year}-{stamp}"
    if fmt == "xlsx":
        return xlsx_response(filename=f"{name}.xlsx", sheets=sheets)
    table = request.GET.get("tabell", "behovsmeldinger")
    if table not in EXPORT_TABLES:
        table = "behovsmeldinger"
    return csv_response(filename=f"{name}-{table}.csv", sheet=sheets[EXPORT_TABLES[table]])


def _load_report(request: HttpRequest, pk: int) -> NeedsReport:
    report = get_object_or_404(NeedsReport.objects.select_related("round__office"), pk=pk)
    if not can_check_report(request.user, report):
        raise PermissionDenied
    return report


@login_required
@require_POST
def check(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the formal check of one report."""
    report = _load_report(request, pk)
    try:
        needs_report_check(by=request.user, report=report)
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("Behovsmelding %(ref)s er formelt kontrollert.") % {"ref": report.reference})
    return redirect("needs:detail", pk=report.pk)


@login_required
@require_POST
def return_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Return one report to its owner for changes, with a comment saying what must change."""
    report = _load_report(request, pk)
    try:
        needs_report_return(by=request.user, report=report, comment=request.POST.get("comment", "")[:4000])
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request, _("Behovsmelding %(ref)s er returnert til eieren for endringer.") % {"ref": report.reference}
        )
    return redirect("needs:detail", pk=report.pk)
