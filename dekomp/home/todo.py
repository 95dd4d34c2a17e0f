"""What each role must do next, derived from the data (never stored)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.timezone import localdate, localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dekomp.accounts.models import BodyRole
from dekomp.allocation.services import MEETING_REMINDER_DAYS
from dekomp.assessment.models import Ranking
from dekomp.assessment.services import RANKING_REMINDER_DAYS
from dekomp.decisions.models import Decision, DecisionStatus
from dekomp.needs.models import ConfirmationStatus, Status
from dekomp.organisations.models import Forum, Organisation, Region, Unit, WorkingGroup
from dekomp.payouts.models import BatchStatus
from dekomp.payouts.selectors import PayoutWork
from dekomp.reporting.models import RecipientReport, ReportStatus
from dekomp.schemes.models import ROUND_TRANSITIONS, Round, RoundStatus


@dataclass(frozen=True)
class TodoItem:
    """One line in a home's to-do list; ``is_done`` lines are shown as done, others as waiting for the user.

    ``kind`` names what the line asks for (the page shows it as ``data-todo``); tests/test_reachability.py checks
    that each kind's link leads to a page where it can be done.
    """

    text: str | Promise
    is_done: bool = False
    url: str = ""
    kind: str = ""


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
                        kind="confirm_co_owner",
                    )
                )
            continue
        items += _declined(report)
        if report.status == "returnert":
            items.append(
                TodoItem(
                    _("«%(title)s» er returnert for endringer. Rett opp og send inn på nytt.")
                    % {"title": report.title},
                    url=url,
                    kind="fix_returned",
                )
            )
        elif report.status == "utkast":
            links = [*report.partner_links.all(), *report.co_owner_links.all()]
            if any(link.status == ConfirmationStatus.DECLINED for link in links):
                continue  # the declines above say what to do first
            waiting = [link.organisation.name for link in links if link.status == ConfirmationStatus.PENDING]
            if waiting:
                kind = "waiting_for_partner"
                text = _("«%(title)s» venter på bekreftelse fra %(names)s.") % {
                    "title": report.title,
                    "names": ", ".join(waiting),
                }
            else:
                kind = "finish_draft"
                text = _("«%(title)s» er et utkast. Gjør det ferdig og send inn.") % {"title": report.title}
            items.append(TodoItem(text, url=url, kind=kind))
    return items


def _declined(report) -> list[TodoItem]:
    """A partner or co-owner that declined a report still being written: who, why, and the step to change it."""
    if not report.is_editable:
        return []
    items = []
    for link in report.partner_links.all():
        if link.status == ConfirmationStatus.DECLINED:
            text = _("«%(title)s»: %(name)s har avslått å være partner: «%(reason)s». Endre partnerne.")
            values = {"title": report.title, "name": link.organisation.name, "reason": link.comment}
            url = reverse("needs:edit", args=[report.pk, "partnere"])
            items.append(TodoItem(text % values, url=url, kind="partner_declined"))
    for link in report.co_owner_links.all():
        if link.status == ConfirmationStatus.DECLINED:
            text = _("«%(title)s»: %(name)s har avslått å være medeier: «%(reason)s». Endre medeierne.")
            values = {"title": report.title, "name": link.organisation.name, "reason": link.comment}
            url = reverse("needs:edit", args=[report.pk, "grunnlag"])
            items.append(TodoItem(text % values, url=url, kind="co_owner_declined"))
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
                    kind="confirm_partner",
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


def _ranking_deadline(round: Round, today: date) -> str | None:
    """The days left to the ranking deadline once it is near (the reminder's window), or that it has passed."""
    deadline = round.working_group_deadline
    if deadline is None:
        return None
    days = (deadline - today).days
    values = {"round": round.name, "days": days, "deadline": date_format(deadline, "DATE_FORMAT")}
    if days < 0:
        return _("%(round)s: fristen for prioriteringen gikk ut %(deadline)s.") % values
    if days == 0:
        return _("%(round)s: fristen for prioriteringen er i dag.") % values
    if days <= RANKING_REMINDER_DAYS:
        text = ngettext(
            "%(round)s: %(days)d dag igjen til fristen for prioriteringen (%(deadline)s).",
            "%(round)s: %(days)d dager igjen til fristen for prioriteringen (%(deadline)s).",
            days,
        )
        return text % values
    return None


def for_working_group(
    *, working_group: WorkingGroup, rankings: list[RoundToRank], ranks: bool = True, today: date | None = None
) -> list[TodoItem]:
    """A missing leader, and per round in ranking the reports to rank before the deadline (or that it is sent).

    Only members and the leader rank (``ranks``); the secretariat and the office are told where the group is.
    """
    today = today or localdate()
    items = []
    if not any(seat.role == BodyRole.LEADER for seat in working_group.memberships.all()):
        items.append(TodoItem(_("Arbeidsgruppen har ingen leder. Statsforvalteren må utnevne en.")))
    for item in rankings:
        url = reverse("assessment:board", args=[item.round.pk, working_group.pk])
        if item.is_submitted:
            text = _("Prioriteringen i %(round)s er sendt til forumet.") % {"round": item.round.name}
            items.append(TodoItem(text, is_done=True, url=url, kind="ranking_sent"))
            continue
        values = {"count": item.count, "round": item.round.name}
        if not ranks:
            text = ngettext(
                "Arbeidsgruppen prioriterer %(count)d behovsmelding i %(round)s.",
                "Arbeidsgruppen prioriterer %(count)d behovsmeldinger i %(round)s.",
                item.count,
            )
            items.append(TodoItem(text % values, url=url, kind="ranking_under_way"))
            continue
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
        items.append(TodoItem(text % values, url=url, kind="rank"))
        near = _ranking_deadline(item.round, today)
        if near:
            items.append(TodoItem(near, url=url, kind="ranking_deadline"))
    if not rankings:
        items.append(TodoItem(_("Ingen behovsmeldinger å prioritere ennå."), is_done=True))
    return items


def for_forum(*, forum: Forum, rounds: list | tuple = (), today: date | None = None) -> list[TodoItem]:
    """A missing leader, and per round the next meeting (with the days left once it is near) and how many working
    groups have sent their ranking, or that the forum has approved its recommendation."""
    today = today or localdate()
    items = []
    if not any(seat.role == BodyRole.LEADER for seat in forum.memberships.all()):
        items.append(TodoItem(_("Forumet har ingen leder.")))
    for item in rounds:
        url = reverse("allocation:workspace", args=[forum.pk, item.round.pk])
        if item.approved:
            # Done until the office decides (or the forum opens a new version): the meeting and rankings are past.
            text = _("%(round)s: forumet har vedtatt innstillingen (versjon %(number)d).") % {
                "round": item.round.name,
                "number": item.approved,
            }
            items.append(TodoItem(text, is_done=True, url=url, kind="recommendation_approved"))
            continue
        if item.round.forum_meeting:
            days = (localdate(item.round.forum_meeting) - today).days
            values = {
                "round": item.round.name,
                "days": days,
                "meeting": date_format(localtime(item.round.forum_meeting), "DATETIME_FORMAT"),
            }
            if days == 0:
                text = _("%(round)s: forumet har møte i dag, %(meeting)s.") % values
            elif 0 < days <= MEETING_REMINDER_DAYS:
                text = (
                    ngettext(
                        "%(round)s: %(days)d dag igjen til møtet i forumet, %(meeting)s.",
                        "%(round)s: %(days)d dager igjen til møtet i forumet, %(meeting)s.",
                        days,
                    )
                    % values
                )
            else:
                text = _("%(round)s: neste møte i forumet er %(meeting)s.") % values
            items.append(TodoItem(text, url=url, kind="forum_meeting"))
        text = ngettext(
            "%(round)s: %(submitted)d av %(count)d arbeidsgruppe har sendt prioriteringen.",
            "%(round)s: %(submitted)d av %(count)d arbeidsgrupper har sendt prioriteringen.",
            item.groups,
        ) % {"round": item.round.name, "submitted": item.submitted, "count": item.groups}
        items.append(
            TodoItem(text, is_done=item.groups > 0 and item.submitted == item.groups, url=url, kind="rankings_received")
        )
    if not rounds:
        items.append(TodoItem(_("Ingen møter er satt opp ennå."), is_done=True))
    return items


def for_office(
    *, regions: list[Region], forums: list[Forum], is_admin: bool, rounds: list, awaiting_check: dict[int, int]
) -> list[TodoItem]:
    """Set-up gaps and rounds to move on for admins, and per open or closed round the reports waiting for the formal
    check."""
    items = []
    if is_admin:
        if not regions:
            items.append(TodoItem(_("Embetet har ingen regioner. Opprett regionene og arbeidsgruppene deres.")))
        for region in regions:
            if not hasattr(region, "working_group"):
                items.append(TodoItem(_("Regionen %(region)s har ingen arbeidsgruppe.") % {"region": region.name}))
        if not forums:
            items.append(TodoItem(_("Embetet har ikke satt opp et samarbeidsforum.")))
        # Only the admin moves a round on: the round's page lists what each move leaves undone.
        for round in rounds:
            if ROUND_TRANSITIONS[round.status]:
                text = _("%(round)s har status «%(status)s». Flytt runden videre når steget er ferdig.") % {
                    "round": round.name,
                    "status": round.get_status_display(),
                }
                items.append(TodoItem(text, url=reverse("schemes:round_detail", args=[round.pk]), kind="move_round"))
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
            items.append(TodoItem(text, url=url, kind="check_reports"))
        else:
            text = _("Ingen behovsmeldinger venter på formell kontroll i %(round)s.") % {"round": round.name}
            items.append(TodoItem(text, is_done=True, url=url, kind="check_reports"))
    return items


def for_national() -> list[TodoItem]:
    """National readers follow the money; they have nothing to act on."""
    return [
        TodoItem(
            _("Følg pengene: ramme, tilsagn og utbetalt i alle embeter."),
            is_done=True,
            url=reverse("reporting:dashboard"),
            kind="follow_the_money",
        )
    ]


def for_recipient(*, organisation: Organisation, letters: list, reports) -> list[TodoItem]:
    """Terms to accept, reports overdue or due, and a missing bank account, for an owner or a partner."""
    items = []
    for row in letters:
        if row.must_accept:
            items.append(
                TodoItem(
                    _("Aksepter vilkårene i vedtaket om «%(title)s» (%(reference)s).")
                    % {"title": row.decision.report.title, "reference": row.decision.reference},
                    url=reverse("decisions:accept", args=[row.decision.pk]),
                    kind="accept_terms",
                )
            )
    for report in [*reports.overdue, *reports.due]:
        if report.status == ReportStatus.MORE_REQUESTED:
            items.append(
                TodoItem(
                    _(
                        "Statsforvalteren ber om mer informasjon i rapporten for %(year)s om «%(title)s». Rett den "
                        "og send den inn på nytt."
                    )
                    % {"year": report.budget_year, "title": report.line.decision.report.title},
                    url=reverse("reporting:edit", args=[report.pk]),
                )
            )
    for report in reports.overdue:
        if report.status == ReportStatus.MORE_REQUESTED:
            continue
        items.append(
            TodoItem(
                _("Rapporten for %(year)s om «%(title)s» skulle vært sendt inn %(deadline)s.")
                % {
                    "year": report.budget_year,
                    "title": report.line.decision.report.title,
                    "deadline": date_format(report.deadline, "DATE_FORMAT"),
                },
                url=reverse("reporting:edit", args=[report.pk]),
                kind="report_overdue",
            )
        )
    for report in reports.due:
        if report.status == ReportStatus.MORE_REQUESTED:
            continue
        items.append(
            TodoItem(
                _("Send inn rapporten for %(year)s om «%(title)s» innen %(deadline)s.")
                % {
                    "year": report.budget_year,
                    "title": report.line.decision.report.title,
                    "deadline": date_format(report.deadline, "DATE_FORMAT"),
                },
                url=reverse("reporting:edit", args=[report.pk]),
                kind="report_due",
            )
        )
    if not organisation.bank_account and any(row.own for row in letters):
        items.append(
            TodoItem(
                _("Registrer kontonummeret tilskuddet skal betales til."),
                url=reverse("payouts:bank_account", args=[organisation.pk]),
                kind="bank_account",
            )
        )
    return items


# Round statuses in which the office decides, pays and follows up reports.
YEAR_STATUSES = (
    RoundStatus.RECOMMENDATION,
    RoundStatus.DECISION,
    RoundStatus.PAYOUT,
    RoundStatus.REPORTING,
)


@dataclass(frozen=True)
class RoundInYear:
    """A round past the ranking, and whether the forum has approved its recommendation."""

    round: Round
    has_recommendation: bool


def for_office_year(*, rounds: list[RoundInYear]) -> list[TodoItem]:
    """Per round after the ranking: decisions to prepare, make or send, and reports waiting for follow-up."""
    ids = [item.round.pk for item in rounds]
    decisions = Counter(
        {
            (row["report__round"], row["status"]): row["n"]
            for row in Decision.objects.filter(report__round__in=ids)
            .values("report__round", "status")
            .annotate(n=Count("pk"))
        }
    )
    submitted = Counter(
        dict(
            RecipientReport.objects.filter(line__decision__report__round__in=ids, status=ReportStatus.SUBMITTED)
            .values_list("line__decision__report__round")
            .annotate(n=Count("pk"))
        )
    )
    items = []
    for item in rounds:
        round, url = item.round, reverse("decisions:round", args=[item.round.pk])
        values = {"round": round.name}
        drafts = decisions[(round.pk, DecisionStatus.DRAFT)]
        decided = decisions[(round.pk, DecisionStatus.DECIDED)]
        made = sum(decisions[(round.pk, status)] for status in DecisionStatus.values)
        if item.has_recommendation and not made:
            items.append(
                TodoItem(
                    _("%(round)s: innstillingen er godkjent. Forbered vedtakene.") % values,
                    url=url,
                    kind="prepare_decisions",
                )
            )
        if drafts:
            text = ngettext(
                "%(round)s: %(count)d vedtak er klart til å gjennomgås og fattes.",
                "%(round)s: %(count)d vedtak er klare til å gjennomgås og fattes.",
                drafts,
            )
            items.append(TodoItem(text % (values | {"count": drafts}), url=url, kind="decide"))
        if decided:
            text = ngettext(
                "%(round)s: send vedtaksbrevet for %(count)d vedtak.",
                "%(round)s: send vedtaksbrevene for %(count)d vedtak.",
                decided,
            )
            send = reverse("decisions:letters_send", args=[round.pk])
            items.append(TodoItem(text % (values | {"count": decided}), url=send, kind="send_letters"))
        if submitted[round.pk]:
            text = ngettext(
                "%(round)s: %(count)d rapport venter på oppfølging.",
                "%(round)s: %(count)d rapporter venter på oppfølging.",
                submitted[round.pk],
            )
            items.append(
                TodoItem(
                    text % (values | {"count": submitted[round.pk]}),
                    url=reverse("reporting:list", args=[round.pk]),
                    kind="follow_up_reports",
                )
            )
    return items


def for_office_payouts(*, work: PayoutWork) -> list[TodoItem]:
    """Per budget year the accepted amounts not yet in a batch, and the batches not yet marked as paid."""
    items = []
    for budget_year, count in work.ready:
        text = ngettext(
            "Budsjettår %(year)s: %(count)d vedtatt beløp er klart til utbetaling.",
            "Budsjettår %(year)s: %(count)d vedtatte beløp er klare til utbetaling.",
            count,
        ) % {"year": budget_year, "count": count}
        items.append(TodoItem(text, url=reverse("payouts:index", args=[work.office.slug]), kind="pay_out"))
    for batch in work.unfinished:
        if batch.status == BatchStatus.DRAFT:
            text = _("Utbetalingsbunke %(batch)s er laget. Eksporter den til økonomisystemet.")
        else:
            text = _("Utbetalingsbunke %(batch)s er eksportert. Marker den som utbetalt når pengene er betalt ut.")
        items.append(
            TodoItem(
                text % {"batch": batch.reference},
                url=reverse("payouts:batch", args=[batch.pk]),
                kind="finish_batch",
            )
        )
    return items
