"""The needs report, its partners and co-owners, budget lines, egenandel, attachments and submitted versions."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dekomp.core.models import TimeStampedModel


class Status(models.TextChoices):
    """Where a needs report is in its life (this stage: up to the formal check)."""

    DRAFT = "utkast", _("utkast")
    SUBMITTED = "sendt_inn", _("sendt inn")
    RETURNED = "returnert", _("returnert for endringer")
    CHECKED = "kontrollert", _("formelt kontrollert")
    WITHDRAWN = "trukket", _("trukket")


# Allowed transitions; each is made by one named service that records an event.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.SUBMITTED, Status.WITHDRAWN),
    Status.SUBMITTED: (Status.RETURNED, Status.CHECKED, Status.WITHDRAWN),
    Status.RETURNED: (Status.SUBMITTED, Status.WITHDRAWN),
    Status.CHECKED: (Status.RETURNED,),
    Status.WITHDRAWN: (),
}
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)


class ReportKind(models.TextChoices):
    """A new measure, or a change request or supplement to a measure an earlier decision granted."""

    NEW = "nytt", _("nytt tiltak")
    CHANGE = "endring", _("endring av år 2 eller 3")
    SUPPLEMENT = "supplering", _("supplering av et løpende tiltak")


class TargetGroup(models.TextChoices):
    """Who the measure is for."""

    TEACHERS = "laerere", _("lærere")
    LEADERS = "ledere", _("ledere")
    KINDERGARTEN_TEACHERS = "barnehagelaerere", _("barnehagelærere")
    KINDERGARTEN_STAFF = "barnehageansatte", _("andre ansatte i barnehagen")
    ASSISTANTS = "assistenter", _("assistenter og fagarbeidere")
    PPT = "ppt", _("PP-tjenesten")
    OTHER = "andre", _("andre")


def target_group_labels(codes: list[str]) -> list[str]:
    """Target-group codes (``laerere``) as their labels (``lærere``) in the active language; an unknown code as is."""
    labels = dict(TargetGroup.choices)
    known = [str(labels[code]) for code in TargetGroup.values if code in codes]
    return known + [code for code in codes if code not in labels]


class ContributionForm(models.TextChoices):
    """How the owner pays its egenandel."""

    MONEY = "penger", _("penger")
    STAFF_TIME = "arbeidstid", _("betalt arbeidstid")
    BOTH = "begge", _("penger og betalt arbeidstid")


class ConfirmationStatus(models.TextChoices):
    """A partner's or co-owner's answer to being named in a report."""

    PENDING = "venter", _("venter på svar")
    CONFIRMED = "bekreftet", _("bekreftet")
    DECLINED = "avslatt", _("avslått")


class NeedsReport(TimeStampedModel):
    """One measure (tiltak) within one scheme, from one owner (alone or for a network) with its partners."""

    round = models.ForeignKey(
        "schemes.Round", on_delete=models.PROTECT, related_name="needs_reports", verbose_name=_("runde")
    )
    scheme = models.ForeignKey(
        "schemes.Scheme", on_delete=models.PROTECT, related_name="needs_reports", verbose_name=_("ordning")
    )
    owner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="needs_reports", verbose_name=_("eier")
    )
    number = models.PositiveIntegerField(_("løpenummer"))
    region = models.ForeignKey(
        "organisations.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs_reports",
        verbose_name=_("region"),
    )
    title = models.CharField(_("navn på tiltaket"), max_length=200)
    kind = models.CharField(_("type behovsmelding"), max_length=20, choices=ReportKind.choices, default=ReportKind.NEW)
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("endrer tiltaket"),
        help_text=_("Den opprinnelige behovsmeldingen som fikk vedtak, for en endring eller supplering."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("versjon"), default=1)
    units = models.ManyToManyField("organisations.Unit", related_name="needs_reports", blank=True)
    target_groups = models.JSONField(_("målgrupper"), default=list, blank=True)
    staff_reached = models.PositiveIntegerField(_("antall ansatte tiltaket når"), null=True, blank=True)
    need = models.TextField(_("behov"), blank=True)
    analysis = models.TextField(_("analysen bak behovet"), blank=True)
    goals = models.TextField(_("mål"), blank=True)
    collective = models.TextField(_("hvordan tiltaket er kollektivt og barnehage- eller skolebasert"), blank=True)
    evaluation = models.TextField(_("hvordan resultatene skal vurderes"), blank=True)
    themes = models.ManyToManyField("schemes.Theme", related_name="needs_reports", blank=True)
    activity_types = models.ManyToManyField("schemes.ActivityType", related_name="needs_reports", blank=True)
    local_plan = models.TextField(_("lokal plan tiltaket bygger på"), blank=True)
    is_staff_involved = models.BooleanField(_("de ansatte har vært med på å melde behovet"), default=False)
    is_union_involved = models.BooleanField(_("tillitsvalgte har vært involvert"), default=False)
    years = models.PositiveSmallIntegerField(_("varighet (skoleår)"), null=True, blank=True)
    egenandel_form = models.CharField(
        _("form på egenandelen"), max_length=20, choices=ContributionForm.choices, blank=True
    )
    is_declared = models.BooleanField(_("eierens erklæring"), default=False)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    declared_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("sendt inn"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies", verbose_name=_("kopi av")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    co_owners = models.ManyToManyField(
        "organisations.Organisation", through="CoOwner", related_name="co_owned_needs_reports", blank=True
    )
    partners = models.ManyToManyField(
        "organisations.Organisation", through="ReportPartner", related_name="partnered_needs_reports", blank=True
    )

    class Meta:
        verbose_name = _("behovsmelding")
        verbose_name_plural = _("behovsmeldinger")
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="needs_report_unique_number"),
            models.CheckConstraint(
                condition=Q(years__isnull=True) | Q(years__gte=1, years__lte=3), name="needs_report_years_1_to_3"
            ),
            models.CheckConstraint(
                condition=Q(kind=ReportKind.NEW, amends__isnull=True)
                | (~Q(kind=ReportKind.NEW) & Q(amends__isnull=False)),
                name="needs_report_amends_only_for_changes",
            ),
        ]
        indexes = [models.Index(fields=["round", "status"]), models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        """The human reference, e.g. ``2027-0042``."""
        return f"{self.round.year}-{self.number:04d}"

    @property
    def budget_years(self) -> list[int]:
        return self.round.budget_years[: self.years or 0]

    @property
    def target_group_labels(self) -> list[str]:
        """The target groups as the page shows them, in the order of the choices."""
        return target_group_labels(self.target_groups)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class Confirmable(models.Model):
    """A named organisation's answer to a report, with who answered, when and why."""

    status = models.CharField(
        _("svar"), max_length=20, choices=ConfirmationStatus.choices, default=ConfirmationStatus.PENDING
    )
    comment = models.TextField(_("kommentar"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class ReportPartner(Confirmable):
    """A university, college or national centre named as partner, with its contact."""

    report = models.ForeignKey(NeedsReport, on_delete=models.CASCADE, related_name="partner_links")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="partner_links",
        verbose_name=_("partner"),
    )
    contact_name = models.CharField(_("kontaktperson"), max_length=150)
    contact_email = models.EmailField(_("kontaktpersonens e-post"))

    class Meta:
        verbose_name = _("partner i behovsmelding")
        verbose_name_plural = _("partnere i behovsmeldinger")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["report", "organisation"], name="report_partner_unique")]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_status_display()})"


class CoOwner(Confirmable):
    """Another owner in a network report; it confirms it takes part."""

    report = models.ForeignKey(NeedsReport, on_delete=models.CASCADE, related_name="co_owner_links")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="co_owner_links",
        verbose_name=_("medeier"),
    )

    class Meta:
        verbose_name = _("medeier i behovsmelding")
        verbose_name_plural = _("medeiere i behovsmeldinger")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["report", "organisation"], name="report_co_owner_unique")]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_status_display()})"


class BudgetLine(models.Model):
    """What one recipient (the owner or a partner) is to receive in one budget year."""

    report = models.ForeignKey(NeedsReport, on_delete=models.CASCADE, related_name="budget_lines")
    budget_year = models.PositiveSmallIntegerField(_("budsjettår"))
    recipient = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("mottaker")
    )
    amount = models.DecimalField(_("beløp (kr)"), max_digits=12, decimal_places=0)
    coordinator_amount = models.DecimalField(_("herav koordinator (kr)"), max_digits=12, decimal_places=0, default=0)

    class Meta:
        verbose_name = _("budsjettpost")
        verbose_name_plural = _("budsjettposter")
        ordering = ["budget_year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "budget_year", "recipient"], name="budget_line_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(coordinator_amount__gte=0) & Q(coordinator_amount__lte=F("amount")),
                name="budget_line_coordinator_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_year} {self.recipient}: {self.amount}"


class OwnContribution(models.Model):
    """The owner's egenandel in one budget year."""

    report = models.ForeignKey(NeedsReport, on_delete=models.CASCADE, related_name="contributions")
    budget_year = models.PositiveSmallIntegerField(_("budsjettår"))
    amount = models.DecimalField(_("egenandel (kr)"), max_digits=12, decimal_places=0)

    class Meta:
        verbose_name = _("egenandel")
        verbose_name_plural = _("egenandeler")
        ordering = ["budget_year"]
        constraints = [
            models.UniqueConstraint(fields=["report", "budget_year"], name="own_contribution_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="own_contribution_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.budget_year}: {self.amount}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"behovsmeldinger/{instance.report.round_id}/{instance.report_id}/{uuid.uuid4().hex}/{filename}"


class Attachment(models.Model):
    """A file attached to a report, checked by content, size and name before it is stored."""

    report = models.ForeignKey(NeedsReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("fil"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("filnavn"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("størrelse (byte)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vedlegg")
        verbose_name_plural = _("vedlegg")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Submission(models.Model):
    """One submitted version of a report, as it was at submission (kept for ever, compared as a diff)."""

    report = models.ForeignKey(NeedsReport, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveIntegerField(_("versjon"))
    token = models.UUIDField(unique=True, help_text=_("Hindrer dobbel innsending ved dobbeltklikk."))
    snapshot = models.JSONField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("innsendt versjon")
        verbose_name_plural = _("innsendte versjoner")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="submission_unique_number")]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class CheckBatch(TimeStampedModel):
    """One confirmed formal check of several reports; its token is unique, so a replayed confirmation is refused."""

    round = models.ForeignKey("schemes.Round", on_delete=models.CASCADE, related_name="check_batches")
    token = models.UUIDField(unique=True, help_text=_("Hindrer at den samme bekreftelsen kontrollerer to ganger."))
    report_count = models.PositiveIntegerField(_("antall behovsmeldinger"))

    class Meta:
        verbose_name = _("samlet formell kontroll")
        verbose_name_plural = _("samlede formelle kontroller")

    def __str__(self) -> str:
        return f"{self.round} ({self.report_count})"
