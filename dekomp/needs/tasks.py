"""Background work for needs reports: the receipt e-mail after submission, and the notices to the people named in a
report and to its owner (asked to confirm, an answer received, returned for changes), all through the e-mail outbox.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from dekomp.activity import notify
from dekomp.activity.models import Event
from dekomp.core import outbox
from dekomp.organisations.models import Organisation
from dekomp.organisations.selectors import organisation_addresses
from dekomp.schemes.selectors import deadline_for

from .models import ConfirmationStatus, CoOwner, NeedsReport, ReportPartner, Submission


@task()
def send_submission_receipt(submission_id: int) -> None:
    """E-mail the receipt (with the PDF) to the submitter and the owner's address, in the submitter's language."""
    from .pdf import receipt_pdf

    submission = Submission.objects.select_related("report__owner", "report__round", "submitted_by").get(
        pk=submission_id
    )
    recipients = sorted({submission.submitted_by.email, submission.report.owner.email} - {""})
    with translation.override(submission.submitted_by.language or settings.LANGUAGE_CODE):
        context = {"submission": submission, "report": submission.report}
        subject = render_to_string("needs/email/receipt_subject.txt", context).strip()
        body = render_to_string("needs/email/receipt.txt", context)
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        message.attach(
            f"kvittering-{submission.report.reference}-v{submission.number}.pdf",
            receipt_pdf(submission),
            "application/pdf",
        )
        # Kept in the outbox until the mail server takes it; the key makes a second run of the task send nothing.
        outbox.send(message, key=f"needs.receipt:{submission.pk}")


LINKS = {"partner": ReportPartner, "co_owner": CoOwner}


@task()
def send_confirmation_request(kind: str, link_id: int) -> None:
    """Ask a partner (its contact and its people) or a co-owner (its people) to confirm or decline, in its målform.

    Nothing is sent when the link has gone or has been answered meanwhile. A partner whose contact changes is asked
    again: the key names the contact's address.
    """
    link = (
        LINKS[kind]
        .objects.select_related("organisation", "report__owner", "report__round__office", "report__scheme")
        .filter(pk=link_id)
        .first()
    )
    if link is None or link.status != ConfirmationStatus.PENDING or not link.report.is_editable:
        return
    report, organisation = link.report, link.organisation
    addresses = organisation_addresses([organisation])[organisation.pk]
    key = f"needs.confirm:{kind}:{link.pk}"
    if kind == "partner":
        addresses = [link.contact_email, *addresses]
        key = f"{key}:{link.contact_email}"
    language = notify.language_of(organisation)
    notify.send(
        template=f"needs/email/confirm_{kind}",
        language=language,
        to=addresses,
        context={
            "office_name": notify.office_name(report.round.office, language),
            "report": report,
            "link": link,
            "organisation": organisation,
            "deadline": deadline_for(round=report.round, owner=report.owner),
            "url": notify.url("needs:detail", report.pk),
        },
        key=key,
    )


ANSWERS = {
    "partner_confirmed": ("partner", True),
    "partner_declined": ("partner", False),
    "co_owner_confirmed": ("co_owner", True),
    "co_owner_declined": ("co_owner", False),
}


@task()
def send_answer_notice(event_id: int) -> None:
    """Tell the owner (its address and submitters, in its målform) that a partner or co-owner has answered.

    The recorded event says who answered what, and why (a decline's reason is its comment). A decline links to the
    step where the owner changes partners or co-owners; a confirmation to the summary before submission.
    """
    event = Event.objects.get(pk=event_id)
    kind, is_confirmed = ANSWERS[event.verb]
    report = NeedsReport.objects.select_related("owner", "round__office", "scheme").get(pk=event.target_id)
    organisation = Organisation.objects.get(pk=event.changes["organisation"])
    if is_confirmed:
        url = notify.url("needs:submit", report.pk)
    else:
        url = notify.url("needs:edit", report.pk, "partnere" if kind == "partner" else "grunnlag")
    language = notify.language_of(report.owner)
    notify.send(
        template="needs/email/answer",
        language=language,
        to=organisation_addresses([report.owner])[report.owner_id],
        context={
            "office_name": notify.office_name(report.round.office, language),
            "report": report,
            "organisation": organisation,
            "is_partner": kind == "partner",
            "is_confirmed": is_confirmed,
            "reason": event.comment,
            "url": url,
        },
        key=f"needs.answer:{event.pk}",
    )


@task()
def send_return_notice(event_id: int) -> None:
    """Tell the owner's submitters (and its address, in its målform) that the office returned the report, and why."""
    event = Event.objects.get(pk=event_id)
    report = NeedsReport.objects.select_related("owner", "round__office", "scheme").get(pk=event.target_id)
    language = notify.language_of(report.owner)
    notify.send(
        template="needs/email/returned",
        language=language,
        to=organisation_addresses([report.owner])[report.owner_id],
        context={
            "office_name": notify.office_name(report.round.office, language),
            "report": report,
            "reason": event.comment,
            "url": notify.url("needs:detail", report.pk),
        },
        key=f"needs.returned:{event.pk}",
    )


# The kind of background job (dekomp.activity.jobs) that makes the overview's export (a workbook or a CSV table).
EXPORT_JOB = "needs.export"
EXPORT_TABLES = {"behovsmeldinger": 0, "budsjettposter": 1}


@task()
def export_job(job_id: int) -> int:
    """Make the filtered reports' workbook or CSV table and keep it on the job, for the job's page to offer.

    The headers are in the language of the person who asked; the file name carries the time it was made.
    """
    from django.utils import timezone

    from dekomp.activity.jobs import job_finish, job_item_done, job_running, job_store_file
    from dekomp.activity.models import Job
    from dekomp.core.exports import csv_text, xlsx_bytes
    from dekomp.schemes.models import Round

    from .overview import Filters, export_rows

    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return job.done
    job_running(job)
    parameters = job.parameters
    try:
        round = Round.objects.select_related("office").get(pk=parameters["round"])
        with translation.override(parameters.get("language") or settings.LANGUAGE_CODE):
            sheets = export_rows(round=round, filters=Filters(**parameters["filters"]))
            name = f"behovsmeldinger-{round.office.slug}-{round.year}-{timezone.localtime():%Y%m%d-%H%M}"
            if parameters["format"] == "xlsx":
                name, content = f"{name}.xlsx", xlsx_bytes(sheets)
            else:
                table = parameters["table"]
                name, content = f"{name}-{table}.csv", csv_text(sheets[EXPORT_TABLES[table]]).encode("utf-8-sig")
    except Exception as error:
        return job_finish(job, error=str(error) or error.__class__.__name__).done
    job_store_file(job, name=name, content=content)
    job_item_done(job)
    return job_finish(job).done
