"""The personas every permission test uses, in one place: a small world of two offices and their actors.

Office A (Østfold, Buskerud, Oslo og Akershus) has an owner (Fredrikstad), a co-owner (Sarpsborg), a partner
(OsloMet), a region with a working group and a forum; office B (Vestland) has its own owner and caseworker.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dekomp.accounts.models import (
    BodyRole,
    ForumMembership,
    OfficeMembership,
    OfficeRole,
    OrganisationMembership,
    OrganisationRole,
    User,
    WorkingGroupMembership,
)
from dekomp.needs.models import BudgetLine, ConfirmationStatus, NeedsReport, ReportPartner, Status
from dekomp.organisations.models import (
    Forum,
    Municipality,
    Office,
    Organisation,
    OrganisationKind,
    Region,
    Unit,
    UnitKind,
    WorkingGroup,
)
from dekomp.organisations.validators import synthetic_orgnrs
from dekomp.schemes.models import ApplicantGroup, Frame, Round, RoundStatus, Scheme

PERSONA_NAMES = [
    "owner",
    "co_owner",
    "partner",
    "wg_member",
    "recused_member",
    "forum_member",
    "secretariat",
    "caseworker",
    "office_admin",
    "other_caseworker",
    "national_reader",
    "outsider",
    "anonymous",
]


@dataclass
class World:
    """Everything a permission test needs; ``users[name]`` is None for the anonymous persona."""

    office: Office
    other_office: Office
    owner_org: Organisation
    co_owner_org: Organisation
    partner_org: Organisation
    other_owner_org: Organisation
    union_org: Organisation
    region: Region
    working_group: WorkingGroup
    forum: Forum
    other_working_group: WorkingGroup
    other_forum: Forum
    users: dict[str, User | None]
    round: Round | None = None
    report: NeedsReport | None = None


def build_world() -> World:
    orgnrs = synthetic_orgnrs(40_000_000)
    office = Office.objects.get(slug="ostfold-buskerud-oslo-og-akershus")
    other_office = Office.objects.get(slug="vestland")
    kommune = {m.number: m for m in Municipality.objects.filter(number__in=["3107", "3105", "0301", "4601"])}

    def org(name: str, kind: str, number: str, **extra: object) -> Organisation:
        return Organisation.objects.create(
            orgnr=next(orgnrs), name=name, kind=kind, municipality=kommune[number], **extra
        )

    owner_org = org("Fredrikstad kommune", OrganisationKind.MUNICIPALITY, "3107")
    co_owner_org = org("Sarpsborg kommune", OrganisationKind.MUNICIPALITY, "3105")
    partner_org = org("OsloMet", OrganisationKind.UNIVERSITY, "0301")
    other_owner_org = org("Bergen kommune", OrganisationKind.MUNICIPALITY, "4601")
    union_org = org("Utdanningsforbundet", OrganisationKind.UNION, "0301")
    for owner, number in ((owner_org, "3107"), (co_owner_org, "3105"), (other_owner_org, "4601")):
        Unit.objects.create(
            orgnr=next(orgnrs),
            name=f"Skole i {owner.name}",
            kind=UnitKind.PRIMARY_SCHOOL,
            owner=owner,
            municipality=kommune[number],
            staff_count=30,
            pupil_count=300,
        )
    region = Region.objects.create(office=office, name="Østfold")
    region.members.set([owner_org, co_owner_org])
    working_group = WorkingGroup.objects.create(region=region, name="Arbeidsgruppe Østfold")
    forum = Forum.objects.create(office=office, name="Samarbeidsforum A")
    other_region = Region.objects.create(office=other_office, name="Bergen")
    other_working_group = WorkingGroup.objects.create(region=other_region, name="Arbeidsgruppe Bergen")
    other_forum = Forum.objects.create(office=other_office, name="Samarbeidsforum B")

    users: dict[str, User | None] = {"anonymous": None}
    for name in PERSONA_NAMES[:-1]:
        users[name] = User.objects.create_user(email=f"{name}@test.example", password="pw", full_name=name)
    OrganisationMembership.objects.create(user=users["owner"], organisation=owner_org, role=OrganisationRole.SUBMITTER)
    OrganisationMembership.objects.create(
        user=users["co_owner"], organisation=co_owner_org, role=OrganisationRole.SUBMITTER
    )
    OrganisationMembership.objects.create(
        user=users["partner"], organisation=partner_org, role=OrganisationRole.SUBMITTER
    )
    WorkingGroupMembership.objects.create(
        user=users["wg_member"], working_group=working_group, role=BodyRole.MEMBER, representing=co_owner_org
    )
    # Represents the owner: recused from the owner's needs reports once there are any.
    WorkingGroupMembership.objects.create(
        user=users["recused_member"], working_group=working_group, role=BodyRole.MEMBER, representing=owner_org
    )
    ForumMembership.objects.create(
        user=users["forum_member"], forum=forum, role=BodyRole.MEMBER, representing=union_org
    )
    ForumMembership.objects.create(user=users["secretariat"], forum=forum, role=BodyRole.SECRETARIAT)
    OfficeMembership.objects.create(user=users["secretariat"], office=office, role=OfficeRole.CASEWORKER)
    OfficeMembership.objects.create(user=users["caseworker"], office=office, role=OfficeRole.CASEWORKER)
    OfficeMembership.objects.create(user=users["office_admin"], office=office, role=OfficeRole.ADMIN)
    OfficeMembership.objects.create(user=users["other_caseworker"], office=other_office, role=OfficeRole.CASEWORKER)
    users["office_admin"].is_staff = True
    users["office_admin"].save()
    users["national_reader"].is_national_reader = True
    users["national_reader"].save()
    round, report = build_round(office, owner_org, partner_org, region, users["owner"])
    return World(
        office=office,
        other_office=other_office,
        owner_org=owner_org,
        co_owner_org=co_owner_org,
        partner_org=partner_org,
        other_owner_org=other_owner_org,
        union_org=union_org,
        region=region,
        working_group=working_group,
        forum=forum,
        other_working_group=other_working_group,
        other_forum=other_forum,
        users=users,
        round=round,
        report=report,
    )


def build_round(
    office: Office, owner_org: Organisation, partner_org: Organisation, region: Region, submitter: User
) -> tuple[Round, NeedsReport]:
    """An open round at the office with the three schemes, and one submitted report by the owner with a partner."""
    now = timezone.now()
    round = Round.objects.create(
        office=office,
        year=now.year,
        name=f"Personas-runde {now.year}",
        status=RoundStatus.OPEN,
        opens_at=now - timedelta(days=30),
        first_budget_year=now.year,
    )
    schemes = list(Scheme.objects.all())
    round.schemes.set(schemes)
    Frame.objects.bulk_create(
        Frame(round=round, scheme=scheme, budget_year=now.year, amount=Decimal(5_000_000)) for scheme in schemes
    )
    ApplicantGroup.objects.create(round=round, name="Alle eiere", deadline=now + timedelta(days=30), is_default=True)
    report = NeedsReport.objects.create(
        round=round,
        scheme=next(s for s in schemes if s.code == "dekomp"),
        owner=owner_org,
        number=1,
        region=region,
        title="Lesing i alle fag",
        status=Status.SUBMITTED,
        years=1,
        submitted_at=now,
        created_by=submitter,
    )
    ReportPartner.objects.create(
        report=report,
        organisation=partner_org,
        contact_name="Kari Kontakt",
        contact_email="kari@oslomet.example",
        status=ConfirmationStatus.CONFIRMED,
    )
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(report=report, budget_year=now.year, recipient=owner_org, amount=Decimal(300_000)),
            BudgetLine(report=report, budget_year=now.year, recipient=partner_org, amount=Decimal(200_000)),
        ]
    )
    return round, report


@pytest.fixture
def world(db) -> World:
    return build_world()
