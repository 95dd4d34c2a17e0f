"""A user's memberships, loaded once per request, and the roles (each with its own home) they give."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from dekomp.organisations.models import Forum, Office, Organisation, WorkingGroup

from .models import (
    BodyRole,
    ForumMembership,
    OfficeMembership,
    OfficeRole,
    OrganisationMembership,
    OrganisationRole,
    User,
    WorkingGroupMembership,
)


class RoleKind(StrEnum):
    """The kinds of home a user can land on."""

    OWNER = "owner"
    PARTNER = "partner"
    WORKING_GROUP = "working_group"
    FORUM = "forum"
    OFFICE = "office"
    NATIONAL = "national"


@dataclass(frozen=True)
class Role:
    """One thing a user acts as, with the home page that shows what to do next in that role."""

    kind: RoleKind
    key: str
    title: str | Promise
    context: str
    url: str


def _role_for(memberships: list, key: str, pk: int) -> str | None:
    return next((membership.role for membership in memberships if getattr(membership, key) == pk), None)


@dataclass
class Access:
    """Everything about what one user may do, read with a fixed number of queries."""

    user: User
    organisations: list[OrganisationMembership] = field(default_factory=list)
    working_groups: list[WorkingGroupMembership] = field(default_factory=list)
    forums: list[ForumMembership] = field(default_factory=list)
    offices: list[OfficeMembership] = field(default_factory=list)

    def organisation_role(self, organisation: "Organisation") -> str | None:
        """The user's role for this organisation, or None."""
        return _role_for(self.organisations, "organisation_id", organisation.pk)

    def office_role(self, office: "Office") -> str | None:
        """The user's role at this office, or None."""
        return _role_for(self.offices, "office_id", office.pk)

    def working_group_role(self, working_group: "WorkingGroup") -> str | None:
        return _role_for(self.working_groups, "working_group_id", working_group.pk)

    def forum_role(self, forum: "Forum") -> str | None:
        return _role_for(self.forums, "forum_id", forum.pk)

    @property
    def office_ids(self) -> set[int]:
        return {membership.office_id for membership in self.offices}

    @property
    def is_office_admin_anywhere(self) -> bool:
        return any(membership.role == OfficeRole.ADMIN for membership in self.offices)

    def roles(self) -> list[Role]:
        """Every role this user has, in the order their homes are offered (the first is the default home)."""
        roles: list[Role] = []
        for m in self.offices:
            roles.append(
                Role(
                    RoleKind.OFFICE,
                    f"office:{m.office_id}",
                    m.get_role_display().capitalize(),
                    m.office.name,
                    reverse("home:office", args=[m.office.slug]),
                )
            )
        for m in self.organisations:
            org = m.organisation
            if org.is_owner:
                title = _("Eier") if m.role == OrganisationRole.SUBMITTER else _("Eier (lesetilgang)")
                url = reverse("home:owner", args=[org.pk])
                roles.append(Role(RoleKind.OWNER, f"owner:{org.pk}", title, org.name, url))
            elif org.is_partner:
                title = _("Partner") if m.role == OrganisationRole.SUBMITTER else _("Partner (lesetilgang)")
                url = reverse("home:partner", args=[org.pk])
                roles.append(Role(RoleKind.PARTNER, f"partner:{org.pk}", title, org.name, url))
        for m in self.working_groups:
            roles.append(
                Role(
                    RoleKind.WORKING_GROUP,
                    f"working_group:{m.working_group_id}",
                    WORKING_GROUP_TITLES[m.role],
                    m.working_group.name,
                    reverse("home:working_group", args=[m.working_group_id]),
                )
            )
        for m in self.forums:
            roles.append(
                Role(
                    RoleKind.FORUM,
                    f"forum:{m.forum_id}",
                    FORUM_TITLES[m.role],
                    m.forum.name,
                    reverse("home:forum", args=[m.forum_id]),
                )
            )
        if self.user.is_national_reader:
            roles.append(
                Role(
                    RoleKind.NATIONAL,
                    "national",
                    _("Nasjonal leser"),
                    _("Hele landet"),
                    reverse("home:national"),
                )
            )
        return roles


WORKING_GROUP_TITLES = {
    BodyRole.MEMBER: _("Medlem av arbeidsgruppe"),
    BodyRole.LEADER: _("Leder av arbeidsgruppe"),
    BodyRole.SECRETARIAT: _("Sekretariat for arbeidsgruppe"),
    BodyRole.OBSERVER: _("Observatør i arbeidsgruppe"),
}
FORUM_TITLES = {
    BodyRole.MEMBER: _("Medlem av samarbeidsforum"),
    BodyRole.LEADER: _("Leder av samarbeidsforum"),
    BodyRole.SECRETARIAT: _("Sekretariat for samarbeidsforum"),
    BodyRole.OBSERVER: _("Observatør i samarbeidsforum"),
}


def access_for(user: User | AnonymousUser) -> Access | None:
    """The user's access, cached on the user object for the rest of the request; None when anonymous."""
    if not user.is_authenticated or not user.is_active:
        return None
    cached = getattr(user, "_dekomp_access", None)
    if cached is not None:
        return cached
    access = Access(
        user=user,
        organisations=list(
            OrganisationMembership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("organisation__name")
        ),
        working_groups=list(
            WorkingGroupMembership.objects.filter(user=user)
            .select_related("working_group__region__office", "representing")
            .order_by("working_group__name")
        ),
        forums=list(
            ForumMembership.objects.filter(user=user)
            .select_related("forum__office", "representing")
            .order_by("forum__name")
        ),
        offices=list(OfficeMembership.objects.filter(user=user).select_related("office").order_by("office__name")),
    )
    user._dekomp_access = access
    return access
