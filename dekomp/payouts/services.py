"""Writes for payouts: batches per budget year, holds and releases, export, marking as paid, bank accounts.

Every service checks permission, writes in one transaction and records an activity event. Nothing is paid that a
decision does not bind: a payout never exceeds its decision line, and lines of rejected decisions, superseded lines
and lines whose terms are not accepted are never paid.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dekomp.accounts.models import User
from dekomp.activity.services import record
from dekomp.core.formatting import format_nok
from dekomp.decisions.models import DecisionStatus, Outcome
from dekomp.organisations.models import Office, Organisation
from dekomp.organisations.validators import clean_bank_account
from dekomp.schemes.models import Scheme

from .ledger import committed, paid
from .models import BatchStatus, Payout, PayoutBatch, RecipientKind
from .permissions import can_manage_payouts, can_set_bank_account
from .selectors import OverdueReport, batch_payouts, is_valid_bank_account, lines_for_kind, overdue_reports

EXPORT_FORMATS = ("csv", "xlsx")


class StaleVersionError(ValidationError):
    """Someone changed the batch after the page was loaded."""


@dataclass(frozen=True)
class ExportRow:
    """One payment for the finance system."""

    orgnr: str
    name: str
    bank_account: str
    amount: Decimal
    decision_reference: str
    budget_year: int

    def as_list(self) -> list[object]:
        return [self.orgnr, self.name, self.bank_account, self.amount, self.decision_reference, self.budget_year]


def export_headers() -> list[str]:
    """The column names of the export, in the order of ``ExportRow``."""
    return [_("Organisasjonsnummer"), _("Navn"), _("Kontonummer"), _("Beløp"), _("Vedtak"), _("Budsjettår")]


# ------------------------------------------------------------------------------------------------------ helpers


def _lock(batch: PayoutBatch) -> PayoutBatch:
    return PayoutBatch.objects.select_for_update().select_related("office").get(pk=batch.pk)


def _check_version(batch: PayoutBatch, version: int | None) -> None:
    if version is not None and batch.version != version:
        raise StaleVersionError(
            _("Bunken %(batch)s er endret av noen andre etter at du åpnet den. Last siden på nytt og prøv igjen.")
            % {"batch": batch.reference},
            code="stale",
        )


def _hold_reason(reports: list[OverdueReport]) -> str:
    parts = [
        _("rapporten for %(year)s hadde frist %(deadline)s")
        % {"year": report.budget_year, "deadline": formats.date_format(report.deadline, "DATE_FORMAT")}
        for report in reports
    ]
    return _("Holdt tilbake: %(reports)s og er ikke sendt inn.") % {"reports": ", ".join(parts)}


def _payable_problems(payouts: list[Payout]) -> list[str]:
    """Why any of the payouts may not be paid: more than decided, rejected, superseded or not accepted."""
    problems = []
    for payout in payouts:
        line, decision = payout.line, payout.line.decision
        names = {
            "name": payout.recipient.name,
            "year": line.budget_year,
            "ref": decision.reference,
            "amount": format_nok(payout.amount),
            "decided": format_nok(line.amount),
        }
        if decision.outcome == Outcome.REJECTED:
            problems.append(_("Vedtak %(ref)s er et avslag; %(name)s skal ikke ha utbetaling for det.") % names)
        elif line.superseded_by_id is not None:
            problems.append(
                _(
                    "Beløpet til %(name)s for %(year)s i vedtak %(ref)s er erstattet av et endringsvedtak og kan ikke "
                    "utbetales. Fjern utbetalingen fra bunken."
                )
                % names
            )
        elif decision.status != DecisionStatus.ACCEPTED:
            problems.append(_("Vilkårene i vedtak %(ref)s er ikke akseptert; %(name)s kan ikke få utbetaling.") % names)
        elif payout.amount > line.amount:
            problems.append(
                _(
                    "Utbetalingen til %(name)s (%(amount)s) er større enn beløpet vedtak %(ref)s gir for %(year)s "
                    "(%(decided)s). Det kan ikke betales ut mer enn det er gitt tilsagn om."
                )
                % names
            )
    return problems


# ------------------------------------------------------------------------------------------------------ batches


@transaction.atomic
def payout_batch_create(
    *, by: User, office: Office, budget_year: int, recipient_kind: str, token: uuid.UUID
) -> PayoutBatch:
    """Collect every accepted, unpaid decision line of the budget year for owners or for partners into a batch.

    The same token twice (a double click) gives the same batch. Recipients with an overdue report are included but
    held; recipients without a valid account number are included and named on the batch page.
    """
    if not can_manage_payouts(by, office):
        raise PermissionDenied
    if recipient_kind not in RecipientKind.values:
        raise ValidationError({"recipient_kind": _("Velg om bunken er for eiere eller for partnere.")})
    # Serialise batch numbering per office (a no-op on SQLite, where writers are serialised anyway).
    Office.objects.select_for_update().filter(pk=office.pk).first()
    # Look the token up only now, under the office lock: a double click's second request waits here for the
    # first to commit and then finds its batch. Looked up before the lock, it missed the batch being made and was
    # refused with "nothing to pay" (the lines were taken) instead of getting the same batch (tests/test_concurrency).
    earlier = PayoutBatch.objects.filter(token=token).first()
    if earlier is not None:
        if earlier.office_id != office.pk:
            raise PermissionDenied
        return earlier
    kind_label = RecipientKind(recipient_kind).label
    candidates = lines_for_kind(office, budget_year=budget_year, recipient_kind=recipient_kind)
    lines = list(
        candidates.filter(is_accepted=True)
        .select_related("recipient", "decision__report__round")
        .order_by("recipient__name", "pk")
    )
    if not lines:
        waiting = candidates.filter(is_accepted=False).count()
        message = _("Det er ingen vedtatte beløp for %(year)s å utbetale til %(kind)s.") % {
            "year": budget_year,
            "kind": kind_label,
        }
        if waiting:
            message += " " + _("%(count)s beløp venter på at eieren aksepterer vilkårene i vedtaket.") % {
                "count": waiting
            }
        raise ValidationError(message, code="nothing_to_pay")
    number = (PayoutBatch.objects.filter(office=office).aggregate(n=Max("number"))["n"] or 0) + 1
    overdue = overdue_reports({line.recipient_id for line in lines})
    try:
        with transaction.atomic():
            batch = PayoutBatch.objects.create(
                office=office,
                budget_year=budget_year,
                recipient_kind=recipient_kind,
                number=number,
                token=token,
                created_by=by,
            )
            Payout.objects.bulk_create(
                Payout(
                    batch=batch,
                    line=line,
                    recipient=line.recipient,
                    amount=line.amount,
                    bank_account=line.recipient.bank_account,
                    is_held=line.recipient_id in overdue,
                    hold_reason=_hold_reason(overdue[line.recipient_id]) if line.recipient_id in overdue else "",
                )
                for line in lines
            )
    except IntegrityError as error:
        raise ValidationError(
            _("Noen andre laget en utbetalingsbunke samtidig. Last siden på nytt og se om beløpene alt er med.")
        ) from error
    record(
        actor=by,
        verb="payout_batch_created",
        target=batch,
        changes={
            "budget_year": budget_year,
            "recipient_kind": recipient_kind,
            "payouts": len(lines),
            "held": sum(1 for line in lines if line.recipient_id in overdue),
            "total": str(sum(line.amount for line in lines)),
        },
    )
    return batch


@transaction.atomic
def payout_release(*, by: User, payout: Payout, reason: str) -> Payout:
    """Release a payout held for an overdue report, with the caseworker's reason."""
    batch = _lock(payout.batch)
    if not can_manage_payouts(by, batch.office):
        raise PermissionDenied
    locked = Payout.objects.select_for_update().select_related("recipient").get(pk=payout.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv hvorfor utbetalingen frigis.")})
    if not locked.is_held:
        raise ValidationError(_("Utbetalingen til %(name)s er ikke holdt tilbake.") % {"name": locked.recipient.name})
    if batch.status != BatchStatus.DRAFT:
        raise ValidationError(
            _(
                "Bunken %(batch)s er allerede eksportert. Utbetalingen til %(name)s tas med i neste bunke og kan "
                "frigis der."
            )
            % {"batch": batch.reference, "name": locked.recipient.name}
        )
    locked.is_held = False
    locked.release_reason = reason
    locked.released_by = by
    locked.released_at = timezone.now()
    locked.save()
    batch.version += 1
    batch.save(update_fields=["version", "updated_at"])
    record(
        actor=by,
        verb="payout_released",
        target=batch,
        changes={"payout": locked.pk, "recipient": locked.recipient.name, "amount": str(locked.amount)},
        comment=reason,
    )
    payout.refresh_from_db()
    return payout


@transaction.atomic
def payout_remove(*, by: User, payout: Payout, version: int | None = None) -> None:
    """Take a payout out of a draft batch; its decision line waits for the next batch."""
    batch = _lock(payout.batch)
    if not can_manage_payouts(by, batch.office):
        raise PermissionDenied
    _check_version(batch, version)
    if batch.status != BatchStatus.DRAFT:
        raise ValidationError(
            _("Bunken %(batch)s er eksportert; utbetalinger kan bare fjernes fra en bunke som er et utkast.")
            % {"batch": batch.reference}
        )
    locked = Payout.objects.select_related("recipient").get(pk=payout.pk)
    changes = {
        "payout": locked.pk,
        "line": locked.line_id,
        "recipient": locked.recipient.name,
        "amount": str(locked.amount),
    }
    locked.delete()
    batch.version += 1
    batch.save(update_fields=["version", "updated_at"])
    record(actor=by, verb="payout_removed", target=batch, changes=changes)


@transaction.atomic
def payout_batch_export(*, by: User, batch: PayoutBatch, fmt: str) -> list[ExportRow]:
    """The batch's payments for the finance system (held payouts left out); the first export marks it exported.

    A draft batch takes each recipient's account number as registered now. Refused, with the recipients named, when
    any payment lacks a valid account number.
    """
    locked = _lock(batch)
    if not can_manage_payouts(by, locked.office):
        raise PermissionDenied
    if fmt not in EXPORT_FORMATS:
        raise ValidationError(_("Ukjent filformat «%(fmt)s».") % {"fmt": fmt})
    included = [payout for payout in batch_payouts(locked) if not payout.is_held]
    if not included:
        raise ValidationError(
            _("Bunken %(batch)s har ingen utbetalinger å eksportere.") % {"batch": locked.reference}, code="empty"
        )
    problems = _payable_problems(included)
    if problems:
        raise ValidationError(problems, code="not_payable")
    if locked.status == BatchStatus.DRAFT:
        for payout in included:
            if payout.bank_account != payout.recipient.bank_account:
                payout.bank_account = payout.recipient.bank_account
                payout.save(update_fields=["bank_account"])
    missing = sorted({p.recipient.name for p in included if not is_valid_bank_account(p.bank_account)})
    if missing:
        raise ValidationError(
            _(
                "Disse mottakerne mangler gyldig kontonummer: %(names)s. Registrer kontonummeret før bunken "
                "eksporteres, eller fjern utbetalingen fra bunken."
            )
            % {"names": ", ".join(missing)},
            code="missing_bank_account",
        )
    is_first = locked.status == BatchStatus.DRAFT
    if is_first:
        locked.status = BatchStatus.EXPORTED
        locked.exported_at = timezone.now()
        locked.save(update_fields=["status", "exported_at", "updated_at"])
    rows = [
        ExportRow(
            orgnr=payout.recipient.orgnr,
            name=payout.recipient.name,
            bank_account=payout.bank_account,
            amount=payout.amount,
            decision_reference=payout.line.decision.reference,
            budget_year=payout.line.budget_year,
        )
        for payout in included
    ]
    record(
        actor=by,
        verb="payout_batch_exported",
        target=locked,
        changes={
            "format": fmt,
            "first": is_first,
            "payouts": len(rows),
            "total": str(sum(row.amount for row in rows)),
        },
    )
    batch.refresh_from_db()
    return rows


@transaction.atomic
def payout_batch_mark_paid(*, by: User, batch: PayoutBatch, version: int) -> PayoutBatch:
    """Mark an exported batch as paid; payouts still held leave the batch and wait for the next one.

    Refused as a whole when any payout exceeds its decision line or is no longer payable, or when the ledger would
    show more paid than committed for a scheme and budget year.
    """
    locked = _lock(batch)
    if not can_manage_payouts(by, locked.office):
        raise PermissionDenied
    _check_version(locked, version)
    if locked.status == BatchStatus.PAID:
        raise ValidationError(_("Bunken %(batch)s er allerede markert som utbetalt.") % {"batch": locked.reference})
    if locked.status != BatchStatus.EXPORTED:
        raise ValidationError(
            _("Eksporter bunken %(batch)s til økonomisystemet før den markeres som utbetalt.")
            % {"batch": locked.reference}
        )
    payouts = list(batch_payouts(locked))
    held = [payout for payout in payouts if payout.is_held]
    included = [payout for payout in payouts if not payout.is_held]
    problems = _payable_problems(included)
    if problems:
        raise ValidationError(problems, code="not_payable")
    Payout.objects.filter(pk__in=[payout.pk for payout in held]).delete()
    locked.status = BatchStatus.PAID
    locked.paid_at = timezone.now()
    locked.paid_by = by
    locked.version += 1
    locked.save()
    committed_by_key = committed(locked.office)
    over = sorted(key for key, amount in paid(locked.office).items() if amount > committed_by_key.get(key, Decimal(0)))
    if over:
        schemes = Scheme.objects.in_bulk({scheme_id for scheme_id, _year in over})
        raise ValidationError(
            _(
                "Da ville det vært utbetalt mer enn det er gitt tilsagn om for %(keys)s. "
                "Ingenting er markert som betalt."
            )
            % {"keys": ", ".join(f"{schemes[scheme_id].short_name} {year}" for scheme_id, year in over)},
            code="over_committed",
        )
    record(
        actor=by,
        verb="payout_batch_paid",
        target=locked,
        changes={
            "payouts": len(included),
            "total": str(sum(payout.amount for payout in included)),
            "held_moved_out": [{"recipient": p.recipient.name, "amount": str(p.amount)} for p in held],
        },
    )
    batch.refresh_from_db()
    return batch


# ------------------------------------------------------------------------------------------------ bank accounts


@transaction.atomic
def organisation_set_bank_account(*, by: User, organisation: Organisation, bank_account: str) -> Organisation:
    """Record the 11-digit account (mod-11 checked) the organisation's grants are paid to."""
    if not can_set_bank_account(by, organisation):
        raise PermissionDenied
    try:
        compact = clean_bank_account(bank_account)
    except ValidationError as error:
        raise ValidationError({"bank_account": error.messages}) from None
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    old = locked.bank_account
    if old != compact:
        locked.bank_account = compact
        locked.save(update_fields=["bank_account", "updated_at"])
        record(actor=by, verb="bank_account_set", target=locked, changes={"bank_account": [old, compact]})
    organisation.refresh_from_db()
    return organisation
