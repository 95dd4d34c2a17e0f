"""Background jobs with progress: started from a page, run by the task worker, followed on the job's page.

The page that starts long work calls ``job_start`` (one job per token: a double click starts it once) and enqueues
a task with the job's id; the task reports each item with ``job_item_done`` / ``job_item_failed`` and ends with
``job_finish``. Each call is its own short write, so the page sees progress while the work goes on.
"""

import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dekomp.accounts.models import User

from .models import Job, JobStatus

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


def job_start(
    *,
    by: User,
    kind: str,
    title: str,
    office_id: int,
    token: uuid.UUID,
    total: int,
    back_url: str,
    parameters: dict | None = None,
) -> tuple[Job, bool]:
    """The job for this token, made now (True) or by an earlier click with the same token (False)."""
    return Job.objects.get_or_create(
        token=token,
        defaults={
            "kind": kind,
            "title": title[:200],
            "office_id": office_id,
            "created_by": by,
            "total": total,
            "back_url": back_url,
            "parameters": parameters or {},
        },
    )


def active_job(*, kind: str, office_id: int, **parameters: object) -> Job | None:
    """The newest job of this kind still queued or running at the office for these parameters, if any."""
    jobs = Job.objects.filter(kind=kind, office_id=office_id, status__in=ACTIVE)
    for key, value in parameters.items():
        jobs = jobs.filter(**{f"parameters__{key}": value})
    return jobs.order_by("-created_at", "-pk").first()


def latest_job(*, kind: str, office_id: int, **parameters: object) -> Job | None:
    """The newest job of this kind at the office for these parameters, whatever its status."""
    jobs = Job.objects.filter(kind=kind, office_id=office_id)
    for key, value in parameters.items():
        jobs = jobs.filter(**{f"parameters__{key}": value})
    return jobs.order_by("-created_at", "-pk").first()


def finished_files(*, kind: str, office_id: int, key: str) -> dict[object, Job]:
    """The newest finished job with a file per value of ``parameters[key]``, for the pages that offer the files."""
    jobs = Job.objects.filter(kind=kind, office_id=office_id, status=JobStatus.DONE).exclude(file="")
    newest: dict[object, Job] = {}
    for job in jobs.order_by("created_at", "pk"):
        newest[job.parameters.get(key)] = job
    return newest


def job_running(job: Job, *, total: int | None = None) -> None:
    """The worker has started the job (and knows how many items it has)."""
    values: dict = {"status": JobStatus.RUNNING, "started_at": timezone.now()}
    if total is not None:
        values["total"] = total
    Job.objects.filter(pk=job.pk).update(**values)


def job_item_done(job: Job, count: int = 1) -> None:
    """``count`` more items are done."""
    Job.objects.filter(pk=job.pk).update(done=F("done") + count)


def job_item_failed(job: Job, *, label: str, error: str) -> None:
    """One item failed: which, and why (in words the office can act on)."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        locked.failures = [*locked.failures, {"label": label[:300], "error": error[:1000]}]
        locked.save(update_fields=["failures"])


def job_store_file(job: Job, *, name: str, content: bytes) -> None:
    """Keep the file the job made, under the name it is downloaded as."""
    from django.core.files.base import ContentFile

    job.file.save(name, ContentFile(content), save=False)
    job.file_name = name[:200]
    Job.objects.filter(pk=job.pk).update(file=job.file.name, file_name=job.file_name)


def job_finish(job: Job, *, result_url: str = "", error: str = "") -> Job:
    """The job is over: done, or failed when an item or the whole job failed."""
    job.refresh_from_db()
    job.status = JobStatus.FAILED if (error or job.failures) else JobStatus.DONE
    job.error = error[:2000]
    job.result_url = result_url or job.result_url
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "result_url", "finished_at"])
    return job


# How long a finished job's file is kept: long enough to download it again, short of keeping copies of the
# office's data in files nobody looks after (docs/privacy.md, "Background jobs").
FILE_DAYS = 30


def jobs_remove_old_files(*, days: int = FILE_DAYS) -> int:
    """Delete the files of jobs finished more than ``days`` days ago (the job and its record stay). How many."""
    cutoff = timezone.now() - timedelta(days=days)
    removed = 0
    for job in Job.objects.filter(finished_at__lt=cutoff).exclude(file=""):
        job.file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(file="", file_name="")
        removed += 1
    return removed
