"""Pages for recipients' reports: the recipient's form, the read view with the office's follow-up, and the office's
list of a round's reports."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dekomp.activity.services import events_for
from dekomp.activity.verbs import verb_label
from dekomp.core.forms import DesignsystemetFormMixin, add_domain_errors
from dekomp.schemes.models import Round

from . import selectors, services
from .forms import SUBMIT, ApproveForm, ReportForm, RequestMoreForm, SettleForm
from .models import RecipientReport, ReportStatus
from .permissions import (
    can_follow_up_report,
    can_follow_up_round,
    can_view_recipient_report,
    can_write_report,
)

PAGE_SIZE = 100


def _load(request: HttpRequest, report_id: int) -> RecipientReport:
    try:
        report = selectors.report_for_page(pk=report_id)
    except RecipientReport.DoesNotExist:
        raise Http404 from None
    if not can_view_recipient_report(request.user, report):
        raise PermissionDenied(_("Du har ikke tilgang til denne rapporten."))
    return report


# ---------------------------------------------------------------------------------------------- the recipient


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, report_id: int) -> HttpResponse:
    """The recipient writes the report: save a draft or send it in; on an error everything typed is kept."""
    report = _load(request, report_id)
    if not can_write_report(request.user, report):
        raise PermissionDenied(_("Bare innsendere for %(org)s kan skrive rapporten.") % {"org": report.recipient.name})
    if not report.is_editable:
        messages.info(request, _("Rapporten er sendt inn og kan ikke endres nå."))
        return redirect("reporting:detail", report_id=report.pk)
    form = ReportForm(request.POST or None, report=report)
    if request.method == "POST" and form.is_valid():
        is_submit = request.POST.get("handling") == SUBMIT
        service = services.report_submit if is_submit else services.report_save
        try:
            service(by=request.user, report=report, version=form.cleaned_data["version"], data=form.report_input())
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            if is_submit:
                messages.success(request, _("Rapporten er sendt inn til Statsforvalteren."))
                return redirect("reporting:detail", report_id=report.pk)
            messages.success(request, _("Utkastet er lagret."))
            return redirect("reporting:edit", report_id=report.pk)
    return render(
        request,
        "reporting/edit.html",
        {
            "report": report,
            "form": form,
            "requires_egenandel": services.requires_egenandel(report),
            "egenandel_share": report.line.decision.report.scheme.egenandel_percent,
            "is_overdue": report.is_overdue(timezone.localdate()),
        },
    )


# ---------------------------------------------------------------------------------------------- read view


def _render_detail(request: HttpRequest, report: RecipientReport, **forms_: object) -> HttpResponse:
    can_follow_up = can_follow_up_report(request.user, report)
    is_submitted = report.status == ReportStatus.SUBMITTED
    settlement = report.settlement_or_none
    context = {
        "report": report,
        "settlement": settlement,
        "can_edit": can_write_report(request.user, report) and report.is_editable,
        "can_follow_up": can_follow_up,
        "can_decide": can_follow_up and is_submitted,
        "can_settle": can_follow_up and is_submitted and settlement is None and (report.unused or 0) > 0,
        "requires_egenandel": services.requires_egenandel(report),
        "egenandel_required": (services.egenandel_required(report, report.used) if report.used is not None else None),
        "is_overdue": report.is_overdue(timezone.localdate()),
        "events": [(event, verb_label(event.verb)) for event in events_for(report)],
        "approve_form": forms_.get("approve_form") or ApproveForm(prefix="approve"),
        "more_form": forms_.get("more_form") or RequestMoreForm(prefix="more"),
        "settle_form": forms_.get("settle_form") or SettleForm(prefix="settle", report=report),
    }
    return render(request, "reporting/detail.html", context)


@login_required
@require_GET
def detail(request: HttpRequest, report_id: int) -> HttpResponse:
    """The report as sent in, its money and history; the office's follow-up forms for its staff."""
    return _render_detail(request, _load(request, report_id))


def _follow_up(request: HttpRequest, report_id: int) -> RecipientReport:
    report = _load(request, report_id)
    if not can_follow_up_report(request.user, report):
        raise PermissionDenied(_("Bare Statsforvalteren som fattet vedtaket, følger opp rapporten."))
    return report


def _office_action(request: HttpRequest, report_id: int, form_class, prefix: str, name: str, act, done: str):
    """Validate one of the detail page's office forms and call its service; on an error show the page with it."""
    report = _follow_up(request, report_id)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            act(report, form.cleaned_data)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("reporting:detail", report_id=report.pk)
    return _render_detail(request, report, **{name: form})


@login_required
@require_POST
def approve(request: HttpRequest, report_id: int) -> HttpResponse:
    """Approve a submitted report."""
    return _office_action(
        request,
        report_id,
        ApproveForm,
        "approve",
        "approve_form",
        lambda report, data: services.report_approve(by=request.user, report=report, comment=data["comment"]),
        _("Rapporten er godkjent."),
    )


@login_required
@require_POST
def request_more(request: HttpRequest, report_id: int) -> HttpResponse:
    """Send a submitted report back to the recipient, saying what is missing."""
    return _office_action(
        request,
        report_id,
        RequestMoreForm,
        "more",
        "more_form",
        lambda report, data: services.report_request_more(by=request.user, report=report, comment=data["comment"]),
        _("Mottakeren er bedt om mer informasjon og har fått e-post."),
    )


@login_required
@require_POST
def settle(request: HttpRequest, report_id: int) -> HttpResponse:
    """Claim unused money back or carry it over, approving the report."""
    return _office_action(
        request,
        report_id,
        SettleForm,
        "settle",
        "settle_form",
        lambda report, data: services.report_settle(
            by=request.user,
            report=report,
            kind=data["kind"],
            amount=data["amount"],
            reason=data["reason"],
            due_date=data["due_date"],
        ),
        _("De ubrukte midlene er avgjort, rapporten er godkjent og mottakeren har fått e-post."),
    )


# ---------------------------------------------------------------------------------------------- the office's list


class ListFilterForm(DesignsystemetFormMixin, forms.Form):
    """The follow-up list's filters, read from the query string; a bad value counts as "all"."""

    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    aar = forms.TypedChoiceField(label=gettext_lazy("Budsjettår"), required=False, coerce=int, empty_value=None)
    forfalt = forms.BooleanField(label=gettext_lazy("Bare rapporter med passert frist"), required=False)

    def __init__(self, *args: object, years: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Alle")),
            *[(value, label.capitalize()) for value, label in ReportStatus.choices],
        ]
        self.fields["aar"].choices = [("", _("Alle år")), *[(year, year) for year in years]]

    def filters(self) -> selectors.Filters:
        self.is_valid()
        data = self.cleaned_data
        return selectors.Filters(
            status=data.get("status") or "",
            is_overdue=bool(data.get("forfalt")),
            budget_year=data.get("aar"),
        )


@login_required
@require_GET
def round_list(request: HttpRequest, round_id: int) -> HttpResponse:
    """The office's follow-up of a round's reports: filters, money totals, each report with a link."""
    round = get_object_or_404(Round.objects.select_related("office"), pk=round_id)
    if not can_follow_up_round(request.user, round):
        raise PermissionDenied(_("Bare Statsforvalteren som har runden, følger opp rapportene."))
    years = round.budget_years
    form = ListFilterForm(request.GET, years=years)
    result = selectors.reports_for_round(round, form.filters())
    page = Paginator(result.reports, PAGE_SIZE).get_page(request.GET.get("side"))
    return render(request, "reporting/list.html", {"round": round, "form": form, "result": result, "page": page})
