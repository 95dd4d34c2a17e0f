"""Background jobs' files: kept a while for a second download, then removed by the daily command."""

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from dekomp.activity.jobs import FILE_DAYS, job_finish, job_start, job_store_file
from dekomp.activity.models import Job

pytestmark = pytest.mark.django_db


def finished_job(world, *, days_ago: int) -> Job:
    job, _created = job_start(
        by=world.users["caseworker"],
        kind="needs.export",
        title="Eksport",
        office_id=world.office.pk,
        token=uuid.uuid4(),
        total=1,
        back_url="/",
    )
    job_store_file(job, name="behovsmeldinger.csv", content=b"Referanse;Tiltak\r\n")
    job = job_finish(job)
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=days_ago))
    return Job.objects.get(pk=job.pk)


def test_old_job_files_are_removed_and_new_ones_kept(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    old, recent = finished_job(world, days_ago=FILE_DAYS + 1), finished_job(world, days_ago=FILE_DAYS - 1)
    old_path, recent_path = old.file.path, recent.file.path
    out = StringIO()
    call_command("remove_old_job_files", stdout=out)
    assert out.getvalue().strip() == "1 job file(s) removed."
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.file.name, old.file_name, old.title) == ("", "", "Eksport")  # the job stays, its file goes
    assert recent.file.name and recent.file_name == "behovsmeldinger.csv"
    assert not (tmp_path / old_path).exists() and (tmp_path / recent_path).exists()
    call_command("remove_old_job_files", "--days", "0", stdout=out)
    recent.refresh_from_db()
    assert not recent.file
