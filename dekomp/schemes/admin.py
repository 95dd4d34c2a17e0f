"""Admin for schemes (system administrators) and rounds (each office admin for their own office).

A round's status is read-only here: it changes only through ``round_transition`` on the round's page.
"""

from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest

from dekomp.accounts.permissions import administered_office_ids, can_use_admin
from dekomp.organisations.admin import OfficeScopedAdmin
from dekomp.organisations.models import Organisation

from .models import ActivityType, ApplicantGroup, Frame, Round, Scheme, Theme


class ReferenceDataAdmin(admin.ModelAdmin):
    """National reference data: system administrators change it, office admins only look."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_use_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_use_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(Scheme)
class SchemeAdmin(ReferenceDataAdmin):
    list_display = ["short_name", "code", "name", "egenandel_share", "is_partner_required", "coordinator_share_cap"]
    search_fields = ["short_name", "code", "name"]


@admin.register(Theme)
class ThemeAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name", "code"]


@admin.register(ActivityType)
class ActivityTypeAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name", "code"]


class OfficeInlinePermissions:
    """An inline of a round follows the round's admin: whoever may edit the round edits its rows."""

    def _allowed(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser or bool(administered_office_ids(request.user))

    has_view_permission = _allowed
    has_change_permission = _allowed
    has_add_permission = _allowed
    has_delete_permission = _allowed


class FrameInline(OfficeInlinePermissions, admin.TabularInline):
    model = Frame
    extra = 0


def choosable_owners(request: HttpRequest):
    """Owners an applicant group may hold: in the round's office, else in the offices the user administers."""
    round = getattr(request, "_dekomp_round_in_admin", None)
    owners = Organisation.objects.owners()
    if round is not None:
        return owners.in_office(round.office).order_by("name")
    offices = administered_office_ids(request.user)
    if offices is None:
        return owners.order_by("name")
    return (
        owners.filter(Q(municipality__county__offices__in=offices) | Q(county__offices__in=offices))
        .distinct()
        .order_by("name")
    )


class ApplicantGroupInline(OfficeInlinePermissions, admin.StackedInline):
    model = ApplicantGroup
    extra = 0
    filter_horizontal = ["members"]

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        # The form fields are built here; remember the round so the owner choices follow its office.
        request._dekomp_round_in_admin = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "members":
            kwargs["queryset"] = choosable_owners(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Round)
class RoundAdmin(OfficeScopedAdmin):
    """Office admins see and create rounds for their own office only; the status is moved on the round's page."""

    list_display = ["name", "year", "office", "status", "opens_at", "first_budget_year"]
    list_filter = ["status", "year"]
    search_fields = ["name"]
    list_select_related = ["office"]
    readonly_fields = ["status"]
    filter_horizontal = ["schemes", "themes", "activity_types"]
    inlines = [FrameInline, ApplicantGroupInline]
