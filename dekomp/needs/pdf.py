"""The submission receipt as PDF (WeasyPrint), in the language active when it is made."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML

from .models import Submission
from .snapshot import FIELDS, readable


def receipt_pdf(submission: Submission) -> bytes:
    """A tagged PDF receipt of one submitted version: what was sent, when and by whom."""
    html = render_to_string(
        "needs/receipt_pdf.html",
        {
            "submission": submission,
            "report": submission.report,
            "fields": FIELDS,
            "snapshot": readable(submission.snapshot),
        },
    )
    font_dir = finders.find("vendor/inter/400.css")
    base_url = str(font_dir).rsplit("/", 1)[0] if font_dir else None
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")
