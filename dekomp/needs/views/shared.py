"""Pages everyone named in a report (and its office) sees: the report, receipts, versions, attachments."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from dekomp.accounts.access import access_for
from dekomp.activity.services import events_for
from dekomp.activity.verbs import verb_label
from dekomp.schemes.selectors import deadline_for

from .. import selectors, snapshot
from ..forms import AnswerForm, CommentForm
from ..models import Attachment, ConfirmationStatus, NeedsReport, Status, Submission
from ..overview import neighbours
from ..pdf import receipt_pdf as make_receipt_pdf
from ..permissions import (
    can_answer_as_co_owner,
    can_answer_as_partner,
    can_check_report,
    can_create_report,
    can_edit_report,
    can_view_report,
    can_withdraw_report,
)
from .office import LIST_MARK, OverviewFilterForm


def _viewable(request: HttpRequest, pk: int) -> NeedsReport:
    try:
        report = selectors.report_for_page(pk=pk)
    except NeedsReport.DoesNotExist:
        raise Http404 from None
    if not can_view_report(request.user, report):
        raise PermissionDenied
    return report


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole report, its answers, history and versions, with the actions open to this user."""
    report = _viewable(request, pk)
    user = request.user
    access = access_for(user)
    my_orgs = {m.organisation_id for m in access.organisations} if access else set()
    answer_comment = request.session.pop("answer_comment", "")
    partner_links = [
        (link, can_answer_as_partner(user, link) and report.is_editable) for link in report.partner_links.all()
    ]
    co_owner_links = [
        (link, can_answer_as_co_owner(user, link) and report.is_editable) for link in report.co_owner_links.all()
    ]
    events = [(event, verb_label(event.verb)) for event in events_for(report)]
    can_check = can_check_report(user, report)
    return render(
        request,
        "needs/detail.html",
        {
            "report": report,
            "returned": selectors.return_event(report),
            "budget": selectors.budget_table(report),
            "partner_links": partner_links,
            "co_owner_links": co_owner_links,
            "events": events,
            "deadline": deadline_for(round=report.round, owner=report.owner),
            "can_edit": can_edit_report(user, report),
            "can_withdraw": can_withdraw_report(user, report),
            "can_copy": can_create_report(user, report.owner) and report.status != Status.DRAFT,
            "can_check": can_check and report.status == Status.SUBMITTED,
            "can_return": can_check and report.status in (Status.SUBMITTED, Status.CHECKED),
            "list_nav": _list_nav(request, report) if can_check else None,
            "answer_form": AnswerForm(initial={"comment": answer_comment}),
            "comment_form": CommentForm(),
            "is_named_partner": any(link.organisation_id in my_orgs for link, _can in partner_links),
            "pending": ConfirmationStatus.PENDING,
        },
    )


def _list_nav(request: HttpRequest, report: NeedsReport) -> dict | None:
    """Opened from the office's overview: the previous and next report in that filtered list, the filter kept."""
    if request.GET.get(LIST_MARK[0]) != LIST_MARK[1]:
        return None
    filters = OverviewFilterForm(request.GET, round=report.round).filters()
    place = neighbours(report=report, filters=filters)
    query = request.GET.copy()
    query[LIST_MARK[0]] = LIST_MARK[1]
    back = query.copy()
    back.pop(LIST_MARK[0])
    back["side"] = str(place.page)
    link = lambda pk: f"{reverse('needs:detail', args=[pk])}?{query.urlencode()}" if pk else None  # noqa: E731
    return {
        "place": place,
        "query": query.urlencode(),
        "previous": link(place.previous),
        "next": link(place.next),
        "back": f"{reverse('needs:round_list', args=[report.round_id])}?{back.urlencode()}",
    }


def _submission(request: HttpRequest, pk: int, number: int) -> Submission:
    report = _viewable(request, pk)
    submission = get_object_or_404(Submission.objects.select_related("submitted_by"), report=report, number=number)
    submission.report = report
    return submission


@login_required
@require_GET
def receipt(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    submission = _submission(request, pk, number)
    return render(request, "needs/receipt.html", {"submission": submission, "report": submission.report})


@login_required
@require_GET
def receipt_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    submission = _submission(request, pk, number)
    response = HttpResponse(make_receipt_pdf(submission), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="kvittering-{submission.report.reference}-v{submission.number}.pdf"'
    )
    return response


@login_required
@require_GET
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    """Compare two submitted versions (by default the last two), field by field."""
    report = _viewable(request, pk)
    submissions = list(report.submissions.all())
    numbers = [s.number for s in submissions]
    try:
        new = int(request.GET.get("ny", numbers[-1] if numbers else 0))
        old = int(request.GET.get("gammel", numbers[-2] if len(numbers) > 1 else new))
    except ValueError:
        raise Http404 from None
    by_number = {s.number: s for s in submissions}
    changes = None
    if old in by_number and new in by_number:
        changes = snapshot.diff(by_number[old].snapshot, by_number[new].snapshot)
    return render(
        request,
        "needs/versions.html",
        {
            "report": report,
            "submissions": submissions,
            "old": old,
            "new": new,
            "changes": changes,
        },
    )


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    report = _viewable(request, pk)
    item = get_object_or_404(Attachment, pk=attachment_pk, report=report)
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
