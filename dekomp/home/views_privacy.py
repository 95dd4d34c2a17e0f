"""Personal-data pages: what the download holds and the download itself, and the confirmation to anonymise."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from dekomp.accounts.models import User
from dekomp.accounts.privacy import anonymise_problems, anonymised_name, can_anonymise_user
from dekomp.core.forms import DesignsystemetFormMixin, add_domain_errors

from .privacy import user_anonymise, user_data_export


class AnonymiseForm(DesignsystemetFormMixin, forms.Form):
    """The admin confirms that anonymisation cannot be undone."""

    confirm = forms.BooleanField(
        label=gettext_lazy("Jeg forstår at anonymiseringen ikke kan angres"),
        error_messages={"required": gettext_lazy("Kryss av for at du forstår at anonymiseringen ikke kan angres.")},
    )


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    """What the download of one's own data holds, and the button to fetch it."""
    return render(request, "home/privacy_my_data.html")


@login_required
@require_GET
def my_data_download(request: HttpRequest) -> HttpResponse:
    """Everything kept about the logged-in person, as a JSON file."""
    data = user_data_export(user=request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"mine-data-{request.user.pk}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def anonymise(request: HttpRequest, user_id: int) -> HttpResponse:
    """Confirm and anonymise one person (office admins of an office where the person has a role)."""
    subject = get_object_or_404(User, pk=user_id)
    if not can_anonymise_user(request.user, subject):
        raise PermissionDenied(_("Bare administratorer ved et embete der personen har en rolle, kan anonymisere."))
    form = AnonymiseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user_anonymise(user=subject, by=request.user)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request, _("Personen er anonymisert og vises nå som «%(name)s».") % {"name": anonymised_name(subject)}
            )
            return redirect("home:index")
    return render(
        request,
        "home/privacy_anonymise.html",
        {
            "subject": subject,
            "form": form,
            "problems": anonymise_problems(subject=subject),
            "anonymous_name": anonymised_name(subject),
        },
    )
