"""The money dashboard for office staff (their offices) and national readers (every office, with a national total)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from dekomp.core.forms import DesignsystemetFormMixin
from dekomp.organisations.models import Office

from . import dashboard as reads
from .permissions_dashboard import can_view_any_dashboard, can_view_dashboard


class DashboardFilterForm(DesignsystemetFormMixin, forms.Form):
    """Choose one office (when the reader may see several) and one round year; a bad year counts as all."""

    kontor = forms.ChoiceField(label=gettext_lazy("Embete"), required=False)
    runde = forms.TypedChoiceField(label=gettext_lazy("Runde (år)"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: object, offices: list[Office], years: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kontor"].choices = [("", _("Alle embetene")), *[(o.slug, o.name) for o in offices]]
        self.fields["runde"].choices = [("", _("Alle runder")), *[(year, str(year)) for year in years]]
        if len(offices) < 2:
            self.fields["kontor"].widget = forms.HiddenInput()

    def year(self) -> int | None:
        self.is_valid()
        return self.cleaned_data.get("runde")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Frame vs. committed vs. paid and committed money by region, scheme, theme, partner and year, as charts and
    tables."""
    if not can_view_any_dashboard(request.user):
        raise PermissionDenied(_("Oversikten over midlene er for ansatte hos Statsforvalteren og nasjonale lesere."))
    allowed = reads.dashboard_offices(request.user)
    offices = allowed
    slug = request.GET.get("kontor", "")
    if slug:
        office = get_object_or_404(Office, slug=slug)
        if not can_view_dashboard(request.user, office):
            raise PermissionDenied(_("Du kan bare se oversikten for ditt eget embete."))
        offices = [office]
    years = reads.round_years(offices)
    form = DashboardFilterForm(request.GET, offices=allowed, years=years)
    page = reads.dashboard(offices=offices, year=form.year())
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "page": page,
            "is_national": request.user.is_national_reader and len(offices) > 1,
            "several_allowed": len(allowed) > 1,
        },
    )
