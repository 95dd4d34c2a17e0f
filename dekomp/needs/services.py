"""Writes to needs reports. Each service checks permission, the deadline and the version, writes in one
transaction and records what it did. Validation errors are keyed by form field so views show them in place."""

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dekomp.accounts.models import User
from dekomp.activity.models import Event
from dekomp.activity.services import record
from dekomp.core.formatting import format_nok
from dekomp.core.uploads import check_upload
from dekomp.organisations.models import Organisation, Region, Unit
from dekomp.schemes.models import ActivityType, DeadlineExtension, Round, RoundStatus, Scheme, Theme
from dekomp.schemes.selectors import deadline_for

from . import snapshot
from .models import (
    TRANSITIONS,
    Attachment,
    BudgetLine,
    CheckBatch,
    ConfirmationStatus,
    CoOwner,
    NeedsReport,
    OwnContribution,
    ReportPartner,
    Status,
    Submission,
    TargetGroup,
)
from .permissions import (
    can_answer_as_co_owner,
    can_answer_as_partner,
    can_check_report,
    can_create_report,
    can_edit_report,
    can_withdraw_report,
)

MAX_LINE_AMOUNT = Decimal(20_000_000)  # more than any one recipient gets in a year: an absurd amount above
MAX_STAFF_REACHED = 100_000


class StaleVersionError(ValidationError):
    """Someone saved the report after this user opened it."""


@dataclass(frozen=True)
class BudgetInput:
    """One recipient's amount (and coordinator share) in one budget year."""

    budget_year: int
    recipient_id: int
    amount: Decimal
    coordinator_amount: Decimal = Decimal(0)


# ---------------------------------------------------------------------------------------------- helpers


def _fmt(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def deadline_passed(report: NeedsReport, now=None) -> bool:
    """True when the owner's deadline (in Europe/Oslo time, as stored) has passed; returned reports stay open."""
    if report.status == Status.RETURNED:
        return False
    deadline = deadline_for(round=report.round, owner=report.owner)
    return deadline is not None and (now or timezone.now()) > deadline


# A first submission needs the round open (or closed, for an owner it was reopened for); a report the office
# returned for changes can come back until the working groups' ranking is over.
SUBMITTING_ROUND_STATUSES = (RoundStatus.OPEN, RoundStatus.CLOSED)
RESUBMITTING_ROUND_STATUSES = (RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.ASSESSMENT)


def round_accepts(report: NeedsReport) -> bool:
    """True when the report's round takes it in now, by the round's status (the deadline is checked apart)."""
    status = report.round.status
    if report.status == Status.RETURNED:
        return status in RESUBMITTING_ROUND_STATUSES
    if status == RoundStatus.CLOSED:
        return DeadlineExtension.objects.filter(round_id=report.round_id, owner_id=report.owner_id).exists()
    return status in SUBMITTING_ROUND_STATUSES


def _locked_for_update(report: NeedsReport, expected_version: int | None) -> NeedsReport:
    locked = (
        NeedsReport.objects.select_for_update().select_related("round__office", "scheme", "owner").get(pk=report.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersionError(
            _(
                "Behovsmeldingen er lagret av noen andre etter at du åpnet den. Det du skrev her er ikke lagret: "
                "kopier teksten din, last siden på nytt og legg inn endringene igjen."
            ),
            code="stale",
        )
    return locked


def _edit(
    *, by: User, report: NeedsReport, expected_version: int, verb: str, apply: Callable[[NeedsReport], dict]
) -> NeedsReport:
    """The one way a report's content changes: permission, lock, version, deadline, apply, bump, record."""
    with transaction.atomic():
        locked = _locked_for_update(report, expected_version)
        if not can_edit_report(by, locked):
            raise PermissionDenied
        if deadline_passed(locked):
            deadline = deadline_for(round=locked.round, owner=locked.owner)
            raise ValidationError(
                _(
                    "Fristen for %(owner)s gikk ut %(deadline)s. Behovsmeldingen er låst; kontakt Statsforvalteren "
                    "hvis dere trenger å få åpnet den igjen."
                )
                % {"owner": locked.owner.name, "deadline": _fmt(deadline)},
                code="deadline",
            )
        changes = apply(locked)
        locked.version += 1
        locked.save()
        record(actor=by, verb=verb, target=locked, changes=changes)
    report.refresh_from_db()
    return report


def _changed(report: NeedsReport, values: dict) -> dict:
    """Set scalar fields and return {field: [old, new]} for those that changed."""
    changes = {}
    for field, value in values.items():
        old = getattr(report, field)
        if old != value:
            changes[field] = [_plain(old), _plain(value)]
            setattr(report, field, value)
    return changes


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def _set_m2m(manager, objects: Iterable, name: str, changes: dict) -> None:
    new = {obj.pk for obj in objects}
    old = set(manager.values_list("pk", flat=True))
    if new != old:
        manager.set(list(objects))
        changes[name] = [sorted(old), sorted(new)]


def _ask_to_confirm(links: Iterable[ReportPartner | CoOwner]) -> None:
    """Once the transaction commits, e-mail each newly named partner or co-owner that it is asked to confirm."""
    from .tasks import send_confirmation_request

    for link in links:
        kind = "partner" if isinstance(link, ReportPartner) else "co_owner"
        transaction.on_commit(partial(send_confirmation_request.enqueue, kind, link.pk))


# ---------------------------------------------------------------------------------------------- create, copy


def needs_report_create(*, by: User, round: Round, scheme: Scheme, owner: Organisation, title: str) -> NeedsReport:
    """Start a draft for an owner in an open round and one of its schemes."""
    if not can_create_report(by, owner):
        raise PermissionDenied
    errors = {}
    if round.status != RoundStatus.OPEN:
        errors["round"] = _("Runden «%(round)s» er ikke åpen for behovsmeldinger.") % {"round": round.name}
    elif not round.schemes.filter(pk=scheme.pk).exists():
        errors["scheme"] = _("Ordningen %(scheme)s er ikke med i denne runden.") % {"scheme": scheme.short_name}
    elif owner.kind not in scheme.eligible_owner_kinds:
        errors["scheme"] = _("%(owner)s kan ikke melde behov i %(scheme)s.") % {
            "owner": owner.get_kind_display().capitalize(),
            "scheme": scheme.short_name,
        }
    if not (title or "").strip():
        errors["title"] = _("Gi tiltaket et navn.")
    if not round.office.counties.filter(pk=(owner.county_id or owner.municipality.county_id)).exists():
        errors["round"] = _("Runden hører til et annet embete enn deres.")
    if errors:
        raise ValidationError(errors)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                number = (NeedsReport.objects.filter(round=round).aggregate(n=Max("number"))["n"] or 0) + 1
                report = NeedsReport.objects.create(
                    round=round,
                    scheme=scheme,
                    owner=owner,
                    number=number,
                    title=title.strip()[:200],
                    created_by=by,
                    region=owner.regions.filter(office=round.office).first(),
                )
                record(actor=by, verb="created", target=report)
                return report
        except IntegrityError:
            continue  # another report took the number at the same moment: take the next
    raise ValidationError(_("Kunne ikke opprette behovsmeldingen akkurat nå. Prøv igjen."))


def needs_report_copy(*, by: User, source: NeedsReport, round: Round, scheme: Scheme | None = None) -> NeedsReport:
    """Start a new draft from one of the owner's earlier reports: its texts, units, partners and budget shape."""
    report = needs_report_create(
        by=by, round=round, scheme=scheme or source.scheme, owner=source.owner, title=source.title
    )
    shift = round.first_budget_year - source.round.first_budget_year
    with transaction.atomic():
        for field in (
            "target_groups",
            "staff_reached",
            "need",
            "analysis",
            "goals",
            "collective",
            "evaluation",
            "local_plan",
            "years",
            "egenandel_form",
        ):
            setattr(report, field, getattr(source, field))
        report.region = source.region if source.region and source.region.office_id == round.office_id else report.region
        report.copied_from = source
        report.save()
        report.units.set(source.units.all())
        report.themes.set(source.themes.filter(rounds=round))
        report.activity_types.set(source.activity_types.filter(rounds=round))
        named = [
            ReportPartner.objects.create(
                report=report,
                organisation=link.organisation,
                contact_name=link.contact_name,
                contact_email=link.contact_email,
            )
            for link in source.partner_links.all()
        ]
        named += [
            CoOwner.objects.create(report=report, organisation=link.organisation)
            for link in source.co_owner_links.all()
        ]
        _ask_to_confirm(named)
        BudgetLine.objects.bulk_create(
            BudgetLine(
                report=report,
                budget_year=line.budget_year + shift,
                recipient=line.recipient,
                amount=line.amount,
                coordinator_amount=line.coordinator_amount,
            )
            for line in source.budget_lines.all()
        )
        OwnContribution.objects.bulk_create(
            OwnContribution(report=report, budget_year=c.budget_year + shift, amount=c.amount)
            for c in source.contributions.all()
        )
        record(actor=by, verb="copied", target=report, changes={"copied_from": source.pk})
    return report


# ---------------------------------------------------------------------------------------------- the steps


def needs_report_save_basics(
    *,
    by: User,
    report: NeedsReport,
    expected_version: int,
    title: str,
    region: Region | None,
    co_owners: list[Organisation],
) -> NeedsReport:
    """Step 1: the measure's name, the region and, for a network, the co-owners."""

    def apply(locked: NeedsReport) -> dict:
        errors = {}
        if not title.strip():
            errors["title"] = _("Gi tiltaket et navn.")
        # Fuzzing found this: a title over the column's 200 characters was saved as it was (DataError on
        # PostgreSQL, an invalid row on SQLite); the form limits it, the service did not.
        elif len(title.strip()) > NeedsReport._meta.get_field("title").max_length:
            errors["title"] = _("Navnet på tiltaket kan ha høyst 200 tegn.")
        if region is not None and region.office_id != locked.round.office_id:
            errors["region"] = _("Regionen hører ikke til embetet som har runden.")
        bad = [o.name for o in co_owners if not o.is_owner or o.pk == locked.owner_id]
        if bad:
            errors["co_owners"] = _("Dette kan ikke være medeier: %(names)s.") % {"names": ", ".join(bad)}
        if errors:
            raise ValidationError(errors)
        changes = _changed(locked, {"title": title.strip(), "region": region})
        existing = {link.organisation_id: link for link in locked.co_owner_links.all()}
        wanted = {o.pk for o in co_owners}
        if set(existing) != wanted:
            CoOwner.objects.filter(report=locked).exclude(organisation__in=wanted).delete()
            CoOwner.objects.bulk_create(
                CoOwner(report=locked, organisation=o) for o in co_owners if o.pk not in existing
            )
            _ask_to_confirm(CoOwner.objects.filter(report=locked).exclude(organisation__in=list(existing)))
            # Units and budget lines of owners no longer in the network go with them.
            allowed_owners = wanted | {locked.owner_id}
            locked.units.remove(*locked.units.exclude(owner__in=allowed_owners))
            BudgetLine.objects.filter(report=locked, recipient__in=set(existing) - wanted).delete()
            changes["co_owners"] = [sorted(existing), sorted(wanted)]
        return changes

    return _edit(by=by, report=report, expected_version=expected_version, verb="saved_basics", apply=apply)


def needs_report_save_units(
    *,
    by: User,
    report: NeedsReport,
    expected_version: int,
    units: list[Unit],
    target_groups: list[str],
    staff_reached: int | None,
) -> NeedsReport:
    """Step 2: the units taking part (the owner's and co-owners' own), target groups, staff reached."""

    def apply(locked: NeedsReport) -> dict:
        errors = {}
        owners = {locked.owner_id, *locked.co_owner_links.values_list("organisation_id", flat=True)}
        foreign = [u.name for u in units if u.owner_id not in owners]
        if foreign:
            errors["units"] = _("Disse enhetene hører ikke til dere eller medeierne: %(names)s.") % {
                "names": ", ".join(foreign)
            }
        wrong_kind = [u.name for u in units if u.kind not in locked.scheme.unit_kinds]
        if wrong_kind and "units" not in errors:
            errors["units"] = _("%(scheme)s gjelder ikke disse enhetene: %(names)s.") % {
                "scheme": locked.scheme.short_name,
                "names": ", ".join(wrong_kind),
            }
        unknown = [g for g in target_groups if g not in TargetGroup.values]
        if unknown:
            errors["target_groups"] = _("Ukjent målgruppe.")
        if staff_reached is not None and not 0 < staff_reached <= MAX_STAFF_REACHED:
            errors["staff_reached"] = _("Antall ansatte må være mellom 1 og %(max)s.") % {"max": MAX_STAFF_REACHED}
        if errors:
            raise ValidationError(errors)
        changes = _changed(locked, {"target_groups": sorted(target_groups), "staff_reached": staff_reached})
        _set_m2m(locked.units, units, "units", changes)
        return changes

    return _edit(by=by, report=report, expected_version=expected_version, verb="saved_units", apply=apply)


@dataclass(frozen=True)
class PartnerInput:
    organisation: Organisation
    contact_name: str
    contact_email: str


def needs_report_save_partners(
    *, by: User, report: NeedsReport, expected_version: int, partners: list[PartnerInput]
) -> NeedsReport:
    """Step 3: the partners and their contacts; a changed contact must confirm again."""

    def apply(locked: NeedsReport) -> dict:
        errors = {}
        not_partner = [p.organisation.name for p in partners if not p.organisation.is_partner]
        if not_partner:
            errors["partners"] = _("Bare universiteter, høgskoler og nasjonale sentre kan være partner: %(names)s.") % {
                "names": ", ".join(not_partner)
            }
        if len({p.organisation.pk for p in partners}) != len(partners):
            errors["partners"] = _("Samme partner er ført opp to ganger.")
        if any(not p.contact_name.strip() or not p.contact_email.strip() for p in partners):
            errors["partners"] = _("Hver partner trenger en kontaktperson med e-post.")
        if errors:
            raise ValidationError(errors)
        existing = {link.organisation_id: link for link in locked.partner_links.all()}
        wanted = {p.organisation.pk: p for p in partners}
        changes = {}
        asked = []  # new partners, and those whose contact changed: they are asked (again) to confirm
        removed = set(existing) - set(wanted)
        if removed:
            ReportPartner.objects.filter(report=locked, organisation__in=removed).delete()
            BudgetLine.objects.filter(report=locked, recipient__in=removed).delete()
        for pk, wish in wanted.items():
            link = existing.get(pk)
            contact = (wish.contact_name.strip(), wish.contact_email.strip().lower())
            if link is None:
                link = ReportPartner.objects.create(
                    report=locked, organisation=wish.organisation, contact_name=contact[0], contact_email=contact[1]
                )
                asked.append(link)
            elif (link.contact_name, link.contact_email) != contact:
                link.contact_name, link.contact_email = contact
                link.status, link.comment, link.answered_by, link.answered_at = (
                    ConfirmationStatus.PENDING,
                    "",
                    None,
                    None,
                )
                link.save()
                asked.append(link)
        _ask_to_confirm(asked)
        if set(existing) != set(wanted) or any(existing.get(pk) is None for pk in wanted):
            changes["partners"] = [sorted(existing), sorted(wanted)]
        return changes

    return _edit(by=by, report=report, expected_version=expected_version, verb="saved_partners", apply=apply)


def needs_report_save_content(
    *,
    by: User,
    report: NeedsReport,
    expected_version: int,
    need: str,
    analysis: str,
    goals: str,
    collective: str,
    evaluation: str,
    themes: list[Theme],
    activity_types: list[ActivityType],
) -> NeedsReport:
    """Step 4: the need and the analysis behind it, goals, themes, activities, how it is collective, evaluation."""

    def apply(locked: NeedsReport) -> dict:
        offered_themes = set(locked.round.themes.values_list("pk", flat=True))
        offered_activities = set(locked.round.activity_types.values_list("pk", flat=True))
        errors = {}
        if any(t.pk not in offered_themes for t in themes):
            errors["themes"] = _("Velg blant temaene runden tilbyr.")
        if any(a.pk not in offered_activities for a in activity_types):
            errors["activity_types"] = _("Velg blant tiltakstypene runden tilbyr.")
        if errors:
            raise ValidationError(errors)
        changes = _changed(
            locked,
            {"need": need, "analysis": analysis, "goals": goals, "collective": collective, "evaluation": evaluation},
        )
        _set_m2m(locked.themes, themes, "themes", changes)
        _set_m2m(locked.activity_types, activity_types, "activity_types", changes)
        return changes

    return _edit(by=by, report=report, expected_version=expected_version, verb="saved_content", apply=apply)


def needs_report_save_anchoring(
    *,
    by: User,
    report: NeedsReport,
    expected_version: int,
    local_plan: str,
    is_staff_involved: bool,
    is_union_involved: bool,
) -> NeedsReport:
    """Step 5: the local plan it builds on, and the declarations that staff and union representatives took part."""

    def apply(locked: NeedsReport) -> dict:
        return _changed(
            locked,
            {"local_plan": local_plan, "is_staff_involved": is_staff_involved, "is_union_involved": is_union_involved},
        )

    return _edit(by=by, report=report, expected_version=expected_version, verb="saved_anchoring", apply=apply)


def needs_report_save_budget(
    *,
    by: User,
    report: NeedsReport,
    expected_version: int,
    years: int,
    lines: list[BudgetInput],
    contributions: dict[int, Decimal],
    egenandel_form: str,
) -> NeedsReport:
    """Step 6: the period (1–3 school years) and, per budget year, one line per recipient and the egenandel.

    An egenandel typed for a year must be at least the scheme's share of that year's amount asked for (a year left
    empty is caught on submission); the error is keyed by the step's field, so the page shows it in place.
    """

    def apply(locked: NeedsReport) -> dict:
        errors: dict[str, str | ValidationError] = {}
        if years not in (1, 2, 3):
            errors["years"] = _("Et tiltak varer fra ett til tre skoleår.")
            raise ValidationError(errors)
        budget_years = locked.round.budget_years[:years]
        recipients = {
            locked.owner_id,
            *locked.co_owner_links.values_list("organisation_id", flat=True),
            *locked.partner_links.values_list("organisation_id", flat=True),
        }
        for line in lines:
            if line.budget_year not in budget_years:
                errors["budget"] = _("Budsjettåret %(year)s er utenfor perioden.") % {"year": line.budget_year}
            elif line.recipient_id not in recipients:
                errors["budget"] = _("En budsjettpost gjelder en mottaker som ikke er med i behovsmeldingen.")
            elif not Decimal(0) <= line.amount <= MAX_LINE_AMOUNT:
                errors["budget"] = _("Beløp må være mellom 0 og %(max)s.") % {
                    "max": f"{MAX_LINE_AMOUNT:,.0f}".replace(",", " ")
                }
            elif not Decimal(0) <= line.coordinator_amount <= line.amount:
                errors["budget"] = _(
                    "Koordinatorandelen kan ikke være negativ eller større enn beløpet den er en del av."
                )
        for year, amount in contributions.items():
            if year not in budget_years:
                errors["egenandel"] = _("Egenandelen for %(year)s er utenfor perioden.") % {"year": year}
            elif not Decimal(0) <= amount <= MAX_LINE_AMOUNT:
                errors["egenandel"] = _("Egenandelen må være mellom 0 og %(max)s.") % {
                    "max": f"{MAX_LINE_AMOUNT:,.0f}".replace(",", " ")
                }
        if egenandel_form and egenandel_form not in dict(NeedsReport._meta.get_field("egenandel_form").choices):
            errors["egenandel_form"] = _("Ukjent form på egenandelen.")
        if "budget" not in errors and "egenandel" not in errors:
            requested = _requested_per_year(lines)
            for year, amount in sorted(contributions.items()):
                shortfall = egenandel_shortfall(locked.scheme, year=year, requested=requested[year], own=amount)
                if shortfall:
                    errors[f"egenandel_{year}"] = ValidationError(shortfall, code="egenandel_too_low")
        if errors:
            raise ValidationError(errors)
        changes = _changed(locked, {"years": years, "egenandel_form": egenandel_form})
        before = sorted((line.budget_year, line.recipient_id, str(line.amount)) for line in locked.budget_lines.all())
        BudgetLine.objects.filter(report=locked).delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(
                report=locked,
                budget_year=line.budget_year,
                recipient_id=line.recipient_id,
                amount=line.amount,
                coordinator_amount=line.coordinator_amount,
            )
            for line in lines
            if line.amount or line.coordinator_amount
        )
        OwnContribution.objects.filter(report=locked).delete()
        OwnContribution.objects.bulk_create(
            OwnContribution(report=locked, budget_year=year, amount=amount) for year, amount in contributions.items()
        )
        after = sorted((line.budget_year, line.recipient_id, str(line.amount)) for line in locked.budget_lines.all())
        if before != after:
            changes["budget"] = [before, after]
        return changes

    return _edit(by=by, report=report, expected_version=expected_version, verb="saved_budget", apply=apply)


def attachment_add(*, by: User, report: NeedsReport, expected_version: int, upload: UploadedFile) -> Attachment:
    """Attach a file after checking its content, size and name."""
    checked = check_upload(upload)
    created: list[Attachment] = []

    def apply(locked: NeedsReport) -> dict:
        upload.seek(0)
        attachment = Attachment(
            report=locked,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=by,
        )
        attachment.file.save(checked.name, upload, save=False)
        attachment.save()
        created.append(attachment)
        return {"attachment_added": checked.name}

    try:
        _edit(by=by, report=report, expected_version=expected_version, verb="attachment_added", apply=apply)
    except BaseException:
        for attachment in created:  # the transaction rolled back: remove the stored file too
            attachment.file.delete(save=False)
        raise
    return created[0]


def attachment_remove(*, by: User, report: NeedsReport, expected_version: int, attachment: Attachment) -> None:
    """Remove an attachment from a draft."""
    if attachment.report_id != report.pk:
        raise PermissionDenied

    def apply(locked: NeedsReport) -> dict:
        name = attachment.original_name
        transaction.on_commit(lambda: attachment.file.delete(save=False))
        attachment.delete()
        return {"attachment_removed": name}

    _edit(by=by, report=report, expected_version=expected_version, verb="attachment_removed", apply=apply)


# ---------------------------------------------------------------------------------------------- answers


def _answer(link, *, by: User, is_confirmed: bool, comment: str, verb: str) -> None:
    if not is_confirmed and not comment.strip():
        raise ValidationError({"comment": _("Skriv hvorfor dere avslår, så eieren vet hva som må endres.")})
    link.status = ConfirmationStatus.CONFIRMED if is_confirmed else ConfirmationStatus.DECLINED
    link.comment = comment.strip()
    link.answered_by = by
    link.answered_at = timezone.now()
    link.save()
    event = record(
        actor=by,
        verb=verb,
        target=link.report,
        changes={"organisation": link.organisation_id, "status": link.status},
        comment=link.comment,
    )
    from .tasks import send_answer_notice

    # The owner is told, in its målform, once the answer is committed (the event says who answered what, and why).
    transaction.on_commit(partial(send_answer_notice.enqueue, event.pk))


def _answer_as(model, *, by: User, link, is_confirmed: bool, comment: str, allowed, kind: str):
    with transaction.atomic():
        if not allowed(by, link):
            raise PermissionDenied
        link = model.objects.select_for_update().select_related("report").get(pk=link.pk)
        if link.report.status not in (Status.DRAFT, Status.RETURNED):
            raise ValidationError(_("Behovsmeldingen er allerede sendt inn eller trukket."))
        _answer(
            link,
            by=by,
            is_confirmed=is_confirmed,
            comment=comment,
            verb=f"{kind}_confirmed" if is_confirmed else f"{kind}_declined",
        )
    return link


def partner_answer(*, by: User, link: ReportPartner, is_confirmed: bool, comment: str = "") -> ReportPartner:
    """The partner confirms or declines taking part (a decline needs a reason)."""
    return _answer_as(
        ReportPartner,
        by=by,
        link=link,
        is_confirmed=is_confirmed,
        comment=comment,
        allowed=can_answer_as_partner,
        kind="partner",
    )


def co_owner_answer(*, by: User, link: CoOwner, is_confirmed: bool, comment: str = "") -> CoOwner:
    """A co-owner confirms or declines taking part in a network report."""
    return _answer_as(
        CoOwner,
        by=by,
        link=link,
        is_confirmed=is_confirmed,
        comment=comment,
        allowed=can_answer_as_co_owner,
        kind="co_owner",
    )


# ---------------------------------------------------------------------------------------------- submit and after


@dataclass(frozen=True)
class Problem:
    """One thing that stops submission, the step where it is fixed, and its error code."""

    step: str
    message: str
    code: str = "not_ready"


def _requested_per_year(lines: Iterable) -> dict[int, Decimal]:
    """Budget year → the amount asked for (all recipients' lines)."""
    requested: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        requested[line.budget_year] += line.amount
    return requested


def egenandel_shortfall(scheme: Scheme, *, year: int, requested: Decimal, own: Decimal) -> str:
    """What is wrong when the egenandel for a year is below the scheme's share of the amount asked for; "" if not."""
    required = scheme.required_egenandel(requested)
    if own >= required:
        return ""
    return _(
        "%(scheme)s krever egenandel på minst %(share)s %% av beløpet det søkes om: for %(year)s minst "
        "%(required)s (%(share)s %% av %(requested)s), men egenandelen er %(own)s."
    ) % {
        "scheme": scheme.short_name,
        "share": scheme.egenandel_percent,
        "year": year,
        "required": format_nok(required),
        "requested": format_nok(requested),
        "own": format_nok(own),
    }


def submission_problems(report: NeedsReport, now=None) -> list[Problem]:
    """Everything that must be in order before the report can be submitted (shown as a checklist too)."""
    problems: list[Problem] = []
    add = lambda step, message: problems.append(Problem(step, message))  # noqa: E731
    if deadline_passed(report, now):
        add("oppsummering", _("Fristen for å sende inn har gått ut."))
    # The round's status is known only as it is now; checked as of an earlier moment, only the deadline counts.
    if now is None and not round_accepts(report):
        add(
            "oppsummering",
            _("Runden tar ikke imot behovsmeldinger nå: den har status «%(status)s».")
            % {"status": report.round.get_status_display()},
        )
    if not report.title.strip():
        add("grunnlag", _("Tiltaket mangler navn."))
    if report.region_id is None:
        add("grunnlag", _("Velg region."))
    for link in report.co_owner_links.all():
        if link.status == ConfirmationStatus.PENDING:
            add("grunnlag", _("Venter på bekreftelse fra medeier %(name)s.") % {"name": link.organisation.name})
        elif link.status == ConfirmationStatus.DECLINED:
            add("grunnlag", _("Medeier %(name)s har avslått.") % {"name": link.organisation.name})
    if report.owner.kind not in report.scheme.eligible_owner_kinds:
        add(
            "grunnlag",
            _("%(owner)s kan ikke melde behov i %(scheme)s.")
            % {"owner": report.owner.name, "scheme": report.scheme.short_name},
        )
    units = list(report.units.all())
    if not units:
        add("enheter", _("Velg minst én skole eller barnehage."))
    owners = {report.owner_id, *(link.organisation_id for link in report.co_owner_links.all())}
    misplaced = [
        unit.name for unit in units if unit.owner_id not in owners or unit.kind not in report.scheme.unit_kinds
    ]
    if misplaced:
        add("enheter", _("Disse enhetene kan ikke være med: %(names)s.") % {"names": ", ".join(misplaced)})
    if not report.target_groups:
        add("enheter", _("Velg minst én målgruppe."))
    if not report.staff_reached:
        add("enheter", _("Oppgi hvor mange ansatte tiltaket når."))
    links = list(report.partner_links.all())
    if report.scheme.is_partner_required and not links:
        add(
            "partnere",
            _("%(scheme)s krever en partner fra universitet, høgskole eller nasjonalt senter.")
            % {"scheme": report.scheme.short_name},
        )
    for link in links:
        if link.status == ConfirmationStatus.PENDING:
            add("partnere", _("Venter på bekreftelse fra partneren %(name)s.") % {"name": link.organisation.name})
        elif link.status == ConfirmationStatus.DECLINED:
            add("partnere", _("Partneren %(name)s har avslått.") % {"name": link.organisation.name})
    for field, label in (
        ("need", _("behovet")),
        ("goals", _("målene")),
        ("collective", _("hvordan tiltaket er kollektivt")),
        ("evaluation", _("hvordan resultatene skal vurderes")),
    ):
        if not getattr(report, field).strip():
            add("innhold", _("Beskriv %(what)s.") % {"what": label})
    if not report.themes.exists():
        add("innhold", _("Velg minst ett tema."))
    if not report.activity_types.exists():
        add("innhold", _("Velg minst én tiltakstype."))
    if not report.local_plan.strip():
        add("forankring", _("Oppgi hvilken lokal plan tiltaket bygger på."))
    if not report.is_staff_involved:
        add("forankring", _("Bekreft at de ansatte har vært med på å melde behovet."))
    if not report.is_union_involved:
        add("forankring", _("Bekreft at tillitsvalgte har vært involvert."))
    problems += _budget_problems(report)
    return problems


def _budget_problems(report: NeedsReport) -> list[Problem]:
    problems = []
    if report.years not in (1, 2, 3):
        return [Problem("budsjett", _("Oppgi hvor mange skoleår tiltaket varer (1–3)."))]
    lines = list(report.budget_lines.all())
    total = sum((line.amount for line in lines), Decimal(0))
    for year in report.budget_years:
        if not any(line.budget_year == year and line.amount > 0 for line in lines):
            problems.append(Problem("budsjett", _("Budsjettet mangler beløp for %(year)s.") % {"year": year}))
    if any(line.budget_year not in report.budget_years for line in lines):
        problems.append(Problem("budsjett", _("Budsjettet har beløp utenfor perioden.")))
    coordinator = sum((line.coordinator_amount for line in lines), Decimal(0))
    cap = report.scheme.coordinator_share_cap
    if total and coordinator > cap * total:
        problems.append(
            Problem(
                "budsjett",
                _("Koordinatorandelen er %(share)s %% av budsjettet; taket er %(cap)s %%.")
                % {"share": round(coordinator * 100 / total, 1), "cap": round(cap * 100)},
            )
        )
    if report.scheme.has_egenandel:
        requested = _requested_per_year(lines)
        own = {c.budget_year: c.amount for c in report.contributions.all()}
        for year in report.budget_years:
            shortfall = egenandel_shortfall(
                report.scheme, year=year, requested=requested[year], own=own.get(year, Decimal(0))
            )
            if shortfall:
                problems.append(Problem("budsjett", shortfall, code="egenandel_too_low"))
        if not report.egenandel_form:
            problems.append(Problem("budsjett", _("Oppgi om egenandelen er penger eller betalt arbeidstid.")))
    return problems


def needs_report_submit(*, by: User, report: NeedsReport, token: uuid.UUID, is_declared: bool) -> Submission:
    """Submit (or resubmit) after every check; the same token twice (a double click) gives the same submission."""
    with transaction.atomic():
        locked = _locked_for_update(report, None)
        earlier = Submission.objects.filter(token=token).first()
        if earlier is not None:
            if earlier.report_id != locked.pk:
                raise PermissionDenied
            return earlier
        if not can_edit_report(by, locked):
            raise PermissionDenied
        if Status.SUBMITTED not in TRANSITIONS[locked.status]:
            raise ValidationError(
                _("Behovsmeldingen kan ikke sendes inn fra status «%(status)s».")
                % {"status": locked.get_status_display()}
            )
        if not round_accepts(locked):
            raise ValidationError(
                _("Runden tar ikke imot behovsmeldinger nå: den har status «%(status)s».")
                % {"status": locked.round.get_status_display()},
                code="round_closed",
            )
        problems = submission_problems(locked)
        if not is_declared:
            problems.append(Problem("oppsummering", _("Kryss av for eierens erklæring.")))
        if problems:
            raise ValidationError([ValidationError(problem.message, code=problem.code) for problem in problems])
        now = timezone.now()
        was_returned = locked.status == Status.RETURNED
        locked.status = Status.SUBMITTED
        locked.is_declared, locked.declared_by, locked.declared_at = True, by, now
        locked.submitted_at = now
        locked.version += 1
        locked.save()
        number = (locked.submissions.aggregate(n=Max("number"))["n"] or 0) + 1
        submission = Submission.objects.create(
            report=locked,
            number=number,
            token=token,
            snapshot=snapshot.take(locked),
            submitted_by=by,
            submitted_at=now,
        )
        record(
            actor=by, verb="resubmitted" if was_returned else "submitted", target=locked, changes={"submission": number}
        )
        from .tasks import send_submission_receipt

        transaction.on_commit(lambda: send_submission_receipt.enqueue(submission.pk))
    report.refresh_from_db()
    return submission


def _transition(
    *,
    by: User,
    report: NeedsReport,
    to: str,
    verb: str,
    comment: str = "",
    allowed: Callable[[User, NeedsReport], bool],
    after: Callable[[Event], None] | None = None,
) -> NeedsReport:
    with transaction.atomic():
        locked = _locked_for_update(report, None)
        if not allowed(by, locked):
            raise PermissionDenied
        if to not in TRANSITIONS[locked.status]:
            raise ValidationError(
                _("Behovsmelding %(ref)s kan ikke gå fra «%(from)s» til «%(to)s».")
                % {"ref": locked.reference, "from": locked.get_status_display(), "to": Status(to).label},
                code="transition",
            )
        before = locked.status
        locked.status = to
        locked.version += 1
        locked.save()
        event = record(actor=by, verb=verb, target=locked, changes={"status": [before, to]}, comment=comment)
        if after is not None:
            after(event)
    report.refresh_from_db()
    return report


def needs_report_return(*, by: User, report: NeedsReport, comment: str) -> NeedsReport:
    """The office returns a report for changes, saying what must change; the owner's submitters are told by e-mail."""
    if not comment.strip():
        raise ValidationError({"comment": _("Skriv hva eieren må endre.")})
    from .tasks import send_return_notice

    return _transition(
        by=by,
        report=report,
        to=Status.RETURNED,
        verb="returned",
        comment=comment.strip(),
        allowed=can_check_report,
        after=lambda event: transaction.on_commit(partial(send_return_notice.enqueue, event.pk)),
    )


def needs_report_check(*, by: User, report: NeedsReport) -> NeedsReport:
    """The office approves the formal check."""
    return _transition(by=by, report=report, to=Status.CHECKED, verb="checked", allowed=can_check_report)


def needs_report_withdraw(*, by: User, report: NeedsReport, comment: str = "") -> NeedsReport:
    """The owner withdraws the report."""
    return _transition(
        by=by,
        report=report,
        to=Status.WITHDRAWN,
        verb="withdrawn",
        comment=comment.strip(),
        allowed=can_withdraw_report,
    )


def needs_reports_check_batch(*, by: User, reports: list[NeedsReport], token: uuid.UUID) -> list[NeedsReport]:
    """Approve the formal check of several reports of one round at once: all or none, each token only once."""
    if not reports:
        raise ValidationError(_("Velg minst én behovsmelding."), code="empty")
    rounds = {report.round_id for report in reports}
    if len(rounds) != 1:
        raise ValidationError(_("Behovsmeldingene må være fra den samme runden."), code="rounds")
    with transaction.atomic():
        try:
            # The token's row is taken first: a replayed confirmation (back button, a second tab) stops here.
            with transaction.atomic():
                CheckBatch.objects.create(round_id=rounds.pop(), token=token, report_count=len(reports))
        except IntegrityError:
            raise ValidationError(_("Denne kontrollen er allerede bekreftet."), code="replayed") from None
        return [needs_report_check(by=by, report=report) for report in reports]


def needs_reports_return_batch(*, by: User, reports: list[NeedsReport], comment: str) -> list[NeedsReport]:
    """Return several reports with the same comment: all or none."""
    with transaction.atomic():
        return [needs_report_return(by=by, report=report, comment=comment) for report in reports]
