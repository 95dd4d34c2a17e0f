"""Abstract base models shared by the apps, and the e-mail outbox."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """A model that records when it was created and last changed."""

    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)

    class Meta:
        abstract = True


class OutboxStatus(models.TextChoices):
    """Where an e-mail in the outbox is: waiting (also after a failed attempt), being sent, sent, or given up."""

    PENDING = "venter", _("venter")
    SENDING = "sendes", _("sendes")
    SENT = "sendt", _("sendt")
    FAILED = "gitt_opp", _("gitt opp")


class OutboxMessage(TimeStampedModel):
    """An e-mail kept until the mail server has taken it: stored first, sent now if possible, else retried later.

    ``dekomp.core.outbox`` is the only writer. The message is kept after it is sent, as a record of what went out.
    """

    key = models.CharField(
        _("nøkkel"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Hindrer at den samme e-posten legges i utboksen to ganger."),
    )
    subject = models.TextField(_("emne"))
    body = models.TextField(_("tekst"))
    from_email = models.CharField(_("avsender"), max_length=254)
    to = models.JSONField(_("til"), default=list)
    cc = models.JSONField(_("kopi"), default=list, blank=True)
    bcc = models.JSONField(_("blindkopi"), default=list, blank=True)
    reply_to = models.JSONField(_("svar til"), default=list, blank=True)
    headers = models.JSONField(_("meldingshoder"), default=dict, blank=True)
    attachments = models.JSONField(_("vedlegg"), default=list, blank=True)
    alternatives = models.JSONField(_("alternative versjoner"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(_("forsøk"), default=0)
    next_attempt_at = models.DateTimeField(_("neste forsøk"), default=timezone.now)
    claimed_at = models.DateTimeField(_("sending startet"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    last_error = models.TextField(_("siste feil"), blank=True)

    class Meta:
        verbose_name = _("e-post i utboksen")
        verbose_name_plural = _("utboksen (e-post)")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
