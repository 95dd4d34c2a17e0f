"""The log pages: what an office admin sees, the filters, pages, CSV, and who is refused."""

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dekomp.activity.services import record

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _event_rows(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-testid="event-(\d+)"', response.content.decode())}


def test_report_log_shows_time_actor_verb_target_and_changes(world, trail):
    response = _client(world.users["office_admin"]).get(reverse("activity:report", args=[world.report.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    events = trail.events
    assert _event_rows(response) == {events["checked"].pk, events["names_report"].pk, events["system"].pk}
    checked = events["checked"]
    oslo = timezone.localtime(checked.at)  # the page shows Europe/Oslo time
    assert oslo.strftime("%H:%M:%S") in html
    assert f'datetime="{oslo.isoformat()}"' in html
    assert "Godkjente formell kontroll" in html
    assert reverse("activity:user", args=[world.users["caseworker"].pk]) in html
    assert "<td>sendt inn</td><td>formelt kontrollert</td>" in html
    assert "systemet" in html
    assert "Lesing i alle fag" in html


def test_round_log_lists_filters_and_links_to_the_csv(world, trail):
    client = _client(world.users["office_admin"])
    url = reverse("activity:round", args=[world.round.pk])
    response = client.get(url)
    events = trail.events
    assert _event_rows(response) == {
        events[name].pk for name in ("checked", "round_status", "decision", "names_report", "system")
    }
    html = response.content.decode()
    assert "Ny vurdering" in html  # the comment
    assert "Bergen leser" not in html
    assert '<option value="decision_changed">endret vedtaket</option>' in html
    filtered = client.get(url, {"handling": "checked", "utfort_av": world.users["caseworker"].pk})
    assert _event_rows(filtered) == {events["checked"].pk}
    assert f"?handling=checked&amp;utfort_av={world.users['caseworker'].pk}" in filtered.content.decode()
    by_admin = client.get(url, {"utfort_av": world.users["office_admin"].pk})
    assert _event_rows(by_admin) == {events["round_status"].pk}


def test_an_unknown_filter_value_is_refused_and_the_log_shown_whole(world, trail):
    response = _client(world.users["office_admin"]).get(
        reverse("activity:round", args=[world.round.pk]), {"handling": "hacked", "utfort_av": "x"}
    )
    assert response.status_code == 200
    assert len(_event_rows(response)) == 5
    assert 'aria-invalid="true"' in response.content.decode()


def test_round_log_pages_by_a_hundred(world):
    for number in range(105):
        record(actor=world.users["caseworker"], verb="saved_basics", target=world.report, comment=f"lagring {number}")
    client = _client(world.users["office_admin"])
    url = reverse("activity:round", args=[world.round.pk])
    first = client.get(url)
    assert len(_event_rows(first)) == 100
    assert "Side 1 av 2" in first.content.decode()
    assert "«lagring 104»" in first.content.decode()  # newest first
    second = client.get(url, {"side": 2})
    assert len(_event_rows(second)) == 5
    assert "«lagring 0»" in second.content.decode()


def test_round_log_page_takes_a_fixed_number_of_queries(world, trail, django_assert_max_num_queries):
    client = _client(world.users["office_admin"])
    url = reverse("activity:round", args=[world.round.pk])
    client.get(url)  # sessions and content types warm
    for _ in range(30):
        record(actor=world.users["owner"], verb="saved_content", target=world.report)
        record(actor=world.users["caseworker"], verb="decision_changed", target=trail.decisions[1])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert len(_event_rows(response)) == 65


def test_round_log_as_csv(world, trail):
    record(actor=world.users["caseworker"], verb="checked", target=world.report, comment='=HYPERLINK("x")')
    response = _client(world.users["office_admin"]).get(reverse("activity:round_csv", args=[world.round.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"logg-runde-{world.round.pk}-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Tidspunkt", "Utført av", "E-post", "Handling"]
    assert len(rows) == 1 + 6
    first = rows[1]  # oldest first
    assert first[1:8] == [
        "caseworker",
        "caseworker@test.example",
        "godkjente formell kontroll",
        "checked",
        "Behovsmelding",
        str(world.report.pk),
        str(world.report),
    ]
    assert first[8] == '{"status": ["sendt_inn", "kontrollert"]}'
    assert rows[-1][9] == '\'=HYPERLINK("x")'  # formula injection neutralised
    filtered = _client(world.users["office_admin"]).get(
        reverse("activity:round_csv", args=[world.round.pk]), {"handling": "round_status"}
    )
    assert len(filtered.content.decode("utf-8-sig").strip().splitlines()) == 2


def test_user_log_shows_what_they_did_at_this_office_only(world, trail):
    response = _client(world.users["office_admin"]).get(reverse("activity:user", args=[world.users["caseworker"].pk]))
    assert response.status_code == 200
    events = trail.events
    assert _event_rows(response) == {events["checked"].pk, events["decision"].pk, events["names_report"].pk}
    assert world.office.name in response.content.decode()
    # The admin reaches the anonymisation of this person from their log.
    assert reverse("home:anonymise", args=[world.users["caseworker"].pk]) in response.content.decode()


def test_an_admin_of_office_b_reads_office_b_only(world, trail):
    client = _client(trail.other_admin)
    assert client.get(reverse("activity:report", args=[world.report.pk])).status_code == 403
    assert client.get(reverse("activity:round", args=[world.round.pk])).status_code == 403
    assert client.get(reverse("activity:round_csv", args=[world.round.pk])).status_code == 403
    # The other office's caseworker is theirs; office A's owner is not (no role at B, nothing done there).
    assert client.get(reverse("activity:user", args=[world.users["other_caseworker"].pk])).status_code == 200
    assert client.get(reverse("activity:user", args=[world.users["owner"].pk])).status_code == 403
    own = client.get(reverse("activity:report", args=[trail.other_report.pk]))
    assert _event_rows(own) == {trail.events["elsewhere_by_caseworker"].pk, trail.events["elsewhere"].pk}
    # Office A's caseworker acted on B's report: B's admin sees that action, and only that one.
    theirs = client.get(reverse("activity:user", args=[world.users["caseworker"].pk]))
    assert _event_rows(theirs) == {trail.events["elsewhere_by_caseworker"].pk}


def test_an_admin_of_office_a_cannot_read_a_user_of_office_b(world, trail):
    client = _client(world.users["office_admin"])
    response = client.get(reverse("activity:user", args=[world.users["other_caseworker"].pk]))
    assert response.status_code == 403
    assert "Bare embetets administratorer kan lese loggen." in response.content.decode()


@pytest.mark.parametrize("persona", ["caseworker", "secretariat", "national_reader", "owner", "other_caseworker"])
def test_others_are_refused(world, trail, persona):
    client = _client(world.users[persona])
    for url in (
        reverse("activity:report", args=[world.report.pk]),
        reverse("activity:round", args=[world.round.pk]),
        reverse("activity:round_csv", args=[world.round.pk]),
        reverse("activity:user", args=[world.users["caseworker"].pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_unknown_objects_are_not_found(world):
    client = _client(world.users["office_admin"])
    assert client.get(reverse("activity:report", args=[999_999])).status_code == 404
    assert client.get(reverse("activity:round", args=[999_999])).status_code == 404
    assert client.get(reverse("activity:user", args=[999_999])).status_code == 404


def test_the_log_is_read_only(world):
    client = _client(world.users["office_admin"])
    assert client.post(reverse("activity:round", args=[world.round.pk])).status_code == 405
    assert client.post(reverse("activity:report", args=[world.report.pk])).status_code == 405
