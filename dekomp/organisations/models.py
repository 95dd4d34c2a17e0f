"""Offices, fylker and kommuner, organisations with an organisasjonsnummer, units, regions and their bodies."""

from functools import reduce
from operator import add

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Mod, Ord, Substr
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from dekomp.core.models import TimeStampedModel

from .validators import KONTONR_WEIGHTS, ORGNR_WEIGHTS, validate_bank_account, validate_orgnr


def mod11_constraints(
    model_name: str, field: str, weights: tuple[int, ...], *, noun: str, messages: tuple[str, str], blank: bool = False
) -> list[models.BaseConstraint]:
    """Database checks that ``field`` holds ``len(weights)`` digits whose weighted sum is a multiple of 11."""
    digits = len(weights)
    weighted = reduce(
        add, ((Ord(Substr(F(field), position, 1)) - 48) * weight for position, weight in enumerate(weights, 1))
    )
    conditions = [
        Q(**{f"{field}__regex": rf"^[0-9]{{{digits}}}$"}) & Exact(Length(field), digits),
        Exact(Mod(weighted, 11), 0),
    ]
    if blank:
        conditions = [Q(**{field: ""}) | condition for condition in conditions]
    return [
        models.CheckConstraint(
            condition=conditions[0],
            name=f"{model_name}_{field}_{noun}_digits",
            violation_error_message=messages[0],
        ),
        models.CheckConstraint(
            condition=conditions[1],
            name=f"{model_name}_{field}_mod11",
            violation_error_message=messages[1],
        ),
    ]


def orgnr_constraints(model_name: str, field: str = "orgnr") -> list[models.BaseConstraint]:
    """Database checks that ``field`` holds nine digits whose mod-11 weighted sum is a multiple of 11."""
    return mod11_constraints(
        model_name,
        field,
        ORGNR_WEIGHTS,
        noun="nine",
        messages=(
            _("Organisasjonsnummeret må ha nøyaktig 9 sifre."),
            _("Organisasjonsnummeret er ikke gyldig (kontrollsifferet stemmer ikke)."),
        ),
    )


def bank_account_constraints(model_name: str, field: str = "bank_account") -> list[models.BaseConstraint]:
    """Database checks that ``field`` is blank or eleven digits whose mod-11 weighted sum is a multiple of 11."""
    return mod11_constraints(
        model_name,
        field,
        KONTONR_WEIGHTS,
        noun="eleven",
        blank=True,
        messages=(
            _("Kontonummeret må ha nøyaktig 11 sifre."),
            _("Kontonummeret er ikke gyldig (kontrollsifferet stemmer ikke)."),
        ),
    )


class Malform(models.TextChoices):
    """The written standard an organisation uses (and its letters are written in)."""

    BOKMAL = "nb", _("bokmål")
    NYNORSK = "nn", _("nynorsk")


class County(models.Model):
    """A fylke (SSB classification 104)."""

    number = models.CharField(_("fylkesnummer"), max_length=2, unique=True)
    name = models.CharField(_("navn"), max_length=100)

    class Meta:
        verbose_name = _("fylke")
        verbose_name_plural = _("fylker")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=r"^[0-9]{2}$"), name="county_number_two_digits")
        ]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A kommune (SSB classification 131), valid on the classification's date."""

    number = models.CharField(_("kommunenummer"), max_length=4, unique=True)
    name = models.CharField(_("navn"), max_length=100)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("fylke"))

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=r"^[0-9]{4}$"), name="municipality_number_four_digits")
        ]

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """A Statsforvalter office (embete): the tenant that runs rounds for the fylker it covers."""

    slug = models.SlugField(_("kortnavn"), max_length=60, unique=True)
    name = models.CharField(_("navn"), max_length=120, unique=True)
    counties = models.ManyToManyField(County, related_name="offices", verbose_name=_("fylker"))
    organisation = models.OneToOneField(
        "Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="office",
        verbose_name=_("virksomhet"),
        help_text=_("Embetets egen virksomhet i Enhetsregisteret."),
    )

    class Meta:
        verbose_name = _("statsforvalterembete")
        verbose_name_plural = _("statsforvalterembeter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    """What an organisation is, which decides what it may do in the schemes."""

    MUNICIPALITY = "kommune", _("kommune")
    COUNTY_MUNICIPALITY = "fylkeskommune", _("fylkeskommune")
    PRIVATE_SCHOOL_OWNER = "privat_skoleeier", _("privat skoleeier")
    PRIVATE_KINDERGARTEN_OWNER = "privat_barnehageeier", _("privat barnehageeier")
    UNIVERSITY = "uh", _("universitet eller høgskole")
    NATIONAL_CENTRE = "nasjonalt_senter", _("nasjonalt senter")
    UNION = "fagforening", _("fagforening")
    KS = "ks", _("KS")
    PBL = "pbl", _("PBL")
    OFFICE = "statsforvalter", _("Statsforvalteren")


OWNER_KINDS = frozenset(
    {
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.COUNTY_MUNICIPALITY,
        OrganisationKind.PRIVATE_SCHOOL_OWNER,
        OrganisationKind.PRIVATE_KINDERGARTEN_OWNER,
    }
)
PARTNER_KINDS = frozenset({OrganisationKind.UNIVERSITY, OrganisationKind.NATIONAL_CENTRE})


class OrganisationQuerySet(models.QuerySet):
    """Queries over organisations."""

    def owners(self) -> "OrganisationQuerySet":
        return self.filter(kind__in=OWNER_KINDS)

    def partners(self) -> "OrganisationQuerySet":
        return self.filter(kind__in=PARTNER_KINDS)

    def in_office(self, office: Office) -> "OrganisationQuerySet":
        """Organisations located in one of the office's fylker."""
        return self.filter(Q(municipality__county__offices=office) | Q(county__offices=office)).distinct()


class Organisation(TimeStampedModel):
    """Anything with an organisasjonsnummer: an owner, a university or college, a union, KS, PBL, an office."""

    orgnr = models.CharField(
        _("organisasjonsnummer"),
        max_length=9,
        unique=True,
        validators=[validate_orgnr],
        error_messages={"unique": _("Det finnes allerede en virksomhet med dette organisasjonsnummeret.")},
    )
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=OrganisationKind.choices)
    malform = models.CharField(_("målform"), max_length=2, choices=Malform.choices, default=Malform.BOKMAL)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("kommune"),
        help_text=_("For en kommune: kommunen selv. Ellers: kommunen der virksomheten holder til."),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("fylke"),
        help_text=_("For en fylkeskommune: fylket den dekker."),
    )
    street_address = models.CharField(_("adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=4, blank=True)
    postal_place = models.CharField(_("poststed"), max_length=100, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    bank_account = models.CharField(
        _("kontonummer"),
        max_length=11,
        blank=True,
        validators=[validate_bank_account],
        help_text=_("11 sifre. Tilskudd utbetales til denne kontoen."),
    )
    is_demo = models.BooleanField(
        _("demodata"),
        default=False,
        help_text=_("Syntetisk virksomhet fra demodataene, ikke fra Enhetsregisteret."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("virksomhet")
        verbose_name_plural = _("virksomheter")
        ordering = ["name"]
        constraints = [
            *orgnr_constraints("organisation"),
            *bank_account_constraints("organisation"),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.MUNICIPALITY) | Q(municipality__isnull=False),
                name="organisation_municipality_has_kommunenummer",
                violation_error_message=_("En kommune må ha et kommunenummer."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.COUNTY_MUNICIPALITY) | Q(county__isnull=False),
                name="organisation_county_municipality_has_fylke",
                violation_error_message=_("En fylkeskommune må ha et fylke."),
            ),
            models.CheckConstraint(
                condition=Q(postal_code="") | Q(postal_code__regex=r"^[0-9]{4}$"),
                name="organisation_postal_code_four_digits",
                violation_error_message=_("Postnummeret må ha 4 sifre."),
            ),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(kind=OrganisationKind.MUNICIPALITY),
                name="organisation_one_kommune_per_kommunenummer",
                violation_error_message=_("Denne kommunen er allerede registrert."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Check the rules that tie an organisation's kind to its place."""
        errors = {}
        if self.kind == OrganisationKind.MUNICIPALITY and not self.municipality_id:
            errors["municipality"] = _("En kommune må ha et kommunenummer.")
        if self.kind == OrganisationKind.COUNTY_MUNICIPALITY and not self.county_id:
            errors["county"] = _("En fylkeskommune må ha et fylke.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_owner(self) -> bool:
        """True for school and kindergarten owners (kommune, fylkeskommune, private owners)."""
        return self.kind in OWNER_KINDS

    @property
    def is_partner(self) -> bool:
        """True for universities, colleges and national centres."""
        return self.kind in PARTNER_KINDS


class UnitKind(models.TextChoices):
    """The kind of unit, from NSR (schools) or NBR (kindergartens)."""

    PRIMARY_SCHOOL = "grunnskole", _("grunnskole")
    UPPER_SECONDARY_SCHOOL = "videregaende", _("videregående skole")
    KINDERGARTEN = "barnehage", _("barnehage")


# Which owner kinds may own which unit kinds.
UNIT_KINDS_BY_OWNER_KIND = {
    OrganisationKind.MUNICIPALITY: {UnitKind.PRIMARY_SCHOOL, UnitKind.KINDERGARTEN},
    OrganisationKind.COUNTY_MUNICIPALITY: {UnitKind.UPPER_SECONDARY_SCHOOL},
    OrganisationKind.PRIVATE_SCHOOL_OWNER: {UnitKind.PRIMARY_SCHOOL, UnitKind.UPPER_SECONDARY_SCHOOL},
    OrganisationKind.PRIVATE_KINDERGARTEN_OWNER: {UnitKind.KINDERGARTEN},
}


# Kommuner that are also their own fylkeskommune (Oslo) and so own upper secondary schools too.
MUNICIPALITIES_WITH_COUNTY_DUTIES = frozenset({"0301"})


def unit_kinds_owned_by(owner: "Organisation") -> set[str]:
    """The kinds of unit this owner may own."""
    kinds = set(UNIT_KINDS_BY_OWNER_KIND.get(owner.kind, set()))
    if owner.kind == OrganisationKind.MUNICIPALITY and owner.municipality.number in MUNICIPALITIES_WITH_COUNTY_DUTIES:
        kinds.add(UnitKind.UPPER_SECONDARY_SCHOOL)
    return kinds


class Unit(TimeStampedModel):
    """A school or kindergarten from the national registers (NSR, NBR), owned by one owner."""

    orgnr = models.CharField(
        _("organisasjonsnummer"),
        max_length=9,
        unique=True,
        validators=[validate_orgnr],
        error_messages={"unique": _("Det finnes allerede en enhet med dette organisasjonsnummeret.")},
    )
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=UnitKind.choices)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("eier"),
        error_messages={"null": _("En enhet må ha en eier.")},
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="units", verbose_name=_("kommune")
    )
    staff_count = models.PositiveIntegerField(_("antall ansatte"), default=0)
    pupil_count = models.PositiveIntegerField(
        _("antall elever/barn"), default=0, help_text=_("Elever for skoler, barn for barnehager.")
    )
    is_demo = models.BooleanField(_("demodata"), default=False)

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["name"]
        constraints = [*orgnr_constraints("unit")]
        indexes = [models.Index(fields=["owner", "kind"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A unit's kind must be one its owner may own (a fylkeskommune owns upper secondary schools, …)."""
        if self.owner_id and self.kind and self.kind not in unit_kinds_owned_by(self.owner):
            raise ValidationError(
                {
                    "owner": _("%(owner)s (%(kind)s) kan ikke eie en enhet av typen %(unit_kind)s.")
                    % {
                        "owner": self.owner.name,
                        "kind": self.owner.get_kind_display(),
                        "unit_kind": self.get_kind_display(),
                    }
                }
            )

    @property
    def is_school(self) -> bool:
        return self.kind in {UnitKind.PRIMARY_SCHOOL, UnitKind.UPPER_SECONDARY_SCHOOL}


class RegionKind(models.TextChoices):
    """How owners are grouped within an office."""

    OWNER_REGION = "region", _("eierregion")
    NETWORK = "nettverk", _("nettverk")
    THEMATIC = "tematisk", _("tematisk gruppe")


class Region(TimeStampedModel):
    """A configurable grouping of owners within an office (region, network or thematic group)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="regions", verbose_name=_("embete"))
    name = models.CharField(_("navn"), max_length=120)
    kind = models.CharField(_("type"), max_length=20, choices=RegionKind.choices, default=RegionKind.OWNER_REGION)
    members = models.ManyToManyField(Organisation, related_name="regions", blank=True, verbose_name=_("medlemmer"))

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regioner")
        ordering = ["office", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "name"],
                name="region_unique_name_per_office",
                violation_error_message=_("Embetet har allerede en region med dette navnet."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class WorkingGroup(TimeStampedModel):
    """The regional working group (arbeidsgruppe) that ranks its region's needs reports."""

    region = models.OneToOneField(
        Region, on_delete=models.PROTECT, related_name="working_group", verbose_name=_("region")
    )
    name = models.CharField(_("navn"), max_length=150)

    class Meta:
        verbose_name = _("arbeidsgruppe")
        verbose_name_plural = _("arbeidsgrupper")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def office(self) -> Office:
        return self.region.office


class Forum(TimeStampedModel):
    """The collaboration forum (samarbeidsforum) that makes the office's recommendation."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="forums", verbose_name=_("embete"))
    name = models.CharField(_("navn"), max_length=150)

    class Meta:
        verbose_name = _("samarbeidsforum")
        verbose_name_plural = _("samarbeidsforum")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="forum_unique_name_per_office")]

    def __str__(self) -> str:
        return self.name
