"""Field-level changes for the activity record: an object's fields as JSON-safe values, and what changed.

A service that changes fields takes a snapshot before and after and records the difference::

    before = snapshot(decision, ["outcome", "amount", "report"])
    ...change and save the decision...
    record(actor=by, verb="decision_changed", target=decision, changes=diff(before, snapshot(decision, FIELDS)))

``changes`` then reads ``{"amount": ["150000", "120000"]}``: each changed field with ``[old, new]``. Other facts
about an action (``{"report": 12}``) may sit beside them as plain values; the log pages show a two-item list as
old → new and anything else as a value.
"""

import json
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from uuid import UUID

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.functional import Promise

JSONValue = None | bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"]


def json_value(value: object) -> JSONValue:
    """``value`` as plain JSON: Decimal → str (no trailing zeros), dates and times → ISO 8601, models → pk."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Enum):
        return json_value(value.value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        # 150000.00 from the database and 150000 from a form are the same amount.
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, UUID | Promise):
        return str(value)
    if isinstance(value, models.Model):
        return json_value(value.pk)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((json_value(item) for item in value), key=_canonical)
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return str(value)


def _canonical(value: JSONValue) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, JSONValue]:
    """The named fields of ``instance`` as JSON-safe values; a foreign key as its pk (no query), a many-to-many as
    its sorted pks (one query each)."""
    data: dict[str, JSONValue] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            data[name] = sorted(getattr(instance, name).values_list("pk", flat=True)) if instance.pk else []
        elif field.is_relation:
            data[name] = json_value(getattr(instance, field.attname))
        else:
            data[name] = json_value(getattr(instance, name))
    return data


def diff(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, list[JSONValue]]:
    """Each field whose value differs, as ``[old, new]`` in JSON-safe values; a missing field counts as None.

    Fields come in the order of ``after``, then those only in ``before``. Values are compared as JSON, so
    ``Decimal("1.50")`` and ``Decimal("1.5")`` are equal while ``1`` and ``True`` are not.
    """
    changes: dict[str, list[JSONValue]] = {}
    for key in [*after, *(key for key in before if key not in after)]:
        old, new = json_value(before.get(key)), json_value(after.get(key))
        if _canonical(old) != _canonical(new):
            changes[str(key)] = [old, new]
    return changes
