"""The Django admin's "anonymise" action on users, added here because it calls ``dekomp.home.privacy`` (the last
app) while the user admin itself lives in the early ``accounts`` app."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dekomp.accounts.models import User
from dekomp.accounts.privacy import anonymise_problems, can_anonymise_user

from .privacy import user_anonymise


@admin.action(description=gettext_lazy("Anonymiser valgte brukere"))
def anonymise_users(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset):
    """Ask for confirmation, then anonymise each selected person the admin may anonymise (each in its own
    transaction, through the same service as the confirmation page)."""
    users = list(queryset.order_by("pk"))
    if request.POST.get("post") != "yes":
        rows = [
            {
                "user": user,
                "allowed": can_anonymise_user(request.user, user),
                "problems": anonymise_problems(subject=user),
            }
            for user in users
        ]
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": _("Anonymiser brukere"),
            "rows": rows,
            "queryset": queryset,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/privacy_anonymise_users.html", context)
    done = 0
    for user in users:
        try:
            user_anonymise(user=user, by=request.user)
        except (PermissionDenied, ValidationError) as error:
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            modeladmin.message_user(request, f"{user.email}: {reason}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, _("%(count)d brukere er anonymisert.") % {"count": done}, messages.SUCCESS)
    return None


_user_admin = admin.site.get_model_admin(User)
_user_admin.actions = [*(_user_admin.actions or ()), anonymise_users]
