"""What each role must do next, derived from the data (never stored)."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dekomp.accounts.models import BodyRole
from dekomp.organisations.models import Forum, Organisation, Region, Unit, WorkingGroup


@dataclass(frozen=True)
class TodoItem:
    """One line in a home's to-do list; ``is_done`` lines are shown as done, others as waiting for the user."""

    text: str | Promise
    is_done: bool = False
    url: str = ""


def for_owner(*, organisation: Organisation, units: list[Unit]) -> list[TodoItem]:
    items = []
    if not units:
        items.append(TodoItem(_("Ingen skoler eller barnehager er registrert på dere. Kontakt Statsforvalteren.")))
    missing_staff = sum(1 for unit in units if unit.staff_count == 0)
    if missing_staff:
        items.append(
            TodoItem(
                ngettext(
                    "%(count)d enhet mangler antall ansatte, som brukes i fordelingsnøkkelen.",
                    "%(count)d enheter mangler antall ansatte, som brukes i fordelingsnøkkelen.",
                    missing_staff,
                )
                % {"count": missing_staff}
            )
        )
    items.append(TodoItem(_("Ingen tilskuddsrunde er åpen for behovsmeldinger ennå.")))
    return items


def for_partner(*, organisation: Organisation) -> list[TodoItem]:
    return [TodoItem(_("Ingen behovsmeldinger venter på bekreftelse fra dere."), is_done=True)]


def for_working_group(*, working_group: WorkingGroup) -> list[TodoItem]:
    items = []
    if not any(seat.role == BodyRole.LEADER for seat in working_group.memberships.all()):
        items.append(TodoItem(_("Arbeidsgruppen har ingen leder. Statsforvalteren må utnevne en.")))
    items.append(TodoItem(_("Ingen behovsmeldinger å prioritere ennå."), is_done=True))
    return items


def for_forum(*, forum: Forum) -> list[TodoItem]:
    items = []
    if not any(seat.role == BodyRole.LEADER for seat in forum.memberships.all()):
        items.append(TodoItem(_("Forumet har ingen leder.")))
    items.append(TodoItem(_("Ingen møter er satt opp ennå."), is_done=True))
    return items


def for_office(*, regions: list[Region], forums: list[Forum], is_admin: bool) -> list[TodoItem]:
    items = []
    if is_admin:
        if not regions:
            items.append(TodoItem(_("Embetet har ingen regioner. Opprett regionene og arbeidsgruppene deres.")))
        for region in regions:
            if not hasattr(region, "working_group"):
                items.append(TodoItem(_("Regionen %(region)s har ingen arbeidsgruppe.") % {"region": region.name}))
        if not forums:
            items.append(TodoItem(_("Embetet har ikke satt opp et samarbeidsforum.")))
    items.append(TodoItem(_("Ingen tilskuddsrunde er opprettet ennå.")))
    return items


def for_national() -> list[TodoItem]:
    return [TodoItem(_("Ingen embeter har åpnet en tilskuddsrunde ennå."), is_done=True)]
