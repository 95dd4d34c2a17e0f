"""Recipients' reports (rapporter) per budget year, the office's follow-up, unused money and reminders."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dekomp.core.models import TimeStampedModel


class ReportStatus(models.TextChoices):
    """A recipient's report: expected, written, sent, sent back for more, approved."""

    EXPECTED = "forventet", _("ikke påbegynt")
    DRAFT = "utkast", _("utkast")
    SUBMITTED = "sendt_inn", _("sendt inn")
    MORE_REQUESTED = "mer_info", _("mer informasjon etterspurt")
    APPROVED = "godkjent", _("godkjent")


REPORT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReportStatus.EXPECTED: (ReportStatus.DRAFT, ReportStatus.SUBMITTED),
    ReportStatus.DRAFT: (ReportStatus.SUBMITTED,),
    ReportStatus.SUBMITTED: (ReportStatus.MORE_REQUESTED, ReportStatus.APPROVED),
    ReportStatus.MORE_REQUESTED: (ReportStatus.SUBMITTED,),
    ReportStatus.APPROVED: (),
}
EDITABLE_STATUSES = (ReportStatus.EXPECTED, ReportStatus.DRAFT, ReportStatus.MORE_REQUESTED)


class RecipientReport(TimeStampedModel):
    """What one recipient did with one decision's money in one budget year, and the office's follow-up."""

    line = models.OneToOneField("decisions.DecisionLine", on_delete=models.PROTECT, related_name="report")
    recipient = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="reports")
    budget_year = models.PositiveSmallIntegerField(_("budsjettår"))
    deadline = models.DateField(_("frist"))
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.EXPECTED)
    version = models.PositiveIntegerField(default=1)
    activities = models.TextField(_("hva som ble gjort"), blank=True)
    units_reached = models.ManyToManyField("organisations.Unit", related_name="+", blank=True)
    participants = models.PositiveIntegerField(_("antall deltakere"), null=True, blank=True)
    goal_achievement = models.TextField(_("måloppnåelse"), blank=True)
    used = models.DecimalField(_("brukt (kr)"), max_digits=12, decimal_places=0, null=True, blank=True)
    egenandel_documented = models.DecimalField(
        _("dokumentert egenandel (kr)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("sendt inn"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    office_comment = models.TextField(_("kontorets merknad"), blank=True)
    approved_at = models.DateTimeField(_("godkjent"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("rapport")
        verbose_name_plural = _("rapporter")
        ordering = ["deadline", "recipient__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(used__isnull=True) | Q(used__gte=0), name="recipient_report_used_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(egenandel_documented__isnull=True) | Q(egenandel_documented__gte=0),
                name="recipient_report_egenandel_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.recipient} {self.budget_year}"

    @property
    def carried_in_amount(self) -> Decimal:
        """Unused money the office carried over to this report from the year before (0 when none)."""
        try:
            return self.carried_in.amount
        except ObjectDoesNotExist:
            return Decimal(0)

    @property
    def granted(self) -> Decimal:
        """What the recipient may use this year: the decision line's amount plus anything carried over to it."""
        return self.line.amount + self.carried_in_amount

    @property
    def unused(self) -> Decimal | None:
        """Granted minus used, once the recipient has said what was used."""
        return None if self.used is None else self.granted - self.used

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def is_overdue(self, today: date) -> bool:
        """Still to be sent in, and the deadline has passed."""
        return self.is_editable and self.deadline < today

    @property
    def settlement_or_none(self) -> "Settlement | None":
        try:
            return self.settlement
        except ObjectDoesNotExist:
            return None


class SettlementKind(models.TextChoices):
    """What happens to money a recipient did not use."""

    CLAIM_BACK = "tilbakebetaling", _("krav om tilbakebetaling")
    CARRY_OVER = "overforing", _("overføring til neste år")


class Settlement(TimeStampedModel):
    """The office's decision on unused money in a report: claimed back (a repayment decision) or carried over."""

    report = models.OneToOneField(RecipientReport, on_delete=models.PROTECT, related_name="settlement")
    kind = models.CharField(_("avgjørelse"), max_length=20, choices=SettlementKind.choices)
    amount = models.DecimalField(_("beløp (kr)"), max_digits=12, decimal_places=0)
    reason = models.TextField(_("begrunnelse"))
    due_date = models.DateField(_("betalingsfrist"), null=True, blank=True)
    carried_to = models.OneToOneField(
        RecipientReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_in",
        help_text=_("Rapporten for neste år, der det overførte beløpet kommer i tillegg til det som er tildelt."),
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("avgjørelse om ubrukte midler")
        verbose_name_plural = _("avgjørelser om ubrukte midler")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="settlement_amount_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="settlement_has_reason"),
            # Money carried over goes to the next year's report; a claim goes to nobody's report.
            models.CheckConstraint(
                condition=Q(kind=SettlementKind.CARRY_OVER, carried_to__isnull=False, due_date__isnull=True)
                | Q(kind=SettlementKind.CLAIM_BACK, carried_to__isnull=True),
                name="settlement_carry_over_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.get_kind_display()} {self.amount}"

    @property
    def reference(self) -> str:
        """The repayment decision's reference, e.g. ``V2027-0042-T2027``: the decision's with the report's year."""
        return f"{self.report.line.decision.reference}-T{self.report.budget_year}"


class ReminderKind(models.TextChoices):
    """Reminders go out once before the deadline and once when it has passed."""

    BEFORE = "for_frist", _("påminnelse før fristen")
    OVERDUE = "forfalt", _("fristen er passert")


class Reminder(models.Model):
    """A reminder e-mail sent about one report; one of each kind, so a daily run never sends it twice."""

    report = models.ForeignKey(RecipientReport, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.JSONField(default=list)

    class Meta:
        verbose_name = _("påminnelse")
        verbose_name_plural = _("påminnelser")
        constraints = [models.UniqueConstraint(fields=["report", "kind"], name="reminder_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.report} {self.kind}"
