"""Build the demo office's actors: kommuner, fylkeskommuner, private owners, units, partners, regions and bodies.

Everything is derived from a fixed seed and keyed on stable values (orgnr, e-mail, names), so running it again
updates the same rows instead of adding new ones.
"""

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from dekomp.accounts.models import (
    BodyRole,
    ForumMembership,
    OfficeMembership,
    OfficeRole,
    OrganisationMembership,
    OrganisationRole,
    TwoFactorDevice,
    User,
    WorkingGroupMembership,
)
from dekomp.organisations.models import (
    County,
    Forum,
    Malform,
    Municipality,
    Office,
    Organisation,
    OrganisationKind,
    Region,
    RegionKind,
    Unit,
    UnitKind,
    WorkingGroup,
)
from dekomp.organisations.validators import synthetic_orgnrs

from .personas import (
    DEMO_OFFICE_SLUG,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    OTHER_OFFICE_SLUG,
    PERSONAS,
    REGION_SLUGS,
    WORKING_GROUP_LEADERS,
)

SEED = 2026

# Approximate population in thousands, used to spread units over the kommuner realistically.
POPULATION = {
    "0301": 717,
    "3101": 31,
    "3103": 51,
    "3105": 58,
    "3107": 85,
    "3110": 5,
    "3112": 8,
    "3114": 6,
    "3116": 4,
    "3118": 46,
    "3120": 8,
    "3122": 4,
    "3124": 1.3,
    "3201": 130,
    "3203": 98,
    "3205": 92,
    "3207": 62,
    "3209": 42,
    "3212": 20,
    "3214": 16,
    "3216": 19,
    "3218": 22,
    "3220": 11,
    "3222": 48,
    "3224": 19,
    "3226": 18,
    "3228": 24,
    "3230": 7,
    "3232": 25,
    "3234": 9,
    "3236": 7,
    "3238": 15,
    "3240": 27,
    "3242": 2.9,
    "3301": 103,
    "3303": 28,
    "3305": 31,
    "3310": 7,
    "3312": 28,
    "3314": 20,
    "3316": 14,
    "3318": 2.2,
    "3320": 1,
    "3322": 3.3,
    "3324": 4.6,
    "3326": 2.5,
    "3328": 4.6,
    "3330": 4.4,
    "3332": 3.5,
    "3334": 2.8,
    "3336": 1.4,
    "3338": 2.4,
}
NYNORSK_MUNICIPALITIES = {"3326", "3328", "3330", "3338"}  # Hemsedal, Ål, Hol, Nore og Uvdal
COUNTY_MUNICIPALITIES = {
    "31": ("Østfold fylkeskommune", "3107"),
    "32": ("Akershus fylkeskommune", "0301"),
    "33": ("Buskerud fylkeskommune", "3301"),
}
REGIONS = {
    "Østfold": {"counties": {"31"}},
    "Buskerud": {"counties": {"33"}},
    "Oslo": {"municipalities": {"0301"}},
    "Romerike og Hadeland": {
        "municipalities": {
            "3205",
            "3209",
            "3222",
            "3224",
            "3226",
            "3228",
            "3230",
            "3232",
            "3234",
            "3236",
            "3238",
            "3240",
            "3242",
        }
    },
    "Follo og Vestområdet": {"municipalities": {"3201", "3203", "3207", "3212", "3214", "3216", "3218", "3220"}},
}
# Units to create: kommunale grunnskoler and barnehager, fylkeskommunale videregående skoler, private units.
MUNICIPAL_SCHOOLS, UPPER_SECONDARY, MUNICIPAL_KINDERGARTENS = 225, 55, 190
PARTNERS = [
    ("OsloMet – storbyuniversitetet", OrganisationKind.UNIVERSITY, "0301"),
    ("Universitetet i Oslo", OrganisationKind.UNIVERSITY, "0301"),
    ("Høgskolen i Østfold", OrganisationKind.UNIVERSITY, "3101"),
    ("Universitetet i Sørøst-Norge", OrganisationKind.UNIVERSITY, "3301"),
    ("Norges miljø- og biovitenskapelige universitet", OrganisationKind.UNIVERSITY, "3218"),
    ("MF vitenskapelig høyskole", OrganisationKind.UNIVERSITY, "0301"),
    ("Dronning Mauds Minne Høgskole for barnehagelærerutdanning", OrganisationKind.UNIVERSITY, None),
    ("Nasjonalt senter for flerkulturell opplæring (NAFO)", OrganisationKind.NATIONAL_CENTRE, "0301"),
    ("Nasjonalt senter for naturfag i opplæringen", OrganisationKind.NATIONAL_CENTRE, "0301"),
    ("Nasjonalt senter for engelsk og fremmedspråk i opplæringen", OrganisationKind.NATIONAL_CENTRE, "3101"),
    (
        "Nasjonalt senter for leseopplæring og leseforsking (Lesesenteret)",
        OrganisationKind.NATIONAL_CENTRE,
        None,
    ),
    ("Nasjonalt senter for matematikk i opplæringen", OrganisationKind.NATIONAL_CENTRE, None),
    ("Nasjonalt senter for læringsmiljø og atferdsforskning", OrganisationKind.NATIONAL_CENTRE, None),
    ("Statped", OrganisationKind.NATIONAL_CENTRE, "0301"),
]
OTHER_ACTORS = [
    ("KS – Kommunesektorens organisasjon", OrganisationKind.KS),
    ("PBL – Private Barnehagers Landsforbund", OrganisationKind.PBL),
    ("Utdanningsforbundet", OrganisationKind.UNION),
    ("Fagforbundet", OrganisationKind.UNION),
    ("Skolenes landsforbund", OrganisationKind.UNION),
    ("Norsk Lektorlag", OrganisationKind.UNION),
    ("Skolelederforbundet", OrganisationKind.UNION),
]
PRIVATE_SCHOOL_OWNERS = [
    "Stiftelsen Lysheim friskole",
    "Steinerskolen på Solbakken",
    "Montessoriskolen Tunet",
    "Kristen friskole Bjørkely",
    "Stiftelsen Nordlys internasjonale skole",
    "Fjellro friskole SA",
    "Elvebredden montessoriskole",
    "Skaperskolen AS",
]
PRIVATE_KINDERGARTEN_OWNERS = [
    "Eventyrskogen barnehager AS",
    "Tusenfryd barnehagedrift AS",
    "Lykketrollet barnehager AS",
    "Småfolk i skogen SA",
    "Blåklokka barnehager AS",
    "Regnbuen foreldrelag SA",
    "Trollstua barnehager AS",
    "Solstrålen barnehagedrift AS",
    "Maurtua barnehager AS",
    "Bjørnehiet barnehage SA",
    "Kanutten barnehager AS",
    "Fuglekassa barnehager AS",
]
PRIVATE_KINDERGARTENS_PER_OWNER = [40, 35, 30, 22, 18, 15, 12, 10, 10, 8, 6, 4]  # 210
PRIVATE_SCHOOLS_PER_OWNER = [4, 3, 3, 3, 2, 2, 2, 1]  # 20
NAME_STEMS = [
    "Berg",
    "Haug",
    "Li",
    "Mo",
    "Vik",
    "Nes",
    "Rud",
    "Bakke",
    "Eng",
    "Dal",
    "Lund",
    "Holt",
    "Strand",
    "Skog",
    "Sand",
    "Ås",
    "Bekk",
    "Fjell",
    "Furu",
    "Bjørk",
    "Ask",
    "Hegg",
    "Lind",
    "Rogn",
    "Sol",
    "Stein",
    "Vang",
    "Myr",
    "Kvern",
    "Elve",
    "Bre",
    "Tun",
    "Gran",
    "Hval",
    "Ør",
    "Kjos",
    "Røys",
    "Brå",
    "Flat",
    "Tangen",
    "Hov",
    "Sag",
    "Lyng",
]
NAME_ENDINGS = [
    "en",
    "stad",
    "heim",
    "by",
    "rud",
    "vang",
    "tun",
    "hagen",
    "åsen",
    "lia",
    "moen",
    "berget",
    "jordet",
    "løkka",
    "sletta",
    "bakken",
    "haugen",
    "dalen",
    "skogen",
    "vollen",
    "gården",
    "tangen",
]
FIRST_NAMES = [
    "Anne",
    "Kari",
    "Ingrid",
    "Marit",
    "Hilde",
    "Trond",
    "Ole",
    "Lars",
    "Kjetil",
    "Bjørn",
    "Silje",
    "Camilla",
    "Jonas",
    "Emil",
    "Nora",
    "Sofie",
    "Amir",
    "Fatima",
    "Mari",
    "Henrik",
    "Turid",
    "Odd",
]
LAST_NAMES = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Berg",
    "Haugen",
    "Kristiansen",
    "Dahl",
    "Moen",
    "Lie",
    "Strand",
    "Bakken",
    "Solberg",
    "Khan",
    "Ali",
    "Nguyen",
]


@dataclass
class DemoActors:
    """What the demo created, for the later builders (needs reports, rankings) to use."""

    office: Office
    owners: list[Organisation]
    partners: list[Organisation]
    regions: list[Region]
    forum: Forum


def _apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` over the keys in proportion to ``weights`` by largest remainder (at least one each)."""
    keys = sorted(weights)
    base = {key: 1 for key in keys}
    rest = total - len(keys)
    weight_sum = sum(weights.values())
    quotas = {key: rest * weights[key] / weight_sum for key in keys}
    for key in keys:
        base[key] += int(quotas[key])
    leftover = total - sum(base.values())
    for key in sorted(keys, key=lambda k: (-(quotas[k] - int(quotas[k])), k))[:leftover]:
        base[key] += 1
    return base


def _municipality_name(raw: str) -> str:
    return raw.split(" - ")[0]


def _kommune_name(municipality: Municipality) -> str:
    name = _municipality_name(municipality.name)
    if "(" in name:
        short, qualifier = name.split(" (")
        return f"{short} kommune ({qualifier}"
    return f"{name} kommune"


class UnitNamer:
    """Unique, plausible Norwegian unit names (synthetic)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self, suffix: str) -> str:
        for _attempt in range(200):
            name = f"{self.rng.choice(NAME_STEMS)}{self.rng.choice(NAME_ENDINGS)}"
            name = name[0].upper() + name[1:]
            full = f"{name} {suffix}"
            if full not in self.used:
                self.used.add(full)
                return full
        raise RuntimeError("Ran out of demo unit names")


def _upsert_organisation(orgnr: str, **fields: object) -> Organisation:
    organisation, _created = Organisation.objects.update_or_create(orgnr=orgnr, defaults={"is_demo": True, **fields})
    return organisation


def build_actors() -> DemoActors:
    """Create or update every demo actor of the demo office; returns them for the later builders."""
    rng = random.Random(SEED)
    orgnrs = synthetic_orgnrs(30_000_000)
    office = Office.objects.get(slug=DEMO_OFFICE_SLUG)
    municipalities = {m.number: m for m in Municipality.objects.filter(county__offices=office)}
    counties = {c.number: c for c in County.objects.filter(offices=office)}

    office_org = _upsert_organisation(
        next(orgnrs),
        name=office.name,
        kind=OrganisationKind.OFFICE,
        municipality=municipalities["0301"],
        email="sfosinnboks@statsforvalteren.example",
    )
    if office.organisation_id != office_org.pk:
        office.organisation = office_org
        office.save(update_fields=["organisation"])

    kommuner = {}
    for number, municipality in sorted(municipalities.items()):
        kommuner[number] = _upsert_organisation(
            next(orgnrs),
            name=_kommune_name(municipality),
            kind=OrganisationKind.MUNICIPALITY,
            municipality=municipality,
            malform=Malform.NYNORSK if number in NYNORSK_MUNICIPALITIES else Malform.BOKMAL,
            street_address="Rådhusplassen 1",
            postal_code=f"{1000 + int(number) % 9000:04d}",
            postal_place=_municipality_name(municipality.name),
            email=f"postmottak@{number}.kommune.example",
        )
    fylkeskommuner = {}
    for county_number, (name, seat) in COUNTY_MUNICIPALITIES.items():
        fylkeskommuner[county_number] = _upsert_organisation(
            next(orgnrs),
            name=name,
            kind=OrganisationKind.COUNTY_MUNICIPALITY,
            county=counties[county_number],
            municipality=municipalities[seat],
            email=f"post@fylke{county_number}.example",
        )
    municipality_numbers = sorted(municipalities)
    weights = {number: POPULATION.get(number, 1) for number in municipality_numbers}
    private_school_owners = [
        _upsert_organisation(
            next(orgnrs),
            name=name,
            kind=OrganisationKind.PRIVATE_SCHOOL_OWNER,
            municipality=municipalities[
                rng.choices(municipality_numbers, weights=[weights[n] for n in municipality_numbers])[0]
            ],
        )
        for name in PRIVATE_SCHOOL_OWNERS
    ]
    private_kindergarten_owners = [
        _upsert_organisation(
            next(orgnrs),
            name=name,
            kind=OrganisationKind.PRIVATE_KINDERGARTEN_OWNER,
            municipality=municipalities[
                rng.choices(municipality_numbers, weights=[weights[n] for n in municipality_numbers])[0]
            ],
        )
        for name in PRIVATE_KINDERGARTEN_OWNERS
    ]
    all_municipalities = {m.number: m for m in Municipality.objects.all()}
    partners = [
        _upsert_organisation(next(orgnrs), name=name, kind=kind, municipality=all_municipalities.get(number or "5001"))
        for name, kind, number in PARTNERS
    ]
    others = {
        name: _upsert_organisation(next(orgnrs), name=name, kind=kind, municipality=municipalities["0301"])
        for name, kind in OTHER_ACTORS
    }

    _build_units(
        rng,
        orgnrs,
        municipalities,
        kommuner,
        fylkeskommuner,
        private_school_owners,
        private_kindergarten_owners,
        weights,
    )
    regions = _build_regions(office, kommuner, fylkeskommuner, private_school_owners + private_kindergarten_owners)
    forum = Forum.objects.update_or_create(
        office=office,
        name="Samarbeidsforum for lokal kompetanseutvikling i Østfold, Buskerud, Oslo og Akershus",
    )[0]
    _build_people(rng, office, kommuner, fylkeskommuner, partners, others, private_kindergarten_owners, regions, forum)
    owners = [
        *kommuner.values(),
        *fylkeskommuner.values(),
        *private_school_owners,
        *private_kindergarten_owners,
    ]
    return DemoActors(office=office, owners=owners, partners=partners, regions=regions, forum=forum)


def _build_units(
    rng,
    orgnrs,
    municipalities,
    kommuner,
    fylkeskommuner,
    private_school_owners,
    private_kindergarten_owners,
    weights,
) -> None:
    namer = UnitNamer(rng)
    units: list[Unit] = []

    def add(owner: Organisation, municipality: Municipality, kind: str) -> None:
        if kind == UnitKind.KINDERGARTEN:
            suffix, staff, pupils = "barnehage", rng.randint(6, 30), rng.randint(20, 130)
        elif kind == UnitKind.UPPER_SECONDARY_SCHOOL:
            suffix, staff, pupils = "videregående skole", rng.randint(40, 160), rng.randint(250, 1300)
        else:
            suffix, staff, pupils = "skole", rng.randint(12, 85), rng.randint(60, 720)
        units.append(
            Unit(
                orgnr=next(orgnrs),
                name=namer(suffix),
                kind=kind,
                owner=owner,
                municipality=municipality,
                staff_count=staff,
                pupil_count=pupils,
                is_demo=True,
            )
        )

    for number, count in _apportion(MUNICIPAL_SCHOOLS, weights).items():
        for _ in range(count):
            add(kommuner[number], municipalities[number], UnitKind.PRIMARY_SCHOOL)
    for number, count in _apportion(MUNICIPAL_KINDERGARTENS, weights).items():
        for _ in range(count):
            add(kommuner[number], municipalities[number], UnitKind.KINDERGARTEN)
    # Oslo kommune also owns Oslo's upper secondary schools; the three fylkeskommuner own the rest.
    county_weights = {"0301": 717, "31": 310, "32": 730, "33": 270}
    for key, count in _apportion(UPPER_SECONDARY, county_weights).items():
        owner = kommuner["0301"] if key == "0301" else fylkeskommuner[key]
        choices = ["0301"] if key == "0301" else sorted(n for n in municipalities if n.startswith(key))
        for _ in range(count):
            number = rng.choices(choices, weights=[weights[n] for n in choices])[0]
            add(owner, municipalities[number], UnitKind.UPPER_SECONDARY_SCHOOL)
    numbers = sorted(municipalities)
    for owner, count in zip(private_school_owners, PRIVATE_SCHOOLS_PER_OWNER, strict=True):
        for _ in range(count):
            kind = UnitKind.UPPER_SECONDARY_SCHOOL if rng.random() < 0.2 else UnitKind.PRIMARY_SCHOOL
            add(owner, owner.municipality, kind)
    for owner, count in zip(private_kindergarten_owners, PRIVATE_KINDERGARTENS_PER_OWNER, strict=True):
        for _ in range(count):
            number = rng.choices(numbers, weights=[weights[n] for n in numbers])[0]
            add(owner, municipalities[number], UnitKind.KINDERGARTEN)
    Unit.objects.bulk_create(
        units,
        update_conflicts=True,
        unique_fields=["orgnr"],
        update_fields=["name", "kind", "owner", "municipality", "staff_count", "pupil_count", "is_demo"],
        batch_size=500,
    )


def _build_regions(office, kommuner, fylkeskommuner, private_owners) -> list[Region]:
    regions = []
    for name, rule in REGIONS.items():
        region = Region.objects.update_or_create(office=office, name=name, defaults={"kind": RegionKind.OWNER_REGION})[
            0
        ]
        numbers = set(rule.get("municipalities", set()))
        for county in rule.get("counties", set()):
            numbers |= {n for n in kommuner if n.startswith(county)}
        members = [kommuner[n] for n in sorted(numbers)]
        members += [fk for county, fk in fylkeskommuner.items() if any(n.startswith(county) for n in numbers)]
        members += [owner for owner in private_owners if owner.municipality.number in numbers]
        region.members.set(members)
        WorkingGroup.objects.update_or_create(region=region, defaults={"name": f"Arbeidsgruppe {name}"})
        regions.append(region)
    return regions


def _person(rng: random.Random, email: str, password_hash: str) -> User:
    """A demo user in a seat, with a made-up name, who logs in with the demo password like the personas."""
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": name, "is_demo": True, "password": password_hash}
    )
    if not created and (user.password != password_hash or not user.is_active):
        user.password, user.is_active = password_hash, True
        user.save(update_fields=["password", "is_active"])
    return user


def _build_people(
    rng, office, kommuner, fylkeskommuner, partners, others, private_kindergarten_owners, regions, forum
) -> None:
    password_hash = make_password(DEMO_PASSWORD)
    people = {}
    for persona in PERSONAS:
        user, _ = User.objects.update_or_create(
            email=persona.email,
            defaults={
                "full_name": persona.full_name,
                "language": persona.language,
                "is_demo": True,
                "password": password_hash,
                "is_active": True,
            },
        )
        people[persona.email] = user
    partner = {p.name: p for p in partners}
    org_roles = [
        ("eier@demo.no", kommuner["3107"]),
        ("medeier@demo.no", kommuner["3105"]),
        ("eier.nynorsk@demo.no", kommuner["3328"]),
        ("privat@demo.no", private_kindergarten_owners[0]),
        ("partner@demo.no", partner["OsloMet – storbyuniversitetet"]),
        ("partner.hio@demo.no", partner["Høgskolen i Østfold"]),
    ]
    for email, organisation in org_roles:
        OrganisationMembership.objects.update_or_create(
            user=people[email], organisation=organisation, defaults={"role": OrganisationRole.SUBMITTER}
        )
    office_roles = [
        ("sekretariat@demo.no", office, OfficeRole.CASEWORKER),
        ("saksbehandler@demo.no", office, OfficeRole.CASEWORKER),
        ("embetsadmin@demo.no", office, OfficeRole.ADMIN),
        ("saksbehandler.vestland@demo.no", Office.objects.get(slug=OTHER_OFFICE_SLUG), OfficeRole.CASEWORKER),
    ]
    for email, at_office, role in office_roles:
        OfficeMembership.objects.update_or_create(user=people[email], office=at_office, defaults={"role": role})
        # Office staff log in with a code too: the demo's authenticator secret is published (README, demo_logins).
        TwoFactorDevice.objects.update_or_create(
            user=people[email],
            defaults={
                "secret": DEMO_TOTP_SECRET,
                "confirmed_at": timezone.now(),
                "failed_attempts": 0,
                "locked_until": None,
            },
        )
    User.objects.filter(email="embetsadmin@demo.no").update(is_staff=True)
    User.objects.filter(email="udir@demo.no").update(is_national_reader=True)

    # Working groups: an owner representative from each of four member kommuner, a UH member, a union member.
    region_uh = {
        "Østfold": "Høgskolen i Østfold",
        "Buskerud": "Universitetet i Sørøst-Norge",
        "Oslo": "Universitetet i Oslo",
        "Romerike og Hadeland": "OsloMet – storbyuniversitetet",
        "Follo og Vestområdet": "Norges miljø- og biovitenskapelige universitet",
    }
    for region in regions:
        group = region.working_group
        seats = []
        if region.name == "Østfold":
            seats += [
                (people["arbeidsgruppeleder@demo.no"], BodyRole.LEADER, kommuner["3107"]),
                (people["arbeidsgruppe@demo.no"], BodyRole.MEMBER, kommuner["3101"]),
            ]
        kommune_members = [m for m in region.members.all() if m.kind == OrganisationKind.MUNICIPALITY]
        slug = REGION_SLUGS[region.name]
        for index, member in enumerate(kommune_members[:4]):
            if index == 0 and region.name in WORKING_GROUP_LEADERS:
                seats.append((_person(rng, WORKING_GROUP_LEADERS[region.name], password_hash), BodyRole.LEADER, member))
                continue
            email = f"ag.{slug}.{member.municipality.number}@demo.no"
            seats.append((_person(rng, email, password_hash), BodyRole.MEMBER, member))
        for key, representing in (("uh", partner[region_uh[region.name]]), ("udf", others["Utdanningsforbundet"])):
            seats.append((_person(rng, f"ag.{slug}.{key}@demo.no", password_hash), BodyRole.MEMBER, representing))
        seats.append((people["sekretariat@demo.no"], BodyRole.SECRETARIAT, office.organisation))
        for user, role, representing in seats:
            WorkingGroupMembership.objects.update_or_create(
                user=user, working_group=group, defaults={"role": role, "representing": representing}
            )
        # Seats of demo users no longer in the list (an older demo named them differently) are let go.
        WorkingGroupMembership.objects.filter(working_group=group, user__is_demo=True).exclude(
            user__in=[user for user, _role, _representing in seats]
        ).delete()

    # The forum: owners from every region (public and private), UH, KS, PBL, unions; the office as secretariat.
    forum_seats = [
        (people["forumleder@demo.no"], BodyRole.LEADER, others["KS – Kommunesektorens organisasjon"]),
        (people["forum@demo.no"], BodyRole.MEMBER, others["Utdanningsforbundet"]),
        (people["sekretariat@demo.no"], BodyRole.SECRETARIAT, office.organisation),
        (_person(rng, "forum.sekretariat2@demo.no", password_hash), BodyRole.SECRETARIAT, office.organisation),
        (
            _person(rng, "forum.pbl@demo.no", password_hash),
            BodyRole.MEMBER,
            others["PBL – Private Barnehagers Landsforbund"],
        ),
        (_person(rng, "forum.fagforbundet@demo.no", password_hash), BodyRole.MEMBER, others["Fagforbundet"]),
        (_person(rng, "forum.skoleleder@demo.no", password_hash), BodyRole.MEMBER, others["Skolelederforbundet"]),
        (_person(rng, "forum.privat@demo.no", password_hash), BodyRole.MEMBER, private_kindergarten_owners[1]),
        (_person(rng, "forum.udir-observator@demo.no", password_hash), BodyRole.OBSERVER, None),
    ]
    for number in ("0301", "3107", "3301", "3205", "3201"):
        forum_seats.append((_person(rng, f"forum.{number}@demo.no", password_hash), BodyRole.MEMBER, kommuner[number]))
    for county in ("31", "32", "33"):
        forum_seats.append(
            (_person(rng, f"forum.fk{county}@demo.no", password_hash), BodyRole.MEMBER, fylkeskommuner[county])
        )
    for name in (
        "OsloMet – storbyuniversitetet",
        "Høgskolen i Østfold",
        "Universitetet i Sørøst-Norge",
        "Universitetet i Oslo",
    ):
        slug = name.split()[0].lower().strip("–")
        forum_seats.append((_person(rng, f"forum.uh.{slug}@demo.no", password_hash), BodyRole.MEMBER, partner[name]))
    for user, role, representing in forum_seats:
        ForumMembership.objects.update_or_create(
            user=user, forum=forum, defaults={"role": role, "representing": representing}
        )
