"""The public list of granted measures per office and year, and its open data as CSV and JSON (no login).

The address of a list is the office's slug and the round's year (``/tildelinger/<office>/<year>/``): stable and
readable. An office may run more than one round in a year; the page, the CSV and the JSON then hold every published
round of that year, each measure naming its round.
"""

import json

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from dekomp.core.exports import Sheet, csv_response
from dekomp.core.forms import DesignsystemetFormMixin
from dekomp.organisations.models import Office
from dekomp.schemes.models import Round

from . import public

# Open data is the same for everyone and changes only when the office decides: shared caches may keep it a while.
OPEN_DATA_CACHE = {"public": True, "max_age": 300}
# Names of schemes and themes in the files are always in bokmål, whatever the reader's language.
OPEN_DATA_LANGUAGE = "nb"


class PublicFilterForm(DesignsystemetFormMixin, forms.Form):
    """Filter the public list by scheme and region; the choices are those the list holds, a bad value means all."""

    ordning = forms.ChoiceField(label=_("Ordning"), required=False)
    region = forms.TypedChoiceField(label=_("Region"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: object, measures: list[public.PublicMeasure], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        schemes = sorted({(m.scheme_id, m.scheme_code, m.scheme_short_name) for m in measures})
        regions = sorted({(m.region, m.region_id) for m in measures if m.region_id is not None})
        self.fields["ordning"].choices = [("", _("Alle ordninger")), *[(code, name) for _pk, code, name in schemes]]
        self.fields["region"].choices = [("", _("Alle regioner")), *[(pk, name) for name, pk in regions]]

    def filtered(self, measures: list[public.PublicMeasure]) -> list[public.PublicMeasure]:
        if not self.is_valid():
            return measures
        return public.filter_measures(
            measures, scheme_code=self.cleaned_data.get("ordning") or "", region_id=self.cleaned_data.get("region")
        )


def _published(office_slug: str, year: int) -> tuple[Office, list[Round]]:
    """The office and its published rounds of the year; 404 when there is none (unknown or not yet decided)."""
    office = get_object_or_404(Office, slug=office_slug)
    rounds = public.published_rounds_of(office=office, year=year)
    if not rounds:
        raise Http404
    return office, rounds


def _open_data_measures(rounds: list[Round]) -> list[public.PublicMeasure]:
    with translation.override(OPEN_DATA_LANGUAGE):
        return public.granted_measures(rounds=rounds)


def _filename(office: Office, year: int, extension: str) -> str:
    return f"tildelinger-{office.slug}-{year}.{extension}"


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The offices that have published the granted measures of a round, with the years."""
    return render(request, "reporting/public_index.html", {"offices": public.offices_with_published_rounds()})


@require_safe
def round_list(request: HttpRequest, office_slug: str, year: int) -> HttpResponse:
    """The granted measures of an office's rounds of one year: filters, totals per scheme and year, open data."""
    office, rounds = _published(office_slug, year)
    measures = public.granted_measures(rounds=rounds)
    form = PublicFilterForm(request.GET or None, measures=measures)
    shown = form.filtered(measures)
    summary = public.totals(shown)
    return render(
        request,
        "reporting/public_round.html",
        {
            "office": office,
            "year": year,
            "rounds": rounds,
            "form": form,
            "rows": [
                {
                    "measure": m,
                    "amounts": m.amounts_for(summary.years),
                    "recipients": [(r, r.amounts_for(summary.years)) for r in m.by_recipient],
                }
                for m in shown
            ],
            "all_count": len(measures),
            "summary": summary,
            "csv_columns": public.CSV_COLUMNS,
            "is_filtered": bool(request.GET),
        },
    )


@require_safe
@cache_control(**OPEN_DATA_CACHE)
def round_csv(request: HttpRequest, office_slug: str, year: int) -> HttpResponse:
    """The open data as CSV: one row per measure, recipient and budget year, with a header row."""
    office, rounds = _published(office_slug, year)
    measures = _open_data_measures(rounds)
    sheet = Sheet(
        title="tildelinger", headers=public.CSV_COLUMNS, rows=public.csv_rows(office=office, measures=measures)
    )
    response = csv_response(filename=_filename(office, year, "csv"), sheet=sheet)
    del response["Cache-Control"]  # csv_response marks downloads private; this one is public (set by the decorator)
    return response


@require_safe
@cache_control(**OPEN_DATA_CACHE)
def round_json(request: HttpRequest, office_slug: str, year: int) -> HttpResponse:
    """The open data as JSON: the rounds, each measure with its lines, and the totals."""
    office, rounds = _published(office_slug, year)
    measures = _open_data_measures(rounds)
    document = public.json_document(office=office, year=year, rounds=rounds, measures=measures)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=_filename(office, year, "json")
    )
    return response
