"""Admin for office admins: each sees and changes only what lies in their office's fylker."""

from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest

from dekomp.accounts.permissions import administered_office_ids, can_use_admin

from .forms import OrganisationForm, UnitForm
from .models import County, Forum, Municipality, Office, Organisation, Region, Unit, WorkingGroup


class OfficeScopedAdmin(admin.ModelAdmin):
    """Limit lists and choices to the user's offices; ``office_path`` says how to reach the office."""

    office_path = "office"

    def office_filter(self, offices: set[int]) -> Q:
        return Q(**{f"{self.office_path}__in": offices})

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request)
        offices = administered_office_ids(request.user)
        if offices is None:
            return queryset
        return queryset.filter(self.office_filter(offices)).distinct()

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        # Choices are limited too: an office admin cannot attach anything to another office.
        offices = administered_office_ids(request.user)
        if offices is not None and db_field.related_model in SCOPED_CHOICES:
            kwargs["queryset"] = SCOPED_CHOICES[db_field.related_model](offices)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        offices = administered_office_ids(request.user)
        if offices is not None and db_field.related_model in SCOPED_CHOICES:
            kwargs["queryset"] = SCOPED_CHOICES[db_field.related_model](offices)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or bool(administered_office_ids(request.user))

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


# For each model that can be chosen in a form: the choices an admin of ``offices`` may pick.
SCOPED_CHOICES = {
    Office: lambda offices: Office.objects.filter(pk__in=offices),
    Region: lambda offices: Region.objects.filter(office__in=offices),
    Organisation: lambda offices: Organisation.objects.filter(
        Q(municipality__county__offices__in=offices) | Q(county__offices__in=offices)
    ).distinct(),
}


@admin.register(Organisation)
class OrganisationAdmin(OfficeScopedAdmin):
    form = OrganisationForm

    def office_filter(self, offices: set[int]) -> Q:
        return Q(municipality__county__offices__in=offices) | Q(county__offices__in=offices)

    list_display = ["name", "orgnr", "kind", "municipality", "malform", "is_demo"]
    list_filter = ["kind", "malform", "is_demo"]
    search_fields = ["name", "orgnr"]


@admin.register(Unit)
class UnitAdmin(OfficeScopedAdmin):
    form = UnitForm
    office_path = "municipality__county__offices"
    list_display = ["name", "orgnr", "kind", "owner", "municipality", "staff_count", "pupil_count"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "orgnr", "owner__name"]
    list_select_related = ["owner", "municipality"]
    autocomplete_fields = ["owner"]


@admin.register(Region)
class RegionAdmin(OfficeScopedAdmin):
    list_display = ["name", "kind", "office"]
    list_filter = ["kind"]
    filter_horizontal = ["members"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(OfficeScopedAdmin):
    office_path = "region__office"
    list_display = ["name", "region"]


@admin.register(Forum)
class ForumAdmin(OfficeScopedAdmin):
    list_display = ["name", "office"]


@admin.register(Office)
class OfficeAdmin(OfficeScopedAdmin):
    """Offices and the fylker they cover are national reference data: only system administrators change them."""

    office_path = "pk"
    list_display = ["name", "slug"]
    filter_horizontal = ["counties"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_use_admin(request.user)

    has_module_permission = has_view_permission


@admin.register(Municipality)
class MunicipalityAdmin(CountyAdmin):
    list_display = ["number", "name", "county"]
    search_fields = ["number", "name"]
