"""Background work for the forum: the recommendation as PDF, made off the request path (it takes seconds)."""

from django_tasks import task

# The kind of background job (dekomp.activity.jobs) that makes a recommendation's PDF.
PDF_JOB = "allocation.pdf"


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
