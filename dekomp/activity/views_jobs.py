"""A background job's page: its progress (n of N, polled while it runs), the result and the items that failed."""

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Job
from .permissions import can_follow_job


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress; htmx asks again every two seconds until it is finished (without htmx, reload)."""
    job = get_object_or_404(Job.objects.select_related("created_by", "office"), pk=pk)
    if not can_follow_job(request.user, job):
        raise PermissionDenied
    return render(
        request,
        "activity/job.html",
        {"job": job, "retry_url": job.parameters.get("retry_url", ""), "retry_token": uuid.uuid4()},
    )


@login_required
@require_GET
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    """The file the job made, for those who follow the job."""
    job = get_object_or_404(Job, pk=pk)
    if not can_follow_job(request.user, job):
        raise PermissionDenied
    if not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name or None)
