"""The owner's side: start, write step by step, submit, withdraw, copy, remove attachments."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dekomp.core.forms import add_domain_errors
from dekomp.organisations.models import Organisation
from dekomp.schemes.selectors import deadline_for, open_rounds_for

from .. import forms, selectors, services
from ..models import Attachment, NeedsReport, Status
from ..permissions import can_create_report, can_edit_report, can_view_report, can_withdraw_report
from ..steps import STEP_BY_SLUG, STEPS, next_step


def _report_or_403(request: HttpRequest, pk: int) -> NeedsReport:
    report = get_object_or_404(NeedsReport.objects.select_related("round__office", "scheme", "owner"), pk=pk)
    if not can_view_report(request.user, report):
        raise PermissionDenied
    return report


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, owner_pk: int) -> HttpResponse:
    """Start a new needs report (optionally as a copy of an earlier one)."""
    owner = get_object_or_404(Organisation, pk=owner_pk)
    if not can_create_report(request.user, owner):
        raise PermissionDenied
    rounds = open_rounds_for(owner=owner)
    earlier = NeedsReport.objects.filter(owner=owner).exclude(status=Status.DRAFT).select_related("round", "scheme")
    initial = {"round": rounds.first()}
    if request.GET.get("kopi"):
        source = earlier.filter(pk=request.GET["kopi"]).first()
        if source:
            initial.update(copy_from=source, scheme=source.scheme, title=source.title)
    form = forms.CreateForm(request.POST or None, rounds=rounds, earlier=earlier, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["copy_from"]:
                report = services.needs_report_copy(
                    by=request.user, source=data["copy_from"], round=data["round"], scheme=data["scheme"]
                )
                if report.title != data["title"]:
                    report = services.needs_report_save_basics(
                        by=request.user,
                        report=report,
                        expected_version=report.version,
                        title=data["title"],
                        region=report.region,
                        co_owners=list(report.co_owners.all()),
                    )
            else:
                report = services.needs_report_create(
                    by=request.user, round=data["round"], scheme=data["scheme"], owner=owner, title=data["title"]
                )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Behovsmeldingen er opprettet som utkast."))
            return redirect("needs:edit", report.pk, STEPS[0].slug)
    return render(request, "needs/create.html", {"owner": owner, "form": form, "rounds": rounds})


def _step_context(report: NeedsReport, step_slug: str) -> dict:
    return {
        "report": report,
        "steps": STEPS,
        "current": step_slug,
        "deadline": deadline_for(round=report.round, owner=report.owner),
        "problems": services.submission_problems(report),
        "returned": selectors.return_event(report),
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step of the report; every step saves, and an error keeps everything typed."""
    report = _report_or_403(request, pk)
    if not can_edit_report(request.user, report):
        if request.user.is_authenticated and can_create_report(request.user, report.owner):
            messages.info(
                request,
                _("Behovsmeldingen er %(status)s og kan ikke endres.") % {"status": report.get_status_display()},
            )
            return redirect("needs:detail", report.pk)
        raise PermissionDenied
    current = STEP_BY_SLUG.get(step)
    if current is None:
        return redirect("needs:edit", report.pk, STEPS[0].slug)
    if current.slug == "partnere":
        return _partners_step(request, report)
    if current.slug == "vedlegg":
        return _attachments_step(request, report)
    form = current.form_class(request.POST or None, initial=current.initial(report), report=report)
    if request.method == "POST" and form.is_valid():
        try:
            extra = {"form": form} if current.slug == "budsjett" else {}
            current.save(
                by=request.user, report=report, version=form.cleaned_data["version"], data=form.cleaned_data, **extra
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            return _after_save(request, report, current.slug)
    return render(request, f"needs/steps/{current.slug}.html", {**_step_context(report, current.slug), "form": form})


def _after_save(request: HttpRequest, report: NeedsReport, slug: str) -> HttpResponse:
    messages.success(request, _("Lagret."))
    following = next_step(slug) if request.POST.get("action") == "next" else slug
    if following is None:
        return redirect("needs:submit", report.pk)
    return redirect("needs:edit", report.pk, following)


def _partners_step(request: HttpRequest, report: NeedsReport) -> HttpResponse:
    links = list(report.partner_links.select_related("organisation"))
    initial = [
        {"organisation": link.organisation, "contact_name": link.contact_name, "contact_email": link.contact_email}
        for link in links
    ]
    version_form = forms.VersionedForm(request.POST or None, initial={"version": report.version}, prefix="meta")
    formset = forms.PartnerFormSet(request.POST or None, initial=initial or None, prefix="partnere")
    if not request.POST and len(initial) < 3:
        formset = forms.PartnerFormSet(initial=initial + [{}] * (3 - len(initial)), prefix="partnere")
    if request.method == "POST" and version_form.is_valid() and formset.is_valid():
        partners = [
            services.PartnerInput(row["organisation"], row["contact_name"], row["contact_email"])
            for row in formset.cleaned_data
            if row.get("organisation")
        ]
        try:
            services.needs_report_save_partners(
                by=request.user, report=report, expected_version=version_form.cleaned_data["version"], partners=partners
            )
        except ValidationError as error:
            add_domain_errors(version_form, error)
        else:
            return _after_save(request, report, "partnere")
    return render(
        request,
        "needs/steps/partnere.html",
        {**_step_context(report, "partnere"), "form": version_form, "formset": formset, "links": links},
    )


def _attachments_step(request: HttpRequest, report: NeedsReport) -> HttpResponse:
    form = forms.AttachmentForm(request.POST or None, request.FILES or None, initial={"version": report.version})
    if request.method == "POST":
        if request.POST.get("action") == "next" and not request.FILES:
            return redirect("needs:submit", report.pk)
        if form.is_valid():
            try:
                services.attachment_add(
                    by=request.user,
                    report=report,
                    expected_version=form.cleaned_data["version"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as error:
                add_domain_errors(form, error)
                if "file" not in form.errors and not form.non_field_errors():
                    form.add_error("file", error.messages)
            else:
                messages.success(request, _("Vedlegget er lagt til."))
                return redirect("needs:edit", report.pk, "vedlegg")
    return render(
        request,
        "needs/steps/vedlegg.html",
        {**_step_context(report, "vedlegg"), "form": form, "attachments": report.attachments.all()},
    )


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    report = _report_or_403(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, report=report)
    if not can_edit_report(request.user, report):
        raise PermissionDenied
    try:
        services.attachment_remove(
            by=request.user, report=report, attachment=attachment, expected_version=int(request.POST.get("version", 0))
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Vedlegget er fjernet."))
    return redirect("needs:edit", report.pk, "vedlegg")


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary with everything that is missing, the owner's declaration and the submit button."""
    report = _report_or_403(request, pk)
    if not can_edit_report(request.user, report):
        if can_create_report(request.user, report.owner):
            return redirect("needs:detail", report.pk)
        raise PermissionDenied
    form = forms.SubmitForm(request.POST or None, initial={"token": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.needs_report_submit(
                by=request.user,
                report=report,
                token=form.cleaned_data["token"],
                is_declared=form.cleaned_data["is_declared"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            return redirect("needs:receipt", report.pk, submission.number)
    page = selectors.report_for_page(pk=report.pk)
    return render(
        request,
        "needs/submit.html",
        {
            **_step_context(page, "oppsummering"),
            "form": form,
            "budget": selectors.budget_table(page),
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_403(request, pk)
    if not can_withdraw_report(request.user, report):
        raise PermissionDenied
    try:
        services.needs_report_withdraw(by=request.user, report=report, comment=request.POST.get("comment", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Behovsmeldingen er trukket."))
    return redirect("needs:detail", report.pk)


@login_required
@require_POST
def copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a new report from this one: goes to the start page with the copy chosen."""
    report = _report_or_403(request, pk)
    if not can_create_report(request.user, report.owner):
        raise PermissionDenied
    return redirect(f"{reverse('needs:create', args=[report.owner_id])}?kopi={report.pk}")
