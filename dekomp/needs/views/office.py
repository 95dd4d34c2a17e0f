"""The office's pages for a round's needs reports: overview, batch checks, exports, check or return of one."""

import uuid
from dataclasses import asdict

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from dekomp.activity.forms import JobTokenForm
from dekomp.activity.jobs import job_start
from dekomp.core.forms import DesignsystemetFormMixin, ModelMultipleChoiceField
from dekomp.organisations.models import Organisation, Region
from dekomp.schemes.models import Round, Scheme, Theme
from dekomp.schemes.permissions import can_view_round_setup

from ..models import NeedsReport, Status
from ..overview import ALL_STATUSES, SORT_FIELDS, Batch, Filters, batch_reports, round_overview
from ..permissions import can_check_report
from ..selectors import check_token_used
from ..services import (
    needs_report_check,
    needs_report_return,
    needs_reports_check_batch,
    needs_reports_return_batch,
)
from ..tasks import EXPORT_JOB, EXPORT_TABLES, export_job

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
# The overview's downloads: the workbook, and each table as CSV (each made by the task worker).
EXPORTS = [
    ("xlsx", "", gettext_lazy("Last ned som regneark (xlsx): behovsmeldinger og budsjettposter")),
    ("csv", "behovsmeldinger", gettext_lazy("Last ned behovsmeldingene som CSV")),
    ("csv", "budsjettposter", gettext_lazy("Last ned budsjettpostene som CSV")),
]
CHECK, RETURN = "kontroller", "returner"
PAGE, MATCHING = "side", "filter"  # the ticked reports, or every report passing the filter
LIST_MARK = ("fra", "liste")  # a report opened from the overview carries its query string and this mark


class OverviewFilterForm(DesignsystemetFormMixin, forms.Form):
    """The overview's filters and sort order, read from the query string; a bad value counts as "all"."""

    q = forms.CharField(
        label=gettext_lazy("Søk på tiltak, referanse, eier, partner eller org.nr."), required=False, max_length=100
    )
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
    """The reports ticked in the overview (or every one passing the filter) and what to do with them."""

    valgt = ModelMultipleChoiceField(queryset=NeedsReport.objects.none(), required=False)
    omfang = forms.ChoiceField(choices=[(PAGE, PAGE), (MATCHING, MATCHING)], required=False)
    handling = forms.ChoiceField(choices=[(CHECK, CHECK), (RETURN, RETURN)])
    kommentar = forms.CharField(required=False, max_length=4000)
    # Set by the confirmation page: the batch's token, and the fingerprint of the filtered set it showed.
    token = forms.UUIDField(required=False)
    utvalg = forms.CharField(required=False, max_length=64)

    def __init__(self, *args: object, round: Round, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["valgt"].queryset = NeedsReport.objects.filter(round=round).select_related("round__office")

    @property
    def every_matching(self) -> bool:
        return self.cleaned_data.get("omfang") == MATCHING

    def clean(self) -> dict:
        data = super().clean()
        if data.get("omfang") != MATCHING and not data.get("valgt") and "valgt" not in self.errors:
            self.add_error("valgt", ValidationError(_("Velg minst én behovsmelding."), code="required"))
        return data


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
    export_query.pop(LIST_MARK[0], None)
    nav_query = export_query.copy()
    nav_query[LIST_MARK[0]] = LIST_MARK[1]
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
            "exports": [
                {"format": fmt, "table": table, "label": label, "token": uuid.uuid4()} for fmt, table, label in EXPORTS
            ],
            "nav_query": nav_query.urlencode(),
            "awaiting_status": Status.SUBMITTED,
            "page_count": len(overview.page.object_list),
        },
    )


def _batch(request: HttpRequest, round: Round) -> HttpResponse:
    """Check (after a confirmation page) or return the chosen reports, all or none, and go back to the same list."""
    back = request.get_full_path()
    posted = request.POST.copy()
    if posted.get("omfang") == MATCHING:
        posted.pop("valgt", None)  # every report passing the filter: the ticked ids play no part
    form = BatchForm(posted, round=round)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    data = form.cleaned_data
    token = data["token"]
    if token is not None and check_token_used(token=token):
        # A confirmation sent again (back button, a second tab): say so before the filter finds another set.
        messages.info(request, _("Denne kontrollen er allerede bekreftet."))
        return redirect(back)
    if form.every_matching:
        # Every report the filter lets through now, for this user: the ids are never taken from the request.
        batch = batch_reports(round=round, filters=OverviewFilterForm(request.GET, round=round).filters())
    else:
        batch = batch_reports(round=round, pks=[report.pk for report in data["valgt"]])
    if any(not can_check_report(request.user, report) for report in batch.reports):
        raise PermissionDenied
    if not batch.reports:
        messages.error(request, _("Ingen behovsmeldinger passer med filtrene."))
        return redirect(back)
    if data["handling"] == RETURN:
        return _return_batch(request, form, batch.reports, back)
    if token is None:
        return _confirm_check(request, round, form, batch)
    if form.every_matching and data["utvalg"] != batch.fingerprint:
        # Reports came or went since the confirmation page: show the new set rather than check another one.
        return _confirm_check(request, round, form, batch, is_changed=True)
    try:
        needs_reports_check_batch(by=request.user, reports=batch.reports, token=token)
    except ValidationError as error:
        if getattr(error, "code", None) == "replayed":
            messages.info(request, _message(error))
        else:
            messages.error(request, _("Ingen behovsmeldinger er endret. %(reason)s") % {"reason": _message(error)})
    else:
        count = len(batch.reports)
        text = ngettext(
            "%(count)d behovsmelding er formelt kontrollert.",
            "%(count)d behovsmeldinger er formelt kontrollert.",
            count,
        )
        messages.success(request, text % {"count": count})
    return redirect(back)


def _confirm_check(
    request: HttpRequest, round: Round, form: BatchForm, batch: Batch, *, is_changed: bool = False
) -> HttpResponse:
    """The summary to confirm before a formal check of several reports: how many, how much, which."""
    return render(
        request,
        "needs/office/batch_confirm.html",
        {
            "round": round,
            "batch": batch,
            "every_matching": form.every_matching,
            "token": uuid.uuid4(),
            "is_changed": is_changed,
            # All or nothing: one report that is not waiting for the check stops the batch, so say it beforehand.
            "not_waiting": sum(1 for report in batch.reports if report.status != Status.SUBMITTED),
            "back": request.get_full_path(),
        },
    )


def _return_batch(request: HttpRequest, form: BatchForm, reports: list[NeedsReport], back: str) -> HttpResponse:
    # No confirmation page here yet: returning goes only to reports ticked one by one on the page.
    if form.every_matching:
        messages.error(
            request, _("Du kan bare returnere behovsmeldinger du har valgt på siden, ikke alle som passer filteret.")
        )
        return redirect(back)
    try:
        needs_reports_return_batch(by=request.user, reports=reports, comment=form.cleaned_data["kommentar"])
    except ValidationError as error:
        messages.error(request, _("Ingen behovsmeldinger er endret. %(reason)s") % {"reason": _message(error)})
    else:
        text = ngettext(
            "%(count)d behovsmelding er returnert til eieren for endringer.",
            "%(count)d behovsmeldinger er returnert til eierne for endringer.",
            len(reports),
        )
        messages.success(request, text % {"count": len(reports)})
    return redirect(back)


@login_required
@require_POST
def export(request: HttpRequest, round_pk: int, fmt: str) -> HttpResponse:
    """Start the filtered reports' export, a workbook (reports and budget lines) or a CSV table (``tabell``).

    The task worker makes the file (a round's reports take seconds); the job's page offers it when it is ready.
    The filters are the overview's, carried in the form's query string.
    """
    if fmt not in ("xlsx", "csv"):
        raise Http404
    round = _load_round(request, round_pk)
    back = f"{reverse('needs:round_list', args=[round.pk])}?{request.GET.urlencode()}"
    form = JobTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skjemaet var utløpt. Last siden på nytt og prøv igjen."))
        return redirect(back)
    filters = OverviewFilterForm(request.GET, round=round).filters()
    table = request.POST.get("tabell", "") if fmt == "csv" else ""
    if fmt == "csv" and table not in EXPORT_TABLES:
        table = "behovsmeldinger"
    titles = {
        "": _("Behovsmeldinger og budsjettposter som regneark (%(year)s)"),
        "behovsmeldinger": _("Behovsmeldingene som CSV (%(year)s)"),
        "budsjettposter": _("Budsjettpostene som CSV (%(year)s)"),
    }
    job, created = job_start(
        by=request.user,
        kind=EXPORT_JOB,
        title=titles[table] % {"year": round.year},
        office_id=round.office_id,
        token=form.cleaned_data["token"],
        total=1,
        back_url=back,
        parameters={
            "round": round.pk,
            "format": fmt,
            "table": table,
            "filters": asdict(filters),
            "language": translation.get_language() or "",
        },
    )
    if created:
        transaction.on_commit(lambda: export_job.enqueue(job.pk))
    return redirect("jobs:detail", pk=job.pk)


def _back_to_report(request: HttpRequest, report: NeedsReport) -> HttpResponse:
    """To the report's page, with the overview's filter it was opened from (re-encoded: only a query string)."""
    query = QueryDict(request.POST.get("liste", "")[:2000])
    url = reverse("needs:detail", args=[report.pk])
    return redirect(f"{url}?{query.urlencode()}" if query else url)


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
    return _back_to_report(request, report)


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
    return _back_to_report(request, report)
