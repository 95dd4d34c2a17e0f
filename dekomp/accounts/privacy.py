"""Personal data on the account itself: who may anonymise a person, and the account's part of anonymisation.

``accounts`` is an early app: it knows users and memberships only. Gathering everything a person did across the
stages (the download) and scrubbing what later stages hold about them live in ``dekomp.home.privacy``, the last
app, which calls ``account_anonymise`` below inside its one transaction and records the event. See
docs/privacy.md.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils.translation import gettext as _

from .access import access_for
from .models import (
    ForumMembership,
    OfficeMembership,
    OfficeRole,
    OrganisationMembership,
    TwoFactorDevice,
    User,
    WorkingGroupMembership,
)
from .permissions import AnyUser

ANONYMOUS_EMAIL_DOMAIN = "invalid"

# Every kind of seat a person can hold; anonymisation ends them all.
MEMBERSHIP_MODELS = (OrganisationMembership, WorkingGroupMembership, ForumMembership, OfficeMembership)


def anonymised_name(user: User) -> str:
    """The name an anonymised person is shown with everywhere: only the user id, no personal data."""
    return f"Anonymisert bruker #{user.pk}"


def anonymised_email(user: User) -> str:
    """An address that cannot receive mail (``.invalid`` is reserved, RFC 2606) and stays unique per user."""
    return f"anonymisert-{user.pk}@{ANONYMOUS_EMAIL_DOMAIN}"


def is_anonymised(user: User) -> bool:
    """True once the person has been anonymised (their address is the anonymous one)."""
    return user.email == anonymised_email(user)


def offices_of(subject: User) -> set[int]:
    """The offices where the person has a role: at the office itself, in its working groups or forums, or for an
    organisation in one of its fylker (the same reach as the scoped admin's user list); four small queries."""
    office_ids = set(OfficeMembership.objects.filter(user=subject).values_list("office_id", flat=True))
    office_ids |= set(
        WorkingGroupMembership.objects.filter(user=subject).values_list("working_group__region__office", flat=True)
    )
    office_ids |= set(ForumMembership.objects.filter(user=subject).values_list("forum__office", flat=True))
    memberships = OrganisationMembership.objects.filter(user=subject)
    office_ids |= set(memberships.values_list("organisation__municipality__county__offices", flat=True))
    office_ids |= set(memberships.values_list("organisation__county__offices", flat=True))
    return {pk for pk in office_ids if pk is not None}


def can_anonymise_user(user: AnyUser, subject: User) -> bool:
    """A system administrator, or an admin of an office where the person has a role (at the office, in its
    bodies, or for an organisation in its fylker), may anonymise that person; never themself, and only a system
    administrator may anonymise another system administrator."""
    access = access_for(user)
    if not access or subject.pk == user.pk:
        return False
    if user.is_superuser:
        return True
    if subject.is_superuser:
        return False
    administered = {m.office_id for m in access.offices if m.role == OfficeRole.ADMIN}
    return bool(administered & offices_of(subject))


def sole_admin_offices(subject: User) -> list[str]:
    """The names of the offices where this person is the only office admin (anonymising them would leave the office
    without anyone to administer it); one query."""
    sole = OfficeMembership.objects.filter(user=subject, role=OfficeRole.ADMIN).values_list("office_id", flat=True)
    counts = (
        OfficeMembership.objects.filter(office__in=sole, role=OfficeRole.ADMIN)
        .values("office_id", "office__name")
        .annotate(admins=Count("pk"))
    )
    return sorted(row["office__name"] for row in counts if row["admins"] == 1)


def anonymise_problems(*, subject: User) -> list[str]:
    """Why this person cannot be anonymised now (empty when they can): already anonymised, or an office's only
    admin."""
    problems = []
    if is_anonymised(subject):
        problems.append(_("Brukeren er allerede anonymisert."))
    for office in sole_admin_offices(subject):
        problems.append(
            _("Brukeren er eneste administrator ved %(office)s. Gi en annen rollen som administrator først.")
            % {"office": office}
        )
    return problems


def account_anonymise(*, subject: User) -> dict[str, int]:
    """The account's part of anonymisation (call only from ``dekomp.home.privacy.user_anonymise``, inside its
    transaction, after its checks): name and address replaced, phone removed, password unusable (which also ends
    every open session), the authenticator app forgotten, inactive, no admin rights, every membership ended, and
    the person's name taken out of the Django admin's change history. Returns counts, never personal data."""
    old_name = subject.full_name
    memberships = 0
    for model in MEMBERSHIP_MODELS:
        deleted, _by_model = model.objects.filter(user=subject).delete()
        memberships += deleted
    TwoFactorDevice.objects.filter(user=subject).delete()
    subject.full_name = anonymised_name(subject)
    subject.email = anonymised_email(subject)
    subject.phone = ""
    subject.is_active = False
    subject.is_staff = False
    subject.is_superuser = False
    subject.is_national_reader = False
    subject.set_unusable_password()
    subject.save()
    subject.groups.clear()
    subject.user_permissions.clear()
    admin_entries = 0
    if old_name:
        # The admin's history shows objects by their names ("Kari Nordmann – Fredrikstad kommune (innsender)").
        types = ContentType.objects.get_for_models(User, *MEMBERSHIP_MODELS).values()
        for entry in LogEntry.objects.filter(content_type__in=types, object_repr__contains=old_name):
            entry.object_repr = entry.object_repr.replace(old_name, subject.full_name)[:200]
            entry.save(update_fields=["object_repr"])
            admin_entries += 1
    return {"memberships_ended": memberships, "admin_history_entries": admin_entries}
