"""Decisions (vedtak) per needs report with amounts per recipient and budget year, their letters and appeals."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dekomp.core.models import TimeStampedModel


class Outcome(models.TextChoices):
    """What the office decided for one needs report."""

    GRANTED = "innvilget", _("innvilget")
    PARTLY = "delvis", _("delvis innvilget")
    REJECTED = "avslatt", _("avslått")


class DecisionStatus(models.TextChoices):
    """Where a decision is: prepared from the recommendation, made, its letter sent, its terms accepted."""

    DRAFT = "utkast", _("utkast")
    DECIDED = "vedtatt", _("vedtatt")
    SENT = "sendt", _("vedtaksbrev sendt")
    ACCEPTED = "akseptert", _("vilkår akseptert")


# The decision's workflow; each step is one named service that records an event.
DECISION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    DecisionStatus.DRAFT: (DecisionStatus.DECIDED,),
    DecisionStatus.DECIDED: (DecisionStatus.SENT,),
    DecisionStatus.SENT: (DecisionStatus.ACCEPTED,),
    DecisionStatus.ACCEPTED: (),
}
# Statuses in which a decision binds money in the commitments ledger.
BINDING_STATUSES = (DecisionStatus.DECIDED, DecisionStatus.SENT, DecisionStatus.ACCEPTED)


class DecisionBatch(TimeStampedModel):
    """The decisions a caseworker prepared in one go from an approved recommendation (idempotent by its token)."""

    round = models.ForeignKey("schemes.Round", on_delete=models.PROTECT, related_name="decision_batches")
    recommendation = models.ForeignKey(
        "allocation.Recommendation", on_delete=models.PROTECT, related_name="decision_batches"
    )
    token = models.UUIDField(unique=True, default=uuid.uuid4)
    decide_token = models.UUIDField(
        null=True, blank=True, unique=True, help_text=_("Hindrer at vedtakene fattes to ganger ved dobbeltklikk.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("vedtatt"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("vedtaksbunke")
        verbose_name_plural = _("vedtaksbunker")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.round} – {self.recommendation}"


class Decision(TimeStampedModel):
    """The office's decision on one needs report: outcome, reasons and (in its lines) the money."""

    batch = models.ForeignKey(DecisionBatch, on_delete=models.PROTECT, related_name="decisions")
    report = models.OneToOneField("needs.NeedsReport", on_delete=models.PROTECT, related_name="decision")
    number = models.PositiveIntegerField(_("vedtaksnummer"))
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices)
    status = models.CharField(_("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    considerations = models.TextField(
        _("hovedhensyn"), blank=True, help_text=_("De viktigste hensynene bak vedtaket; står i vedtaksbrevet.")
    )
    deviation_reason = models.TextField(
        _("begrunnelse for avvik fra innstillingen"),
        blank=True,
        help_text=_("Påkrevd når vedtaket avviker fra innstillingen."),
    )
    decided_at = models.DateTimeField(_("vedtatt"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    letter = models.FileField(_("vedtaksbrev"), upload_to="vedtaksbrev/", max_length=300, blank=True)
    letter_language = models.CharField(_("målform i brevet"), max_length=2, blank=True)
    letter_sent_at = models.DateTimeField(_("brev sendt"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("vilkår akseptert"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("vedtak")
        verbose_name_plural = _("vedtak")
        ordering = ["batch", "number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="decision_unique_number"),
            models.CheckConstraint(
                condition=Q(status=DecisionStatus.DRAFT) | Q(decided_at__isnull=False),
                name="decision_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=DecisionStatus.ACCEPTED) | Q(accepted_at__isnull=False),
                name="decision_accepted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.report.title}"

    @property
    def reference(self) -> str:
        """The case reference in letters and payouts, e.g. ``V2027-0042``: the report's number with a V."""
        return f"V{self.report.reference}"

    @property
    def is_binding(self) -> bool:
        return self.status in BINDING_STATUSES


class DecisionLine(models.Model):
    """Money a decision grants one recipient in one budget year: a commitment (tilsagn) in the ledger."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="lines")
    recipient = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="decision_lines",
        verbose_name=_("mottaker"),
    )
    budget_year = models.PositiveSmallIntegerField(_("budsjettår"))
    requested = models.DecimalField(_("søkt (kr)"), max_digits=12, decimal_places=0)
    recommended = models.DecimalField(_("innstilt (kr)"), max_digits=12, decimal_places=0)
    amount = models.DecimalField(_("vedtatt (kr)"), max_digits=12, decimal_places=0)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        help_text=_("Satt når et senere endringsvedtak erstatter beløpet for dette året."),
    )

    class Meta:
        verbose_name = _("vedtatt beløp")
        verbose_name_plural = _("vedtatte beløp")
        ordering = ["budget_year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "recipient", "budget_year"], name="decision_line_unique"),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(recommended__gte=0) & Q(requested__gte=0),
                name="decision_line_amounts_not_negative",
            ),
            models.CheckConstraint(condition=Q(amount__lte=F("requested")), name="decision_line_within_requested"),
        ]
        indexes = [models.Index(fields=["recipient", "budget_year"])]

    def __str__(self) -> str:
        return f"{self.budget_year} {self.recipient}: {self.amount}"


class AppealStatus(models.TextChoices):
    """An appeal's path: received by the office, forwarded to Udir, decided there."""

    RECEIVED = "mottatt", _("mottatt")
    FORWARDED = "oversendt", _("oversendt Udir")
    DECIDED = "avgjort", _("avgjort")


class AppealOutcome(models.TextChoices):
    """What Udir (or the office, on reversing itself) decided on the appeal."""

    UPHELD = "medhold", _("klager fikk medhold")
    PARTLY = "delvis", _("klager fikk delvis medhold")
    REJECTED = "ikke_medhold", _("klager fikk ikke medhold")


class Appeal(TimeStampedModel):
    """An appeal (klage) against a decision: registered, forwarded to Udir through the office, its outcome."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    received_at = models.DateField(_("mottatt"))
    grounds = models.TextField(_("klagens grunnlag"))
    status = models.CharField(_("status"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.RECEIVED)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    forwarded_at = models.DateField(_("oversendt Udir"), null=True, blank=True)
    forward_comment = models.TextField(_("kontorets vurdering ved oversendelse"), blank=True)
    outcome = models.CharField(_("utfall"), max_length=20, choices=AppealOutcome.choices, blank=True)
    outcome_at = models.DateField(_("avgjort"), null=True, blank=True)
    outcome_comment = models.TextField(_("begrunnelse for utfallet"), blank=True)

    class Meta:
        verbose_name = _("klage")
        verbose_name_plural = _("klager")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=AppealStatus.DECIDED) | ~Q(outcome=""), name="appeal_decided_has_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.reference}: {self.get_status_display()}"
