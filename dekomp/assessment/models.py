"""Reassignments, declared interests and recusals, rankings with their entries, amounts and member comments."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dekomp.core.models import TimeStampedModel


class Reassignment(TimeStampedModel):
    """The caseworker moved a report to another working group than its region's (the latest one counts)."""

    report = models.ForeignKey("needs.NeedsReport", on_delete=models.CASCADE, related_name="reassignments")
    working_group = models.ForeignKey(
        "organisations.WorkingGroup", on_delete=models.PROTECT, related_name="+", verbose_name=_("arbeidsgruppe")
    )
    reason = models.TextField(_("begrunnelse"))
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("flytting til annen arbeidsgruppe")
        verbose_name_plural = _("flyttinger til andre arbeidsgrupper")
        ordering = ["report", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.report} → {self.working_group}"


class Interest(TimeStampedModel):
    """A member declares a tie to an organisation; they are recused from every report naming it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interests")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("virksomhet")
    )
    description = models.CharField(_("beskrivelse"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("erklært interesse")
        verbose_name_plural = _("erklærte interesser")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="interest_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"


class Recusal(TimeStampedModel):
    """A member declares themself recused (inhabil) from one report, with a reason."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recusals")
    report = models.ForeignKey("needs.NeedsReport", on_delete=models.CASCADE, related_name="recusals")
    reason = models.CharField(_("begrunnelse"), max_length=300)

    class Meta:
        verbose_name = _("erklært inhabilitet")
        verbose_name_plural = _("erklærte inhabiliteter")
        constraints = [models.UniqueConstraint(fields=["user", "report"], name="recusal_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.report}"


class RankingStatus(models.TextChoices):
    DRAFT = "utkast", _("under arbeid")
    SUBMITTED = "sendt", _("sendt til forumet")


class Ranking(TimeStampedModel):
    """A working group's ordered list (prioritering) of its region's reports in one round."""

    round = models.ForeignKey("schemes.Round", on_delete=models.PROTECT, related_name="rankings")
    working_group = models.ForeignKey("organisations.WorkingGroup", on_delete=models.PROTECT, related_name="rankings")
    status = models.CharField(_("status"), max_length=20, choices=RankingStatus.choices, default=RankingStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("prioritering")
        verbose_name_plural = _("prioriteringer")
        constraints = [models.UniqueConstraint(fields=["round", "working_group"], name="ranking_unique")]

    def __str__(self) -> str:
        return f"{self.working_group} – {self.round}"

    @property
    def is_locked(self) -> bool:
        return self.status == RankingStatus.SUBMITTED


class RankingEntry(models.Model):
    """One report's place in a ranking, with the group's assessment comment."""

    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="entries")
    report = models.ForeignKey("needs.NeedsReport", on_delete=models.CASCADE, related_name="ranking_entries")
    position = models.PositiveIntegerField(_("plass"))
    comment = models.TextField(_("vurdering"), blank=True)

    class Meta:
        verbose_name = _("plass i prioriteringen")
        verbose_name_plural = _("plasser i prioriteringen")
        ordering = ["ranking", "position"]
        constraints = [models.UniqueConstraint(fields=["ranking", "report"], name="ranking_entry_unique_report")]

    def __str__(self) -> str:
        return f"{self.position}. {self.report}"


class EntryAmount(models.Model):
    """What the group recommends for a report in one budget year, and the least that still makes sense."""

    entry = models.ForeignKey(RankingEntry, on_delete=models.CASCADE, related_name="amounts")
    budget_year = models.PositiveSmallIntegerField(_("budsjettår"))
    recommended = models.DecimalField(_("anbefalt beløp"), max_digits=12, decimal_places=0)
    minimum = models.DecimalField(_("minste beløp som gir mening"), max_digits=12, decimal_places=0)

    class Meta:
        verbose_name = _("anbefalt beløp")
        verbose_name_plural = _("anbefalte beløp")
        ordering = ["budget_year"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "budget_year"], name="entry_amount_unique_year"),
            models.CheckConstraint(
                condition=Q(minimum__gte=0) & Q(minimum__lte=F("recommended")), name="entry_amount_minimum_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_year}: {self.recommended}"


class MemberComment(TimeStampedModel):
    """A member's comment on a report, seen by the rest of the group."""

    report = models.ForeignKey("needs.NeedsReport", on_delete=models.CASCADE, related_name="member_comments")
    working_group = models.ForeignKey("organisations.WorkingGroup", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("kommentar"))

    class Meta:
        verbose_name = _("kommentar fra medlem")
        verbose_name_plural = _("kommentarer fra medlemmer")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"
