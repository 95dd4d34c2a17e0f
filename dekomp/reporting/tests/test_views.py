"""Reporting pages: the recipient's form (kept on error), the read view with the office's forms, the round's list."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from dekomp.reporting import services
from dekomp.reporting.models import RecipientReport, ReportStatus, Settlement, SettlementKind
from dekomp.reporting.selectors import reports_for_organisation
from dekomp.reporting.tests.factories import DEADLINE, expected_reports, submitted

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def by_testid(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}"[^>]*>([^<]*)<', html)
    assert match, name
    return match.group(1).strip()


def form_data(report: RecipientReport, **overrides) -> dict:
    data = {
        "version": report.version,
        "activities": "Vi holdt fire samlinger.",
        "units_reached": [unit.pk for unit in report.recipient.units.all()],
        "participants": "42",
        "goal_achievement": "Målene er nådd.",
        "used": "80 000",
        "egenandel_documented": "30 000",
        "handling": "send_inn",
    }
    return data | overrides


def test_edit_page_shows_what_the_report_is_written_against(world, expected):
    report = expected[("owner", 2027)]
    html = client_for(world.users["owner"]).get(reverse("reporting:edit", args=[report.pk])).content.decode()
    assert by_testid(html, "decision-reference").startswith(expected["decisions"][0].reference)
    assert by_testid(html, "line-amount") == "100\u00a0000\u00a0kr"
    assert by_testid(html, "deadline") == "15. januar 2028"
    assert "DeKomp krever at eieren dokumenterer egenandel på minst 30 %" in html
    assert 'name="egenandel_documented"' in html
    assert "Skole i Fredrikstad kommune" in html and "Skole i Sarpsborg kommune" not in html
    # A partner's report asks for no egenandel.
    partner_report = expected[("partner", 2027)]
    html = client_for(world.users["partner"]).get(reverse("reporting:edit", args=[partner_report.pk])).content.decode()
    assert 'name="egenandel_documented"' not in html and "egenandel-rule" not in html


def test_used_above_granted_is_shown_with_everything_typed_kept(world, expected):
    report = expected[("owner", 2027)]
    response = client_for(world.users["owner"]).post(
        reverse("reporting:edit", args=[report.pk]),
        form_data(report, used="150 000", egenandel_documented="45 000", activities="Samlinger & nettverk"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "ds-error-summary" in html
    assert 'href="#id_used"' in html
    assert "Brukt beløp (150\u00a0000\u00a0kr) kan ikke være høyere enn tildelt (100\u00a0000\u00a0kr)." in html
    assert 'value="150 000"' in html and 'value="45 000"' in html and 'value="42"' in html
    assert "Samlinger &amp; nettverk</textarea>" in html
    unit = world.owner_org.units.get()
    assert re.search(rf'value="{unit.pk}"[^>]*checked', html)
    report.refresh_from_db()
    assert report.status == ReportStatus.EXPECTED and report.used is None and report.version == 1


def test_save_draft_then_submit(world, expected):
    report = expected[("owner", 2027)]
    client = client_for(world.users["owner"])
    url = reverse("reporting:edit", args=[report.pk])
    response = client.post(url, {"version": 1, "activities": "Halvveis", "handling": "lagre"})
    assert response.status_code == 302 and response["Location"] == url
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.activities == "Halvveis"
    # Missing fields on submission come back as errors, with the draft's text kept.
    response = client.post(url, {"version": 2, "activities": "Halvveis", "handling": "send_inn"})
    html = response.content.decode()
    assert response.status_code == 200 and "Oppgi antall deltakere." in html and "Halvveis</textarea>" in html
    response = client.post(url, form_data(report))
    assert response.status_code == 302 and response["Location"] == reverse("reporting:detail", args=[report.pk])
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.used == Decimal(80_000)
    # Once sent in, the form sends the recipient to the read view.
    assert client.get(url)["Location"] == reverse("reporting:detail", args=[report.pk])


def test_a_stale_form_is_refused_with_the_text_kept(world, expected):
    report = expected[("owner", 2027)]
    services.report_save(by=world.users["owner"], report=report, version=1, data={"activities": "Først"})
    response = client_for(world.users["owner"]).post(
        reverse("reporting:edit", args=[report.pk]), form_data(report, version=1, activities="Senere")
    )
    html = response.content.decode()
    assert "lagret av noen andre" in html and "Senere</textarea>" in html


@pytest.mark.parametrize("persona", ["partner", "co_owner", "caseworker", "other_caseworker"])
def test_only_the_recipient_writes(world, expected, persona):
    report = expected[("owner", 2027)]
    client = client_for(world.users[persona])
    assert client.get(reverse("reporting:edit", args=[report.pk])).status_code == 403
    assert client.post(reverse("reporting:edit", args=[report.pk]), form_data(report)).status_code == 403
    assert RecipientReport.objects.get(pk=report.pk).status == ReportStatus.EXPECTED


def test_detail_for_the_recipient_the_owner_and_the_office(world, expected):
    report = submitted(world, expected[("partner", 2027)])
    url = reverse("reporting:detail", args=[report.pk])
    for persona in ("partner", "owner", "caseworker"):
        html = client_for(world.users[persona]).get(url).content.decode()
        assert by_testid(html, "used") == "50\u00a0000\u00a0kr"
        assert ("Godkjenn rapporten" in html) == (persona == "caseworker")
    for persona in ("co_owner", "other_caseworker", "forum_member"):
        assert client_for(world.users[persona]).get(url).status_code == 403


def test_office_settles_on_the_detail_page(world, expected, django_capture_on_commit_callbacks):
    report = submitted(world, expected[("owner", 2027)])
    client = client_for(world.users["caseworker"])
    detail = client.get(reverse("reporting:detail", args=[report.pk])).content.decode()
    assert by_testid(detail, "unused") == "20\u00a0000\u00a0kr"
    assert "Avgjør og godkjenn" in detail and 'value="20\u00a0000"' in detail
    url = reverse("reporting:settle", args=[report.pk])
    response = client.post(
        url, {"settle-kind": SettlementKind.CLAIM_BACK, "settle-amount": "25 000", "settle-reason": "Ikke brukt"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "ds-error-summary" in html
    assert "kan ikke være høyere enn de ubrukte midlene (20\u00a0000\u00a0kr)" in html
    assert 'value="25 000"' in html and "Ikke brukt</textarea>" in html
    assert not Settlement.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"settle-kind": SettlementKind.CLAIM_BACK, "settle-amount": "20 000", "settle-reason": "Ikke brukt"}
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.settlement.amount == Decimal(20_000)
    assert len(mail.outbox) == 1
    html = client.get(reverse("reporting:detail", args=[report.pk])).content.decode()
    assert "20\u00a0000\u00a0kr kreves tilbake" in html and "Avgjør og godkjenn" not in html


def test_request_more_needs_a_comment(world, expected, django_capture_on_commit_callbacks):
    report = submitted(world, expected[("owner", 2027)])
    client = client_for(world.users["caseworker"])
    url = reverse("reporting:request_more", args=[report.pk])
    response = client.post(url, {"more-comment": ""})
    assert response.status_code == 200 and "Skriv hva mottakeren må utdype eller rette." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"more-comment": "Mer om målene."}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.MORE_REQUESTED
    html = client_for(world.users["owner"]).get(reverse("reporting:edit", args=[report.pk])).content.decode()
    assert by_testid(html, "office-comment") == "Mer om målene."


def test_approve_and_its_refusals(world, expected):
    report = expected[("owner", 2027)]
    client = client_for(world.users["caseworker"])
    response = client.post(reverse("reporting:approve", args=[report.pk]), {})
    assert response.status_code == 200 and "kan ikke gå fra" in response.content.decode()
    assert client_for(world.users["owner"]).post(reverse("reporting:approve", args=[report.pk])).status_code == 403
    report = submitted(world, report)
    assert client.post(reverse("reporting:approve", args=[report.pk]), {"approve-comment": "Bra"}).status_code == 302
    assert RecipientReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED


def test_round_list_filters_and_totals(world, expected):
    owner_2027 = submitted(world, expected[("owner", 2027)])
    services.report_settle(
        by=world.users["caseworker"],
        report=owner_2027,
        kind=SettlementKind.CARRY_OVER,
        amount=Decimal(5_000),
        reason="Flyttet",
    )
    submitted(world, expected[("partner", 2027)])
    client = client_for(world.users["caseworker"])
    url = reverse("reporting:list", args=[expected["round"].pk])
    html = client.get(url).content.decode()
    assert by_testid(html, "total-granted") == "300\u00a0000\u00a0kr"
    assert by_testid(html, "total-carried-in") == "5\u00a0000\u00a0kr"
    assert by_testid(html, "total-used") == "130\u00a0000\u00a0kr"
    assert by_testid(html, "total-unused") == "20\u00a0000\u00a0kr"
    assert by_testid(html, "total-carried-over") == "5\u00a0000\u00a0kr"
    assert by_testid(html, "total-unsettled") == "15\u00a0000\u00a0kr"
    assert html.count('href="/rapportering/') >= 4
    html = client.get(url, {"status": ReportStatus.SUBMITTED}).content.decode()
    assert by_testid(html, "count") == "1 rapport passer med filtrene."
    assert by_testid(html, "total-granted") == "50\u00a0000\u00a0kr"
    # The 2028 reports are still unsent, but their deadline (15 January 2029) has not passed.
    response = client.get(url, {"forfalt": "on", "aar": "2028"})
    assert "0 rapporter passer med filtrene." in response.content.decode()
    assert client_for(world.users["other_caseworker"]).get(url).status_code == 403
    assert client_for(world.users["owner"]).get(url).status_code == 403


def test_round_list_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    small = expected_reports(world, 1, name="Liten runde")
    client = client_for(world.users["caseworker"])
    url = reverse("reporting:list", args=[small["round"].pk])
    with django_assert_max_num_queries(12) as captured:
        client.get(url)
    few = len(captured)
    big = expected_reports(world, 4, name="Stor runde")
    submitted(world, big[("owner", 2027)])
    with django_assert_max_num_queries(few):
        client.get(reverse("reporting:list", args=[big["round"].pk]))


def test_detail_runs_a_fixed_number_of_queries(world, expected, django_assert_max_num_queries):
    report = submitted(world, expected[("owner", 2027)])
    client = client_for(world.users["caseworker"])
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("reporting:detail", args=[report.pk]))
    first = len(captured)
    for _ in range(3):
        services.report_request_more(by=world.users["caseworker"], report=report, comment="Mer")
        report = submitted(world, report)
    with django_assert_max_num_queries(first):
        client.get(reverse("reporting:detail", args=[report.pk]))


def test_home_include_lists_due_and_overdue_reports_with_links(world, expected):
    submitted(world, expected[("owner", 2028)])
    reports = reports_for_organisation(world.owner_org, today=DEADLINE + timedelta(days=1))
    html = render_to_string("reporting/includes_home_reports.html", {"reports": reports})
    assert reverse("reporting:edit", args=[expected[("owner", 2027)].pk]) in html
    assert "fristen er passert" in html
    assert "1 rapport venter på Statsforvalteren" in html
    assert (
        render_to_string(
            "reporting/includes_home_reports.html", {"reports": reports_for_organisation(world.co_owner_org)}
        ).strip()
        == ""
    )
