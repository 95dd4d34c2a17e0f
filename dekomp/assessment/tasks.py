"""Background work for the working groups: the reminder of the ranking deadline (through the e-mail outbox)."""

from django_tasks import task

from dekomp.activity import notify
from dekomp.activity.models import Notice
from dekomp.organisations.models import WorkingGroup
from dekomp.schemes.models import Round

from .selectors import reports_for_working_group


@task()
def send_ranking_reminder(notice_id: int, working_group_id: int, days: int) -> None:
    """E-mail one seat of the working group, in the person's language, that the ranking is due in ``days`` days."""
    notice = Notice.objects.select_related("user").get(pk=notice_id)
    round = Round.objects.select_related("office").get(pk=notice.target_id)
    working_group = WorkingGroup.objects.get(pk=working_group_id)
    language = notify.language_of(notice.user)
    notify.send(
        template="assessment/email/ranking_deadline",
        language=language,
        to=[notice.user.email],
        context={
            "user": notice.user,
            "round": round,
            "working_group": working_group,
            "count": reports_for_working_group(round=round, working_group=working_group).count(),
            "days": days,
            "deadline": round.working_group_deadline,
            "office_name": notify.office_name(round.office, language),
            "url": notify.url("assessment:board", round.pk, working_group.pk),
        },
        key=f"assessment.ranking_deadline:{notice.pk}",
    )
