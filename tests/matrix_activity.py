"""Permission-matrix cases for the audit trail's pages (joined into MATRIX by test_permission_matrix).

Only the office's admins read its log: caseworkers and the secretariat (also office staff) do not, nor do national
readers or the other office's caseworker.
"""

from tests.matrix import OFFICE_STAFF, Case, logged_in, only

ADMIN_ONLY = {"GET": only("office_admin"), "POST": logged_in(405)}

CASES: dict[str, Case] = {
    "activity:report": Case(lambda w: [w.report.pk], ADMIN_ONLY),
    "activity:round": Case(lambda w: [w.round.pk], ADMIN_ONLY),
    "activity:round_csv": Case(lambda w: [w.round.pk], ADMIN_ONLY),
    # The caseworker holds a role at the admin's office, so the admin may read what they did there.
    "activity:user": Case(lambda w: [w.users["caseworker"].pk], ADMIN_ONLY),
}


def _job(world):
    """A background job the caseworker started at the office (made once)."""
    import uuid

    from dekomp.activity.jobs import job_start
    from dekomp.activity.models import Job

    existing = Job.objects.filter(office=world.office).first()
    if existing:
        return existing
    job, _created = job_start(
        by=world.users["caseworker"],
        kind="decisions.letters",
        title="Vedtaksbrev",
        office_id=world.office.pk,
        token=uuid.uuid4(),
        total=3,
        back_url="/",
        parameters={"round": world.round.pk},
    )
    from dekomp.activity.jobs import job_store_file

    job_store_file(job, name="innstilling.pdf", content=b"%PDF-1.7\n")
    return job


# A job's progress: whoever started it and the staff of its office; nobody at another office.
CASES["jobs:detail"] = Case(lambda w: [_job(w).pk], {"GET": only(*OFFICE_STAFF), "POST": logged_in(405)})
CASES["jobs:file"] = Case(lambda w: [_job(w).pk], {"GET": only(*OFFICE_STAFF), "POST": logged_in(405)})
