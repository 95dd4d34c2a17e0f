"""The office's payout batches and commitments ledger, and the page where a recipient's bank account is recorded."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dekomp.activity.verbs import verb_label
from dekomp.core.exports import Sheet, csv_response, xlsx_response
from dekomp.core.forms import add_domain_errors
from dekomp.organisations.models import Office, Organisation

from . import selectors
from .forms import BankAccountForm, BatchCreateForm, ReleaseForm, VersionForm
from .models import BatchStatus, Payout, PayoutBatch
from .permissions import can_manage_payouts, can_set_bank_account, can_view_ledger
from .services import (
    EXPORT_FORMATS,
    export_headers,
    organisation_set_bank_account,
    payout_batch_create,
    payout_batch_export,
    payout_batch_mark_paid,
    payout_release,
    payout_remove,
)

# --------------------------------------------------------------------------------------------------- loaders


def _load_office(request: HttpRequest, office_slug: str) -> Office:
    office = get_object_or_404(Office, slug=office_slug)
    if not can_manage_payouts(request.user, office):
        raise PermissionDenied
    return office


def _load_batch(request: HttpRequest, pk: int) -> PayoutBatch:
    batch = get_object_or_404(PayoutBatch.objects.select_related("office", "created_by", "paid_by"), pk=pk)
    if not can_manage_payouts(request.user, batch.office):
        raise PermissionDenied
    return batch


def _load_payout(request: HttpRequest, pk: int) -> Payout:
    payout = get_object_or_404(Payout.objects.select_related("batch__office", "recipient"), pk=pk)
    if not can_manage_payouts(request.user, payout.batch.office):
        raise PermissionDenied
    return payout


# ------------------------------------------------------------------------------------------------------- index


def _years(summaries: list[selectors.YearSummary]) -> list[int]:
    return sorted({summary.budget_year for summary in summaries})


def _render_index(request: HttpRequest, office: Office, form: BatchCreateForm | None = None) -> HttpResponse:
    summaries = selectors.payouts_index(office)
    return render(
        request,
        "payouts/index.html",
        {"office": office, "years": summaries, "form": form or BatchCreateForm(years=_years(summaries))},
    )


@login_required
@require_GET
def index(request: HttpRequest, office_slug: str) -> HttpResponse:
    """The office's batches per budget year with totals and status, and what is ready or waiting to be paid."""
    return _render_index(request, _load_office(request, office_slug))


@login_required
@require_POST
def create(request: HttpRequest, office_slug: str) -> HttpResponse:
    """Put a new batch together for a budget year and kind of recipient (idempotent by the form's token)."""
    office = _load_office(request, office_slug)
    form = BatchCreateForm(request.POST, years=_years(selectors.payouts_index(office)))
    if form.is_valid():
        data = form.cleaned_data
        try:
            batch = payout_batch_create(
                by=request.user,
                office=office,
                budget_year=data["budget_year"],
                recipient_kind=data["recipient_kind"],
                token=data["token"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Utbetalingsbunke %(batch)s er laget.") % {"batch": batch.reference})
            return redirect("payouts:batch", pk=batch.pk)
    return _render_index(request, office, form)


# ------------------------------------------------------------------------------------------------------- batch


def _render_batch(request: HttpRequest, batch: PayoutBatch, release_form: ReleaseForm | None = None) -> HttpResponse:
    page = selectors.batch_page(batch)
    for row in page.held:
        if release_form is not None and release_form.payout_pk == row.payout.pk:
            row.form = release_form
        else:
            row.form = ReleaseForm(payout_pk=row.payout.pk)
    return render(
        request,
        "payouts/batch.html",
        {
            "batch": batch,
            "page": page,
            "is_draft": batch.status == BatchStatus.DRAFT,
            "can_mark_paid": batch.status in (BatchStatus.DRAFT, BatchStatus.EXPORTED),
            "release_form": release_form,
            "events": [(event, verb_label(event.verb)) for event in page.events],
        },
    )


@login_required
@require_GET
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    """One batch: its payouts, the held ones with a release form, missing account numbers and totals."""
    return _render_batch(request, _load_batch(request, pk))


@login_required
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    """Release a held payout with a reason; on an error the batch page comes back with the reason kept."""
    payout = _load_payout(request, pk)
    form = ReleaseForm(request.POST, payout_pk=payout.pk)
    if form.is_valid():
        try:
            payout_release(by=request.user, payout=payout, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Utbetalingen til %(name)s er frigitt.") % {"name": payout.recipient.name})
            return redirect("payouts:batch", pk=payout.batch_id)
    batch = _load_batch(request, payout.batch_id)
    return _render_batch(request, batch, release_form=form)


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a payout out of a draft batch; its decision line waits for the next batch."""
    payout = _load_payout(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Last siden på nytt og prøv igjen."))
        return redirect("payouts:batch", pk=payout.batch_id)
    try:
        payout_remove(by=request.user, payout=payout, version=form.cleaned_data["version"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Utbetalingen til %(name)s er tatt ut av bunken og venter på neste bunke.")
            % {"name": payout.recipient.name},
        )
    return redirect("payouts:batch", pk=payout.batch_id)


def _render_confirm(request: HttpRequest, batch: PayoutBatch, *, action: str) -> HttpResponse:
    return render(
        request,
        "payouts/batch_confirm.html",
        {"batch": batch, "page": selectors.batch_page(batch), "action": action},
    )


@login_required
@require_http_methods(["GET", "POST"])
def export_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Lock the batch for the finance system: a summary (payments, money, held ones) to confirm, then export."""
    batch = _load_batch(request, pk)
    if batch.status != BatchStatus.DRAFT:
        return redirect("payouts:batch", pk=batch.pk)
    if request.method == "GET":
        return _render_confirm(request, batch, action="export")
    try:
        payout_batch_export(by=request.user, batch=batch, fmt="xlsx")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Bunken %(batch)s er eksportert og låst. Last ned filen til økonomisystemet.")
            % {"batch": batch.reference},
        )
    return redirect("payouts:batch", pk=batch.pk)


@login_required
@require_GET
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The exported batch as a file for the finance system (CSV or xlsx); a draft batch is exported first."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    batch = _load_batch(request, pk)
    if batch.status == BatchStatus.DRAFT:
        # Exporting locks the batch: that is confirmed on its own page, never done by a download link.
        return redirect("payouts:export_confirm", pk=batch.pk)
    try:
        rows = payout_batch_export(by=request.user, batch=batch, fmt=fmt)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("payouts:batch", pk=batch.pk)
    sheet = Sheet(title=batch.reference, headers=export_headers(), rows=[row.as_list() for row in rows])
    filename = f"utbetaling-{batch.office.slug}-{batch.reference}.{fmt}"
    if fmt == "csv":
        return csv_response(filename=filename, sheet=sheet)
    return xlsx_response(filename=filename, sheets=[sheet])


@login_required
@require_http_methods(["GET", "POST"])
def mark_paid(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an exported batch as paid, after a summary to confirm; held payouts move out to the next batch."""
    batch = _load_batch(request, pk)
    if request.method == "GET":
        if batch.status == BatchStatus.PAID:
            return redirect("payouts:batch", pk=batch.pk)
        return _render_confirm(request, batch, action="paid")
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Last siden på nytt og prøv igjen."))
        return redirect("payouts:batch", pk=batch.pk)
    try:
        payout_batch_mark_paid(by=request.user, batch=batch, version=form.cleaned_data["version"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Bunken %(batch)s er markert som utbetalt.") % {"batch": batch.reference})
    return redirect("payouts:batch", pk=batch.pk)


# ------------------------------------------------------------------------------------------------------ ledger


@login_required
@require_GET
def ledger(request: HttpRequest, office_slug: str) -> HttpResponse:
    """Per scheme and budget year: frame, committed (this year's round and earlier rounds), paid, unpaid, free."""
    office = get_object_or_404(Office, slug=office_slug)
    if not can_view_ledger(request.user, office):
        raise PermissionDenied
    return render(
        request,
        "payouts/ledger.html",
        {
            "office": office,
            "groups": selectors.ledger_page(office),
            "can_manage": can_manage_payouts(request.user, office),
        },
    )


# ------------------------------------------------------------------------------------------------ bank account


@login_required
@require_http_methods(["GET", "POST"])
def bank_account(request: HttpRequest, org_id: int) -> HttpResponse:
    """Record the account an organisation's grants are paid to; on an error everything typed is kept."""
    organisation = get_object_or_404(Organisation, pk=org_id)
    if not can_set_bank_account(request.user, organisation):
        raise PermissionDenied
    if request.method == "POST":
        form = BankAccountForm(request.POST)
        if form.is_valid():
            try:
                organisation_set_bank_account(
                    by=request.user, organisation=organisation, bank_account=form.cleaned_data["bank_account"]
                )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Kontonummeret til %(name)s er lagret.") % {"name": organisation.name})
                back = request.POST.get("next", "")
                if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
                    return redirect(back)
                return redirect("payouts:bank_account", org_id=organisation.pk)
    else:
        form = BankAccountForm(initial={"bank_account": organisation.bank_account})
    back = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    return render(request, "payouts/bank_account.html", {"organisation": organisation, "form": form, "next": back})
