"""The forum's recommendation as PDF (WeasyPrint), in the language active when it is made."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML

from .selectors import Workspace


def recommendation_html(workspace: Workspace) -> str:
    """The HTML the PDF is made from (also what the tests read)."""
    return render_to_string("allocation/recommendation_pdf.html", {"ws": workspace})


def recommendation_pdf(workspace: Workspace) -> bytes:
    """A tagged PDF of one version of the recommendation: per scheme the frame, the lines, overrides and recusals."""
    font_dir = finders.find("vendor/inter/400.css")
    base_url = str(font_dir).rsplit("/", 1)[0] if font_dir else None
    return HTML(string=recommendation_html(workspace), base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")
