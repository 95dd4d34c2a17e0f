"""Writes for decisions: prepare them from the approved recommendation, set one, decide a batch, request a change.

Each service checks its permission predicate, runs in one transaction and records what it did. Bad input is refused
with a ``ValidationError`` in bokmål and nothing is written.
"""

import uuid
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dekomp.accounts.models import User
from dekomp.activity.services import record
from dekomp.allocation.apportionment import apportion
from dekomp.allocation.models import Recommendation, RecommendationStatus
from dekomp.core.formatting import format_nok
from dekomp.needs.models import BudgetLine, NeedsReport, OwnContribution, ReportKind, Status
from dekomp.needs.services import needs_report_copy
from dekomp.schemes.commitments import money_for_office
from dekomp.schemes.models import Round, RoundStatus
from dekomp.schemes.services import round_advance

from . import hooks
from .models import BINDING_STATUSES, Decision, DecisionBatch, DecisionLine, DecisionStatus, Outcome
from .permissions import can_decide, can_request_change

ZERO = Decimal(0)
# Reports still on their way to a decision: a change request for the same measure must not be started twice.
PENDING_REPORT_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.CHECKED)


def _fmt(amount: Decimal | int) -> str:
    return format_nok(amount)


def amount_field(recipient_id: int, budget_year: int) -> str:
    """The form field (and error key) for one recipient's amount in one budget year."""
    return f"amount_{recipient_id}_{budget_year}"


def outcome_for(lines) -> str:
    """The outcome the amounts imply: nothing is a rejection, everything asked for is a grant, else partly granted."""
    lines = list(lines)
    if not any(line.amount for line in lines):
        return Outcome.REJECTED
    if all(line.amount == line.requested for line in lines):
        return Outcome.GRANTED
    return Outcome.PARTLY


def deviates(decision: Decision) -> bool:
    """True when any amount differs from what the forum recommended (a reason must then be recorded, rule 8)."""
    return any(line.amount != line.recommended for line in decision.lines.all())


def _not_allowed() -> PermissionDenied:
    return PermissionDenied(_("Bare Statsforvalterens ansatte i embetet som har runden, kan fatte vedtak."))


# -------------------------------------------------------------------------------------------------------- prepare


def latest_approved(recommendation: Recommendation) -> Recommendation | None:
    """The newest approved version of the recommendation's round and forum."""
    return (
        Recommendation.objects.filter(
            round_id=recommendation.round_id,
            forum_id=recommendation.forum_id,
            status=RecommendationStatus.APPROVED,
        )
        .order_by("-number")
        .first()
    )


def _split(total: Decimal, requested: dict[int, Decimal], owner_id: int) -> dict[int, int]:
    """Share a report's recommended amount for a year between its recipients in proportion to what each asked for."""
    weights = {str(recipient): amount for recipient, amount in requested.items() if amount > 0}
    if not weights:
        weights = {str(owner_id): Decimal(1)}
    parts = apportion(int(total), weights, "largest_remainder")
    return {int(recipient): part for recipient, part in parts.items()}


def decisions_prepare(*, by: User, recommendation: Recommendation, token: uuid.UUID) -> DecisionBatch:
    """Create draft decisions for every checked report of the round from the latest approved recommendation.

    The recommended amount of a report in a year is split between its recipients in proportion to their budget
    lines. Reports that already have a decision are left alone, so a later version only adds the missing ones. The
    same token twice (a double click) gives the same batch.
    """
    round = recommendation.round
    if not can_decide(by, round):
        raise _not_allowed()
    with transaction.atomic():
        # One prepare at a time per round: the numbers and "already decided" below must not race.
        Round.objects.select_for_update().get(pk=round.pk)
        earlier = DecisionBatch.objects.filter(token=token).first()
        if earlier is not None:
            if earlier.round_id != round.pk:
                raise PermissionDenied
            return earlier
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if locked.status != RecommendationStatus.APPROVED:
            raise ValidationError(
                _(
                    "Innstillingen (versjon %(number)s) er ikke vedtatt av samarbeidsforumet ennå. Vedtak kan bare "
                    "forberedes fra en vedtatt innstilling."
                )
                % {"number": locked.number}
            )
        newest = latest_approved(locked)
        if newest is not None and newest.pk != locked.pk:
            raise ValidationError(
                _("Det finnes en nyere vedtatt innstilling (versjon %(number)s). Forbered vedtakene fra den.")
                % {"number": newest.number}
            )
        recommended: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for line in locked.lines.all():
            recommended[line.report_id][line.budget_year] = line.amount
        decided = set(Decision.objects.filter(report__round=round).values_list("report_id", flat=True))
        reports = list(
            NeedsReport.objects.filter(round=round, status=Status.CHECKED)
            .exclude(pk__in=decided)
            .select_related("round")
            .prefetch_related("budget_lines")
            .order_by("number")
        )
        if not reports:
            raise ValidationError(_("Alle kontrollerte behovsmeldinger i runden har allerede vedtak."))
        batch, created = DecisionBatch.objects.get_or_create(
            token=token, defaults={"round": round, "recommendation": locked, "created_by": by}
        )
        if not created:  # the same token arrived in a parallel request first
            return batch
        problems = []
        decisions = []
        for number, report in enumerate(reports, 1):
            requested: dict[int, dict[int, Decimal]] = defaultdict(dict)
            for budget_line in report.budget_lines.all():
                requested[budget_line.budget_year][budget_line.recipient_id] = budget_line.amount
            lines: list[DecisionLine] = []
            for year in sorted(set(requested) | set(recommended.get(report.pk, {}))):
                total = recommended.get(report.pk, {}).get(year, ZERO)
                asked = requested.get(year, {})
                if total > sum(asked.values(), ZERO):
                    problems.append(
                        _(
                            "%(ref)s: innstilt beløp for %(year)s (%(total)s) er høyere enn det som er søkt om "
                            "(%(asked)s)."
                        )
                        % {
                            "ref": report.reference,
                            "year": year,
                            "total": _fmt(total),
                            "asked": _fmt(sum(asked.values(), ZERO)),
                        }
                    )
                    continue
                parts = _split(total, asked, report.owner_id)
                for recipient_id in sorted(set(asked) | {r for r, part in parts.items() if part}):
                    part = Decimal(parts.get(recipient_id, 0))
                    lines.append(
                        DecisionLine(
                            recipient_id=recipient_id,
                            budget_year=year,
                            requested=asked.get(recipient_id, ZERO),
                            recommended=part,
                            amount=part,
                        )
                    )
            decision = Decision.objects.create(
                batch=batch, report=report, number=number, outcome=outcome_for(lines), status=DecisionStatus.DRAFT
            )
            for line in lines:
                line.decision = decision
            DecisionLine.objects.bulk_create(lines)
            record(actor=by, verb="decision_prepared", target=decision, changes={"outcome": decision.outcome})
            decisions.append(decision)
        if problems:
            raise ValidationError(problems)
        record(
            actor=by,
            verb="decisions_prepared",
            target=batch,
            changes={"recommendation": locked.pk, "version": locked.number, "decisions": len(decisions)},
        )
    return batch


# ------------------------------------------------------------------------------------------------------------ set


def decision_set(
    *,
    by: User,
    decision: Decision,
    version: int,
    outcome: str,
    amounts: dict[tuple[int, int], Decimal],
    considerations: str,
    deviation_reason: str,
) -> Decision:
    """The caseworker's outcome, amounts per recipient and year, and reasons for one draft decision.

    Choosing «avslått» sets every amount to 0. Any amount other than the recommended one needs a reason, no amount
    may exceed what was asked for, and the outcome must match the amounts.
    """
    with transaction.atomic():
        locked = Decision.objects.select_for_update().select_related("report__round__office").get(pk=decision.pk)
        if not can_decide(by, locked.report.round):
            raise _not_allowed()
        if locked.status != DecisionStatus.DRAFT:
            raise ValidationError(_("Vedtaket er allerede fattet og kan ikke endres."))
        if locked.version != version:
            raise ValidationError(
                _(
                    "Vedtaket er endret av noen andre etter at du åpnet det. Det du skrev her er ikke lagret: last "
                    "siden på nytt og legg inn endringene igjen."
                ),
                code="stale",
            )
        reason = (deviation_reason or "").strip()
        errors: dict[str, list[str]] = defaultdict(list)
        if outcome and outcome not in Outcome.values:
            errors["outcome"].append(_("Velg innvilget, delvis innvilget eller avslått."))
        lines = list(locked.lines.select_related("recipient").order_by("budget_year", "recipient__name"))
        known = {(line.recipient_id, line.budget_year) for line in lines}
        if set(amounts) - known:
            errors["__all__"].append(_("Vedtaket har ikke beløp for alle mottakerne og årene som ble sendt."))
        before = {(line.recipient_id, line.budget_year): line.amount for line in lines}
        for line in lines:
            key = (line.recipient_id, line.budget_year)
            amount = ZERO if outcome == Outcome.REJECTED else amounts.get(key, line.amount)
            field = amount_field(*key)
            if amount is None or amount < 0:
                errors[field].append(_("Beløpet kan ikke være negativt."))
                continue
            if amount != amount.to_integral_value():
                errors[field].append(_("Skriv beløpet i hele kroner."))
                continue
            if amount > line.requested:
                errors[field].append(
                    _("%(recipient)s søkte om %(requested)s for %(year)s. Vedtaket kan ikke gi mer.")
                    % {"recipient": line.recipient.name, "requested": _fmt(line.requested), "year": line.budget_year}
                )
            elif amount > line.recommended and not reason:
                errors[field].append(
                    _(
                        "Beløpet er høyere enn innstilt (%(recommended)s). Skriv hvorfor vedtaket avviker fra "
                        "innstillingen."
                    )
                    % {"recommended": _fmt(line.recommended)}
                )
            line.amount = amount
        implied = outcome_for(lines)
        if not errors and outcome and outcome != implied:
            if outcome == Outcome.GRANTED:
                errors["outcome"].append(
                    _("Innvilget betyr at alle får det de søkte om. Velg delvis innvilget, eller gi hele beløpene.")
                )
            elif implied == Outcome.REJECTED:
                errors["outcome"].append(_("Alle beløpene er 0. Velg avslått, eller skriv inn beløpene som gis."))
            else:
                errors["outcome"].append(_("Alle får det de søkte om. Velg innvilget."))
        if not errors and any(line.amount != line.recommended for line in lines) and not reason:
            errors["deviation_reason"].append(
                _("Vedtaket avviker fra innstillingen. Skriv hvorfor (det står i vedtaksbrevet).")
            )
        if errors:
            raise ValidationError({key: value for key, value in errors.items()})
        changes: dict = {}
        for line in lines:
            key = (line.recipient_id, line.budget_year)
            if line.amount != before[key]:
                changes[f"{line.budget_year}:{line.recipient_id}"] = [str(before[key]), str(line.amount)]
                line.save(update_fields=["amount"])
        values = {"outcome": implied, "considerations": (considerations or "").strip(), "deviation_reason": reason}
        for field, value in values.items():
            if getattr(locked, field) != value:
                changes[field] = [getattr(locked, field), value]
                setattr(locked, field, value)
        locked.version += 1
        locked.save()
        record(actor=by, verb="decision_changed", target=locked, changes=changes, comment=reason)
    decision.refresh_from_db()
    return decision


# --------------------------------------------------------------------------------------------------------- decide


def egenandel_problems(decision: Decision) -> list[str]:
    """DeKomp: the owner's egenandel in each year must be at least the scheme's share of the amount granted."""
    scheme = decision.report.scheme
    if not scheme.has_egenandel:
        return []
    granted: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in decision.lines.all():
        granted[line.budget_year] += line.amount
    own = {c.budget_year: c.amount for c in decision.report.contributions.all()}
    problems = []
    for year, total in sorted(granted.items()):
        required = scheme.required_egenandel(total)
        if own.get(year, ZERO) < required:
            problems.append(
                _(
                    "%(ref)s %(title)s: %(scheme)s krever egenandel på minst %(share)s %% av det som innvilges. For "
                    "%(year)s innvilges %(granted)s, så egenandelen må være minst %(required)s, men den er "
                    "%(own)s."
                )
                % {
                    "ref": decision.reference,
                    "title": decision.report.title,
                    "scheme": scheme.short_name,
                    "share": scheme.egenandel_percent,
                    "year": year,
                    "granted": _fmt(total),
                    "required": _fmt(required),
                    "own": _fmt(own.get(year, ZERO)),
                }
            )
    return problems


def _supersede(decision: Decision) -> list[str]:
    """A change decision replaces the original decision's binding amount for the same recipient and budget year.

    Lines of the original in the same years for recipients the change does not name are left as they are (they
    still bind); a supplement replaces nothing, it adds. A line with a payout cannot be replaced.
    """
    report = decision.report
    if report.kind != ReportKind.CHANGE:
        return []
    original = Decision.objects.filter(report_id=report.amends_id, status__in=BINDING_STATUSES).first()
    if original is None:
        return [
            _("%(ref)s: tiltaket som endres, har ikke et gjeldende vedtak.") % {"ref": decision.reference},
        ]
    new_lines = {(line.recipient_id, line.budget_year): line for line in decision.lines.all()}
    old_lines = list(
        DecisionLine.objects.filter(decision=original, superseded_by__isnull=True).select_related("recipient")
    )
    paid = set(
        DecisionLine.objects.filter(pk__in=[line.pk for line in old_lines], payout__isnull=False).values_list(
            "pk", flat=True
        )
    )
    problems = []
    for old in old_lines:
        new = new_lines.get((old.recipient_id, old.budget_year))
        if new is None:
            continue
        if old.pk in paid:
            problems.append(
                _(
                    "%(ref)s: beløpet til %(recipient)s for %(year)s i %(original)s er allerede tatt med i en "
                    "utbetaling og kan ikke erstattes av en endring."
                )
                % {
                    "ref": decision.reference,
                    "recipient": old.recipient.name,
                    "year": old.budget_year,
                    "original": original.reference,
                }
            )
            continue
        old.superseded_by = new
        old.save(update_fields=["superseded_by"])
    return problems


def _frame_problems(batch: DecisionBatch) -> list[ValidationError]:
    """Each scheme's frame for a budget year must hold other rounds' commitments and all the round's decisions.

    The frame that counts, and what is committed, come from ``schemes.commitments.money_for_office``: the figures
    every page shows.
    """
    round = batch.round
    touched = set(
        DecisionLine.objects.filter(decision__batch=batch, amount__gt=0).values_list(
            "decision__report__scheme_id", "budget_year"
        )
    )
    if not touched:
        return []
    money = money_for_office(round.office)
    in_batch = {
        (scheme_id, year): total
        for scheme_id, year, total in DecisionLine.objects.filter(
            decision__batch=batch, decision__status__in=BINDING_STATUSES, superseded_by__isnull=True
        )
        .values_list("decision__report__scheme_id", "budget_year")
        .annotate(total=Sum("amount"))
    }
    schemes = {scheme.pk: scheme for scheme in round.schemes.all()}
    problems = []
    for scheme_id, year in sorted(touched):
        scheme = schemes.get(scheme_id)
        if scheme is None:
            continue
        cell = money.get(scheme, year)
        other, total = cell.committed_by_others(round), cell.committed_in(round)
        if cell.free < 0:
            message = _(
                "%(scheme)s %(year)s: vedtakene binder %(sum)s – %(batch)s i disse vedtakene, %(earlier)s i "
                "tidligere vedtak i runden og %(other)s fra andre runder. Rammen er %(frame)s, altså "
                "%(over)s for mye."
            ) % {
                "scheme": scheme.short_name,
                "year": year,
                "sum": _fmt(cell.committed),
                "batch": _fmt(in_batch.get((scheme_id, year), ZERO)),
                "earlier": _fmt(total - in_batch.get((scheme_id, year), ZERO)),
                "other": _fmt(other),
                "frame": _fmt(cell.frame),
                "over": _fmt(-cell.free),
            }
            problems.append(ValidationError(message, code="over_frame"))
    return problems


def decisions_decide(*, by: User, batch: DecisionBatch, token: uuid.UUID) -> list[Decision]:
    """Make every draft decision in the batch at once: all of them, or — if one fails a check — none.

    Checked per decision: a reason where it deviates from the recommendation, and (DeKomp) the egenandel against
    the amount granted. A change decision supersedes the original's amounts for the same recipient and year. Then
    every scheme's frame must hold the round's decisions and what other rounds' decisions bind. The same token twice
    (a double click) returns the decisions as they are.
    """
    with transaction.atomic():
        locked = DecisionBatch.objects.select_for_update().select_related("round__office").get(pk=batch.pk)
        if not can_decide(by, locked.round):
            raise _not_allowed()
        if locked.decide_token is not None and locked.decide_token == token:
            return list(locked.decisions.select_related("report").order_by("number"))
        if DecisionBatch.objects.filter(decide_token=token).exclude(pk=locked.pk).exists():
            raise ValidationError(_("Skjemaet er allerede brukt. Last siden på nytt."))
        decisions = list(
            locked.decisions.filter(status=DecisionStatus.DRAFT)
            .select_related("report__scheme", "report__round")
            .prefetch_related("lines", "report__contributions")
            .order_by("number")
        )
        if not decisions:
            raise ValidationError(_("Vedtakene i denne bunken er allerede fattet."))
        problems: list[str | ValidationError] = []
        for decision in decisions:
            if outcome_for(decision.lines.all()) != decision.outcome:
                problems.append(
                    _("%(ref)s %(title)s: utfallet «%(outcome)s» stemmer ikke med beløpene.")
                    % {
                        "ref": decision.reference,
                        "title": decision.report.title,
                        "outcome": decision.get_outcome_display(),
                    }
                )
            if deviates(decision) and not decision.deviation_reason.strip():
                problems.append(
                    _("%(ref)s %(title)s: vedtaket avviker fra innstillingen, men mangler begrunnelse.")
                    % {"ref": decision.reference, "title": decision.report.title}
                )
            problems += [ValidationError(problem, code="egenandel_too_low") for problem in egenandel_problems(decision)]
        now = timezone.now()
        for decision in decisions:
            decision.status = DecisionStatus.DECIDED
            decision.decided_at, decision.decided_by = now, by
            decision.version += 1
            decision.save(update_fields=["status", "decided_at", "decided_by", "version", "updated_at"])
        for decision in decisions:
            problems += _supersede(decision)
        if not problems:
            problems += _frame_problems(locked)
        if problems:
            # Raising undoes every write above: no decision in the batch is made.
            raise ValidationError(problems)
        locked.decided_at, locked.decided_by, locked.decide_token = now, by, token
        locked.save(update_fields=["decided_at", "decided_by", "decide_token", "updated_at"])
        for decision in decisions:
            record(
                actor=by,
                verb="decision_decided",
                target=decision,
                changes={"status": [DecisionStatus.DRAFT, DecisionStatus.DECIDED], "outcome": decision.outcome},
            )
        record(actor=by, verb="decisions_decided", target=locked, changes={"decisions": len(decisions)})
        hooks.decided(decisions)
        # The round's decisions are made: it moves on to «vedtak», which publishes its list of grants.
        round_advance(by=by, round=locked.round, to=RoundStatus.DECISION)
    return decisions


# ------------------------------------------------------------------------------------------------ change requests


def change_request_years(*, decision: Decision, kind: str, round: Round) -> list[int]:
    """The budget years a change request or supplement in ``round`` can cover.

    A change is for a later year of the original decision (year 2 or 3) that is not paid; a supplement adds to a
    year the measure still runs. Either way the years must be the first of the new round's budget years.
    """
    original_first = decision.report.round.first_budget_year
    lines = list(decision.lines.all())
    years = sorted({line.budget_year for line in lines if line.budget_year >= round.first_budget_year})
    if kind == ReportKind.CHANGE:
        paid = set(
            DecisionLine.objects.filter(decision=decision, payout__isnull=False).values_list("budget_year", flat=True)
        )
        years = [year for year in years if year > original_first and year not in paid]
    # The new report's years are the round's first ones (1–3 school years): keep the unbroken run from its start.
    run = []
    for year in round.budget_years:
        if year not in years:
            break
        run.append(year)
    return run


def change_request_create(*, by: User, decision: Decision, kind: str, round: Round) -> NeedsReport:
    """Start a draft change request (year 2 or 3) or supplement from a granted decision, in an open round.

    The draft copies the original report (texts, units, partners, co-owners, themes) and points back at it; a change
    starts from the amounts decided for the remaining years. The owner then edits and submits it, and it is ranked
    and recommended like any other report.
    """
    if not can_request_change(by, decision):
        raise PermissionDenied(_("Bare eierens innsendere kan be om endring av et vedtak."))
    errors: dict[str, str] = {}
    if kind not in (ReportKind.CHANGE, ReportKind.SUPPLEMENT):
        errors["kind"] = _("Velg endring eller supplering.")
    if round.status != RoundStatus.OPEN or round.office_id != decision.report.round.office_id:
        errors["round"] = _("Velg en åpen runde hos Statsforvalteren som fattet vedtaket.")
    elif not round.schemes.filter(pk=decision.report.scheme_id).exists():
        errors["round"] = _("Runden «%(round)s» har ikke ordningen %(scheme)s.") % {
            "round": round.name,
            "scheme": decision.report.scheme.short_name,
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = (
            Decision.objects.select_for_update().select_related("report__round", "report__scheme").get(pk=decision.pk)
        )
        if not locked.is_binding:
            raise ValidationError(_("Vedtaket er ikke fattet ennå; det kan ikke endres eller suppleres."))
        if locked.outcome == Outcome.REJECTED:
            raise ValidationError(_("Et avslag kan ikke endres eller suppleres. Send en ny behovsmelding i stedet."))
        original = locked.report
        pending = NeedsReport.objects.filter(
            amends=original, status__in=PENDING_REPORT_STATUSES, decision__isnull=True
        ).first()
        if pending is not None:
            raise ValidationError(
                _("Det finnes allerede en endringssøknad for tiltaket som ikke har fått vedtak: %(ref)s.")
                % {"ref": pending.reference}
            )
        years = change_request_years(decision=locked, kind=kind, round=round)
        if not years:
            if kind == ReportKind.CHANGE:
                message = _(
                    "Vedtaket har ingen senere år som ikke er utbetalt, og som kan endres i runden «%(round)s» "
                    "(budsjettår fra %(first)s)."
                )
            else:
                message = _("Tiltaket løper ikke i budsjettårene til runden «%(round)s» (fra %(first)s).")
            raise ValidationError({"round": message % {"round": round.name, "first": round.first_budget_year}})
        report = needs_report_copy(by=by, source=original, round=round)
        prefix = _("Endring: ") if kind == ReportKind.CHANGE else _("Supplering: ")
        report.kind, report.amends = kind, original
        report.title = f"{prefix}{original.title}"[:200]
        report.years = len(years)
        report.save()
        # The copy shifted the budget by the rounds' distance; a change starts from what was decided for its years.
        BudgetLine.objects.filter(report=report).delete()
        OwnContribution.objects.filter(report=report).delete()
        if kind == ReportKind.CHANGE:
            BudgetLine.objects.bulk_create(
                BudgetLine(
                    report=report, budget_year=line.budget_year, recipient_id=line.recipient_id, amount=line.amount
                )
                for line in locked.lines.filter(budget_year__in=years, amount__gt=0).order_by("budget_year", "pk")
            )
            OwnContribution.objects.bulk_create(
                OwnContribution(report=report, budget_year=c.budget_year, amount=c.amount)
                for c in original.contributions.filter(budget_year__in=years)
            )
        record(
            actor=by,
            verb="change_requested",
            target=locked,
            changes={"kind": kind, "report": report.pk, "round": round.pk, "years": years},
        )
        record(actor=by, verb="change_request_created", target=report, changes={"amends": original.pk, "kind": kind})
    return report
