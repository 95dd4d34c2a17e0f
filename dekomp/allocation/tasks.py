"""Background work for the forums: the recommendation as PDF (it takes seconds), and the reminder of the forum's
meeting (through the e-mail outbox)."""

from django_tasks import task

from dekomp.activity import notify
from dekomp.activity.models import Notice
from dekomp.organisations.models import Forum
from dekomp.schemes.models import Round

# The kind of background job (dekomp.activity.jobs) that makes a recommendation's PDF.
PDF_JOB = "allocation.pdf"


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


@task()
def recommendation_pdf_job(job_id: int) -> int:
    """Render one version of the recommendation as PDF and keep it on the job, for the job's page to offer."""
    from dekomp.activity.jobs import job_finish, job_item_done, job_running, job_store_file
    from dekomp.activity.models import Job

    from . import selectors
    from .models import Recommendation
    from .pdf import recommendation_pdf

    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return job.done
    job_running(job)
    recommendation = Recommendation.objects.select_related("forum", "round").get(pk=job.parameters["recommendation"])
    try:
        workspace = selectors.workspace(
            forum=recommendation.forum, round=recommendation.round, recommendation=recommendation
        )
        content = recommendation_pdf(workspace)
    except Exception as error:
        return job_finish(job, error=str(error) or error.__class__.__name__).done
    name = f"innstilling-{recommendation.round.year}-v{recommendation.number}.pdf"
    job_store_file(job, name=name, content=content)
    job_item_done(job)
    return job_finish(job).done
