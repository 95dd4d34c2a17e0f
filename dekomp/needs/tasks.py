"""Background work for needs reports: the receipt e-mail after submission (through the e-mail outbox)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from dekomp.core import outbox

from .models import Submission


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
