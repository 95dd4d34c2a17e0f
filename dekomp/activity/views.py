"""The audit trail's pages, read-only and for office admins: per needs report, per round (and CSV), per user."""

import json

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dekomp.accounts.models import User
from dekomp.core.exports import Sheet, csv_response

from . import selectors
from .forms import LogFilterForm
from .permissions import audited_office_ids, can_read_audit_trail, can_read_user_trail


def _refuse() -> PermissionDenied:
    return PermissionDenied(_("Bare embetets administratorer kan lese loggen."))


@login_required
@require_GET
def report_log(request: HttpRequest, report_id: int) -> HttpResponse:
    """Everything recorded on one needs report and on what belongs to it, newest first."""
    report = selectors.report_for_log(report_id=report_id)
    if report is None:
        raise Http404
    if not can_read_audit_trail(request.user, report.round.office):
        raise _refuse()
    page, rows = selectors.page_of(selectors.report_events(report_id=report.pk), request.GET.get("side"))
    return render(request, "activity/report.html", {"report": report, "page": page, "rows": rows})


def _round_and_filters(request: HttpRequest, round_id: int):
    round = selectors.round_for_log(round_id=round_id)
    if round is None:
        raise Http404
    if not can_read_audit_trail(request.user, round.office):
        raise _refuse()
    everything = selectors.round_events(round_id=round.pk)
    form = LogFilterForm(
        request.GET or None, verbs=selectors.verbs_in(everything), actors=selectors.actors_in(everything)
    )
    filters = form.filters() if form.is_bound else {"verb": "", "actor_id": None}
    return round, form, selectors.round_events(round_id=round.pk, **filters)


@login_required
@require_GET
def round_log(request: HttpRequest, round_id: int) -> HttpResponse:
    """A round's log, 100 events a page, filtered by verb and actor."""
    round, form, events = _round_and_filters(request, round_id)
    page, rows = selectors.page_of(events, request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "activity/round.html",
        {"round": round, "form": form, "page": page, "rows": rows, "export_query": query.urlencode()},
    )


@login_required
@require_GET
def round_log_csv(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round's log (with the same filters) as a CSV file, every event, oldest first."""
    round, _form, events = _round_and_filters(request, round_id)
    rows = selectors.rows(events.order_by("at", "pk"))
    sheet = Sheet(
        title=_("Logg"),
        headers=[
            _("Tidspunkt"),
            _("Utført av"),
            _("E-post"),
            _("Handling"),
            _("Kode"),
            _("Gjelder"),
            _("Id"),
            _("Navn"),
            _("Endringer"),
            _("Kommentar"),
        ],
        rows=[
            [
                row.event.at,
                row.event.actor.full_name if row.event.actor else _("systemet"),
                row.event.actor.email if row.event.actor else "",
                row.verb,
                row.event.verb,
                row.target_kind,
                row.event.target_id,
                row.target_name,
                json.dumps(row.event.changes, ensure_ascii=False, sort_keys=True),
                row.event.comment,
            ]
            for row in rows
        ],
    )
    return csv_response(filename=f"logg-runde-{round.pk}-{round.year}.csv", sheet=sheet)


@login_required
@require_GET
def user_log(request: HttpRequest, user_id: int) -> HttpResponse:
    """What one person did at the admin's offices, newest first; their actions elsewhere are not shown."""
    subject = get_object_or_404(User, pk=user_id)
    if not can_read_user_trail(request.user, subject):
        raise _refuse()
    office_ids = audited_office_ids(request.user)
    offices = apps.get_model("organisations", "Office").objects.filter(pk__in=office_ids).order_by("name")
    office_names = ", ".join(office.name for office in offices)
    page, rows = selectors.page_of(selectors.user_events(user=subject, office_ids=office_ids), request.GET.get("side"))
    return render(
        request, "activity/user.html", {"subject": subject, "offices": office_names, "page": page, "rows": rows}
    )
