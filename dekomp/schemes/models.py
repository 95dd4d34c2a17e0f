"""Schemes (ordninger) with their rules as data, and rounds (tilskuddsrunder) with frames and deadlines."""

from decimal import ROUND_CEILING, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from dekomp.core.models import TimeStampedModel


class TranslatedNameMixin(models.Model):
    """A name in bokmål with nynorsk and English versions, shown in the active language."""

    name = models.CharField(_("navn (bokmål)"), max_length=200)
    name_nn = models.CharField(_("navn (nynorsk)"), max_length=200, blank=True)
    name_en = models.CharField(_("navn (engelsk)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        language = translation.get_language() or "nb"
        if language.startswith("nn") and self.name_nn:
            return self.name_nn
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Scheme(TranslatedNameMixin, TimeStampedModel):
    """A grant scheme and its rules: egenandel, partner, eligible owners and units, coordinator cap."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    short_name = models.CharField(_("kortnavn"), max_length=40)
    egenandel_share = models.DecimalField(
        _("egenandel (andel av tilskuddet)"),
        max_digits=4,
        decimal_places=3,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("0,300 betyr at eieren må bidra med minst 30 % av beløpet det søkes om."),
    )
    is_partner_required = models.BooleanField(_("krever UH-partner"), default=True)
    eligible_owner_kinds = models.JSONField(_("hvilke eiere kan melde behov"), default=list)
    unit_kinds = models.JSONField(_("hvilke enheter kan være med"), default=list)
    coordinator_share_cap = models.DecimalField(
        _("tak for koordinatorandel"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.100"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )

    class Meta:
        verbose_name = _("ordning")
        verbose_name_plural = _("ordninger")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(egenandel_share__gte=0, egenandel_share__lte=1), name="scheme_egenandel_share_0_to_1"
            ),
            models.CheckConstraint(
                condition=Q(coordinator_share_cap__gte=0, coordinator_share_cap__lte=1),
                name="scheme_coordinator_cap_0_to_1",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def has_egenandel(self) -> bool:
        return self.egenandel_share > 0

    @property
    def egenandel_percent(self) -> str:
        """The egenandel share as the percentage the texts state, in the active language: "30", "12,5"."""
        percent = (self.egenandel_share * 100).normalize()
        return number_format(percent if percent != percent.to_integral_value() else percent.quantize(Decimal(1)))

    def required_egenandel(self, amount: Decimal) -> Decimal:
        """The least egenandel for ``amount``: the scheme's share of it, rounded up to whole kroner (0 if none).

        The one rule behind every check and text: on submission ``amount`` is what is asked for, at decision what is
        granted, in the recipient's report what was used; the budget step, the letter and the report form state it.
        Rounded up (never half-even) because the owner must bring at least the share: 30 % of 100 001 kr is
        30 000,30 kr, and 30 000 kr would be less than that, so 30 001 kr is required.
        """
        if not self.has_egenandel or amount <= 0:
            return Decimal(0)
        return (self.egenandel_share * amount).quantize(Decimal(1), rounding=ROUND_CEILING)


class Theme(TranslatedNameMixin):
    """A development area (utviklingsområde) a measure can address."""

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tema")
        verbose_name_plural = _("temaer")
        ordering = ["position", "name"]


class ActivityType(TranslatedNameMixin):
    """A kind of activity (tiltakstype) a measure consists of."""

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tiltakstype")
        verbose_name_plural = _("tiltakstyper")
        ordering = ["position", "name"]


class RoundStatus(models.TextChoices):
    """Where a round is in its year."""

    PLANNED = "planlagt", _("planlagt")
    OPEN = "apen", _("åpen for behovsmeldinger")
    CLOSED = "lukket", _("lukket")
    ASSESSMENT = "vurdering", _("vurdering i arbeidsgruppene")
    RECOMMENDATION = "innstilling", _("innstilling i forumet")
    DECISION = "vedtak", _("vedtak")
    PAYOUT = "utbetaling", _("utbetaling")
    REPORTING = "rapportering", _("rapportering")
    FINISHED = "avsluttet", _("avsluttet")


# The round's workflow: which statuses an office admin may move a round to from each status.
ROUND_TRANSITIONS: dict[str, tuple[str, ...]] = {
    RoundStatus.PLANNED: (RoundStatus.OPEN,),
    RoundStatus.OPEN: (RoundStatus.CLOSED,),
    RoundStatus.CLOSED: (RoundStatus.OPEN, RoundStatus.ASSESSMENT),
    RoundStatus.ASSESSMENT: (RoundStatus.RECOMMENDATION,),
    RoundStatus.RECOMMENDATION: (RoundStatus.DECISION,),
    RoundStatus.DECISION: (RoundStatus.PAYOUT,),
    RoundStatus.PAYOUT: (RoundStatus.REPORTING,),
    RoundStatus.REPORTING: (RoundStatus.FINISHED,),
    RoundStatus.FINISHED: (),
}


class Round(TimeStampedModel):
    """One office's round for one year: schemes with frames, themes and activity types offered, and dates."""

    office = models.ForeignKey(
        "organisations.Office", on_delete=models.PROTECT, related_name="rounds", verbose_name=_("embete")
    )
    year = models.PositiveSmallIntegerField(_("år"), validators=[MinValueValidator(2020), MaxValueValidator(2100)])
    name = models.CharField(_("navn"), max_length=150)
    status = models.CharField(_("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.PLANNED)
    schemes = models.ManyToManyField(Scheme, related_name="rounds", verbose_name=_("ordninger"))
    themes = models.ManyToManyField(Theme, related_name="rounds", blank=True, verbose_name=_("temaer"))
    activity_types = models.ManyToManyField(
        ActivityType, related_name="rounds", blank=True, verbose_name=_("tiltakstyper")
    )
    opens_at = models.DateTimeField(_("åpner"))
    working_group_deadline = models.DateField(_("frist for arbeidsgruppene"), null=True, blank=True)
    forum_meeting = models.DateTimeField(_("møte i samarbeidsforumet"), null=True, blank=True)
    reporting_deadline = models.DateField(_("rapporteringsfrist"), null=True, blank=True)
    first_budget_year = models.PositiveSmallIntegerField(_("første budsjettår"))

    class Meta:
        verbose_name = _("tilskuddsrunde")
        verbose_name_plural = _("tilskuddsrunder")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="round_unique_name_per_office"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def budget_years(self) -> list[int]:
        """The three budget years a report in this round can span."""
        return [self.first_budget_year + i for i in range(3)]


class Frame(models.Model):
    """The money (ramme) a round has for one scheme in one budget year."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="frames", verbose_name=_("runde"))
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="frames", verbose_name=_("ordning"))
    budget_year = models.PositiveSmallIntegerField(_("budsjettår"))
    amount = models.DecimalField(_("ramme (kr)"), max_digits=14, decimal_places=0)

    class Meta:
        verbose_name = _("ramme")
        verbose_name_plural = _("rammer")
        ordering = ["scheme", "budget_year"]
        constraints = [
            models.UniqueConstraint(fields=["round", "scheme", "budget_year"], name="frame_unique_per_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="frame_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.budget_year}"


class ApplicantGroup(models.Model):
    """A group of owners with its own deadline; the default group holds everyone not named elsewhere."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="applicant_groups", verbose_name=_("runde"))
    name = models.CharField(_("navn"), max_length=120)
    deadline = models.DateTimeField(_("frist"))
    is_default = models.BooleanField(_("gjelder alle andre"), default=False)
    members = models.ManyToManyField(
        "organisations.Organisation", related_name="applicant_groups", blank=True, verbose_name=_("eiere")
    )

    class Meta:
        verbose_name = _("søkergruppe")
        verbose_name_plural = _("søkergrupper")
        ordering = ["deadline", "name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="applicant_group_unique_name"),
            models.UniqueConstraint(
                fields=["round"], condition=Q(is_default=True), name="applicant_group_one_default_per_round"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DeadlineExtension(TimeStampedModel):
    """The office reopened the round for one owner, with a reason and a new deadline."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("runde"))
    owner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("eier")
    )
    deadline = models.DateTimeField(_("ny frist"))
    reason = models.TextField(_("begrunnelse"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("gjenåpning")
        verbose_name_plural = _("gjenåpninger")
        constraints = [models.UniqueConstraint(fields=["round", "owner"], name="extension_one_per_owner")]
