"""Envelopes per region, solver runs, the forum's recommendation with its lines, meetings, votes and plans."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dekomp.core.models import TimeStampedModel


class KeyKind(models.TextChoices):
    """How a frame is split between the regions."""

    EQUAL = "like", _("like deler")
    STAFF = "ansatte", _("etter antall ansatte")
    PUPILS = "elever", _("etter antall elever og barn")
    TYPED = "manuell", _("beløp satt av embetet")


class ApportionmentMethod(models.TextChoices):
    LARGEST_REMAINDER = "largest_remainder", _("største brøk")
    SAINTE_LAGUE = "sainte_lague", _("Sainte-Laguës metode")


class EnvelopeKey(TimeStampedModel):
    """The key that split one scheme's frames into regional envelopes, with its data source and year."""

    round = models.ForeignKey("schemes.Round", on_delete=models.CASCADE, related_name="envelope_keys")
    scheme = models.ForeignKey("schemes.Scheme", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("fordelingsnøkkel"), max_length=20, choices=KeyKind.choices)
    method = models.CharField(
        _("metode"), max_length=30, choices=ApportionmentMethod.choices, default=ApportionmentMethod.LARGEST_REMAINDER
    )
    source = models.CharField(_("datakilde"), max_length=200, blank=True)
    source_year = models.PositiveSmallIntegerField(_("år for dataene"), null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("fordelingsnøkkel")
        verbose_name_plural = _("fordelingsnøkler")
        constraints = [models.UniqueConstraint(fields=["round", "scheme"], name="envelope_key_unique")]

    def __str__(self) -> str:
        return f"{self.round} {self.scheme}: {self.get_kind_display()}"


class Envelope(models.Model):
    """A region's share of one scheme's frame in one budget year."""

    round = models.ForeignKey("schemes.Round", on_delete=models.CASCADE, related_name="envelopes")
    scheme = models.ForeignKey("schemes.Scheme", on_delete=models.PROTECT, related_name="+")
    budget_year = models.PositiveSmallIntegerField(_("budsjettår"))
    region = models.ForeignKey("organisations.Region", on_delete=models.PROTECT, related_name="envelopes")
    weight = models.DecimalField(_("vekt"), max_digits=14, decimal_places=2, default=0)
    amount = models.DecimalField(_("beløp (kr)"), max_digits=14, decimal_places=0)

    class Meta:
        verbose_name = _("regional ramme")
        verbose_name_plural = _("regionale rammer")
        ordering = ["scheme", "budget_year", "region__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "scheme", "budget_year", "region"], name="envelope_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="envelope_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.budget_year}: {self.amount}"


class AllocationRun(TimeStampedModel):
    """One run of the solver: its mode, inputs, version and result, kept as they were."""

    round = models.ForeignKey("schemes.Round", on_delete=models.CASCADE, related_name="allocation_runs")
    scheme = models.ForeignKey("schemes.Scheme", on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("metode"), max_length=30)
    solver_version = models.CharField(max_length=20)
    parameters = models.JSONField()
    result = models.JSONField()
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("beregning av fordeling")
        verbose_name_plural = _("beregninger av fordeling")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.round} {self.scheme} {self.mode} ({self.created_at:%Y-%m-%d %H:%M})"


class RecommendationStatus(models.TextChoices):
    DRAFT = "utkast", _("under arbeid")
    APPROVED = "vedtatt", _("vedtatt av forumet")


class Recommendation(TimeStampedModel):
    """The forum's recommendation (innstilling) for one round; each approval is a new version."""

    round = models.ForeignKey("schemes.Round", on_delete=models.PROTECT, related_name="recommendations")
    forum = models.ForeignKey("organisations.Forum", on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveIntegerField(_("versjon"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=RecommendationStatus.choices, default=RecommendationStatus.DRAFT
    )
    based_on = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("innstilling")
        verbose_name_plural = _("innstillinger")
        ordering = ["round", "number"]
        constraints = [models.UniqueConstraint(fields=["round", "forum", "number"], name="recommendation_unique")]

    def __str__(self) -> str:
        return f"{self.round} v{self.number}"


class RecommendationLine(models.Model):
    """What the forum recommends for one report in one budget year, beside what the solver proposed."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="lines")
    report = models.ForeignKey("needs.NeedsReport", on_delete=models.PROTECT, related_name="recommendation_lines")
    budget_year = models.PositiveSmallIntegerField(_("budsjettår"))
    proposed = models.DecimalField(_("foreslått (kr)"), max_digits=12, decimal_places=0)
    amount = models.DecimalField(_("innstilt (kr)"), max_digits=12, decimal_places=0)
    justification = models.TextField(_("begrunnelse for endring"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("linje i innstillingen")
        verbose_name_plural = _("linjer i innstillingen")
        ordering = ["report", "budget_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "report", "budget_year"], name="recommendation_line_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(proposed__gte=0), name="recommendation_line_amounts"),
            models.CheckConstraint(
                condition=Q(amount=models.F("proposed")) | ~Q(justification=""),
                name="recommendation_line_override_justified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.budget_year}: {self.amount}"


class Meeting(TimeStampedModel):
    """A forum meeting on a round: who attended, how it decided, and the minutes."""

    forum = models.ForeignKey("organisations.Forum", on_delete=models.PROTECT, related_name="meetings")
    round = models.ForeignKey("schemes.Round", on_delete=models.PROTECT, related_name="meetings")
    held_at = models.DateTimeField(_("tidspunkt"))
    is_consensus = models.BooleanField(_("konsensus"), default=True)
    minutes = models.TextField(_("referat"), blank=True)

    class Meta:
        verbose_name = _("møte")
        verbose_name_plural = _("møter")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"{self.forum} {self.held_at:%Y-%m-%d}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_present = models.BooleanField(_("til stede"), default=True)

    class Meta:
        verbose_name = _("oppmøte")
        verbose_name_plural = _("oppmøte")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.user} ({'til stede' if self.is_present else 'fraværende'})"


class VoteChoice(models.TextChoices):
    FOR = "for", _("for")
    AGAINST = "mot", _("mot")
    ABSTAIN = "avstar", _("avstår")


class Vote(models.Model):
    """A member's vote on the whole recommendation, or on one report in it (the office has no vote)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(
        "needs.NeedsReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Tom: stemme over hele innstillingen."),
    )
    choice = models.CharField(_("stemme"), max_length=10, choices=VoteChoice.choices)

    class Meta:
        verbose_name = _("stemme")
        verbose_name_plural = _("stemmer")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user", "report"], name="vote_unique_per_report"),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(report__isnull=True), name="vote_unique_on_whole"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_choice_display()}"


def plan_path(instance: "LongTermPlan", filename: str) -> str:
    return f"langtidsplaner/{instance.forum_id}/{instance.round_id}/{filename}"


class LongTermPlan(TimeStampedModel):
    """The forum's long-term plan document for a round."""

    forum = models.ForeignKey("organisations.Forum", on_delete=models.PROTECT, related_name="plans")
    round = models.ForeignKey("schemes.Round", on_delete=models.PROTECT, related_name="plans")
    file = models.FileField(_("fil"), upload_to=plan_path, max_length=300)
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("langsiktig plan")
        verbose_name_plural = _("langsiktige planer")

    def __str__(self) -> str:
        return self.original_name
