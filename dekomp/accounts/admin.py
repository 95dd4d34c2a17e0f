"""Admin for users and memberships, limited to the office admin's own office."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ForumMembership, OfficeMembership, OrganisationMembership, User, WorkingGroupMembership
from .permissions import administered_office_ids, can_use_admin
from .services import two_factor_reset

admin.site.site_header = _("Lokal kompetanseutvikling – administrasjon")
admin.site.site_title = _("Administrasjon")
admin.site.index_title = _("Oppsett av embetet")
# The admin is for office admins and system administrators, decided by the same predicate as everywhere else,
# and there is one login page: the admin's own (which would demand is_staff) sends people to it.
admin.site.has_permission = lambda request: request.user.is_active and can_use_admin(request.user)
admin.site.login = lambda request, extra_context=None: redirect_to_login(
    request.GET.get("next", reverse("admin:index")), reverse("accounts:login")
)


class AdminScopedInline(admin.TabularInline):
    """Inlines follow the same predicate as the rest of the admin, not Django's model permissions."""

    extra = 0

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_use_admin(request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class OfficeMembershipInline(AdminScopedInline):
    model = OfficeMembership

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        offices = administered_office_ids(request.user)
        if offices is not None and db_field.name == "office":
            kwargs["queryset"] = db_field.related_model.objects.filter(pk__in=offices)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OrganisationMembershipInline(AdminScopedInline):
    model = OrganisationMembership
    autocomplete_fields = ["organisation"]


class UserCreationForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "language"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users; an office admin sees the users with a role at their office or in its bodies."""

    ordering = ["full_name"]
    list_display = ["full_name", "email", "is_active", "is_national_reader", "last_login"]
    list_filter = ["is_active", "is_national_reader", "is_staff"]
    search_fields = ["full_name", "email"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "phone", "language", "password"]}),
        (_("Tilgang"), {"fields": ["is_active", "is_staff", "is_national_reader"]}),
        (_("Datoer"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name", "language"]})]
    add_form = UserCreationForm
    inlines = [OfficeMembershipInline, OrganisationMembershipInline]
    actions = ["reset_two_factor"]

    @admin.action(description=_("Nullstill tofaktorinnlogging (mistet telefon)"))
    def reset_two_factor(self, request: HttpRequest, queryset) -> None:
        """The chosen users set up their authenticator app again at their next login."""
        count = sum(two_factor_reset(user=user, by=request.user) for user in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)s bruker må sette opp tofaktorinnlogging på nytt ved neste innlogging.",
                "%(count)s brukere må sette opp tofaktorinnlogging på nytt ved neste innlogging.",
                count,
            )
            % {"count": count},
        )

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request)
        offices = administered_office_ids(request.user)
        if offices is None:
            return queryset
        return queryset.filter(
            Q(office_memberships__office__in=offices)
            | Q(working_group_memberships__working_group__region__office__in=offices)
            | Q(forum_memberships__forum__office__in=offices)
            | Q(organisation_memberships__organisation__municipality__county__offices__in=offices)
        ).distinct()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_use_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_use_admin(request.user)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # Only system administrators hand out admin access or national reading rights.
        if request.user.is_superuser:
            return self.readonly_fields
        return [*self.readonly_fields, "is_staff", "is_national_reader"]


@admin.register(WorkingGroupMembership)
class WorkingGroupMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "working_group", "role", "representing"]
    list_filter = ["role", "working_group"]
    autocomplete_fields = ["user", "representing"]

    def get_queryset(self, request: HttpRequest):
        offices = administered_office_ids(request.user)
        queryset = super().get_queryset(request)
        return queryset if offices is None else queryset.filter(working_group__region__office__in=offices)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        # An office admin can only seat people in their own office's bodies.
        offices = administered_office_ids(request.user)
        if offices is not None and db_field.name == "working_group":
            kwargs["queryset"] = db_field.related_model.objects.filter(region__office__in=offices)
        if offices is not None and db_field.name == "forum":
            kwargs["queryset"] = db_field.related_model.objects.filter(office__in=offices)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_use_admin(request.user)

    has_view_permission = has_change_permission = has_add_permission = has_delete_permission = (
        lambda self, request, obj=None: can_use_admin(request.user)
    )


@admin.register(ForumMembership)
class ForumMembershipAdmin(WorkingGroupMembershipAdmin):
    list_display = ["user", "forum", "role", "representing"]
    list_filter = ["role", "forum"]

    def get_queryset(self, request: HttpRequest):
        offices = administered_office_ids(request.user)
        queryset = admin.ModelAdmin.get_queryset(self, request)
        return queryset if offices is None else queryset.filter(forum__office__in=offices)
