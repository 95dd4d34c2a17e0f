"""Reads of organisations, units, regions and bodies, each with a fixed number of queries."""

from collections.abc import Iterable

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from dekomp.accounts.models import (
    BodyRole,
    ForumMembership,
    OrganisationMembership,
    OrganisationRole,
    WorkingGroupMembership,
)

from .models import Forum, Office, Organisation, OrganisationKind, Region, Unit, UnitKind, WorkingGroup


def organisation_addresses(organisations: Iterable[Organisation]) -> dict[int, list[str]]:
    """Organisation id → where its e-mail goes: its own address and its active submitters' (one query).

    The one place the platform finds an organisation's addresses: decision letters, report reminders and every
    notification ask here.
    """
    organisations = list(organisations)
    found: dict[int, set[str]] = {org.pk: {org.email} - {""} for org in organisations}
    rows = OrganisationMembership.objects.filter(
        organisation__in=organisations, role=OrganisationRole.SUBMITTER, user__is_active=True
    ).values_list("organisation_id", "user__email")
    for org_id, email in rows:
        if email:
            found[org_id].add(email)
    return {org_id: sorted(emails) for org_id, emails in found.items()}


def organisations_in_office(
    *, office: Office, kind: str = "", query: str = "", page: int = 1, per_page: int = 50
) -> Page:
    """A page of the organisations located in the office's fylker, with unit counts; filtered and searched."""
    organisations = (
        Organisation.objects.in_office(office)
        .select_related("municipality", "county")
        .annotate(unit_count=Count("units", distinct=True))
        .order_by("name", "pk")
    )
    if kind:
        organisations = organisations.filter(kind=kind)
    if query:
        organisations = organisations.filter(Q(name__icontains=query) | Q(orgnr__startswith=query.replace(" ", "")))
    return Paginator(organisations, per_page).get_page(page)


def organisation_units(*, organisation: Organisation) -> QuerySet[Unit]:
    """The organisation's units, by kind then name."""
    return organisation.units.select_related("municipality").order_by("kind", "name")


def unit_totals(*, organisation: Organisation) -> dict[str, dict[str, int]]:
    """Per unit kind: number of units, staff and pupils (or children) – one query."""
    rows = (
        organisation.units.values("kind")
        .annotate(units=Count("pk"), staff=Sum("staff_count"), pupils=Sum("pupil_count"))
        .order_by("kind")
    )
    labels = dict(UnitKind.choices)
    return {labels[row["kind"]]: {k: row[k] or 0 for k in ("units", "staff", "pupils")} for row in rows}


def regions_of(*, organisation: Organisation) -> QuerySet[Region]:
    return organisation.regions.select_related("office", "working_group").order_by("name")


def office_regions(*, office: Office) -> QuerySet[Region]:
    """The office's regions with their working group and member count."""
    return (
        Region.objects.filter(office=office)
        .select_related("working_group")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("name")
    )


def office_overview(*, office: Office) -> dict[str, object]:
    """Counts a caseworker needs at a glance: organisations by kind and units by kind."""
    by_kind = dict(
        Organisation.objects.in_office(office).order_by().values_list("kind").annotate(n=Count("pk", distinct=True))
    )
    organisation_counts = [
        (label, by_kind.get(value, 0)) for value, label in OrganisationKind.choices if by_kind.get(value)
    ]
    units = dict(
        Unit.objects.filter(municipality__county__offices=office).order_by().values_list("kind").annotate(n=Count("pk"))
    )
    unit_counts = [(label, units.get(value, 0)) for value, label in UnitKind.choices]
    return {"organisation_counts": organisation_counts, "unit_counts": unit_counts}


def working_group_with_seats(*, working_group_id: int) -> WorkingGroup:
    """A working group with its region, office, member organisations and seats."""
    return (
        WorkingGroup.objects.select_related("region__office")
        .prefetch_related(
            Prefetch("region__members", queryset=Organisation.objects.order_by("name")),
            Prefetch(
                "memberships",
                queryset=WorkingGroupMembership.objects.select_related("user", "representing").order_by(
                    "role", "user__full_name"
                ),
            ),
        )
        .get(pk=working_group_id)
    )


def forum_with_seats(*, forum_id: int) -> Forum:
    """A forum with its office and seats (who sits there, for whom)."""
    return (
        Forum.objects.select_related("office")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=ForumMembership.objects.select_related("user", "representing").order_by(
                    "role", "user__full_name"
                ),
            )
        )
        .get(pk=forum_id)
    )


def forum_balance(*, forum: Forum) -> list[tuple[str, int]]:
    """How many voting seats each kind of organisation holds (from a prefetched forum)."""
    labels = dict(OrganisationKind.choices)
    counts: dict[str, int] = {}
    for seat in forum.memberships.all():
        if seat.representing is not None and seat.role != BodyRole.SECRETARIAT:
            counts[seat.representing.kind] = counts.get(seat.representing.kind, 0) + 1
    return [(labels[kind], n) for kind, n in sorted(counts.items(), key=lambda item: str(labels[item[0]]))]


def _count_in_office(queryset: QuerySet, county_path: str) -> Subquery:
    """A correlated COUNT subquery of ``queryset`` rows whose fylke belongs to the outer office."""
    counted = (
        queryset.filter(**{f"{county_path}__offices": OuterRef("pk")})
        .order_by()
        .values(f"{county_path}__offices")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def national_overview() -> QuerySet[Office]:
    """Every office with its number of owners, partners, units and regions – one query."""
    return Office.objects.annotate(
        owner_count=_count_in_office(Organisation.objects.owners(), "municipality__county"),
        partner_count=_count_in_office(Organisation.objects.partners(), "municipality__county"),
        unit_count=_count_in_office(Unit.objects.all(), "municipality__county"),
        staff_count=Coalesce(
            Subquery(
                Unit.objects.filter(municipality__county__offices=OuterRef("pk"))
                .order_by()
                .values("municipality__county__offices")
                .annotate(total=Sum("staff_count"))
                .values("total")
            ),
            0,
        ),
        region_count=Count("regions", distinct=True),
    ).order_by("name")
