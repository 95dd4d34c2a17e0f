"""Background work for the forums: the reminder of the forum's meeting (through the e-mail outbox)."""

from django_tasks import task

from dekomp.activity import notify
from dekomp.activity.models import Notice
from dekomp.organisations.models import Forum
from dekomp.schemes.models import Round


@task()
def send_meeting_reminder(notice_id: int, forum_id: int, days: int) -> None:
    """E-mail one seat of the forum, in the person's language, that the round's meeting is in ``days`` days."""
    notice = Notice.objects.select_related("user").get(pk=notice_id)
    round = Round.objects.select_related("office").get(pk=notice.target_id)
    forum = Forum.objects.get(pk=forum_id)
    language = notify.language_of(notice.user)
    notify.send(
        template="allocation/email/forum_meeting",
        language=language,
        to=[notice.user.email],
        context={
            "user": notice.user,
            "round": round,
            "forum": forum,
            "days": days,
            "meeting": round.forum_meeting,
            "office_name": notify.office_name(round.office, language),
            "url": notify.url("allocation:workspace", forum.pk, round.pk),
        },
        key=f"allocation.forum_meeting:{notice.pk}",
    )
