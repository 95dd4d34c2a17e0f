"""The forum's long-term plan: upload (checked, stored, recorded)."""

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from dekomp.accounts.models import User
from dekomp.activity.services import record
from dekomp.core.uploads import check_upload
from dekomp.organisations.models import Forum
from dekomp.schemes.models import Round

from .models import LongTermPlan
from .permissions import can_keep_minutes


def long_term_plan_upload(*, by: User, forum: Forum, round: Round, upload: UploadedFile) -> LongTermPlan:
    """The secretariat or the leader uploads the forum's long-term plan for a round, after the file is checked."""
    if not can_keep_minutes(by, forum):
        raise PermissionDenied
    checked = check_upload(upload)
    plan = LongTermPlan(forum=forum, round=round, original_name=checked.name, uploaded_by=by)
    upload.seek(0)
    plan.file.save(checked.name, upload, save=False)
    try:
        with transaction.atomic():
            plan.save()
            record(actor=by, verb="plan_uploaded", target=plan, changes={"round": round.pk, "file": checked.name})
    except BaseException:
        plan.file.delete(save=False)  # nothing was saved: remove the stored file too
        raise
    return plan
