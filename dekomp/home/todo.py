"""What each role must do next, derived from the data (never stored)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dekomp.accounts.models import BodyRole
from dekomp.assessment.models import Ranking
from dekomp.needs.models import Status
from dekomp.organisations.models import Forum, Organisation, Region, Unit, WorkingGroup
from dekomp.schemes.models import Round, RoundStatus


@dataclass(frozen=True)
class TodoItem:
    """One line in a home's to-do list; ``is_done`` lines are shown as done, others as waiting for the user."""

    text: str | Promise
    is_done: bool = False
    url: str = ""


def for_owner(*, organisation: Organisation, units: list[Unit], reports: list, rounds: list) -> list[TodoItem]:
    """Deadlines, returned reports, answers to give and drafts to finish for one owner."""
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
    for round, deadline in rounds:
        if deadline:
            items.append(
                TodoItem(
                    _("%(round)s: frist for å sende inn er %(deadline)s.")
                    % {"round": round.name, "deadline": date_format(localtime(deadline), "DATETIME_FORMAT")}
                )
            )
    if not rounds:
        items.append(TodoItem(_("Ingen tilskuddsrunde er åpen for behovsmeldinger nå."), is_done=True))
    for report in reports:
        url = reverse("needs:detail", args=[report.pk])
        if report.owner_id != organisation.pk:
            link = next((c for c in report.co_owner_links.all() if c.organisation_id == organisation.pk), None)
            if link and link.status == "venter" and report.is_editable:
                items.append(
                    TodoItem(
                        _("Bekreft at dere er med i nettverket bak «%(title)s» (%(owner)s).")
                        % {"title": report.title, "owner": report.owner.name},
                        url=url,
                    )
                )
            continue
        if report.status == "returnert":
            items.append(
                TodoItem(
                    _("«%(title)s» er returnert for endringer. Rett opp og send inn på nytt.")
                    % {"title": report.title},
                    url=url,
                )
            )
        elif report.status == "utkast":
            waiting = [p.organisation.name for p in report.partner_links.all() if p.status == "venter"]
            declined = [p.organisation.name for p in report.partner_links.all() if p.status == "avslatt"]
            if declined:
                text = _("«%(title)s»: %(names)s har avslått å være partner.") % {
                    "title": report.title,
                    "names": ", ".join(declined),
                }
            elif waiting:
                text = _("«%(title)s» venter på bekreftelse fra %(names)s.") % {
                    "title": report.title,
                    "names": ", ".join(waiting),
                }
            else:
                text = _("«%(title)s» er et utkast. Gjør det ferdig og send inn.") % {"title": report.title}
            items.append(TodoItem(text, url=url))
    return items


def for_partner(*, organisation: Organisation, reports: list) -> list[TodoItem]:
    """Reports waiting for this partner's answer."""
    items = []
    for report in reports:
        link = next((p for p in report.partner_links.all() if p.organisation_id == organisation.pk), None)
        if link and link.status == "venter" and report.is_editable:
            items.append(
                TodoItem(
                    _("Bekreft eller avslå «%(title)s» fra %(owner)s.")
                    % {"title": report.title, "owner": report.owner.name},
                    url=reverse("needs:detail", args=[report.pk]),
                )
            )
    if not items:
        items.append(TodoItem(_("Ingen behovsmeldinger venter på bekreftelse fra dere."), is_done=True))
    return items


@dataclass(frozen=True)
class RoundToRank:
    """A round the working group ranks in: how many checked reports it has, and its ranking once opened."""

    round: Round
    count: int
    ranking: Ranking | None = None

    @property
    def is_submitted(self) -> bool:
        return bool(self.ranking and self.ranking.is_locked)


def for_working_group(*, working_group: WorkingGroup, rankings: list[RoundToRank]) -> list[TodoItem]:
    """A missing leader, and per round in ranking the reports to rank before the deadline (or that it is sent)."""
    items = []
    if not any(seat.role == BodyRole.LEADER for seat in working_group.memberships.all()):
        items.append(TodoItem(_("Arbeidsgruppen har ingen leder. Statsforvalteren må utnevne en.")))
    for item in rankings:
        url = reverse("assessment:board", args=[item.round.pk, working_group.pk])
        if item.is_submitted:
            text = _("Prioriteringen i %(round)s er sendt til forumet.") % {"round": item.round.name}
            items.append(TodoItem(text, is_done=True, url=url))
            continue
        values = {"count": item.count, "round": item.round.name}
        if item.round.working_group_deadline:
            values["deadline"] = date_format(item.round.working_group_deadline, "DATE_FORMAT")
            text = ngettext(
                "Prioriter %(count)d behovsmelding i %(round)s innen %(deadline)s.",
                "Prioriter %(count)d behovsmeldinger i %(round)s innen %(deadline)s.",
                item.count,
            )
        else:
            text = ngettext(
                "Prioriter %(count)d behovsmelding i %(round)s.",
                "Prioriter %(count)d behovsmeldinger i %(round)s.",
                item.count,
            )
        items.append(TodoItem(text % values, url=url))
    if not rankings:
        items.append(TodoItem(_("Ingen behovsmeldinger å prioritere ennå."), is_done=True))
    return items


def for_forum(*, forum: Forum, rounds: list | tuple = ()) -> list[TodoItem]:
    """A missing leader, and per round the next meeting and how many working groups have sent their ranking."""
    items = []
    if not any(seat.role == BodyRole.LEADER for seat in forum.memberships.all()):
        items.append(TodoItem(_("Forumet har ingen leder.")))
    for item in rounds:
        url = reverse("allocation:workspace", args=[forum.pk, item.round.pk])
        if item.round.forum_meeting:
            text = _("%(round)s: neste møte i forumet er %(meeting)s.") % {
                "round": item.round.name,
                "meeting": date_format(localtime(item.round.forum_meeting), "DATETIME_FORMAT"),
            }
            items.append(TodoItem(text, url=url))
        text = ngettext(
            "%(round)s: %(submitted)d av %(count)d arbeidsgruppe har sendt prioriteringen.",
            "%(round)s: %(submitted)d av %(count)d arbeidsgrupper har sendt prioriteringen.",
            item.groups,
        ) % {"round": item.round.name, "submitted": item.submitted, "count": item.groups}
        items.append(TodoItem(text, is_done=item.groups > 0 and item.submitted == item.groups, url=url))
    if not rounds:
        items.append(TodoItem(_("Ingen møter er satt opp ennå."), is_done=True))
    return items


def for_office(
    *, regions: list[Region], forums: list[Forum], is_admin: bool, rounds: list, awaiting_check: dict[int, int]
) -> list[TodoItem]:
    """Set-up gaps for admins, and per open or closed round the reports waiting for the formal check."""
    items = []
    if is_admin:
        if not regions:
            items.append(TodoItem(_("Embetet har ingen regioner. Opprett regionene og arbeidsgruppene deres.")))
        for region in regions:
            if not hasattr(region, "working_group"):
                items.append(TodoItem(_("Regionen %(region)s har ingen arbeidsgruppe.") % {"region": region.name}))
        if not forums:
            items.append(TodoItem(_("Embetet har ikke satt opp et samarbeidsforum.")))
    if not rounds:
        items.append(TodoItem(_("Ingen tilskuddsrunde er opprettet ennå.")))
    for round in rounds:
        if round.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
            continue
        count = awaiting_check.get(round.pk, 0)
        url = f"{reverse('needs:round_list', args=[round.pk])}?status={Status.SUBMITTED}"
        if count:
            text = ngettext(
                "%(count)d behovsmelding venter på formell kontroll i %(round)s.",
                "%(count)d behovsmeldinger venter på formell kontroll i %(round)s.",
                count,
            ) % {"count": count, "round": round.name}
            items.append(TodoItem(text, url=url))
        else:
            text = _("Ingen behovsmeldinger venter på formell kontroll i %(round)s.") % {"round": round.name}
            items.append(TodoItem(text, is_done=True, url=url))
    return items


def for_national() -> list[TodoItem]:
    return [TodoItem(_("Ingen embeter har åpnet en tilskuddsrunde ennå."), is_done=True)]
