"""Reading the audit trail: the events on a needs report, a round or by one user, as rows for the log pages.

``activity`` comes before the apps whose objects it records, so it imports none of them: it knows where each kind
of object sits (its needs report, its round, its office) as lookups by app label and model name (``PLACES``), and
loads models with ``apps.get_model``. A kind of object not listed is still recorded and shown on its own
object's pages, just not gathered here; add it to ``PLACES`` when a new target type appears.

Queries are fixed: one for the page of events (with actors and target types), one for the count, and one per kind
of target on the page to name the targets — never one per event.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dekomp.accounts.models import User
from dekomp.core.formatting import format_number

from .changes import JSONValue
from .models import Event
from .verbs import FIELD_LABELS, VALUE_LABELS, verb_label

PAGE_SIZE = 100


@dataclass(frozen=True)
class Place:
    """Lookups from one kind of object to the needs report, the round and the office it belongs to (None: none)."""

    report: str | None
    round: str | None
    office: str | None


PLACES: dict[tuple[str, str], Place] = {
    ("schemes", "round"): Place(report=None, round="pk", office="office"),
    ("needs", "needsreport"): Place(report="pk", round="round", office="round__office"),
    ("assessment", "ranking"): Place(report=None, round="round", office="round__office"),
    ("allocation", "recommendation"): Place(report=None, round="round", office="round__office"),
    ("allocation", "meeting"): Place(report=None, round="round", office="round__office"),
    ("allocation", "longtermplan"): Place(report=None, round="round", office="round__office"),
    ("decisions", "decisionbatch"): Place(report=None, round="round", office="round__office"),
    ("decisions", "decision"): Place(report="report", round="report__round", office="report__round__office"),
    ("decisions", "appeal"): Place(
        report="decision__report", round="decision__report__round", office="decision__report__round__office"
    ),
    ("payouts", "payoutbatch"): Place(report=None, round=None, office="office"),
    ("payouts", "payout"): Place(
        report="line__decision__report", round="line__decision__report__round", office="batch__office"
    ),
    ("reporting", "recipientreport"): Place(
        report="line__decision__report",
        round="line__decision__report__round",
        office="line__decision__report__round__office",
    ),
    ("reporting", "settlement"): Place(
        report="report__line__decision__report",
        round="report__line__decision__report__round",
        office="report__line__decision__report__round__office",
    ),
}


def _model(app_label: str, model_name: str) -> type[models.Model] | None:
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def _targets_where(place_of: str, value: object) -> Q:
    """Events whose target belongs (through each kind's ``place_of`` lookup) to ``value`` (a pk, or a list of pks):
    one subquery per kind of object."""
    condition = Q(pk__in=[])
    for (app_label, model_name), place in PLACES.items():
        lookup = getattr(place, place_of)
        model = _model(app_label, model_name)
        if lookup is None or model is None:
            continue
        if isinstance(value, list):
            lookup = f"{lookup}__in"
        owned = model._base_manager.filter(**{lookup: value}).values("pk")
        condition |= Q(target_type__app_label=app_label, target_type__model=model_name, target_id__in=owned)
    return condition


def _listed(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.select_related("actor", "target_type").order_by("-at", "-pk")


def report_events(*, report_id: int) -> QuerySet[Event]:
    """Events on a needs report and on what belongs to it (its decision, appeals, payouts, recipients' reports), and
    events elsewhere naming it (``"report": id`` in their changes: a ranking move, a vote, a change request)."""
    return _listed(Event.objects.filter(_targets_where("report", report_id) | Q(changes__report=report_id)))


def round_events(*, round_id: int, verb: str = "", actor_id: int | None = None) -> QuerySet[Event]:
    """Events on a round and on everything in it (reports, rankings, recommendations, meetings, decisions, payouts,
    recipients' reports), and events naming it (``"round": id`` in their changes), newest first."""
    events = Event.objects.filter(_targets_where("round", round_id) | Q(changes__round=round_id))
    if verb:
        events = events.filter(verb=verb)
    if actor_id:
        events = events.filter(actor_id=actor_id)
    return _listed(events)


def user_events(*, user: User, office_ids: Iterable[int]) -> QuerySet[Event]:
    """What one user did to objects of these offices, newest first (their actions elsewhere are left out)."""
    return _listed(Event.objects.filter(Q(actor=user) & _targets_where("office", list(office_ids))))


def user_in_offices(*, subject: User, office_ids: set[int]) -> bool:
    """Whether the person has a role at one of these offices (at the office, in its working groups or forums, or in
    an organisation in its fylker), or has acted on one of their objects; one query."""
    offices = list(office_ids)
    has_role = (
        Q(office_memberships__office__in=offices)
        | Q(working_group_memberships__working_group__region__office__in=offices)
        | Q(forum_memberships__forum__office__in=offices)
        | Q(organisation_memberships__organisation__municipality__county__offices__in=offices)
        | Q(organisation_memberships__organisation__county__offices__in=offices)
    )
    role_holders = User.objects.filter(has_role, pk=OuterRef("pk"))
    acted = Event.objects.filter(Q(actor=OuterRef("pk")) & _targets_where("office", offices))
    return User.objects.filter(pk=subject.pk).filter(Exists(role_holders) | Exists(acted)).exists()


def verbs_in(events: QuerySet[Event]) -> list[tuple[str, str]]:
    """The verbs occurring in these events, with their labels, sorted by label; one query."""
    codes = events.order_by().values_list("verb", flat=True).distinct()
    return sorted(((code, verb_label(code)) for code in codes), key=lambda pair: pair[1].lower())


def actors_in(events: QuerySet[Event]) -> list[User]:
    """The people who acted in these events, sorted by name; one query."""
    return list(User.objects.filter(pk__in=events.order_by().values("actor")).order_by("full_name", "email"))


# ------------------------------------------------------------------------------------------------- rows to show


# A recorded number or amount (JSON keeps Decimals as strings): grouped when it has five digits or more, so years,
# ids and small counts stay as they are.
_NUMBER = re.compile(r"(?!\d{11}$)-?\d{5,}(\.\d+)?")  # not an 11-digit account number


def as_text(value: JSONValue) -> str:
    """A recorded value as text: nothing as a dash, yes/no, numbers grouped (``6 499 000``), lists and objects as
    their items."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_("ja") if value else _("nei"))
    if isinstance(value, list):
        return ", ".join(as_text(item) for item in value) or "–"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {as_text(item)}" for key, item in value.items()) or "–"
    if isinstance(value, int | float | str) and _NUMBER.fullmatch(str(value)):
        return format_number(value)
    return str(value)


@dataclass(frozen=True)
class Change:
    """One entry of an event's changes: a field's old and new value, or (``is_pair`` false) a plain value."""

    field: str
    label: str
    old: JSONValue
    new: JSONValue
    is_pair: bool

    @property
    def old_text(self) -> str:
        return as_text(self.old)

    @property
    def new_text(self) -> str:
        return as_text(self.new)


@dataclass
class Row:
    """One event as the log shows it: time, actor, readable verb, target (named, with a link where there is one)."""

    event: Event
    verb: str
    target_kind: str
    target_name: str
    target_url: str = ""
    changes: list[Change] = field(default_factory=list)


def _field_label(model: type[models.Model] | None, name: str) -> str:
    """A known key's label, the target's field's verbose name, or the key itself."""
    if name in FIELD_LABELS:
        return str(capfirst(FIELD_LABELS[name]))
    if model is not None:
        try:
            return str(capfirst(model._meta.get_field(name).verbose_name))
        except (FieldDoesNotExist, AttributeError):
            pass
    return name


def _value_labels(model: type[models.Model] | None, name: str) -> dict:
    """The labels of a coded value: the choices of the target's field, or those a later stage registered."""
    if model is not None:
        try:
            choices = model._meta.get_field(name).choices
        except (FieldDoesNotExist, AttributeError):
            choices = None
        if choices:
            return dict(choices)
    return VALUE_LABELS.get(name, {})


def _readable(value: JSONValue, labels: dict) -> JSONValue:
    if isinstance(value, str) and value in labels:
        return str(labels[value])
    if isinstance(value, list):
        return [_readable(item, labels) for item in value]
    return value


def _changes(model: type[models.Model] | None, changes: object) -> list[Change]:
    if not isinstance(changes, dict):
        return [Change(field="", label="", old=None, new=changes, is_pair=False)]
    result = []
    for name, value in changes.items():
        is_pair = isinstance(value, list) and len(value) == 2
        old, new = (value[0], value[1]) if is_pair else (None, value)
        if labels := _value_labels(model, name):
            old, new = _readable(old, labels), _readable(new, labels)
        result.append(Change(field=name, label=_field_label(model, name), old=old, new=new, is_pair=is_pair))
    return result


NAME_JOIN_DEPTH = 3
_LINKS = {("needs", "needsreport"): "activity:report", ("schemes", "round"): "activity:round"}


def _target_names(events: list[Event]) -> dict[tuple[int, int], str]:
    """Each target's name, loaded with one query per kind of target (following non-null foreign keys for names)."""
    ids_by_type: dict[int, set[int]] = defaultdict(set)
    for event in events:
        ids_by_type[event.target_type_id].add(event.target_id)
    names: dict[tuple[int, int], str] = {}
    for event in events:
        content_type = event.target_type
        if content_type.pk not in ids_by_type:
            continue
        ids = ids_by_type.pop(content_type.pk)
        model = content_type.model_class()
        if model is None or model.__str__ is models.Model.__str__:
            continue  # no name of its own: the kind and number say it
        targets = model._base_manager.select_related()
        # Every non-null key, but only three steps deep (an appeal's name needs decision → report → round): the
        # default depth of five joins dozens of tables, which PostgreSQL's planner takes minutes over.
        targets.query.max_depth = NAME_JOIN_DEPTH
        for pk, target in targets.in_bulk(ids).items():
            names[(content_type.pk, pk)] = str(target)
    return names


def rows(events: Iterable[Event]) -> list[Row]:
    """The events as rows to show; the targets are named with one query per kind of target."""
    events = list(events)
    names = _target_names(events)
    result = []
    for event in events:
        content_type = event.target_type
        model = content_type.model_class()
        kind = str(capfirst(model._meta.verbose_name)) if model else content_type.model
        link = _LINKS.get((content_type.app_label, content_type.model))
        result.append(
            Row(
                event=event,
                verb=verb_label(event.verb),
                target_kind=kind,
                target_name=names.get((content_type.pk, event.target_id), f"#{event.target_id}"),
                target_url=reverse(link, args=[event.target_id]) if link else "",
                changes=_changes(model, event.changes),
            )
        )
    return result


def report_for_log(*, report_id: int) -> models.Model | None:
    """The needs report with its round and office, or None."""
    model = apps.get_model("needs", "NeedsReport")
    return model.objects.select_related("round__office").filter(pk=report_id).first()


def round_for_log(*, round_id: int) -> models.Model | None:
    """The round with its office, or None."""
    model = apps.get_model("schemes", "Round")
    return model.objects.select_related("office").filter(pk=round_id).first()


def page_of(events: QuerySet[Event], number: object) -> tuple[Page, list[Row]]:
    """One page of 100 events (the page number from the query string, falling back to the first or last page)."""
    page = Paginator(events, PAGE_SIZE).get_page(number)
    return page, rows(page.object_list)
