"""Recorded actions: append-only, written only through ``dekomp.activity.services.record``.

An event is never changed or deleted once written. The ORM refuses it here (``Event.save`` on an existing row,
``Event.delete``, and the queryset's ``update``/``delete``/``bulk_update``), and the database refuses it too:
migration ``0002_append_only`` adds triggers that abort any UPDATE or DELETE on the table, whoever sends it. The one
way round both is ``dekomp.activity.maintenance``, for the demo data that is rebuilt from its seed.
"""

from contextvars import ContextVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

# Set only by ``dekomp.activity.maintenance`` while it rewrites demo events; nothing else may touch it.
_maintenance: ContextVar[bool] = ContextVar("dekomp_activity_maintenance", default=False)


class EventImmutableError(Exception):
    """An attempt to change or delete a recorded event: the activity record is append-only."""

    def __init__(self, action: str) -> None:
        super().__init__(f"The activity record is append-only: an event cannot be {action}.")


def _refuse_unless_maintenance(action: str) -> None:
    if not _maintenance.get():
        raise EventImmutableError(action)


class EventQuerySet(models.QuerySet):
    """Events can be read and created, never updated or deleted in bulk."""

    def update(self, **kwargs: object) -> int:
        _refuse_unless_maintenance("updated")
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        _refuse_unless_maintenance("updated")
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse_unless_maintenance("deleted")
        return super().delete()

    def _raw_delete(self, using: str) -> int:
        _refuse_unless_maintenance("deleted")
        return super()._raw_delete(using)


class Event(models.Model):
    """One action by one actor on one object, with the changed fields and an optional comment.

    The actor stays a foreign key for good: anonymising a user changes the user's row, never the events.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utført av"),
    )
    verb = models.CharField(_("handling"), max_length=40)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    changes = models.JSONField(_("endringer"), default=dict, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)
    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("hendelse")
        verbose_name_plural = _("hendelser")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            _refuse_unless_maintenance("updated")
        else:
            # Never an UPDATE disguised as a save with a known primary key: a new event is always an INSERT.
            kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        _refuse_unless_maintenance("deleted")
        return super().delete(*args, **kwargs)


class JobStatus(models.TextChoices):
    """Where a piece of background work is."""

    QUEUED = "i_ko", _("venter på tur")
    RUNNING = "pagar", _("pågår")
    DONE = "ferdig", _("ferdig")
    FAILED = "feilet", _("stoppet med feil")


class Job(models.Model):
    """Long work done by the task worker (letters, batch decisions, large files), followed on its own page.

    One job per token, so a double click starts it once. ``done`` and ``failures`` grow as the worker goes; each
    failure names the item and why, and a retry starts a new job for what is still not done.
    """

    kind = models.CharField(_("type"), max_length=40)
    title = models.CharField(_("tittel"), max_length=200)
    office = models.ForeignKey(
        "organisations.Office", on_delete=models.PROTECT, related_name="jobs", verbose_name=_("embete")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs", verbose_name=_("startet av")
    )
    token = models.UUIDField(unique=True)
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failures = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    back_url = models.CharField(max_length=300, blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    # A file the job made (a PDF, a workbook), downloaded from the job's page by those who follow the job.
    file = models.FileField(upload_to="jobber/%Y/", max_length=300, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bakgrunnsjobb")
        verbose_name_plural = _("bakgrunnsjobber")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "office", "status"], name="job_kind_office_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * (self.done + len(self.failures)) / self.total) if self.total else 100


class Notice(models.Model):
    """A notification sent to one person once: its kind and what it is about (a round, a report).

    The unique row is the record that a daily run (``dekomp.activity.notify.claim``) has sent it, so a second run,
    or two at once, never sends it again.
    """

    kind = models.CharField(_("type"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notices", verbose_name=_("mottaker")
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    sent_at = models.DateTimeField(_("sendt"), auto_now_add=True)

    class Meta:
        verbose_name = _("varsel")
        verbose_name_plural = _("varsler")
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "user", "target_type", "target_id"], name="notice_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_type_id}:{self.target_id} → {self.user_id}"
