"""Writes for the allocation: regional envelopes from a key. (Solver runs and the recommendation follow.)"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from dekomp.accounts.models import User
from dekomp.activity.services import record
from dekomp.organisations.models import Region, Unit
from dekomp.schemes.models import Round, Scheme

from .apportionment import apportion, equal_weights
from .models import Envelope, EnvelopeKey, KeyKind
from .permissions import can_set_envelopes


def _fmt(amount: Decimal | int) -> str:
    return f"{amount:,.0f} kr".replace(",", "\u00a0")


def region_weights(*, round: Round, scheme: Scheme, kind: str) -> dict[int, Decimal]:
    """Region id → weight for the key: 1 each, or the staff or pupils of the members' units of the scheme's kinds."""
    regions = list(Region.objects.filter(office=round.office, working_group__isnull=False).order_by("name"))
    if kind == KeyKind.EQUAL:
        return {
            region.pk: Decimal(weight)
            for region, weight in zip(regions, equal_weights(str(r.pk) for r in regions).values(), strict=True)
        }
    field = "staff_count" if kind == KeyKind.STAFF else "pupil_count"
    sums = dict(
        Unit.objects.filter(owner__regions__in=regions, kind__in=scheme.unit_kinds)
        .values_list("owner__regions")
        .annotate(total=Sum(field))
        .values_list("owner__regions", "total")
    )
    return {region.pk: Decimal(sums.get(region.pk) or 0) for region in regions}


@transaction.atomic
def envelopes_set(
    *,
    by: User,
    round: Round,
    scheme: Scheme,
    kind: str,
    method: str,
    source: str = "",
    source_year: int | None = None,
    typed: dict[tuple[int, int], Decimal] | None = None,
) -> list[Envelope]:
    """Split the scheme's frame in every budget year into regional envelopes that add up to it to the krone."""
    if not can_set_envelopes(by, round):
        raise PermissionDenied
    frames = {frame.budget_year: int(frame.amount) for frame in round.frames.filter(scheme=scheme)}
    if not frames:
        raise ValidationError(_("Runden har ingen ramme for %(scheme)s.") % {"scheme": scheme.short_name})
    if kind not in KeyKind.values:
        raise ValidationError({"kind": _("Ukjent fordelingsnøkkel.")})
    weights = region_weights(round=round, scheme=scheme, kind=kind if kind != KeyKind.TYPED else KeyKind.EQUAL)
    if not weights:
        raise ValidationError(_("Embetet har ingen regioner med arbeidsgruppe å fordele til."))
    if kind in (KeyKind.STAFF, KeyKind.PUPILS) and not source.strip():
        raise ValidationError({"source": _("Oppgi hvor tallene kommer fra (for eksempel Udirs statistikk).")})
    amounts: dict[tuple[int, int], int] = {}
    if kind == KeyKind.TYPED:
        typed = typed or {}
        errors = []
        for year, frame in sorted(frames.items()):
            values = [typed.get((region_id, year), Decimal(0)) for region_id in weights]
            if any(value < 0 for value in values):
                errors.append(_("Beløpene for %(year)s kan ikke være negative.") % {"year": year})
            elif sum(values) != frame:
                errors.append(
                    _("De regionale rammene for %(year)s summerer til %(sum)s, men rammen er %(frame)s.")
                    % {"year": year, "sum": _fmt(sum(values)), "frame": _fmt(frame)}
                )
            for region_id in weights:
                amounts[(region_id, year)] = int(typed.get((region_id, year), 0))
        if errors:
            raise ValidationError(errors)
    else:
        if not any(weights.values()):
            raise ValidationError(_("Alle regionene har vekt 0 med denne nøkkelen; rammen kan ikke fordeles."))
        for year, frame in frames.items():
            parts = apportion(frame, {str(k): v for k, v in weights.items()}, method)
            for region_id in weights:
                amounts[(region_id, year)] = parts[str(region_id)]
    Envelope.objects.filter(round=round, scheme=scheme).delete()
    envelopes = Envelope.objects.bulk_create(
        Envelope(
            round=round, scheme=scheme, budget_year=year, region_id=region_id, weight=weights[region_id], amount=amount
        )
        for (region_id, year), amount in sorted(amounts.items())
    )
    EnvelopeKey.objects.update_or_create(
        round=round,
        scheme=scheme,
        defaults={"kind": kind, "method": method, "source": source.strip(), "source_year": source_year, "set_by": by},
    )
    record(
        actor=by,
        verb="envelopes_set",
        target=round,
        changes={"scheme": scheme.code, "kind": kind, "method": method, "source": source, "source_year": source_year},
    )
    return envelopes
