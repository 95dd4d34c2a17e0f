"""Background work for recipients' reports: reminders, requests for more, and notices of settled unused money.

Every e-mail goes to the recipient organisation's address and its submitters, in the organisation's målform, through
the e-mail outbox (kept until the mail server takes it).
"""

from django_tasks import task

from dekomp.activity import notify
from dekomp.organisations.selectors import organisation_addresses

from .models import RecipientReport, Reminder, Settlement


def _report_url(report: RecipientReport, name: str) -> str:
    """The page's address, absolute from ``DEKOMP_SITE_URL`` (e-mails are read outside the site)."""
    return notify.url(name, report.pk)


def _send(
    *, report: RecipientReport, template: str, recipients: list[str], context: dict, key: str | None = None
) -> None:
    """Render ``reporting/email/<template>{_subject,}.txt`` in the recipient's målform and send it (``notify``).

    ``key`` names the e-mail in the outbox, so a task run twice sends it once.
    """
    notify.send(
        template=f"reporting/email/{template}",
        language=notify.language_of(report.recipient),
        to=recipients,
        context={
            "report": report,
            "decision": report.line.decision,
            "needs_report": report.line.decision.report,
            "office": report.line.decision.report.round.office,
            "edit_url": _report_url(report, "reporting:edit"),
            "detail_url": _report_url(report, "reporting:detail"),
            **context,
        },
        key=key,
    )


def _report(pk: int) -> RecipientReport:
    return RecipientReport.objects.select_related(
        "recipient", "line__decision__report__round__office", "line__decision__report__scheme"
    ).get(pk=pk)


@task()
def send_report_reminder(reminder_id: int) -> None:
    """E-mail a reminder before the reporting deadline, or that it has passed, to the addresses it was made for."""
    reminder = Reminder.objects.get(pk=reminder_id)
    report = _report(reminder.report_id)
    _send(
        report=report,
        template=f"reminder_{reminder.kind}",
        recipients=list(reminder.recipients),
        context={"reminder": reminder},
        key=f"reporting.reminder:{reminder.pk}",
    )


@task()
def send_more_requested(report_id: int, event_id: int | None = None) -> None:
    """Tell the recipient the office wants more in the report, with the office's comment (once per request)."""
    from dekomp.activity.models import Event

    report = _report(report_id)
    event = Event.objects.filter(pk=event_id).first() if event_id else None
    _send(
        report=report,
        template="more_requested",
        recipients=organisation_addresses([report.recipient])[report.recipient_id],
        context={"comment": event.comment if event else report.office_comment},
        key=f"reporting.more_requested:{event.pk}" if event else None,
    )


@task()
def send_settlement_notice(settlement_id: int) -> None:
    """Notify the recipient of the decision on its unused money: a repayment claim, or money carried over."""
    settlement = Settlement.objects.select_related("carried_to").get(pk=settlement_id)
    report = _report(settlement.report_id)
    _send(
        report=report,
        template=f"settlement_{settlement.kind}",
        recipients=organisation_addresses([report.recipient])[report.recipient_id],
        context={"settlement": settlement},
        key=f"reporting.settlement:{settlement.pk}",
    )
