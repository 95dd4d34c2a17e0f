"""Build the demo office's rounds and needs reports (behovsmeldinger).

*Tilskuddsrunde 2027* is open (the demo's today is 22 November 2026; the form opened 15 October): 235 needs reports
(95 DeKomp, 84 ReKomp, 56 Kompetanseløftet) in every status, spread over the owners by size, with networks, partners,
budgets, submitted versions and the activity record. *Tilskuddsrunde 2026* is in reporting and holds a handful of
checked reports for "copy from an earlier report".

Everything comes from a fixed seed. The rounds, frames and applicant groups are keyed on their names; the rounds'
needs reports (with their submissions and events) are deleted and built again on every run, inside the demo
command's transaction, so running it twice leaves the same rows (the reports get new primary keys).

The rows are written straight through the ORM (in bulk), but every report obeys the rules the services enforce:
eligible owners, own units of the scheme's kinds, confirmed partners and co-owners before submission, budget years
inside the period, the coordinator cap and the DeKomp egenandel.
"""

import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.contenttypes.models import ContentType
from django.utils.text import slugify

from dekomp.accounts.models import OrganisationMembership, OrganisationRole, User
from dekomp.activity.maintenance import date_demo_events, purge_demo_events
from dekomp.activity.models import Event
from dekomp.activity.services import record
from dekomp.needs import snapshot
from dekomp.needs.models import (
    BudgetLine,
    ConfirmationStatus,
    ContributionForm,
    CoOwner,
    NeedsReport,
    OwnContribution,
    ReportPartner,
    Status,
    Submission,
    TargetGroup,
)
from dekomp.organisations.models import Malform, Organisation, OrganisationKind, Region, Unit, UnitKind
from dekomp.schemes.models import ActivityType, ApplicantGroup, Frame, Round, RoundStatus, Scheme, Theme

from .actors import FIRST_NAMES, LAST_NAMES, PRIVATE_KINDERGARTEN_OWNERS, DemoActors
from .personas import DEMO_PASSWORD

SEED = 2027
OSLO = ZoneInfo("Europe/Oslo")


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


# ---------------------------------------------------------------------------------------------- the rounds


@dataclass(frozen=True)
class RoundSpec:
    name: str
    year: int
    status: str
    opens_at: datetime
    default_deadline: datetime
    oslo_deadline: datetime
    working_group_deadline: date
    forum_meeting: datetime
    reporting_deadline: date
    frames: dict[str, tuple[int, int, int]]  # scheme code → frame for each of the three budget years
    # The window the demo's submissions and formal checks fall in.
    activity_start: datetime
    submitted_by: datetime
    checked_from: datetime | None
    checked_by: datetime


ROUND_2027 = RoundSpec(
    name="Tilskuddsrunde 2027",
    year=2027,
    status=RoundStatus.OPEN,
    opens_at=_at(2026, 10, 15, 9),
    default_deadline=_at(2027, 3, 1, 23, 59),
    oslo_deadline=_at(2027, 3, 15, 23, 59),
    working_group_deadline=date(2027, 4, 1),
    forum_meeting=_at(2027, 4, 20, 10),
    reporting_deadline=date(2028, 1, 15),
    frames={
        "dekomp": (95_000_000, 88_000_000, 80_000_000),
        "rekomp": (55_000_000, 50_000_000, 46_000_000),
        "kompetanseloftet": (40_000_000, 36_000_000, 32_000_000),
    },
    activity_start=_at(2026, 10, 15, 9),
    submitted_by=_at(2026, 11, 20, 16),
    checked_from=None,
    checked_by=_at(2026, 11, 20, 16),
)
ROUND_2026 = RoundSpec(
    name="Tilskuddsrunde 2026",
    year=2026,
    status=RoundStatus.REPORTING,
    opens_at=_at(2025, 10, 15, 9),
    default_deadline=_at(2026, 3, 1, 23, 59),
    oslo_deadline=_at(2026, 3, 15, 23, 59),
    working_group_deadline=date(2026, 4, 1),
    forum_meeting=_at(2026, 4, 21, 10),
    reporting_deadline=date(2027, 1, 15),
    frames={
        "dekomp": (92_000_000, 85_000_000, 78_000_000),
        "rekomp": (53_000_000, 48_000_000, 44_000_000),
        "kompetanseloftet": (38_000_000, 35_000_000, 31_000_000),
    },
    activity_start=_at(2025, 10, 15, 9),
    submitted_by=_at(2026, 2, 27, 15),
    checked_from=_at(2026, 3, 2, 9),
    checked_by=_at(2026, 3, 20, 15),
)
DEFAULT_GROUP = "Nettverk og private eiere"
OSLO_GROUP = "Oslo kommune og fylkeskommunene"

# ---------------------------------------------------------------------------------------------- the words

# Placeholders in the theme texts, per written standard and kind of unit.
WORDS = {
    ("nb", "skole"): {
        "ansatte": "lærerne",
        "barna": "elevene",
        "enhetene": "skolene",
        "basert": "skolebasert",
        "ferdigheter": "språk, lesing og skriving",
        "ferdighetene": "språket, lesingen og skrivingen",
    },
    ("nb", "barnehage"): {
        "ansatte": "de ansatte",
        "barna": "barna",
        "enhetene": "barnehagene",
        "basert": "barnehagebasert",
        "ferdigheter": "språk og kommunikasjon",
        "ferdighetene": "språket og samspillet",
    },
    ("nb", "begge"): {
        "ansatte": "de ansatte",
        "barna": "barna og elevene",
        "enhetene": "barnehagene og skolene",
        "basert": "barnehage- og skolebasert",
        "ferdigheter": "språk, lesing og skriving",
        "ferdighetene": "språket, lesingen og skrivingen",
    },
    ("nn", "skole"): {
        "ansatte": "lærarane",
        "barna": "elevane",
        "enhetene": "skulane",
        "basert": "skulebasert",
        "ferdigheter": "språk, lesing og skriving",
        "ferdighetene": "språket, lesinga og skrivinga",
    },
    ("nn", "barnehage"): {
        "ansatte": "dei tilsette",
        "barna": "borna",
        "enhetene": "barnehagane",
        "basert": "barnehagebasert",
        "ferdigheter": "språk og kommunikasjon",
        "ferdighetene": "språket og samspelet",
    },
    ("nn", "begge"): {
        "ansatte": "dei tilsette",
        "barna": "borna og elevane",
        "enhetene": "barnehagane og skulane",
        "basert": "barnehage- og skulebasert",
        "ferdigheter": "språk, lesing og skriving",
        "ferdighetene": "språket, lesinga og skrivinga",
    },
}
# "Six units took part" / "all staff at the six units", with the singular for an owner with one unit.
UNIT_COUNT = {
    "nb": {"one": ("Én enhet", "enheten"), "many": ("{n} enheter", "de {n} enhetene")},
    "nn": {"one": ("Éi eining", "eininga"), "many": ("{n} einingar", "dei {n} einingane")},
}

# What each theme says about the need and the goal (a clause that follows "… viser at" and "Målet er").
THEME_TEXT = {
    "fagfornyelsen": {
        "nb": (
            "{ansatte} opplever at arbeidet med fagfornyelsen har stoppet opp ved planene, og at dybdelæring og de "
            "tverrfaglige temaene i liten grad preger undervisningen",
            "at {ansatte} planlegger, gjennomfører og vurderer undervisning som gir {barna} dybdelæring, og at de "
            "tverrfaglige temaene blir en naturlig del av fagene",
        ),
        "nn": (
            "{ansatte} opplever at arbeidet med fagfornyinga har stoppa opp ved planane, og at djupnelæring og dei "
            "tverrfaglege tema i liten grad pregar undervisninga",
            "at {ansatte} planlegg, gjennomfører og vurderer undervisning som gjev {barna} djupnelæring, og at dei "
            "tverrfaglege tema blir ein naturleg del av faga",
        ),
    },
    "grunnleggende-ferdigheter": {
        "nb": (
            "for mange av {barna} strever med {ferdigheter}, og {ansatte} etterlyser felles strategier for å "
            "arbeide med de grunnleggende ferdighetene i hverdagen",
            "at {ansatte} har felles strategier for å styrke {ferdighetene} til {barna}, og at færre trenger "
            "ekstra oppfølging",
        ),
        "nn": (
            "for mange av {barna} strevar med {ferdigheter}, og {ansatte} etterlyser felles strategiar for å "
            "arbeide med dei grunnleggjande dugleikane i kvardagen",
            "at {ansatte} har felles strategiar for å styrkje {ferdighetene} til {barna}, og at færre treng ekstra "
            "oppfølging",
        ),
    },
    "begynneropplaering": {
        "nb": (
            "overgangen mellom barnehage og skole og de første skoleårene ikke henger godt nok sammen, og {ansatte} "
            "trenger mer kunnskap om lekbasert læring og tidlig innsats",
            "at {barna} møter en sammenhengende og lekende begynneropplæring, og at {ansatte} tidlig oppdager og "
            "følger opp dem som trenger det",
        ),
        "nn": (
            "overgangen mellom barnehage og skule og dei første skuleåra ikkje heng godt nok saman, og {ansatte} "
            "treng meir kunnskap om leikbasert læring og tidleg innsats",
            "at {barna} møter ei samanhengande og leikande byrjaropplæring, og at {ansatte} tidleg oppdagar og "
            "følgjer opp dei som treng det",
        ),
    },
    "mangfold": {
        "nb": (
            "stadig flere av {barna} er flerspråklige, og {ansatte} er usikre på hvordan de kan bruke språklig og "
            "kulturelt mangfold som en ressurs og gi alle et inkluderende tilbud",
            "at {ansatte} ser språklig og kulturelt mangfold som en ressurs og legger til rette slik at alle {barna} "
            "opplever å høre til i fellesskapet",
        ),
        "nn": (
            "stadig fleire av {barna} er fleirspråklege, og {ansatte} er usikre på korleis dei kan bruke språkleg "
            "og kulturelt mangfald som ein ressurs og gje alle eit inkluderande tilbod",
            "at {ansatte} ser språkleg og kulturelt mangfald som ein ressurs og legg til rette slik at alle {barna} "
            "opplever å høyre til i fellesskapet",
        ),
    },
    "kritisk-tenkning": {
        "nb": (
            "{barna} for sjelden får utforske, argumentere og vurdere kilder kritisk, og undervisningen er fortsatt "
            "preget av lærerstyrte aktiviteter",
            "at {ansatte} bruker utforskende og elevaktive arbeidsmåter der {barna} lærer å stille spørsmål, "
            "argumentere og vurdere kilder kritisk",
        ),
        "nn": (
            "{barna} for sjeldan får utforske, argumentere og vurdere kjelder kritisk, og undervisninga er framleis "
            "prega av lærarstyrte aktivitetar",
            "at {ansatte} brukar utforskande og elevaktive arbeidsmåtar der {barna} lærer å stille spørsmål, "
            "argumentere og vurdere kjelder kritisk",
        ),
    },
    "ikt": {
        "nb": (
            "{enhetene} har fått nytt digitalt utstyr, men {ansatte} er usikre på hvordan digitale verktøy kan "
            "brukes pedagogisk og med god dømmekraft",
            "at {ansatte} har profesjonsfaglig digital kompetanse og bruker digitale verktøy bevisst der det fremmer "
            "læring, lek og skaperglede",
        ),
        "nn": (
            "{enhetene} har fått nytt digitalt utstyr, men {ansatte} er usikre på korleis digitale verktøy kan "
            "brukast pedagogisk og med god dømmekraft",
            "at {ansatte} har profesjonsfagleg digital kompetanse og brukar digitale verktøy medvite der det fremjar "
            "læring, leik og skaparglede",
        ),
    },
    "estetiske": {
        "nb": (
            "estetiske fag og arbeidsmåter har fått mindre plass, og {ansatte} ønsker å bruke estetiske "
            "læringsprosesser mer i det daglige arbeidet",
            "at estetiske læringsprosesser blir en fast og planlagt del av arbeidet i {enhetene}",
        ),
        "nn": (
            "estetiske fag og arbeidsmåtar har fått mindre plass, og {ansatte} ønskjer å bruke estetiske "
            "læringsprosessar meir i det daglege arbeidet",
            "at estetiske læringsprosessar blir ein fast og planlagd del av arbeidet i {enhetene}",
        ),
    },
    "elevmedvirkning": {
        "nb": (
            "{barna} i liten grad opplever at de har innflytelse på egen hverdag og læring, og {ansatte} mangler "
            "gode måter å involvere dem på",
            "at {barna} opplever reell medvirkning, og at {ansatte} bruker det de får vite fra {barna} til å justere "
            "praksisen sin",
        ),
        "nn": (
            "{barna} i liten grad opplever at dei har påverknad på eigen kvardag og læring, og {ansatte} manglar "
            "gode måtar å involvere dei på",
            "at {barna} opplever reell medverknad, og at {ansatte} brukar det dei får vite frå {barna} til å justere "
            "praksisen sin",
        ),
    },
    "skapende": {
        "nb": (
            "{ansatte} ønsker mer praktisk, variert og skapende arbeid, men mangler erfaring med å planlegge og lede "
            "slike arbeidsmåter",
            "at {barna} møter mer praktiske, skapende og utforskende arbeidsmåter, og at {ansatte} deler erfaringer "
            "på tvers av {enhetene}",
        ),
        "nn": (
            "{ansatte} ønskjer meir praktisk, variert og skapande arbeid, men manglar røynsle med å planleggje og "
            "leie slike arbeidsmåtar",
            "at {barna} møter meir praktiske, skapande og utforskande arbeidsmåtar, og at {ansatte} deler røynsler "
            "på tvers av {enhetene}",
        ),
    },
    "norsk-andresprak": {
        "nb": (
            "mange av {barna} har norsk som andrespråk, og {ansatte} trenger mer andrespråksdidaktisk kompetanse for å "
            "gi dem god språkopplæring i hverdagen",
            "at {ansatte} har kunnskap om andrespråkslæring og bruker den i det daglige arbeidet, slik at {barna} "
            "med norsk som andrespråk får et godt språklig grunnlag",
        ),
        "nn": (
            "mange av {barna} har norsk som andrespråk, og {ansatte} treng meir andrespråksdidaktisk kompetanse for å "
            "gje dei god språkopplæring i kvardagen",
            "at {ansatte} har kunnskap om andrespråkslæring og brukar han i det daglege arbeidet, slik at {barna} "
            "med norsk som andrespråk får eit godt språkleg grunnlag",
        ),
    },
    "nyutdannede": {
        "nb": (
            "mange nyutdannede slutter etter få år, og veiledningen av nye kolleger er ulik fra enhet til enhet",
            "at alle nyutdannede får god veiledning de første årene, og at {enhetene} har egne veiledere med "
            "veilederkompetanse",
        ),
        "nn": (
            "mange nyutdanna sluttar etter få år, og rettleiinga av nye kollegaer er ulik frå eining til eining",
            "at alle nyutdanna får god rettleiing dei første åra, og at {enhetene} har eigne rettleiarar med "
            "rettleiarkompetanse",
        ),
    },
    "laeringsmiljo": {
        "nb": (
            "ikke alle {barna} opplever et trygt og inkluderende miljø, og {ansatte} trenger en felles forståelse "
            "og felles måter å forebygge, gripe inn og følge opp på",
            "at alle {barna} opplever et trygt, godt og inkluderende miljø, og at {ansatte} forebygger, griper inn "
            "og følger opp på en felles måte",
        ),
        "nn": (
            "ikkje alle {barna} opplever eit trygt og inkluderande miljø, og {ansatte} treng ei felles forståing og "
            "felles måtar å førebyggje, gripe inn og følgje opp på",
            "at alle {barna} opplever eit trygt, godt og inkluderande miljø, og at {ansatte} førebyggjer, grip inn "
            "og følgjer opp på ein felles måte",
        ),
    },
}

# Title phrases (with the theme each one is mainly about), per scheme and kind of unit, per written standard.
TITLES = {
    ("nb", "dekomp", "skole"): [
        ("Lesing i alle fag", "grunnleggende-ferdigheter"),
        ("Skriving som grunnleggende ferdighet", "grunnleggende-ferdigheter"),
        ("Regning i alle fag", "grunnleggende-ferdigheter"),
        ("Dybdelæring og fagfornyelsen i praksis", "fagfornyelsen"),
        ("Tverrfaglige tema i fagfornyelsen", "fagfornyelsen"),
        ("Begynneropplæring og lek på 1.–4. trinn", "begynneropplaering"),
        ("Inkluderende praksis i et flerspråklig klasserom", "mangfold"),
        ("Utforskende undervisning og kritisk tenkning", "kritisk-tenkning"),
        ("Matematikk og utforskende arbeidsmåter", "kritisk-tenkning"),
        ("Profesjonsfaglig digital kompetanse", "ikt"),
        ("Pedagogisk bruk av digitale verktøy", "ikt"),
        ("Estetiske læringsprosesser i alle fag", "estetiske"),
        ("Elevmedvirkning og vurdering for læring", "elevmedvirkning"),
        ("Praktisk og variert undervisning", "skapende"),
        ("Skaperverksted og praktisk læring", "skapende"),
        ("Andrespråksdidaktikk i alle fag", "norsk-andresprak"),
        ("Veiledning av nyutdannede lærere", "nyutdannede"),
        ("Trygt og godt skolemiljø", "laeringsmiljo"),
        ("Klasseledelse og læringsmiljø", "laeringsmiljo"),
        ("Relasjoner og læringsmiljø på ungdomstrinnet", "laeringsmiljo"),
    ],
    ("nb", "dekomp", "vgs"): [
        ("Gjennomføring og læringsmiljø i videregående opplæring", "laeringsmiljo"),
        ("Dybdelæring i programfagene", "fagfornyelsen"),
        ("Yrkesfagene og fagfornyelsen", "fagfornyelsen"),
        ("Lesing og skriving i alle fag", "grunnleggende-ferdigheter"),
        ("Vurdering for læring i videregående", "elevmedvirkning"),
        ("Kritisk tenkning og kildebruk", "kritisk-tenkning"),
        ("Profesjonsfaglig digital kompetanse", "ikt"),
        ("Inkluderende praksis og tilpasset opplæring", "mangfold"),
        ("Veiledning av nyutdannede lærere", "nyutdannede"),
        ("Praktisk og relevant fellesfagsundervisning", "skapende"),
    ],
    ("nb", "rekomp", "barnehage"): [
        ("Inkluderende barnehagemiljø", "laeringsmiljo"),
        ("Trygge barn i et godt barnehagemiljø", "laeringsmiljo"),
        ("Relasjonskompetanse i barnehagen", "laeringsmiljo"),
        ("Språkmiljø og språkstimulering", "grunnleggende-ferdigheter"),
        ("Et godt språkmiljø for alle barn", "grunnleggende-ferdigheter"),
        ("Overgangen fra barnehage til skole", "begynneropplaering"),
        ("Flerspråklige barn i barnehagen", "mangfold"),
        ("Mangfold og inkludering i barnehagen", "mangfold"),
        ("Digital praksis i barnehagen", "ikt"),
        ("Estetiske læringsprosesser i barnehagen", "estetiske"),
        ("Barns medvirkning i hverdagen", "elevmedvirkning"),
        ("Lek, skaperglede og utforskning", "skapende"),
        ("Lekens plass i barnehagen", "skapende"),
        ("Norsk som andrespråk i barnehagen", "norsk-andresprak"),
        ("Veiledning av nyutdannede barnehagelærere", "nyutdannede"),
    ],
    ("nb", "kompetanseloftet", "skole"): [
        ("Inkluderende skolefellesskap", "laeringsmiljo"),
        ("Tilpasset opplæring og spesialpedagogikk i klasserommet", "mangfold"),
        ("PP-tjenesten tettere på skolene", "laeringsmiljo"),
        ("Tidlig innsats i lesing og regning", "grunnleggende-ferdigheter"),
        ("Et laget rundt eleven", "laeringsmiljo"),
    ],
    ("nb", "kompetanseloftet", "vgs"): [
        ("Inkluderende praksis i videregående opplæring", "laeringsmiljo"),
        ("Et laget rundt eleven", "laeringsmiljo"),
        ("Tilpasset opplæring og spesialpedagogisk kompetanse", "mangfold"),
    ],
    ("nb", "kompetanseloftet", "barnehage"): [
        ("Spesialpedagogisk kompetanse i barnehagen", "laeringsmiljo"),
        ("Tidlig innsats i barnehagen", "begynneropplaering"),
        ("PP-tjenesten tettere på barnehagene", "laeringsmiljo"),
        ("Et inkluderende barnehagefellesskap", "mangfold"),
        ("Et laget rundt barnet", "laeringsmiljo"),
    ],
    ("nb", "kompetanseloftet", "begge"): [
        ("Inkluderende fellesskap i barnehage og skole", "laeringsmiljo"),
        ("Et laget rundt barnet og eleven", "laeringsmiljo"),
        ("Tidlig innsats fra barnehage til skole", "begynneropplaering"),
        ("PP-tjenesten tettere på barnehager og skoler", "laeringsmiljo"),
        ("Inkluderende praksis og spesialpedagogisk kompetanse", "mangfold"),
    ],
    ("nn", "dekomp", "skole"): [
        ("Lesing og skriving i alle fag", "grunnleggende-ferdigheter"),
        ("Djupnelæring og fagfornyinga i praksis", "fagfornyelsen"),
        ("Trygt og godt skulemiljø", "laeringsmiljo"),
        ("Profesjonsfagleg digital kompetanse", "ikt"),
        ("Byrjaropplæring og leik på 1.–4. trinn", "begynneropplaering"),
    ],
    ("nn", "rekomp", "barnehage"): [
        ("Inkluderande barnehagemiljø", "laeringsmiljo"),
        ("Språkmiljø og språkstimulering", "grunnleggende-ferdigheter"),
        ("Leik, skaparglede og utforsking", "skapende"),
    ],
    ("nn", "kompetanseloftet", "skole"): [
        ("Inkluderande skulefellesskap", "laeringsmiljo"),
        ("PP-tenesta tettare på skulane", "laeringsmiljo"),
    ],
    ("nn", "kompetanseloftet", "barnehage"): [
        ("Tidleg innsats i barnehagen", "begynneropplaering"),
        ("Spesialpedagogisk kompetanse i barnehagen", "laeringsmiljo"),
    ],
    ("nn", "kompetanseloftet", "begge"): [
        ("Inkluderande fellesskap i barnehage og skule", "laeringsmiljo"),
        ("Tidleg innsats frå barnehage til skule", "begynneropplaering"),
    ],
}
# Themes that do not fit a kindergarten measure.
SCHOOL_ONLY_THEMES = {"fagfornyelsen", "kritisk-tenkning"}

TEXTS = {
    "nb": {
        "openers": [
            "Kartlegginger og samtaler i personalet viser at",
            "Ståstedsanalysen fra våren {prev} viser at",
            "Arbeidet med kvalitetsmeldingen for {prev} har vist at",
            "Ledere, ansatte og tillitsvalgte har sammen pekt på at",
        ],
        "also": "Behovet henger også sammen med {theme}.",
        "kl": "I tillegg får for mange barn og elever spesialpedagogisk hjelp utenfor fellesskapet, og "
        "PP-tjenesten er for lite til stede der barna og elevene er.",
        "sources": {
            "skole": "Elevundersøkelsen, nasjonale prøver og ståstedsanalysen",
            "vgs": "Elevundersøkelsen, tall for gjennomføring og ståstedsanalysen",
            "barnehage": "ståstedsanalysen for barnehager, foreldreundersøkelsen og observasjoner i barnegruppene",
            "begge": "ståstedsanalysen, Elevundersøkelsen og foreldreundersøkelsen i barnehagen",
        },
        "analysis": "Behovet er meldt fra {enhetene} selv gjennom {sources}. {units} har deltatt i analysen, og "
        "funnene er drøftet i ledermøter, på personalmøter og med de tillitsvalgte.",
        "data": [
            "Tallene har vært stabile i tre år, og innsatsen så langt har ikke gitt ønsket effekt.",
            "*Resultatene varierer mye mellom enhetene, og vi vil lære av dem som har lyktes.",
            "De ansatte beskriver at de mangler tid og et felles språk for å arbeide systematisk med dette.",
            "*Vi ser samme utfordring i alle enhetene, uavhengig av størrelse.",
        ],
        "short_analysis": "Behovet er meldt fra {enhetene} gjennom {sources}.",
        "goal": "Målet er {goal}.",
        "goal_extra": [
            "Etter tiltaksperioden skal arbeidet være en del av den ordinære praksisen.",
            "Lederne skal være tydelige pådrivere og sette av tid til arbeidet i fellestiden.",
            "*Erfaringene skal deles på tvers av enhetene og dokumenteres slik at nye ansatte kan bruke dem.",
        ],
        "collective": "Tiltaket er {basert}: alle ansatte ved {the_units} deltar. Arbeidet er organisert som "
        "{activities}, med {partner} som partner.",
        "leaders": [
            "*Lederne har satt av tid i fellestiden, og hver enhet har en ressursperson som leder arbeidet lokalt.",
            "Et utviklingsteam med leder, ressurspersoner og tillitsvalgt planlegger mellomarbeidet.",
            "Arbeidet foregår i de ansattes egne grupper og klasser, og lederne følger det opp i faste møter.",
        ],
        "network": "{n} eiere i {network} samarbeider om tiltaket og deler erfaringer på felles nettverkssamlinger.",
        "evaluation": [
            "Vi gjentar kartleggingen ved slutten av hvert år og sammenligner med utgangspunktet.",
            "{partner} bidrar med en enkel følgeevaluering med intervjuer av ledere og ansatte.",
            "Utviklingsteamene vurderer framdriften hvert halvår ut fra logger fra mellomarbeidet.",
            "Vi bruker spørsmål fra {sources} som indikatorer og ser på utviklingen over tid.",
        ],
        "short_evaluation": "Vi vurderer resultatene sammen med partneren.",
        "plans": {
            "kommune": [
                "Kompetanseplan for oppvekst i {place} 2025–2028",
                "Strategisk plan for barnehage og skole i {place} (vedtatt i kommunestyret 2024)",
                "Kvalitetsplan for {enhetene} i {place} 2024–2027",
            ],
            "fylkeskommune": ["Kompetanseplan for videregående opplæring i {place} 2025–2028"],
            "privat": ["Virksomhetsplan for {place} 2026–2028", "Kompetanseplan for {place} 2025–2027"],
            "nettverk": ["Felles kompetanseplan for {place} 2025–2028 og kompetanseplanene i hver kommune"],
        },
    },
    "nn": {
        "openers": [
            "Kartleggingar og samtalar i personalet viser at",
            "Ståstadsanalysen frå våren {prev} viser at",
            "Arbeidet med kvalitetsmeldinga for {prev} har vist at",
        ],
        "also": "Behovet heng òg saman med {theme}.",
        "kl": "I tillegg får for mange born og elevar spesialpedagogisk hjelp utanfor fellesskapet, og PP-tenesta "
        "er for lite til stades der borna og elevane er.",
        "sources": {
            "skole": "Elevundersøkinga, nasjonale prøver og ståstadsanalysen",
            "vgs": "Elevundersøkinga, tal for gjennomføring og ståstadsanalysen",
            "barnehage": "ståstadsanalysen for barnehagar, foreldreundersøkinga og observasjonar i barnegruppene",
            "begge": "ståstadsanalysen, Elevundersøkinga og foreldreundersøkinga i barnehagen",
        },
        "analysis": "Behovet er meldt frå {enhetene} sjølve gjennom {sources}. {units} har vore med i "
        "analysen, og funna er drøfta i leiarmøte, på personalmøte og med dei tillitsvalde.",
        "data": [
            "Tala har vore stabile i tre år, og innsatsen så langt har ikkje gjeve ønskt effekt.",
            "Dei tilsette fortel at dei manglar tid og eit felles språk for å arbeide systematisk med dette.",
        ],
        "short_analysis": "Behovet er meldt frå {enhetene} gjennom {sources}.",
        "goal": "Målet er {goal}.",
        "goal_extra": [
            "Etter tiltaksperioden skal arbeidet vere ein del av den ordinære praksisen.",
            "Leiarane skal vere tydelege pådrivarar og setje av tid til arbeidet i fellestida.",
        ],
        "collective": "Tiltaket er {basert}: alle tilsette ved {the_units} er med. Arbeidet er organisert "
        "som {activities}, med {partner} som partnar.",
        "leaders": [
            "*Leiarane har sett av tid i fellestida, og kvar eining har ein ressursperson som leier arbeidet lokalt.",
            "Eit utviklingsteam med leiar, ressurspersonar og tillitsvald planlegg mellomarbeidet.",
        ],
        "network": "{n} eigarar i {network} samarbeider om tiltaket og deler røynsler på felles nettverkssamlingar.",
        "evaluation": [
            "Vi gjentek kartlegginga ved slutten av kvart år og samanliknar med utgangspunktet.",
            "{partner} bidreg med ei enkel følgjeevaluering med intervju av leiarar og tilsette.",
            "Utviklingsteama vurderer framdrifta kvart halvår ut frå loggar frå mellomarbeidet.",
        ],
        "short_evaluation": "Vi vurderer resultata saman med partnaren.",
        "plans": {
            "kommune": [
                "Kompetanseplan for oppvekst i {place} 2025–2028",
                "Kvalitetsplan for {enhetene} i {place} 2024–2027",
            ],
            "fylkeskommune": ["Kompetanseplan for vidaregåande opplæring i {place} 2025–2028"],
            "privat": ["Verksemdsplan for {place} 2026–2028"],
            "nettverk": ["Felles kompetanseplan for {place} 2025–2028 og kompetanseplanane i kvar kommune"],
        },
    },
}

RETURN_COMMENTS = [
    "Analysen bak behovet er for generell. Vis hvilke funn i kartleggingen som ligger til grunn, og hvordan "
    "enhetene selv har vært med på å beskrive behovet.",
    "Det går ikke fram hvordan resultatene skal vurderes. Beskriv hva dere vil se etter, når og sammen med hvem.",
    "Tiltaket ser ut til å handle om kurs for noen få ansatte. Ordningen gjelder kollektive tiltak på arbeidsplassen "
    "– beskriv hvordan hele personalet deltar.",
    "Fordelingen mellom eier og partner er ikke begrunnet. Beskriv hva partneren skal gjøre hvert år, og hva "
    "midlene til eieren skal brukes til.",
    "Oppgi hvilken lokal plan tiltaket bygger på, med årstall og hvem som har vedtatt den.",
]
RESUBMIT_COMMENT = (
    "Analysen bak behovet og vurderingen av resultatene må utdypes. Vis hvilke funn tiltaket bygger på, og hvordan "
    "dere vil se om det virker."
)
WITHDRAW_COMMENTS = [
    "Vi går heller inn i nettverket i regionen og trekker denne behovsmeldingen.",
    "Tiltaket er slått sammen med en annen behovsmelding fra oss.",
    "Partneren har ikke kapasitet kommende skoleår; vi melder behovet på nytt neste år.",
    "",
]
DECLINE_COMMENTS = [
    "Vi har dessverre ikke kapasitet til nye oppdrag høsten 2027. Ta gjerne kontakt igjen til neste runde.",
    "Temaet ligger utenfor det fagmiljøet vårt kan tilby; vi anbefaler å kontakte et av de nasjonale sentrene.",
]
CONFIRM_COMMENTS = ["", "", "", "Vi ser fram til samarbeidet.", "Bekreftet etter møte med kommunen."]

# ---------------------------------------------------------------------------------------------- the actors' parts

# Partner organisation (by name in actors.PARTNERS) → short name in texts and the slug of its contact's e-mail.
PARTNER_INFO = {
    "OsloMet – storbyuniversitetet": ("OsloMet", "oslomet"),
    "Universitetet i Oslo": ("UiO", "uio"),
    "Høgskolen i Østfold": ("Høgskolen i Østfold", "hiof"),
    "Universitetet i Sørøst-Norge": ("USN", "usn"),
    "Norges miljø- og biovitenskapelige universitet": ("NMBU", "nmbu"),
    "MF vitenskapelig høyskole": ("MF", "mf"),
    "Dronning Mauds Minne Høgskole for barnehagelærerutdanning": ("DMMH", "dmmh"),
    "Nasjonalt senter for flerkulturell opplæring (NAFO)": ("NAFO", "nafo"),
    "Nasjonalt senter for naturfag i opplæringen": ("Naturfagsenteret", "naturfagsenteret"),
    "Nasjonalt senter for engelsk og fremmedspråk i opplæringen": ("Fremmedspråksenteret", "fremmedsprak"),
    "Nasjonalt senter for leseopplæring og leseforsking (Lesesenteret)": ("Lesesenteret", "lesesenteret"),
    "Nasjonalt senter for matematikk i opplæringen": ("Matematikksenteret", "matematikksenteret"),
    "Nasjonalt senter for læringsmiljø og atferdsforskning": ("Læringsmiljøsenteret", "laeringsmiljo"),
    "Statped": ("Statped", "statped"),
}
PERSONA_CONTACTS = {"oslomet": "partner@demo.no", "hiof": "partner.hio@demo.no"}
# The university partners each region mostly works with (weights), per scheme.
UH_BY_REGION = {
    "Østfold": {"hiof": 8, "oslomet": 1, "usn": 1},
    "Buskerud": {"usn": 8, "oslomet": 1},
    "Oslo": {"oslomet": 5, "uio": 4, "mf": 1},
    "Romerike og Hadeland": {"oslomet": 6, "uio": 2, "usn": 1, "nmbu": 1},
    "Follo og Vestområdet": {"oslomet": 4, "nmbu": 3, "uio": 2, "usn": 1},
}
NOT_FOR_KINDERGARTENS = {"uio", "nmbu", "mf"}
SECOND_PARTNER_BY_THEME = {
    "grunnleggende-ferdigheter": "lesesenteret",
    "begynneropplaering": "lesesenteret",
    "mangfold": "nafo",
    "norsk-andresprak": "nafo",
    "laeringsmiljo": "laeringsmiljo",
    "kritisk-tenkning": "naturfagsenteret",
    "fagfornyelsen": "fremmedsprak",
}
ACTIVITY_WEIGHTS = {
    "samlinger": 9,
    "laerende-nettverk": 8,
    "prosessveiledning": 5,
    "kartlegging": 5,
    "forskning-egen-praksis": 3,
    "tverrprofesjonelt": 2,
    "langsiktige-planer": 2,
}

# Networks of kommuner in the same region: name, lead kommune, members, and how many reports per scheme.
NETWORKS = [
    ("Indre Østfold", "3118", ["3116", "3120", "3122", "3124"], {"dekomp": 2, "rekomp": 1, "kompetanseloftet": 1}),
    ("Mosseregionen", "3103", ["3112", "3114"], {"dekomp": 1, "rekomp": 1}),
    ("Hallingdal", "3324", ["3320", "3322", "3326", "3328", "3330"], {"dekomp": 1, "rekomp": 1, "kompetanseloftet": 1}),
    ("Numedal og Kongsberg", "3303", ["3334", "3336", "3338"], {"dekomp": 1, "rekomp": 1}),
    ("Midt-Buskerud", "3316", ["3318", "3332"], {"dekomp": 1, "rekomp": 1, "kompetanseloftet": 1}),
    ("Ringeriksregionen", "3305", ["3310"], {"dekomp": 1}),
    (
        "Øvre Romerike",
        "3209",
        ["3240", "3238", "3242", "3230", "3228"],
        {"dekomp": 2, "rekomp": 1, "kompetanseloftet": 1},
    ),
    ("Nedre Romerike", "3205", ["3222", "3224", "3232", "3226"], {"dekomp": 1, "rekomp": 2, "kompetanseloftet": 1}),
    ("Hadeland", "3234", ["3236"], {"dekomp": 1, "rekomp": 1}),
    ("Follo", "3207", ["3218", "3214", "3212", "3216", "3220"], {"dekomp": 1, "rekomp": 1, "kompetanseloftet": 1}),
    ("Vestområdet", "3203", ["3201"], {"kompetanseloftet": 1}),
]
TARGET_COUNTS = {"dekomp": 95, "rekomp": 84, "kompetanseloftet": 56}
# Statuses of the 2027 reports not made by hand for the personas (227 of them).
STATUS_COUNTS = {
    Status.DRAFT: 30,
    Status.SUBMITTED: 98,
    Status.CHECKED: 77,
    Status.RETURNED: 14,
    Status.WITHDRAWN: 8,
}
RESUBMITTED = 10  # submitted or checked reports that were returned once and submitted again
WITHDRAWN_AFTER_SUBMISSION = 3

FREDRIKSTAD, SARPSBORG, AL, OSLO_KOMMUNE, LILLESTROM = "3107", "3105", "3328", "0301", "3205"

# ---------------------------------------------------------------------------------------------- plans


@dataclass
class LinkPlan:
    """A partner or co-owner named in a report, and its answer."""

    organisation: Organisation
    status: str = ConfirmationStatus.PENDING
    answered_by: User | None = None
    answered_at: datetime | None = None
    comment: str = ""
    contact: User | None = None  # partners only


@dataclass
class StepPlan:
    """One recorded event."""

    verb: str
    actor: User | None
    at: datetime | None = None
    changes: dict = field(default_factory=dict)
    comment: str = ""
    link: LinkPlan | None = None  # an answer: the link gets the step's time


@dataclass
class Plan:
    """Everything one needs report will hold, before it is written."""

    round: Round
    spec: RoundSpec
    scheme: Scheme
    owner: Organisation
    submitter: User
    lang: str
    context: str  # skole, vgs, barnehage or begge
    region: Region | None = None
    network: str = ""
    status: str = Status.DRAFT
    draft_kind: str = ""  # ready, partner, co_owner, declined, incomplete
    filled: int = 6  # for an incomplete draft: how many of the six steps are filled in
    title: str = ""
    theme_codes: list[str] = field(default_factory=list)
    activity_codes: list[str] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    co_owners: list[LinkPlan] = field(default_factory=list)
    partners: list[LinkPlan] = field(default_factory=list)
    years: int | None = None
    lines: list[tuple[int, Organisation, int, int]] = field(default_factory=list)  # year, recipient, amount, coord.
    contributions: dict[int, int] = field(default_factory=dict)
    egenandel_form: str = ""
    texts: dict[str, str] = field(default_factory=dict)
    earlier_texts: dict[str, str] = field(default_factory=dict)  # the first submission of a resubmitted report
    target_groups: list[str] = field(default_factory=list)
    staff_reached: int | None = None
    resubmitted: bool = False
    withdrawn_after_submission: bool = False
    copied_from: "Plan | None" = None
    checker: User | None = None  # the caseworker who checks or returns it (random if not set)
    partner_override: dict[str, str] = field(default_factory=dict)  # partner slug → status (personas)
    co_owner_override: dict[str, str] = field(default_factory=dict)  # kommunenummer → status (personas)
    return_comment: str = ""
    steps: list[StepPlan] = field(default_factory=list)
    submissions: list[tuple[int, datetime]] = field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    report: NeedsReport | None = None


def _round_to(value: float, step: int) -> int:
    return round(value / step) * step


def _ceil_to(value: float, step: int) -> int:
    return -(-int(value) // step) * step


def _floor_to(value: float, step: int) -> int:
    return int(value) // step * step


def _ascii(text: str) -> str:
    return slugify(text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a"))


def _person_name(seed: str) -> str:
    rng = random.Random(seed)
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _lower_first(item: Theme | ActivityType, lang: str) -> str:
    """A theme's or activity type's name in the report's written standard, to use inside a sentence."""
    name = item.name_nn if lang == Malform.NYNORSK and item.name_nn else item.name
    return name[0].lower() + name[1:]


def _place(owner: Organisation) -> str:
    """The owner's name as a place in a title or plan: Fredrikstad, Østfold, Eventyrskogen barnehager."""
    if owner.kind == OrganisationKind.MUNICIPALITY:
        return owner.municipality.name.split(" - ")[0].split(" (")[0]
    if owner.kind == OrganisationKind.COUNTY_MUNICIPALITY:
        return owner.name.replace(" fylkeskommune", "")
    for suffix in (" AS", " SA"):
        if owner.name.endswith(suffix):
            return owner.name[: -len(suffix)]
    return owner.name


class Planner:
    """Plans the reports of the demo rounds from one random generator, in a fixed order."""

    def __init__(self, actors: DemoActors, rounds: dict[str, Round]) -> None:
        self.rng = random.Random(SEED)
        self.rounds = rounds
        self.schemes = {s.code: s for s in Scheme.objects.filter(code__in=TARGET_COUNTS)}
        self.themes = {t.code: t for t in Theme.objects.all()}
        self.activities = {a.code: a for a in ActivityType.objects.all()}
        owners = sorted(actors.owners, key=lambda o: o.orgnr)
        self.owners = owners
        self.kommuner = {o.municipality.number: o for o in owners if o.kind == OrganisationKind.MUNICIPALITY}
        self.fylkeskommuner = [o for o in owners if o.kind == OrganisationKind.COUNTY_MUNICIPALITY]
        self.partners = {PARTNER_INFO[p.name][1]: p for p in actors.partners}
        self.units: dict[int, list[Unit]] = defaultdict(list)
        for unit in Unit.objects.filter(owner__in=owners).order_by("orgnr"):
            self.units[unit.owner_id].append(unit)
        regions = sorted(actors.regions, key=lambda r: r.name)
        self.regions_of: dict[int, list[Region]] = defaultdict(list)
        for region in regions:
            for member_id in region.members.order_by("orgnr").values_list("pk", flat=True):
                self.regions_of[member_id].append(region)
        # privat@demo.no acts for the first private kindergarten owner in actors.py.
        self.private_persona_owner = next(o for o in owners if o.name == PRIVATE_KINDERGARTEN_OWNERS[0])
        self.users = self._users()
        self.caseworkers = [self.users["saksbehandler@demo.no"]] * 3 + [self.users["sekretariat@demo.no"]]
        self.used_titles: set[tuple[int, str]] = set()

    # ------------------------------------------------------------------ users

    def _users(self) -> dict[str, User]:
        """The personas, plus a submitter for every other owner and a contact at every partner (synthetic)."""
        self.submitter_email = {}
        wanted: dict[str, tuple[str, Organisation]] = {}
        persona_for = {
            FREDRIKSTAD: "eier@demo.no",
            SARPSBORG: "medeier@demo.no",
            AL: "eier.nynorsk@demo.no",
        }
        for owner in self.owners:
            number = owner.municipality.number if owner.kind == OrganisationKind.MUNICIPALITY else None
            if number in persona_for:
                email = persona_for[number]
            elif owner.pk == self.private_persona_owner.pk:
                email = "privat@demo.no"
            else:
                email = f"innsender.{_ascii(_place(owner))}@demo.no"
                wanted[email] = (_person_name(email), owner)
            self.submitter_email[owner.pk] = email
        self.contact_email = {}
        for slug, partner in self.partners.items():
            email = PERSONA_CONTACTS.get(slug, f"kontakt.{slug}@demo.no")
            if slug not in PERSONA_CONTACTS:
                wanted[email] = (_person_name(email), partner)
            self.contact_email[partner.pk] = email
        # Every demo user logs in with the demo password: the other owners' submitters and partners' contacts too.
        password_hash = make_password(DEMO_PASSWORD)
        existing = set(User.objects.filter(email__in=wanted).values_list("email", flat=True))
        User.objects.bulk_create(
            User(email=email, full_name=name, is_demo=True, password=password_hash)
            for email, (name, _organisation) in sorted(wanted.items())
            if email not in existing
        )
        User.objects.filter(email__in=wanted, password__startswith=UNUSABLE_PASSWORD_PREFIX).update(
            password=password_hash
        )
        personas = ["eier@demo.no", "medeier@demo.no", "eier.nynorsk@demo.no", "privat@demo.no"]
        personas += ["partner@demo.no", "partner.hio@demo.no", "saksbehandler@demo.no", "sekretariat@demo.no"]
        users = {u.email: u for u in User.objects.filter(email__in=[*wanted, *personas])}
        OrganisationMembership.objects.bulk_create(
            [
                OrganisationMembership(user=users[email], organisation=organisation, role=OrganisationRole.SUBMITTER)
                for email, (_name, organisation) in sorted(wanted.items())
            ],
            ignore_conflicts=True,
        )
        return users

    def submitter(self, owner: Organisation) -> User:
        return self.users[self.submitter_email[owner.pk]]

    def contact(self, partner: Organisation) -> User:
        return self.users[self.contact_email[partner.pk]]

    # ------------------------------------------------------------------ what a report is about

    def new_plan(
        self,
        spec: RoundSpec,
        scheme_code: str,
        owner: Organisation,
        *,
        co_owners: list[Organisation] | None = None,
        network: str = "",
        context: str | None = None,
        title_phrase: tuple[str, str] | None = None,
        partner_slugs: list[str] | None = None,
    ) -> Plan:
        rng = self.rng
        scheme = self.schemes[scheme_code]
        lang = Malform.NYNORSK if owner.malform == Malform.NYNORSK else Malform.BOKMAL
        co_owners = co_owners or []
        members = [owner, *co_owners]
        pool = [u for m in members for u in self.units[m.pk] if u.kind in scheme.unit_kinds]
        if context is None:
            kinds = {u.kind for u in pool}
            choices = []
            if UnitKind.PRIMARY_SCHOOL in kinds:
                choices.append("skole")
            if UnitKind.UPPER_SECONDARY_SCHOOL in kinds:
                choices.append("vgs")
            if UnitKind.KINDERGARTEN in kinds:
                choices.append("barnehage")
            if scheme_code == "kompetanseloftet" and {"skole", "barnehage"} <= set(choices):
                choices.append("begge")
            context = rng.choice(choices)
        fitting = {
            "skole": {UnitKind.PRIMARY_SCHOOL},
            "vgs": {UnitKind.UPPER_SECONDARY_SCHOOL},
            "barnehage": {UnitKind.KINDERGARTEN},
            "begge": {UnitKind.PRIMARY_SCHOOL, UnitKind.KINDERGARTEN},
        }[context]
        pool = [u for u in pool if u.kind in fitting]
        if network:
            units = pool if len(pool) <= 24 else sorted(rng.sample(pool, 24), key=lambda u: u.orgnr)
            # Every member takes part with at least one unit.
            for member in members:
                if not any(u.owner_id == member.pk for u in units):
                    units.append(next(u for u in pool if u.owner_id == member.pk))
        elif len(pool) <= 4:
            units = list(pool)
        else:
            units = sorted(rng.sample(pool, rng.randint(3, min(len(pool), 14))), key=lambda u: u.orgnr)

        plan = Plan(
            round=self.rounds[spec.name],
            spec=spec,
            scheme=scheme,
            owner=owner,
            submitter=self.submitter(owner),
            lang=lang,
            context=context,
            network=network,
            units=units,
        )
        # A network belongs to its lead's region; Akershus fylkeskommune is in two and picks one per report.
        plan.region = self.regions_of[owner.pk][0] if network else rng.choice(self.regions_of[owner.pk])
        plan.co_owners = [LinkPlan(organisation=o) for o in co_owners]

        # Title and themes: a phrase for the scheme and kind of unit, not already used in the round.
        if title_phrase is None:
            phrases = TITLES.get((lang, scheme_code, context)) or TITLES[("nb", scheme_code, context)]
            fresh = [p for p in phrases if (plan.round.pk, self._title(p[0], plan)) not in self.used_titles]
            title_phrase = rng.choice(fresh or phrases)
        plan.title = self._title(title_phrase[0], plan)
        if (plan.round.pk, plan.title) in self.used_titles:
            plan.title += {"nb": " (videreføring)", "nn": " (vidareføring)"}[lang]
        self.used_titles.add((plan.round.pk, plan.title))
        primary = title_phrase[1]
        others = [
            code
            for code in self.themes
            if code != primary and not (context == "barnehage" and code in SCHOOL_ONLY_THEMES)
        ]
        plan.theme_codes = [primary, *rng.sample(others, rng.choice([0, 1, 1, 2]))]
        weights = dict(ACTIVITY_WEIGHTS)
        if scheme_code == "kompetanseloftet":
            weights["tverrprofesjonelt"] = 9
        codes = sorted(weights)
        chosen: list[str] = []
        while len(chosen) < rng.choice([2, 2, 3, 3, 4]):
            code = rng.choices(codes, weights=[weights[c] for c in codes])[0]
            if code not in chosen:
                chosen.append(code)
        plan.activity_codes = sorted(chosen, key=lambda c: self.activities[c].position)

        # Partners: the region's university or college, sometimes with a national centre.
        if partner_slugs is None:
            options = dict(UH_BY_REGION[plan.region.name])
            if scheme_code in ("rekomp", "kompetanseloftet") and context in ("barnehage", "begge"):
                options = {k: v for k, v in options.items() if k not in NOT_FOR_KINDERGARTENS}
                options["dmmh"] = 2
            slugs = sorted(options)
            partner_slugs = [rng.choices(slugs, weights=[options[s] for s in slugs])[0]]
            second_chance = 0.4 if scheme_code == "kompetanseloftet" else 0.22
            if rng.random() < second_chance:
                if scheme_code == "kompetanseloftet":
                    second = rng.choice(["statped", "statped", "laeringsmiljo"])
                else:
                    second = SECOND_PARTNER_BY_THEME.get(primary)
                if second and second not in partner_slugs:
                    partner_slugs.append(second)
        plan.partners = [
            LinkPlan(organisation=self.partners[s], contact=self.contact(self.partners[s])) for s in partner_slugs
        ]

        # Target groups and reach.
        if context == "barnehage":
            groups = [TargetGroup.KINDERGARTEN_TEACHERS, TargetGroup.KINDERGARTEN_STAFF, TargetGroup.LEADERS]
        elif context == "begge":
            groups = [TargetGroup.TEACHERS, TargetGroup.KINDERGARTEN_TEACHERS, TargetGroup.LEADERS]
        else:
            groups = [TargetGroup.TEACHERS, TargetGroup.LEADERS]
        if rng.random() < 0.35:
            groups.append(TargetGroup.ASSISTANTS)
        if scheme_code == "kompetanseloftet" or rng.random() < 0.1:
            groups.append(TargetGroup.PPT)
        plan.target_groups = sorted(set(groups))
        plan.staff_reached = max(5, round(sum(u.staff_count for u in units) * rng.uniform(0.8, 1.0)))
        return plan

    def _title(self, phrase: str, plan: Plan) -> str:
        """The phrase and where: "Lesing i alle fag – Fredrikstad-skolene", "… – Hallingdal"."""
        owner, lang = plan.owner, plan.lang
        place = _place(owner)
        if plan.network:
            suffix = plan.network
        elif owner.kind == OrganisationKind.MUNICIPALITY:
            if plan.scheme.code == "dekomp":
                if plan.context == "vgs":
                    suffix = f"de videregående skolene i {place}"
                elif place == "Oslo":
                    suffix = "Osloskolen"
                else:
                    suffix = f"skulane i {place}" if lang == "nn" else f"{place}-skolene"
            elif plan.scheme.code == "rekomp":
                suffix = f"barnehagane i {place}" if lang == "nn" else f"barnehagene i {place}"
            else:
                suffix = f"{place} kommune"
        elif owner.kind == OrganisationKind.COUNTY_MUNICIPALITY:
            suffix = f"de videregående skolene i {place}"
        else:
            suffix = place
        return f"{phrase} – {suffix}"[:180]

    # ------------------------------------------------------------------ texts, budget, timeline

    def fill(self, plan: Plan) -> None:
        """Texts, budget and link answers for the plan's status, then its timeline."""
        rng = self.rng
        t = TEXTS[plan.lang]
        words = WORDS[(plan.lang, "skole" if plan.context == "vgs" else plan.context)]
        n = len(plan.units)
        counted, the_units = UNIT_COUNT[plan.lang]["one" if n == 1 else "many"]
        counted, the_units = counted.format(n=n), the_units.format(n=n)

        def pick(sentences: list[str]) -> str:
            """One of the sentences; those marked with * speak of several units."""
            return rng.choice([x for x in sentences if n > 1 or not x.startswith("*")]).lstrip("*")

        primary = plan.theme_codes[0]
        need_clause, goal_clause = (x.format(**words) for x in THEME_TEXT[primary][plan.lang])
        partner_name = PARTNER_INFO[plan.partners[0].organisation.name][0]
        sources = t["sources"][plan.context]
        need = f"{rng.choice(t['openers']).format(prev=plan.spec.year - 1)} {need_clause}."
        if len(plan.theme_codes) > 1:
            need += " " + t["also"].format(theme=_lower_first(self.themes[plan.theme_codes[1]], plan.lang))
        if plan.scheme.code == "kompetanseloftet":
            need += " " + t["kl"]
        activities = [_lower_first(self.activities[code], plan.lang) for code in plan.activity_codes]
        collective = t["collective"].format(
            basert=words["basert"],
            the_units=the_units,
            activities=" og ".join([", ".join(activities[:-1]), activities[-1]]),
            partner=partner_name,
        )
        collective += " " + pick(t["leaders"])
        if plan.network:
            collective += " " + t["network"].format(n=1 + len(plan.co_owners), network=plan.network)
        evaluation = " ".join(x.format(partner=partner_name, sources=sources) for x in rng.sample(t["evaluation"], 2))
        if plan.network:
            kind, place = "nettverk", plan.network
        elif plan.owner.kind in (OrganisationKind.MUNICIPALITY, OrganisationKind.COUNTY_MUNICIPALITY):
            kind, place = plan.owner.kind, _place(plan.owner)
        else:
            kind, place = "privat", plan.owner.name
        plan.texts = {
            "need": need,
            "analysis": t["analysis"].format(enhetene=words["enhetene"], sources=sources, units=counted)
            + " "
            + pick(t["data"]),
            "goals": t["goal"].format(goal=goal_clause) + " " + pick(t["goal_extra"]),
            "collective": collective,
            "evaluation": evaluation,
            "local_plan": rng.choice(t["plans"][kind]).format(place=place, enhetene=words["enhetene"]),
        }
        if plan.resubmitted:
            plan.earlier_texts = {
                "analysis": t["short_analysis"].format(enhetene=words["enhetene"], sources=sources),
                "evaluation": t["short_evaluation"],
            }
        self._budget(plan)
        self._answers(plan)
        self._timeline(plan)

    def _budget(self, plan: Plan) -> None:
        rng = self.rng
        median = {"dekomp": 1_100_000, "rekomp": 880_000, "kompetanseloftet": 760_000}[plan.scheme.code]
        scale = (max(plan.staff_reached or 0, 20) / 150) ** 0.4
        first = median * scale * rng.lognormvariate(0, 0.3)
        plan.years = rng.choices([1, 2, 3], weights=[3, 4, 3])[0]
        partner_share = rng.uniform(0.3, 0.6)
        has_coordinator = rng.random() < 0.6
        budget_years = plan.round.budget_years[: plan.years]
        for index, year in enumerate(budget_years):
            factor = (1.0, rng.uniform(0.85, 1.05), rng.uniform(0.6, 0.95))[index]
            total = min(2_500_000, max(150_000, _round_to(first * factor, 10_000)))
            partner_total = _round_to(total * partner_share, 1000)
            owner_amount = total - partner_total
            coordinator = _floor_to(total * rng.uniform(0.03, 0.09), 1000) if has_coordinator else 0
            plan.lines.append((year, plan.owner, owner_amount, coordinator))
            if len(plan.partners) == 1:
                plan.lines.append((year, plan.partners[0].organisation, partner_total, 0))
            else:
                main = _round_to(partner_total * 0.65, 1000)
                plan.lines.append((year, plan.partners[0].organisation, main, 0))
                plan.lines.append((year, plan.partners[1].organisation, partner_total - main, 0))
            if plan.scheme.has_egenandel:
                share = float(plan.scheme.egenandel_share)
                # Some more than the scheme requires, rounded to the thousand; never below the rule itself.
                plan.contributions[year] = max(
                    int(plan.scheme.required_egenandel(Decimal(total))),
                    _ceil_to(total * rng.uniform(share, share + 0.2), 1000),
                )
        if plan.scheme.has_egenandel:
            plan.egenandel_form = rng.choices(
                [ContributionForm.STAFF_TIME, ContributionForm.BOTH, ContributionForm.MONEY], weights=[6, 3, 1]
            )[0]

    def _answers(self, plan: Plan) -> None:
        """Who has answered: everyone before submission; for drafts it depends on the kind of draft."""
        rng = self.rng
        confirmed = ConfirmationStatus.CONFIRMED
        submitted = plan.status != Status.DRAFT and not (
            plan.status == Status.WITHDRAWN and not plan.withdrawn_after_submission
        )
        for link in plan.co_owners:
            if submitted or plan.draft_kind in ("ready", "partner", "declined"):
                link.status = confirmed
            else:
                link.status = rng.choice([confirmed, ConfirmationStatus.PENDING])
        for link in plan.partners:
            if submitted or plan.draft_kind in ("ready", "co_owner"):
                link.status = confirmed
            elif plan.draft_kind == "incomplete":
                link.status = rng.choice([confirmed, ConfirmationStatus.PENDING, ConfirmationStatus.PENDING])
            else:
                link.status = rng.choice([confirmed, ConfirmationStatus.PENDING])
        if plan.draft_kind == "partner" and all(link.status == confirmed for link in plan.partners):
            plan.partners[0].status = ConfirmationStatus.PENDING
        if plan.draft_kind == "declined":
            plan.partners[0].status = ConfirmationStatus.DECLINED
            plan.partners[0].comment = rng.choice(DECLINE_COMMENTS)
        if plan.draft_kind == "co_owner" and plan.co_owners and all(c.status == confirmed for c in plan.co_owners):
            plan.co_owners[-1].status = ConfirmationStatus.PENDING
        for slug, status in plan.partner_override.items():
            link = next(link for link in plan.partners if link.organisation.pk == self.partners[slug].pk)
            link.status = status
        for number, status in plan.co_owner_override.items():
            link = next(link for link in plan.co_owners if link.organisation.pk == self.kommuner[number].pk)
            link.status = status
        for link in plan.partners:
            if link.status != ConfirmationStatus.PENDING:
                link.answered_by = link.contact
                if link.status == confirmed:
                    link.comment = rng.choice(CONFIRM_COMMENTS)
        for link in plan.co_owners:
            if link.status != ConfirmationStatus.PENDING:
                link.answered_by = self.submitter(link.organisation)
        if plan.draft_kind == "incomplete":
            # Filled in step by step: basics, units, partners, content, anchoring, budget.
            if plan.filled < 2:
                plan.units, plan.target_groups, plan.staff_reached = [], [], None
            if plan.filled < 3:
                plan.partners = []
            if plan.filled < 4:
                plan.texts = {**plan.texts, "need": "", "analysis": "", "goals": "", "collective": "", "evaluation": ""}
                plan.theme_codes, plan.activity_codes = [], []
            if plan.filled < 5:
                plan.texts = {**plan.texts, "local_plan": ""}
            if plan.filled < 6:
                plan.years, plan.lines, plan.contributions, plan.egenandel_form = None, [], {}, ""

    def _timeline(self, plan: Plan) -> None:
        """The recorded steps in order, with moments in office hours inside the round's window."""
        rng = self.rng
        spec = plan.spec
        owner_user = plan.submitter
        steps = [StepPlan("created", owner_user)]
        if plan.copied_from is not None:
            steps.append(StepPlan("copied", owner_user))
        answers = [
            StepPlan(
                "co_owner_confirmed" if link.status == ConfirmationStatus.CONFIRMED else "co_owner_declined",
                link.answered_by,
                comment=link.comment,
                link=link,
            )
            for link in plan.co_owners
            if link.answered_by
        ] + [
            StepPlan(
                "partner_confirmed" if link.status == ConfirmationStatus.CONFIRMED else "partner_declined",
                link.answered_by,
                comment=link.comment,
                link=link,
            )
            for link in plan.partners
            if link.answered_by
        ]
        rng.shuffle(answers)
        steps += answers
        status = plan.status
        submitted = status in (Status.SUBMITTED, Status.CHECKED, Status.RETURNED) or plan.withdrawn_after_submission
        checker = plan.checker or rng.choice(self.caseworkers)
        late: list[StepPlan] = []  # steps in the checking window (the 2026 round's March)
        if submitted:
            steps.append(StepPlan("submitted", owner_user, changes={"submission": 1}))
            if plan.resubmitted:
                returned = StepPlan(
                    "returned",
                    checker,
                    comment=RESUBMIT_COMMENT,
                    changes={"status": [Status.SUBMITTED, Status.RETURNED]},
                )
                steps += [returned, StepPlan("resubmitted", owner_user, changes={"submission": 2})]
            if status == Status.CHECKED:
                check = StepPlan("checked", checker, changes={"status": [Status.SUBMITTED, Status.CHECKED]})
                (late if spec.checked_from else steps).append(check)
            elif status == Status.RETURNED:
                steps.append(
                    StepPlan(
                        "returned",
                        checker,
                        comment=plan.return_comment or rng.choice(RETURN_COMMENTS),
                        changes={"status": [Status.SUBMITTED, Status.RETURNED]},
                    )
                )
        if status == Status.WITHDRAWN:
            before = Status.SUBMITTED if plan.withdrawn_after_submission else Status.DRAFT
            steps.append(
                StepPlan(
                    "withdrawn",
                    owner_user,
                    comment=rng.choice(WITHDRAW_COMMENTS),
                    changes={"status": [before, Status.WITHDRAWN]},
                )
            )
        if status == Status.DRAFT:
            steps.append(StepPlan("saved", None))  # the last save: sets updated_at only
        span = spec.submitted_by - spec.activity_start
        end = spec.activity_start + span * rng.uniform(min(1.0, 0.25 + 0.1 * len(steps)), 1.0)
        moments = _moments(rng, spec.activity_start, end, len(steps))
        moments += _moments(rng, spec.checked_from, spec.checked_by, len(late)) if late else []
        submission_number = 0
        for step, moment in zip([*steps, *late], moments, strict=True):
            step.at = moment
            if step.link is not None:
                step.link.answered_at = moment
            if step.verb in ("submitted", "resubmitted"):
                submission_number += 1
                plan.submissions.append((submission_number, moment))
        if plan.copied_from is not None:
            steps[1].at = steps[0].at
            steps[1].changes = {}
        plan.created_at = steps[0].at
        plan.updated_at = max(step.at for step in [*steps, *late])
        plan.steps = [step for step in [*steps, *late] if step.verb != "saved"]


def _moments(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    """``count`` moments in order between start and end, on weekdays in office hours (Europe/Oslo)."""
    span = (end - start) / count
    moments = []
    for index in range(count):
        moment = (start + span * index + span * rng.random()).astimezone(OSLO)
        day = moment.date()
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        clock = time(rng.randint(8, 15), rng.randrange(60), rng.randrange(60))
        moment = datetime.combine(day, clock, tzinfo=OSLO)
        if moment < start:
            moment = start + timedelta(minutes=rng.randint(5, 240))
        moments.append(min(end, moment))
    return sorted(moments)


# ---------------------------------------------------------------------------------------------- the builder


def build_round_and_reports(actors: DemoActors) -> dict:
    """Create or refresh the demo rounds and rebuild their needs reports; returns what was built, counted."""
    rounds = {spec.name: _upsert_round(actors, spec) for spec in (ROUND_2026, ROUND_2027)}
    _delete_reports(list(rounds.values()))
    planner = Planner(actors, rounds)
    plans_2026 = _plan_2026(planner)
    plans_2027 = _plan_2027(planner, plans_2026)
    _write(planner, plans_2026)
    _write(planner, plans_2027)
    reports = NeedsReport.objects.filter(round__in=rounds.values())
    by_round = dict(Counter(reports.values_list("round__name", flat=True)))
    return {
        "rounds": len(rounds),
        "needs_reports": reports.count(),
        "by_round": by_round,
        "by_scheme": dict(Counter(p.scheme.short_name for p in plans_2027)),
        "by_status": dict(Counter(p.status for p in plans_2027)),
        "submissions": Submission.objects.filter(report__round__in=rounds.values()).count(),
    }


def _upsert_round(actors: DemoActors, spec: RoundSpec) -> Round:
    round_, _created = Round.objects.update_or_create(
        office=actors.office,
        name=spec.name,
        defaults={
            "year": spec.year,
            "status": spec.status,
            "opens_at": spec.opens_at,
            "working_group_deadline": spec.working_group_deadline,
            "forum_meeting": spec.forum_meeting,
            "reporting_deadline": spec.reporting_deadline,
            "first_budget_year": spec.year,
        },
    )
    schemes = {s.code: s for s in Scheme.objects.filter(code__in=spec.frames)}
    round_.schemes.set(schemes.values())
    round_.themes.set(Theme.objects.all())
    round_.activity_types.set(ActivityType.objects.all())
    for code, amounts in spec.frames.items():
        for budget_year, amount in zip(round_.budget_years, amounts, strict=True):
            Frame.objects.update_or_create(
                round=round_, scheme=schemes[code], budget_year=budget_year, defaults={"amount": Decimal(amount)}
            )
    default, _created = ApplicantGroup.objects.update_or_create(
        round=round_, name=DEFAULT_GROUP, defaults={"deadline": spec.default_deadline, "is_default": True}
    )
    default.members.clear()
    oslo_group, _created = ApplicantGroup.objects.update_or_create(
        round=round_, name=OSLO_GROUP, defaults={"deadline": spec.oslo_deadline, "is_default": False}
    )
    oslo_group.members.set(
        [
            o
            for o in actors.owners
            if o.kind == OrganisationKind.COUNTY_MUNICIPALITY
            or (o.kind == OrganisationKind.MUNICIPALITY and o.municipality.number == OSLO_KOMMUNE)
        ]
    )
    return round_


def _delete_reports(rounds: list[Round]) -> None:
    """Remove the demo rounds' reports (and their events) so they are built again from the seed."""
    reports = NeedsReport.objects.filter(round__in=rounds)
    ids = list(reports.values_list("pk", flat=True))
    if ids:
        content_type = ContentType.objects.get_for_model(NeedsReport)
        purge_demo_events(Event.objects.filter(target_type=content_type, target_id__in=ids))
        NeedsReport.objects.filter(pk__in=ids).update(copied_from=None)
        reports.delete()


def _plan_2026(planner: Planner) -> list[Plan]:
    """Last year's round: fifteen checked reports, one of them Fredrikstad's."""
    k = planner.kommuner
    private = planner.private_persona_owner
    fk = {_place(o): o for o in planner.fylkeskommuner}
    indre = next(n for n in NETWORKS if n[0] == "Indre Østfold")
    hallingdal = next(n for n in NETWORKS if n[0] == "Hallingdal")
    wishes = [
        ("dekomp", k[FREDRIKSTAD], {"title_phrase": ("Lesing i alle fag", "grunnleggende-ferdigheter")}),
        ("rekomp", private, {"title_phrase": ("Språkmiljø og språkstimulering", "grunnleggende-ferdigheter")}),
        ("dekomp", k[AL], {"context": "skole"}),
        ("rekomp", k[SARPSBORG], {}),
        ("dekomp", k[OSLO_KOMMUNE], {"context": "skole"}),
        ("kompetanseloftet", k[OSLO_KOMMUNE], {}),
        ("dekomp", k["3301"], {}),
        ("rekomp", k["3201"], {}),
        ("kompetanseloftet", k[LILLESTROM], {}),
        ("dekomp", fk["Østfold"], {}),
        ("dekomp", k["3203"], {}),
        ("rekomp", k["3303"], {}),
        ("dekomp", k["3103"], {}),
        ("rekomp", k[indre[1]], {"co_owners": [k[n] for n in indre[2]], "network": indre[0]}),
        ("kompetanseloftet", k[hallingdal[1]], {"co_owners": [k[n] for n in hallingdal[2]], "network": hallingdal[0]}),
    ]
    plans = []
    for code, owner, options in wishes:
        plan = planner.new_plan(ROUND_2026, code, owner, **options)
        plan.status = Status.CHECKED
        planner.fill(plan)
        plans.append(plan)
    return plans


def _plan_2027(planner: Planner, plans_2026: list[Plan]) -> list[Plan]:
    rng = planner.rng
    k = planner.kommuner
    spec = ROUND_2027
    private = planner.private_persona_owner

    # The personas' reports, made by hand.
    personas = []

    def persona(code: str, owner: Organisation, status: str, draft_kind: str = "", **options: object) -> Plan:
        overrides = {
            key: options.pop(key)
            for key in ("partner_override", "co_owner_override", "return_comment")
            if key in options
        }
        plan = planner.new_plan(spec, code, owner, **options)
        plan.status, plan.draft_kind = status, draft_kind
        plan.checker = planner.users["saksbehandler@demo.no"]
        for key, value in overrides.items():
            setattr(plan, key, value)
        personas.append(plan)
        return plan

    persona(
        "dekomp",
        k[FREDRIKSTAD],
        Status.DRAFT,
        "partner",
        context="skole",
        title_phrase=("Vurdering for læring og elevmedvirkning", "elevmedvirkning"),
        partner_slugs=["oslomet"],
        partner_override={"oslomet": ConfirmationStatus.PENDING},
    )
    persona(
        "kompetanseloftet",
        k[FREDRIKSTAD],
        Status.DRAFT,
        "co_owner",
        co_owners=[k[SARPSBORG], k["3110"]],
        network="Nedre Glomma",
        context="begge",
        partner_slugs=["hiof"],
        co_owner_override={SARPSBORG: ConfirmationStatus.PENDING, "3110": ConfirmationStatus.CONFIRMED},
    )
    persona(
        "rekomp",
        k[FREDRIKSTAD],
        Status.RETURNED,
        partner_slugs=["hiof", "lesesenteret"],
        title_phrase=("Et godt språkmiljø for alle barn", "grunnleggende-ferdigheter"),
        return_comment=RETURN_COMMENTS[0],
    )
    persona(
        "dekomp",
        k[FREDRIKSTAD],
        Status.SUBMITTED,
        context="skole",
        partner_slugs=["hiof"],
        title_phrase=("Profesjonsfaglig digital kompetanse", "ikt"),
    )
    persona(
        "dekomp",
        k[OSLO_KOMMUNE],
        Status.DRAFT,
        "partner",
        context="skole",
        partner_slugs=["oslomet", "nafo"],
        title_phrase=("Andrespråksdidaktikk i alle fag", "norsk-andresprak"),
        partner_override={"oslomet": ConfirmationStatus.PENDING},
    )
    persona(
        "rekomp",
        k[LILLESTROM],
        Status.DRAFT,
        "partner",
        partner_slugs=["oslomet"],
        partner_override={"oslomet": ConfirmationStatus.PENDING},
    )
    persona("dekomp", k[AL], Status.DRAFT, "incomplete", context="skole", partner_slugs=["usn"]).filled = 4
    eventyr = persona(
        "rekomp",
        private,
        Status.DRAFT,
        "partner",
        partner_slugs=["oslomet"],
        title_phrase=("Lek, skaperglede og utforskning", "skapende"),
        partner_override={"oslomet": ConfirmationStatus.PENDING},
    )
    eventyr.copied_from = next(p for p in plans_2026 if p.owner.pk == private.pk)

    # Networks.
    generated = []
    for name, lead, members, per_scheme in NETWORKS:
        for code, count in per_scheme.items():
            for _ in range(count):
                candidates = [k[n] for n in members]
                if code == "rekomp":
                    local = {n for n in [lead, *members]}
                    candidates += [
                        o
                        for o in planner.owners
                        if o.kind == OrganisationKind.PRIVATE_KINDERGARTEN_OWNER and o.municipality.number in local
                    ]
                chosen = sorted(
                    rng.sample(candidates, max(1, round(len(candidates) * rng.uniform(0.6, 1.0)))),
                    key=lambda o: o.orgnr,
                )
                generated.append(planner.new_plan(spec, code, k[lead], co_owners=chosen, network=name))

    # Owners on their own, by size.
    taken = Counter(p.scheme.code for p in [*personas, *generated])
    for code, target in TARGET_COUNTS.items():
        scheme = planner.schemes[code]
        weights = {}
        for owner in planner.owners:
            if owner.kind not in scheme.eligible_owner_kinds:
                continue
            if owner.kind == OrganisationKind.MUNICIPALITY and owner.municipality.number == FREDRIKSTAD:
                continue  # Fredrikstad's reports are the persona's, made by hand above
            units = [u for u in planner.units[owner.pk] if u.kind in scheme.unit_kinds]
            if not units:
                continue
            weight = len(units) ** 0.6
            if owner.kind == OrganisationKind.PRIVATE_KINDERGARTEN_OWNER:
                weight *= 0.5
            weights[owner.pk] = weight
        by_pk = {o.pk: o for o in planner.owners}
        for owner_pk, count in _apportion(target - taken[code], weights).items():
            for _ in range(count):
                generated.append(planner.new_plan(spec, code, by_pk[owner_pk]))

    # Statuses for the generated ones.
    statuses = [status for status, count in STATUS_COUNTS.items() for _ in range(count)]
    assert len(statuses) == len(generated), (len(statuses), len(generated))
    rng.shuffle(statuses)
    for plan, status in zip(generated, statuses, strict=True):
        plan.status = status
    submitted = [p for p in generated if p.status in (Status.SUBMITTED, Status.CHECKED)]
    for plan in rng.sample(submitted, RESUBMITTED):
        plan.resubmitted = True
    withdrawn = [p for p in generated if p.status == Status.WITHDRAWN]
    for plan in withdrawn[:WITHDRAWN_AFTER_SUBMISSION]:
        plan.withdrawn_after_submission = True
    for plan in generated:
        if plan.status == Status.DRAFT:
            kinds = ["ready", "partner", "partner", "declined", "incomplete", "incomplete", "incomplete"]
            if plan.co_owners:
                kinds += ["co_owner", "co_owner", "co_owner"]
            plan.draft_kind = rng.choice(kinds)
            if plan.draft_kind == "incomplete":
                plan.filled = rng.randint(1, 5)
        elif plan.status == Status.WITHDRAWN and not plan.withdrawn_after_submission:
            plan.draft_kind = rng.choice(["ready", "partner", "incomplete"])
            plan.filled = rng.randint(3, 5)

    # Some owners start from last year's report.
    for old in plans_2026:
        match = next(
            (p for p in generated if p.owner.pk == old.owner.pk and p.scheme.pk == old.scheme.pk and not p.copied_from),
            None,
        )
        if match is not None and old.owner.pk != k[FREDRIKSTAD].pk:
            match.copied_from = old

    plans = personas + generated
    for plan in plans:
        planner.fill(plan)
    return plans


def _apportion(total: int, weights: dict[int, float]) -> dict[int, int]:
    """Split ``total`` over the keys in proportion to ``weights`` by largest remainder (some get none)."""
    weight_sum = sum(weights.values())
    quotas = {key: total * weight / weight_sum for key, weight in weights.items()}
    counts = {key: int(quota) for key, quota in quotas.items()}
    leftover = total - sum(counts.values())
    for key in sorted(quotas, key=lambda k: (-(quotas[k] - int(quotas[k])), k))[:leftover]:
        counts[key] += 1
    return {key: count for key, count in sorted(counts.items()) if count}


def _write(planner: Planner, plans: list[Plan]) -> None:
    """Write the planned reports in bulk, then their submitted versions and events."""
    plans = sorted(plans, key=lambda p: p.created_at)
    for number, plan in enumerate(plans, start=1):
        submitted = plan.submissions[-1][1] if plan.submissions else None
        plan.report = NeedsReport(
            round=plan.round,
            scheme=plan.scheme,
            owner=plan.owner,
            number=number,
            region=plan.region,
            title=plan.title,
            status=plan.status,
            version=planner.rng.randint(4, 14) + len(plan.submissions),
            target_groups=plan.target_groups,
            staff_reached=plan.staff_reached,
            need=plan.texts.get("need", ""),
            analysis=plan.texts.get("analysis", ""),
            goals=plan.texts.get("goals", ""),
            collective=plan.texts.get("collective", ""),
            evaluation=plan.texts.get("evaluation", ""),
            local_plan=plan.texts.get("local_plan", ""),
            is_staff_involved=bool(plan.texts.get("local_plan")),
            is_union_involved=bool(plan.texts.get("local_plan")),
            years=plan.years,
            egenandel_form=plan.egenandel_form,
            is_declared=submitted is not None,
            declared_by=plan.submitter if submitted else None,
            declared_at=submitted,
            submitted_at=submitted,
            copied_from=plan.copied_from.report if plan.copied_from else None,
            created_by=plan.submitter,
        )
    reports = NeedsReport.objects.bulk_create([p.report for p in plans])
    units_through = NeedsReport.units.through
    themes_through = NeedsReport.themes.through
    activities_through = NeedsReport.activity_types.through
    units_through.objects.bulk_create(
        units_through(needsreport_id=p.report.pk, unit_id=u.pk) for p in plans for u in p.units
    )
    themes_through.objects.bulk_create(
        themes_through(needsreport_id=p.report.pk, theme_id=planner.themes[c].pk) for p in plans for c in p.theme_codes
    )
    activities_through.objects.bulk_create(
        activities_through(needsreport_id=p.report.pk, activitytype_id=planner.activities[c].pk)
        for p in plans
        for c in p.activity_codes
    )
    CoOwner.objects.bulk_create(
        CoOwner(
            report=p.report,
            organisation=link.organisation,
            status=link.status,
            answered_by=link.answered_by,
            answered_at=link.answered_at,
            comment=link.comment,
        )
        for p in plans
        for link in p.co_owners
    )
    ReportPartner.objects.bulk_create(
        ReportPartner(
            report=p.report,
            organisation=link.organisation,
            contact_name=link.contact.full_name,
            contact_email=link.contact.email,
            status=link.status,
            answered_by=link.answered_by,
            answered_at=link.answered_at,
            comment=link.comment,
        )
        for p in plans
        for link in p.partners
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            report=p.report,
            budget_year=year,
            recipient=recipient,
            amount=Decimal(amount),
            coordinator_amount=Decimal(coordinator),
        )
        for p in plans
        for year, recipient, amount, coordinator in p.lines
    )
    OwnContribution.objects.bulk_create(
        OwnContribution(report=p.report, budget_year=year, amount=Decimal(amount))
        for p in plans
        for year, amount in p.contributions.items()
    )

    # The submitted versions, as the report was (the first of a resubmitted one had thinner texts).
    submissions = []
    sent = [plan for plan in plans if plan.submissions]
    fresh = NeedsReport.objects.filter(pk__in=[plan.report.pk for plan in sent]).select_related(
        "round", "scheme", "region"
    )
    fresh = fresh.prefetch_related("units", "themes", "activity_types", "contributions", "attachments").in_bulk()
    for plan in sent:
        taken = snapshot.take(fresh[plan.report.pk])
        for number, moment in plan.submissions:
            data = taken
            if number < len(plan.submissions) and plan.earlier_texts:
                data = {**taken, **plan.earlier_texts}
            submissions.append(
                Submission(
                    report=plan.report,
                    number=number,
                    token=uuid.UUID(int=planner.rng.getrandbits(128), version=4),
                    snapshot=data,
                    submitted_by=plan.submitter,
                    submitted_at=moment,
                )
            )
    Submission.objects.bulk_create(submissions)

    # The activity record, through its one write path, then dated when each thing happened.
    events = []
    for plan in plans:
        for step in plan.steps:
            changes = dict(step.changes)
            if step.verb == "copied":
                changes = {"copied_from": plan.copied_from.report.pk}
            if step.link is not None:
                changes = {"organisation": step.link.organisation.pk, "status": step.link.status}
            event = record(actor=step.actor, verb=step.verb, target=plan.report, changes=changes, comment=step.comment)
            event.at = step.at
            events.append(event)
    date_demo_events(events)
    for plan in plans:
        plan.report.created_at, plan.report.updated_at = plan.created_at, plan.updated_at
    NeedsReport.objects.bulk_update(reports, ["created_at", "updated_at"], batch_size=500)
