"""The ranking board's pages: recusals shown and enforced, moves by plain form POST, errors in place, fixed queries."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dekomp.accounts.models import BodyRole, WorkingGroupMembership
from dekomp.assessment import services
from dekomp.assessment.models import EntryAmount, MemberComment, Ranking, RankingStatus
from dekomp.assessment.tests.factories import checked_reports
from dekomp.needs.tests.factories import open_round
from dekomp.organisations.models import Region, WorkingGroup
from dekomp.schemes.models import RoundStatus

pytestmark = pytest.mark.django_db


class Elements(HTMLParser):
    """Every element with an id: its tag and attributes (enough to check what a page offers)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str | None]] = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.by_id[found["id"]] = {"tag": tag, **found}

    def is_disabled(self, element_id: str) -> bool:
        return "disabled" in self.by_id[element_id]


@pytest.fixture
def board(world):
    """A ranking of four checked reports: 0 and 2 are Fredrikstad's, 1 and 3 Sarpsborg's."""
    round, reports = checked_reports(world)
    ranking = services.ranking_sync(round=round, working_group=world.working_group)
    return ranking, reports


def board_url(ranking: Ranking) -> str:
    return reverse("assessment:board", args=[ranking.round_id, ranking.working_group_id])


def order_of(ranking: Ranking) -> list[int]:
    return list(ranking.entries.order_by("position").values_list("report_id", flat=True))


def logged_in(client, world, persona: str):
    client.force_login(world.users[persona])
    return client


def test_board_shows_recusals_and_disables_every_control_for_the_recused_member(client, world, board):
    ranking, reports = board
    response = logged_in(client, world, "recused_member").get(board_url(ranking))
    assert response.status_code == 200
    body = response.content.decode()
    page = Elements(body)
    assert "Inhabil: recused_member (Fredrikstad kommune)" in body
    assert "Inhabil: wg_member (Sarpsborg kommune)" in body
    assert body.count("Du er inhabil i denne behovsmeldingen") == 2
    for report in (reports[0], reports[2]):
        pk = report.pk
        for control in (f"opp-{pk}", f"ned-{pk}", f"plass-{pk}", f"plass-knapp-{pk}", f"lagre-{pk}", f"kommenter-{pk}"):
            assert page.is_disabled(control), control
        for field in ("comment", "recommended_2027", "minimum_2028"):
            assert page.is_disabled(f"id_vurdering-{pk}-{field}"), field
        assert page.is_disabled(f"id_kommentar-{pk}-text")
        assert "data-movable" not in page.by_id[f"oppforing-{pk}"]
        assert page.by_id[f"opp-{pk}"]["aria-describedby"] == f"inhabil-{pk}"
    # Sarpsborg's reports are theirs to rank: moves (except off the ends of the list) are open.
    pk = reports[1].pk
    assert not page.is_disabled(f"opp-{pk}") and not page.is_disabled(f"lagre-{pk}")
    assert "data-movable" in page.by_id[f"oppforing-{pk}"]
    assert page.is_disabled(f"opp-{reports[0].pk}") and page.is_disabled(f"ned-{reports[3].pk}")
    # The live region is on the page from the start, empty until something happens.
    assert page.by_id["rangering-melding"]["aria-live"] == "polite"


def test_forged_posts_by_the_recused_member_are_refused_and_change_nothing(client, world, board):
    ranking, reports = board
    fredrikstad = reports[0]
    before = order_of(ranking)
    client = logged_in(client, world, "recused_member")
    move = client.post(
        reverse("assessment:move", args=[ranking.pk]),
        {"report": fredrikstad.pk, "position": 4, "version": ranking.version},
    )
    assert move.status_code == 403
    prefix = f"vurdering-{fredrikstad.pk}"
    entry = client.post(
        reverse("assessment:entry", args=[ranking.pk, fredrikstad.pk]),
        {
            f"{prefix}-version": ranking.version,
            f"{prefix}-comment": "Forfalsket",
            f"{prefix}-recommended_2027": "1",
            f"{prefix}-minimum_2027": "0",
            f"{prefix}-recommended_2028": "1",
            f"{prefix}-minimum_2028": "0",
        },
    )
    assert entry.status_code == 403
    comment = client.post(
        reverse("assessment:comment", args=[world.working_group.pk, fredrikstad.pk]),
        {f"kommentar-{fredrikstad.pk}-text": "Forfalsket"},
    )
    assert comment.status_code == 403
    # Reordering the two Fredrikstad reports (0 and 2) among themselves is what a recused member may not do.
    dragged = [reports[2].pk, reports[1].pk, reports[0].pk, reports[3].pk]
    order = client.post(
        reverse("assessment:order", args=[ranking.pk]),
        {"order": ",".join(map(str, dragged)), "version": ranking.version},
    )
    assert order.status_code == 403
    ranking.refresh_from_db()
    assert order_of(ranking) == before
    entry_row = ranking.entries.get(report=fredrikstad)
    assert entry_row.comment == ""
    assert entry_row.amounts.get(budget_year=2027).recommended == Decimal(150_000)
    assert not MemberComment.objects.exists()


def test_moving_by_form_post_redirects_to_the_entry_with_the_message(client, world, board):
    ranking, reports = board
    client = logged_in(client, world, "wg_member")
    response = client.post(
        reverse("assessment:move", args=[ranking.pk]),
        {"report": reports[0].pk, "position": 3, "version": ranking.version},
        follow=True,
    )
    assert response.redirect_chain == [(f"{board_url(ranking)}#oppforing-{reports[0].pk}", 302)]
    assert order_of(ranking) == [reports[1].pk, reports[2].pk, reports[0].pk, reports[3].pk]
    body = response.content.decode()
    live = body[body.index('id="rangering-melding"') : body.index('id="rangering"')]
    assert "«Tiltak 1» er flyttet til plass 3 av 4." in live
    assert 'data-announce="«Tiltak 1» er flyttet til plass 3 av 4."' in body
    # A place outside the list, or an empty one, comes back as a message; nothing moved.
    ranking.refresh_from_db()
    for position in ("9", ""):
        response = client.post(
            reverse("assessment:move", args=[ranking.pk]),
            {"report": reports[2].pk, "position": position, "version": ranking.version},
            follow=True,
        )
        expected = "Velg en plass fra 1 til 4." if position else "Skriv inn plassen du vil flytte behovsmeldingen til."
        assert expected in response.content.decode()
    # A stale version is refused with a message, nothing moved.
    response = client.post(
        reverse("assessment:move", args=[ranking.pk]),
        {"report": reports[2].pk, "position": 1, "version": ranking.version - 1},
        follow=True,
    )
    assert "endret av noen andre" in response.content.decode()
    assert order_of(ranking) == [reports[1].pk, reports[2].pk, reports[0].pk, reports[3].pk]


def test_a_move_through_htmx_answers_with_the_board_to_swap(client, world, board):
    ranking, reports = board
    client = logged_in(client, world, "wg_member")
    response = client.post(
        reverse("assessment:move", args=[ranking.pk]),
        {"report": reports[2].pk, "position": 1, "version": ranking.version},
        headers={"HX-Request": "true"},
        follow=True,
    )
    page = Elements(response.content.decode())
    assert page.by_id["rangering"]["data-announce"] == "«Tiltak 3» er flyttet til plass 1 av 4."
    assert "disabled" in page.by_id[f"opp-{reports[2].pk}"]  # now first: nothing above it


def test_dragging_saves_the_whole_order(client, world, board):
    ranking, reports = board
    client = logged_in(client, world, "wg_member")
    # Dropping report 2 at the top: Sarpsborg's reports 1 and 3 (the member is recused) keep their places.
    new = [reports[2].pk, reports[1].pk, reports[0].pk, reports[3].pk]
    response = client.post(
        reverse("assessment:order", args=[ranking.pk]),
        {"order": ",".join(map(str, new)), "version": ranking.version, "report": reports[2].pk},
        follow=True,
    )
    assert order_of(ranking) == new
    assert "«Tiltak 3» er flyttet til plass 1 av 4." in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("999 999", "kan ikke være høyere enn det som er søkt om"),
        ("mye", "Skriv beløpet som et helt tall i kroner."),
    ],
)
def test_bad_amounts_show_the_message_in_place_and_keep_what_was_typed(client, world, board, typed, message):
    ranking, reports = board
    report = reports[0]
    prefix = f"vurdering-{report.pk}"
    response = logged_in(client, world, "wg_member").post(
        reverse("assessment:entry", args=[ranking.pk, report.pk]),
        {
            f"{prefix}-version": ranking.version,
            f"{prefix}-comment": "Godt forankret i planen",
            f"{prefix}-recommended_2027": typed,
            f"{prefix}-minimum_2027": "100 000",
            f"{prefix}-recommended_2028": "140 000",
            f"{prefix}-minimum_2028": "100 000",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    page = Elements(body)
    assert message in body
    assert "<ds-error-summary" in body
    assert page.by_id[f"id_{prefix}-recommended_2027"]["value"] == typed
    assert page.by_id[f"id_{prefix}-recommended_2027"]["aria-invalid"] == "true"
    assert page.by_id[f"id_{prefix}-recommended_2028"]["value"] == "140 000"
    assert "Godt forankret i planen</textarea>" in body
    entry_start = body.index(f'id="oppforing-{report.pk}"')
    assert '<details class="ds-details" open data-testid="entry-details">' in body[entry_start:]
    assert body.count('<details class="ds-details" open') == 1
    entry = ranking.entries.get(report=report)
    assert entry.comment == "" and entry.amounts.get(budget_year=2027).recommended == Decimal(150_000)


def test_good_amounts_are_saved_with_spaces_between_thousands(client, world, board):
    ranking, reports = board
    report = reports[0]
    prefix = f"vurdering-{report.pk}"
    response = logged_in(client, world, "wg_member").post(
        reverse("assessment:entry", args=[ranking.pk, report.pk]),
        {
            f"{prefix}-version": ranking.version,
            f"{prefix}-comment": "Godt forankret",
            f"{prefix}-recommended_2027": "120 000",
            f"{prefix}-minimum_2027": "80 000",
            f"{prefix}-recommended_2028": "150000",
            f"{prefix}-minimum_2028": "150000",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#oppforing-{report.pk}")
    amount = EntryAmount.objects.get(entry__ranking=ranking, entry__report=report, budget_year=2027)
    assert (amount.recommended, amount.minimum) == (Decimal(120_000), Decimal(80_000))


def test_comments_are_shown_with_author_and_time(client, world, board):
    _ranking, reports = board
    client = logged_in(client, world, "wg_member")
    url = reverse("assessment:comment", args=[world.working_group.pk, reports[0].pk])
    empty = client.post(url, {f"kommentar-{reports[0].pk}-text": "  "})
    assert empty.status_code == 200 and "Skriv en kommentar." in empty.content.decode()
    response = client.post(url, {f"kommentar-{reports[0].pk}-text": "Sterk analyse"}, follow=True)
    body = response.content.decode()
    assert "<strong>wg_member</strong>" in body and "Sterk analyse" in body and "<time datetime=" in body


@pytest.mark.parametrize("persona", ["wg_member", "caseworker"])
def test_the_board_runs_the_same_number_of_queries_with_4_and_20_reports(client, world, persona):
    small_round, small = checked_reports(world, count=4)
    large_round, large = checked_reports(world, count=20, round=open_round(world.office, name="Stor runde"))
    buskerud = Region.objects.create(office=world.office, name="Buskerud")
    WorkingGroup.objects.create(region=buskerud, name="Arbeidsgruppe Buskerud")  # a choice for reassigning
    for reports in (small, large):
        for report in reports[:3]:
            MemberComment.objects.create(
                report=report, working_group=world.working_group, author=world.users["wg_member"], text="Bra"
            )
    client = logged_in(client, world, persona)
    counts = []
    for round in (small_round, large_round):
        url = reverse("assessment:board", args=[round.pk, world.working_group.pk])
        assert client.get(url).status_code == 200  # the first visit builds the ranking
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{counts[0]} queries with 4 reports, {counts[1]} with 20"


def test_only_the_leader_submits_and_then_the_board_is_locked(client, world, board):
    ranking, reports = board
    url = reverse("assessment:submit", args=[ranking.pk])
    assert logged_in(client, world, "wg_member").post(url).status_code == 403
    assert "Send prioriteringen til forumet" not in client.get(board_url(ranking)).content.decode()
    WorkingGroupMembership.objects.filter(user=world.users["wg_member"]).update(role=BodyRole.LEADER)
    board_page = client.get(board_url(ranking)).content.decode()
    assert "Send prioriteringen til forumet" in board_page
    assert client.post(url).status_code == 302
    ranking.refresh_from_db()
    assert ranking.status == RankingStatus.SUBMITTED
    locked = Elements(client.get(board_url(ranking)).content.decode())
    assert f"opp-{reports[0].pk}" not in locked.by_id
    assert f"id_kommentar-{reports[0].pk}-text" not in locked.by_id
    move = client.post(
        reverse("assessment:move", args=[ranking.pk]),
        {"report": reports[0].pk, "position": 2, "version": ranking.version},
    )
    assert move.status_code == 403


def test_reopening_needs_a_reason(client, world, board):
    ranking, _reports = board
    Ranking.objects.filter(pk=ranking.pk).update(status=RankingStatus.SUBMITTED)
    client = logged_in(client, world, "caseworker")
    url = reverse("assessment:reopen", args=[ranking.pk])
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200
    assert "Skriv hvorfor prioriteringen åpnes igjen." in response.content.decode()
    ranking.refresh_from_db()
    assert ranking.status == RankingStatus.SUBMITTED
    assert client.post(url, {"reason": "En behovsmelding manglet"}).status_code == 302
    ranking.refresh_from_db()
    assert ranking.status == RankingStatus.DRAFT
    assert logged_in(client, world, "wg_member").post(url, {"reason": "x"}).status_code == 403


def test_caseworker_moves_a_report_to_another_working_group(client, world, board):
    ranking, reports = board
    other = WorkingGroup.objects.create(
        region=Region.objects.create(office=world.office, name="Buskerud"), name="Arbeidsgruppe Buskerud"
    )
    client = logged_in(client, world, "caseworker")
    page = Elements(client.get(board_url(ranking)).content.decode())
    assert page.by_id[f"id_flytting-{reports[0].pk}-working_group"]["tag"] == "select"
    url = reverse("assessment:reassign", args=[reports[0].pk])
    prefix = f"flytting-{reports[0].pk}"
    missing = client.post(url, {f"{prefix}-working_group": other.pk, f"{prefix}-reason": ""})
    assert missing.status_code == 200 and "Skriv hvorfor behovsmeldingen flyttes." in missing.content.decode()
    response = client.post(url, {f"{prefix}-working_group": other.pk, f"{prefix}-reason": "Nærmere tematisk"})
    assert response.status_code == 302
    client.get(response["Location"])
    assert reports[0].pk not in order_of(ranking)
    members = logged_in(client, world, "wg_member")
    assert members.post(url, {f"{prefix}-working_group": world.working_group.pk}).status_code == 403


def test_board_is_read_only_once_the_round_has_moved_on(client, world, board):
    ranking, reports = board
    ranking.round.status = RoundStatus.RECOMMENDATION
    ranking.round.save()
    client = logged_in(client, world, "wg_member")
    body = client.get(board_url(ranking)).content.decode()
    assert "Prioriteringen kan bare leses." in body
    assert f'id="opp-{reports[0].pk}"' not in body
    move = client.post(
        reverse("assessment:move", args=[ranking.pk]),
        {"report": reports[0].pk, "position": 2, "version": ranking.version},
    )
    assert move.status_code == 403


def test_interests_page_declares_and_lists(client, world, board):
    ranking, reports = board
    client = logged_in(client, world, "wg_member")
    url = reverse("assessment:interests")
    body = client.get(url).content.decode()
    assert "Tiltak 2" in body and "Sarpsborg kommune" in body  # automatic: the member speaks for Sarpsborg
    response = client.post(
        url, {"action": "interest", "interesse-organisation": world.partner_org.pk, "interesse-description": "Styre"}
    )
    assert response.status_code == 302
    response = client.post(url, {"action": "recusal", "inhabil-report": reports[0].pk, "inhabil-reason": ""})
    assert response.status_code == 200 and "Skriv hvorfor du er inhabil." in response.content.decode()
    client.post(url, {"action": "recusal", "inhabil-report": reports[0].pk, "inhabil-reason": "Søsteren min er rektor"})
    body = client.get(url).content.decode()
    assert "OsloMet – Styre" in body and "«Søsteren min er rektor»" in body
    # Every report names OsloMet as partner: the member is now recused from all four.
    board_page = client.get(board_url(ranking)).content.decode()
    assert board_page.count("Du er inhabil i denne behovsmeldingen") == 4
    # A report outside the rankings the member can see is not a choice.
    refused = client.post(url, {"action": "recusal", "inhabil-report": world.report.pk, "inhabil-reason": "x"})
    assert "Velg en behovsmelding i listen." in refused.content.decode()


def test_working_group_home_links_to_the_board_with_a_fixed_number_of_queries(client, world):
    client = logged_in(client, world, "wg_member")
    url = reverse("home:working_group", args=[world.working_group.pk])
    checked_reports(world, count=2, round=world.round)
    with CaptureQueriesContext(connection) as one:
        body = client.get(url).content.decode()
    assert "Prioriter 2 behovsmeldinger i Personas-runde" in body
    assert reverse("assessment:board", args=[world.round.pk, world.working_group.pk]) in body
    assert reverse("assessment:interests") in body
    second, _reports = checked_reports(world, count=3)
    second.working_group_deadline = second.opens_at.date()
    second.save()
    with CaptureQueriesContext(connection) as two:
        body = client.get(url).content.decode()
    assert "Prioriter 3 behovsmeldinger i Prioriteringsrunde innen" in body
    assert len(one) == len(two)
    ranking = services.ranking_sync(round=second, working_group=world.working_group)
    Ranking.objects.filter(pk=ranking.pk).update(status=RankingStatus.SUBMITTED)
    assert "Prioriteringen i Prioriteringsrunde er sendt til forumet." in client.get(url).content.decode()
