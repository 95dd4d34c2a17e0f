"""Payout batches per budget year, owners and partners paid separately, with holds for overdue reports."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dekomp.core.models import TimeStampedModel


class RecipientKind(models.TextChoices):
    """Owners and partners are paid in separate batches."""

    OWNER = "eier", _("eiere")
    PARTNER = "partner", _("partnere (UH)")


class BatchStatus(models.TextChoices):
    """A batch is put together, exported to the finance system, then marked as paid."""

    DRAFT = "utkast", _("utkast")
    EXPORTED = "eksportert", _("eksportert til økonomisystemet")
    PAID = "utbetalt", _("utbetalt")


class PayoutBatch(TimeStampedModel):
    """The payouts of one office to one kind of recipient in one budget year, exported and paid together."""

    office = models.ForeignKey("organisations.Office", on_delete=models.PROTECT, related_name="payout_batches")
    budget_year = models.PositiveSmallIntegerField(_("budsjettår"))
    recipient_kind = models.CharField(_("mottakere"), max_length=20, choices=RecipientKind.choices)
    number = models.PositiveIntegerField(_("bunkenummer"))
    status = models.CharField(_("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    token = models.UUIDField(unique=True, default=uuid.uuid4)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    exported_at = models.DateTimeField(_("eksportert"), null=True, blank=True)
    paid_at = models.DateTimeField(_("utbetalt"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("utbetalingsbunke")
        verbose_name_plural = _("utbetalingsbunker")
        ordering = ["-budget_year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="payout_batch_unique_number"),
            models.CheckConstraint(
                condition=~Q(status=BatchStatus.PAID) | Q(paid_at__isnull=False), name="payout_batch_paid_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"U{self.budget_year}-{self.number:03d}"

    @property
    def reference(self) -> str:
        return str(self)


class Payout(models.Model):
    """One payment of one decision line (a recipient's money for a budget year) in a batch.

    A recipient with an overdue report is held (``is_held``) and left out of the export until a caseworker
    releases it with a reason.
    """

    batch = models.ForeignKey(PayoutBatch, on_delete=models.CASCADE, related_name="payouts")
    line = models.OneToOneField("decisions.DecisionLine", on_delete=models.PROTECT, related_name="payout")
    recipient = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="payouts")
    amount = models.DecimalField(_("beløp (kr)"), max_digits=12, decimal_places=0)
    bank_account = models.CharField(_("kontonummer"), max_length=11, blank=True)
    is_held = models.BooleanField(_("holdt tilbake"), default=False)
    hold_reason = models.TextField(_("grunn til å holde tilbake"), blank=True)
    release_reason = models.TextField(_("begrunnelse for frigivelse"), blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("utbetaling")
        verbose_name_plural = _("utbetalinger")
        ordering = ["batch", "recipient__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(
                condition=Q(released_by__isnull=True) | ~Q(release_reason=""), name="payout_release_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.recipient}: {self.amount}"
