"""A person's own data: the download of everything kept about them, and anonymisation across every stage.

This lives in ``home``, the last app, because it reads and scrubs what every stage keeps about a person; the early
``accounts`` app holds only the account's part (``dekomp.accounts.privacy``). The list of what is kept, and why,
is docs/privacy.md; ``EXPORT`` below must name every foreign key to the user (a test checks it).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from dekomp.accounts.models import (
    ForumMembership,
    OfficeMembership,
    OrganisationMembership,
    TwoFactorDevice,
    User,
    WorkingGroupMembership,
)
from dekomp.accounts.privacy import account_anonymise, anonymise_problems, can_anonymise_user
from dekomp.activity.models import Event, Job, Notice
from dekomp.activity.services import record
from dekomp.allocation.models import (
    AllocationRun,
    Attendance,
    EnvelopeKey,
    LongTermPlan,
    Recommendation,
    RecommendationLine,
    Vote,
)
from dekomp.assessment.models import Interest, MemberComment, Ranking, Reassignment, Recusal
from dekomp.core.models import OutboxMessage
from dekomp.decisions.models import Appeal, Decision, DecisionBatch
from dekomp.needs.models import Attachment, CoOwner, NeedsReport, ReportPartner, Submission
from dekomp.payouts.models import Payout, PayoutBatch
from dekomp.reporting.models import RecipientReport, Reminder, Settlement
from dekomp.schemes.models import DeadlineExtension

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Section:
    """One part of the download: rows of ``model`` linked to the person through ``lookups`` (any of them), with
    the listed fields (Django lookups, so related names cost no extra query)."""

    key: str
    model: type[models.Model]
    lookups: tuple[str, ...]
    fields: tuple[str, ...]
    by_email: Callable[[User], Q] | None = field(default=None)

    def queryset(self, user: User) -> models.QuerySet:
        condition = Q()
        for lookup in self.lookups:
            condition |= Q(**{lookup: user})
        if self.by_email is not None:
            condition |= self.by_email(user)
        return self.model.objects.filter(condition).order_by("pk").values("pk", *self.fields)


REPORT = ("report__round__year", "report__number", "report__title")

EXPORT: tuple[Section, ...] = (
    # accounts
    Section(
        "organisation_memberships",
        OrganisationMembership,
        ("user",),
        ("organisation__name", "organisation__orgnr", "role", "created_at"),
    ),
    Section(
        "working_group_memberships",
        WorkingGroupMembership,
        ("user",),
        ("working_group__name", "role", "representing__name", "created_at"),
    ),
    Section(
        "forum_memberships", ForumMembership, ("user",), ("forum__name", "role", "representing__name", "created_at")
    ),
    Section("office_memberships", OfficeMembership, ("user",), ("office__name", "role", "created_at")),
    # Whether an authenticator app is set up, never its secret.
    Section("two_factor_device", TwoFactorDevice, ("user",), ("created_at", "confirmed_at", "locked_until")),
    # schemes
    Section(
        "deadline_extensions_granted",
        DeadlineExtension,
        ("granted_by",),
        ("round__name", "owner__name", "deadline", "reason", "created_at"),
    ),
    # needs
    Section(
        "needs_reports_created_or_declared",
        NeedsReport,
        ("created_by", "declared_by"),
        ("round__year", "number", "title", "owner__name", "status", "created_at", "declared_at", "submitted_at"),
    ),
    Section(
        "partner_contact_for",
        ReportPartner,
        (),
        (*REPORT, "organisation__name", "contact_name", "contact_email"),
        by_email=lambda user: Q(contact_email__iexact=user.email),
    ),
    Section(
        "partner_answers",
        ReportPartner,
        ("answered_by",),
        (*REPORT, "organisation__name", "status", "comment", "answered_at"),
    ),
    Section(
        "co_owner_answers",
        CoOwner,
        ("answered_by",),
        (*REPORT, "organisation__name", "status", "comment", "answered_at"),
    ),
    Section("attachments_uploaded", Attachment, ("uploaded_by",), (*REPORT, "original_name", "size", "uploaded_at")),
    Section("submissions", Submission, ("submitted_by",), (*REPORT, "number", "submitted_at")),
    # assessment
    Section("interests_declared", Interest, ("user",), ("organisation__name", "description", "created_at")),
    Section("recusals_declared", Recusal, ("user",), (*REPORT, "reason", "created_at")),
    Section("reassignments", Reassignment, ("moved_by",), (*REPORT, "working_group__name", "reason", "created_at")),
    Section("rankings_submitted", Ranking, ("submitted_by",), ("round__name", "working_group__name", "submitted_at")),
    Section("member_comments", MemberComment, ("author",), (*REPORT, "working_group__name", "text", "created_at")),
    # allocation
    Section("envelope_keys_set", EnvelopeKey, ("set_by",), ("round__name", "scheme__short_name", "kind", "created_at")),
    Section("allocation_runs", AllocationRun, ("run_by",), ("round__name", "scheme__short_name", "mode", "created_at")),
    Section("recommendations_approved", Recommendation, ("approved_by",), ("round__name", "number", "approved_at")),
    Section(
        "recommendation_lines_changed",
        RecommendationLine,
        ("changed_by",),
        (*REPORT, "budget_year", "proposed", "amount", "justification"),
    ),
    Section("meeting_attendance", Attendance, ("user",), ("meeting__forum__name", "meeting__held_at", "is_present")),
    Section("votes", Vote, ("user",), ("meeting__forum__name", "meeting__held_at", *REPORT, "choice")),
    Section("long_term_plans_uploaded", LongTermPlan, ("uploaded_by",), ("round__name", "original_name", "created_at")),
    # decisions
    Section(
        "decision_batches", DecisionBatch, ("created_by", "decided_by"), ("round__name", "created_at", "decided_at")
    ),
    Section(
        "decisions_decided_or_accepted",
        Decision,
        ("decided_by", "accepted_by"),
        (*REPORT, "outcome", "status", "decided_at", "accepted_at"),
    ),
    Section(
        "appeals_registered",
        Appeal,
        ("registered_by",),
        ("decision__report__round__year", "decision__report__number", "received_at", "grounds", "status"),
    ),
    # payouts
    Section(
        "payout_batches",
        PayoutBatch,
        ("created_by", "paid_by"),
        ("office__name", "budget_year", "number", "status", "paid_at"),
    ),
    Section(
        "payouts_released",
        Payout,
        ("released_by",),
        ("recipient__name", "amount", "release_reason", "released_at"),
    ),
    # reporting
    Section(
        "recipient_reports_submitted_or_approved",
        RecipientReport,
        ("submitted_by", "approved_by"),
        ("recipient__name", "budget_year", "status", "submitted_at", "approved_at"),
    ),
    Section(
        "settlements_decided", Settlement, ("decided_by",), ("report__recipient__name", "kind", "amount", "reason")
    ),
    Section(
        "reminders_received",
        Reminder,
        (),
        ("report__recipient__name", "report__budget_year", "kind", "sent_at"),
        by_email=lambda user: Q(pk__in=_json_mentions(Reminder, "recipients", user.email)),
    ),
    # reminders the person got (the record that each went out once; the e-mails themselves are below)
    Section("notices_received", Notice, ("user",), ("kind", "target_type__model", "target_id", "sent_at")),
    # e-mails to the person (the outbox keeps what went out)
    Section(
        "emails_received",
        OutboxMessage,
        (),
        ("subject", "body", "status", "created_at", "sent_at"),
        by_email=lambda user: Q(pk__in=_outbox_mentions(user.email)),
    ),
    # logins and failed logins with the person's address (django-axes: the lockout and the login record)
    *(
        Section(
            key,
            model,
            (),
            ("attempt_time", "ip_address", "user_agent", "path_info"),
            by_email=lambda user: Q(username__iexact=user.email),
        )
        for key, model in (
            ("logins", AccessLog),
            ("failed_logins", AccessFailureLog),
            ("login_lockout_counts", AccessAttempt),
        )
    ),
    # the activity record and the admin's history
    Section(
        "activity",
        Event,
        ("actor",),
        ("verb", "target_type__app_label", "target_type__model", "target_id", "changes", "comment", "at"),
    ),
    Section("background_jobs", Job, ("created_by",), ("kind", "title", "status", "total", "done", "created_at")),
    Section(
        "admin_history",
        LogEntry,
        ("user",),
        ("action_time", "content_type__model", "object_id", "object_repr", "action_flag", "change_message"),
    ),
)


def _json_mentions(model: type[models.Model], field_name: str, text: str) -> models.QuerySet:
    """Primary keys of rows whose JSON field mentions ``text`` (as JSON text; works on SQLite and PostgreSQL)."""
    return model.objects.annotate(_as_text=Cast(field_name, TextField())).filter(_as_text__contains=text).values("pk")


def _outbox_mentions(email: str) -> models.QuerySet:
    """Outbox messages with the address among their recipients (to, cc or bcc)."""
    names = ("to", "cc", "bcc")
    texts = {f"_{name}_text": Cast(name, TextField()) for name in names}
    condition = Q()
    for key in texts:
        condition |= Q(**{f"{key}__contains": email})
    return OutboxMessage.objects.annotate(**texts).filter(condition).values("pk")


def _scrub_outbox(*, old_name: str, old_email: str, new_name: str, new_email: str) -> int:
    """Replace the person's address among the recipients, and their name and address in the subject and text, of
    the e-mails kept in the outbox (attachments, such as decision letters, are left as sent)."""
    count = 0
    for message in OutboxMessage.objects.filter(pk__in=_outbox_mentions(old_email)):
        for name in ("to", "cc", "bcc"):
            setattr(message, name, [new_email if a == old_email else a for a in getattr(message, name)])
        for name in ("subject", "body"):
            text = getattr(message, name).replace(old_email, new_email)
            setattr(message, name, text.replace(old_name, new_name) if old_name else text)
        message.save(update_fields=["to", "cc", "bcc", "subject", "body"])
        count += 1
    return count


def _profile(user: User) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "language": user.language,
        "is_national_reader": user.is_national_reader,
        "is_active": user.is_active,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _readable(row: dict) -> dict:
    """Replace the raw report year and number with the human reference (``2027-0042``)."""
    for prefix in ("report__", "decision__report__"):
        year, number = row.pop(f"{prefix}round__year", None), row.pop(f"{prefix}number", None)
        if year is not None and number is not None:
            row["report_reference"] = f"{year}-{number:04d}"
    if "round__year" in row and "number" in row and "title" in row and "owner__name" in row:
        row["reference"] = f"{row.pop('round__year')}-{row.pop('number'):04d}"
    return row


def user_data_export(*, user: User) -> dict:
    """Everything the platform keeps about ``user`` and everything they did or wrote, as JSON-ready data (the
    "download my data" file); one query per section, never another person's rows."""
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "profile": _profile(user),
        **{section.key: [_readable(row) for row in section.queryset(user)] for section in EXPORT},
    }


def _scrub_partner_contacts(*, old_name: str, old_email: str, new_name: str, new_email: str) -> int:
    """Replace the person as partner contact (matched on their e-mail) in the reports and in the submitted
    versions' snapshots, where the contact appears as ``"Org: Name <email> (status)"``."""
    links = ReportPartner.objects.filter(contact_email__iexact=old_email)
    count = links.update(contact_name=new_name, contact_email=new_email)
    for submission in Submission.objects.filter(pk__in=_json_mentions(Submission, "snapshot", old_email)):
        partners = submission.snapshot.get("partners") or []
        submission.snapshot["partners"] = [
            entry.replace(f"<{old_email}>", f"<{new_email}>").replace(f": {old_name} <", f": {new_name} <")
            if isinstance(entry, str)
            else entry
            for entry in partners
        ]
        submission.save(update_fields=["snapshot"])
    return count


def _scrub_reminders(*, old_email: str, new_email: str) -> int:
    """Replace the person's address in the lists of who was reminded."""
    count = 0
    for reminder in Reminder.objects.filter(pk__in=_json_mentions(Reminder, "recipients", old_email)):
        reminder.recipients = [new_email if address == old_email else address for address in reminder.recipients]
        reminder.save(update_fields=["recipients"])
        count += 1
    return count


@transaction.atomic
def user_anonymise(*, user: User, by: User) -> User:
    """Anonymise a person for good: the account (name, address, phone, password, memberships) and the personal data
    later stages keep about them (partner contacts, declared interests' descriptions, reminder lists, the
    e-mail outbox, the login records).

    Every foreign key to the person stays, so the audit trail is whole: events are never rewritten (the table
    refuses it) and now show the anonymised name. Records the event ``user_anonymised`` with counts only.
    """
    subject = User.objects.select_for_update().get(pk=user.pk)
    if not can_anonymise_user(by, subject):
        raise PermissionDenied(_("Du kan ikke anonymisere denne brukeren."))
    problems = anonymise_problems(subject=subject)
    if problems:
        raise ValidationError(problems)
    old_name, old_email = subject.full_name, subject.email
    counts = account_anonymise(subject=subject)
    counts["partner_contacts"] = _scrub_partner_contacts(
        old_name=old_name, old_email=old_email, new_name=subject.full_name, new_email=subject.email
    )
    counts["interest_descriptions"] = (
        Interest.objects.filter(user=subject).exclude(description="").update(description="")
    )
    counts["reminder_lists"] = _scrub_reminders(old_email=old_email, new_email=subject.email)
    # The login record keeps its times and addresses under the anonymous address; lockout counters (which also keep
    # what was typed) are simply dropped: the account cannot log in any more.
    counts["login_records"] = sum(
        model.objects.filter(username__iexact=old_email).update(username=subject.email)
        for model in (AccessLog, AccessFailureLog)
    )
    AccessAttempt.objects.filter(username__iexact=old_email).delete()
    counts["outbox_messages"] = _scrub_outbox(
        old_name=old_name, old_email=old_email, new_name=subject.full_name, new_email=subject.email
    )
    record(actor=by, verb="user_anonymised", target=subject, changes=counts)
    return subject
