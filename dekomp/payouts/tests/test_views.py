"""Payout pages: the office's batches, one batch, exports, releasing, paying, the ledger and bank accounts."""

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dekomp.decisions.models import DecisionStatus
from dekomp.decisions.tests.factories import decided
from dekomp.needs.tests.factories import open_round
from dekomp.payouts.models import BatchStatus, Payout, PayoutBatch
from dekomp.schemes.models import Frame, Scheme

from .factories import accepted_world, create_batch, give_accounts, lines, overdue_report, paid_batch, total

pytestmark = pytest.mark.django_db


def _client(world, persona: str = "caseworker") -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# ------------------------------------------------------------------------------------------------------- index


def test_index_shows_batches_per_year_with_totals_and_what_is_ready_or_waiting(world):
    accepted_world(world)
    decided(world, 1, round=open_round(world.office, name="Venterunde"), status=DecisionStatus.SENT)
    batch = create_batch(world)
    body = _client(world).get(reverse("payouts:index", args=[world.office.slug])).content.decode()
    assert "Budsjettår 2027" in body and "Budsjettår 2028" in body
    assert batch.reference in body and "Utkast" in body
    assert "300\u00a0000\u00a0kr" in body  # the batch's total: Fredrikstad 100 000 + Sarpsborg 200 000
    assert "Venter på aksept av vilkårene" in body
    assert 'name="token"' in body and 'name="budget_year"' in body and 'name="recipient_kind"' in body


def test_index_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    accepted_world(world)
    create_batch(world)
    client = _client(world)
    url = reverse("payouts:index", args=[world.office.slug])
    client.get(url)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    decided(world, 4, round=open_round(world.office, name="Mer"), status=DecisionStatus.ACCEPTED)
    create_batch(world, year=2028)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_create_makes_a_batch_and_goes_to_it(world):
    accepted_world(world)
    client = _client(world)
    url = reverse("payouts:create", args=[world.office.slug])
    token = "6f1c0a52-6f3c-4d62-9d6a-1f1e8c1e5f00"
    data = {"budget_year": "2027", "recipient_kind": "partner", "token": token}
    response = client.post(url, data)
    batch = PayoutBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("payouts:batch", args=[batch.pk])
    assert batch.recipient_kind == "partner" and batch.budget_year == 2027
    again = client.post(url, data)  # a double click
    assert again["Location"] == response["Location"] and PayoutBatch.objects.count() == 1


def test_create_with_nothing_to_pay_shows_the_reason_and_keeps_the_choice(world):
    decided(world, 1, round=open_round(world.office, name="Runde"), status=DecisionStatus.SENT)
    response = _client(world).post(
        reverse("payouts:create", args=[world.office.slug]),
        {"budget_year": "2027", "recipient_kind": "eier", "token": "6f1c0a52-6f3c-4d62-9d6a-1f1e8c1e5f00"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and not PayoutBatch.objects.exists()
    assert "ds-error-summary" in body and "venter på at eieren aksepterer vilkårene" in body
    assert '<option value="2027" selected>' in body
    assert 'value="eier"' in body and "checked" in body


# ------------------------------------------------------------------------------------------------------- batch


def test_batch_page_shows_payouts_held_ones_missing_accounts_and_totals(world):
    decisions = accepted_world(world, accounts=False)
    give_accounts(world.owner_org)
    overdue_report(decisions[0].lines.get(budget_year=2028, recipient=world.owner_org))
    decided(world, 1, round=open_round(world.office, name="Venterunde"), status=DecisionStatus.SENT)
    batch = create_batch(world)
    held = batch.payouts.get(is_held=True)
    body = _client(world).get(reverse("payouts:batch", args=[batch.pk])).content.decode()
    assert f'data-testid="held-{held.pk}"' in body and held.hold_reason in body
    assert reverse("payouts:release", args=[held.pk]) in body
    assert 'data-testid="missing-accounts"' in body
    assert reverse("payouts:bank_account", args=[world.co_owner_org.pk]) in body
    # Sarpsborg (200 000) is included, Fredrikstad (100 000) held.
    assert '<dd data-testid="batch-total">200\u00a0000\u00a0kr' in body
    assert '<dd data-testid="held-total">100\u00a0000\u00a0kr' in body
    # The decision still waiting for acceptance is listed, not included.
    assert 'data-testid="waiting"' in body and "Vedtaksbrev sendt" in body
    assert "laget bunken" in body


def test_batch_page_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    decisions = accepted_world(world)
    overdue_report(decisions[0].lines.get(budget_year=2028, recipient=world.owner_org))
    small = create_batch(world)
    decided(world, 6, round=open_round(world.office, name="Stor runde"), status=DecisionStatus.ACCEPTED)
    large = create_batch(world)
    client = _client(world)
    client.get(reverse("payouts:batch", args=[small.pk]))
    with django_assert_max_num_queries(14) as queries:
        client.get(reverse("payouts:batch", args=[small.pk]))
    with django_assert_max_num_queries(len(queries.captured_queries)):
        client.get(reverse("payouts:batch", args=[large.pk]))
    assert large.payouts.count() > small.payouts.count()


def test_release_without_a_reason_comes_back_with_the_error_and_with_one_releases(world):
    decisions = accepted_world(world)
    overdue_report(decisions[0].lines.get(budget_year=2028, recipient=world.owner_org))
    batch = create_batch(world)
    held = batch.payouts.get(is_held=True)
    client = _client(world)
    url = reverse("payouts:release", args=[held.pk])
    response = client.post(url, {"reason": ""})
    body = response.content.decode()
    assert response.status_code == 200 and "Skriv hvorfor utbetalingen frigis." in body
    assert f'href="#id_release_{held.pk}_reason"' in body
    response = client.post(url, {"reason": "Rapporten kom i dag."})
    assert response.status_code == 302
    held.refresh_from_db()
    assert not held.is_held and held.release_reason == "Rapporten kom i dag."


def test_remove_takes_a_payout_out_and_a_stale_page_is_refused(world):
    accepted_world(world)
    batch = create_batch(world)
    first, second = batch.payouts.order_by("pk")
    client = _client(world)
    response = client.post(reverse("payouts:remove", args=[first.pk]), {"version": batch.version}, follow=True)
    assert not Payout.objects.filter(pk=first.pk).exists()
    assert any("tatt ut av bunken" in m for m in _messages(response))
    response = client.post(reverse("payouts:remove", args=[second.pk]), {"version": batch.version}, follow=True)
    assert Payout.objects.filter(pk=second.pk).exists()
    assert any("endret av noen andre" in m for m in _messages(response))


# ------------------------------------------------------------------------------------------------------- export


def export_confirmed(client, batch):
    """The office confirms the export on its summary page (the batch is locked), as the page's button does."""
    return client.post(reverse("payouts:export_confirm", args=[batch.pk]), follow=True)


def test_export_is_confirmed_on_a_summary_before_the_batch_is_locked(world):
    accepted_world(world, count=3)
    batch = create_batch(world)
    client = _client(world)
    page = client.get(reverse("payouts:batch", args=[batch.pk])).content.decode()
    assert reverse("payouts:export_confirm", args=[batch.pk]) in page
    assert reverse("payouts:export", args=[batch.pk, "csv"]) not in page  # no download that locks the batch
    # The download link of a draft leads to the summary; neither writes anything.
    response = client.get(reverse("payouts:export", args=[batch.pk, "csv"]))
    assert response["Location"] == reverse("payouts:export_confirm", args=[batch.pk])
    summary = client.get(response["Location"])
    assert summary.context["page"].total == Decimal(600_000) and len(summary.context["page"].included) == 3
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT
    response = export_confirmed(client, batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED
    assert reverse("payouts:export", args=[batch.pk, "csv"]) in response.content.decode()


def test_csv_export_lists_every_included_payout_and_its_total_equals_the_decision_lines(world):
    decisions = accepted_world(world, count=3)
    batch = create_batch(world)
    export_confirmed(_client(world), batch)
    response = _client(world).get(reverse("payouts:export", args=[batch.pk, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f"{batch.reference}.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Organisasjonsnummer", "Navn", "Kontonummer", "Beløp", "Vedtak", "Budsjettår"]
    expected = lines(decisions, year=2027, owner_side=True)
    assert sorted((r[4], Decimal(r[3])) for r in rows[1:]) == sorted(
        (line.decision.reference, line.amount) for line in expected
    )
    assert sum(Decimal(r[3]) for r in rows[1:]) == total(expected) == Decimal(100_000 + 200_000 + 300_000)
    for row in rows[1:]:
        assert len(row[2]) == 11 and row[2].isdigit() and row[5] == "2027" and len(row[0]) == 9
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED


def test_xlsx_export_leaves_held_payouts_out(world):
    decisions = accepted_world(world)
    overdue_report(decisions[0].lines.get(budget_year=2028, recipient=world.owner_org))
    batch = create_batch(world, kind="partner")
    assert not batch.payouts.filter(is_held=True).exists()
    batch = create_batch(world)
    export_confirmed(_client(world), batch)
    response = _client(world).get(reverse("payouts:export", args=[batch.pk, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Organisasjonsnummer", "Navn", "Kontonummer", "Beløp")
    assert rows[1:] == [
        (
            world.co_owner_org.orgnr,
            "Sarpsborg kommune",
            world.co_owner_org.bank_account,
            200_000,
            decisions[1].reference,
            2027,
        )
    ]


def test_export_without_bank_accounts_goes_back_naming_the_recipients(world):
    accepted_world(world, accounts=False)
    batch = create_batch(world)
    response = export_confirmed(_client(world), batch)
    message = " ".join(_messages(response))
    assert "Fredrikstad kommune" in message and "Sarpsborg kommune" in message and "kontonummer" in message
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT


def test_export_in_an_unknown_format_is_not_found(world):
    accepted_world(world)
    batch = create_batch(world)
    assert _client(world).get(reverse("payouts:export", args=[batch.pk, "pdf"])).status_code == 404


# ------------------------------------------------------------------------------------------------------- paid


def test_mark_paid_after_export_and_held_payouts_move_out(world):
    decisions = accepted_world(world)
    overdue_report(decisions[0].lines.get(budget_year=2028, recipient=world.owner_org))
    batch = create_batch(world)
    client = _client(world)
    url = reverse("payouts:mark_paid", args=[batch.pk])
    response = client.post(url, {"version": batch.version}, follow=True)
    assert any("Eksporter bunken" in m for m in _messages(response))
    export_confirmed(client, batch)
    batch.refresh_from_db()
    summary = client.get(url)  # the summary to confirm: what is paid, and what moves out
    assert len(summary.context["page"].held) == 1 and 'name="version"' in summary.content.decode()
    assert batch.status == BatchStatus.EXPORTED
    response = client.post(url, {"version": batch.version}, follow=True)
    assert any("markert som utbetalt" in m for m in _messages(response))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PAID and batch.payouts.count() == 1
    assert "Utbetalt" in response.content.decode()


# ------------------------------------------------------------------------------------------------------ ledger


def test_ledger_shows_frame_committed_split_paid_unpaid_and_free(world):
    first = open_round(world.office, name="Runde 2027")
    decided(world, 2, round=first, status=DecisionStatus.ACCEPTED)
    give_accounts(world.owner_org, world.co_owner_org, world.partner_org)
    paid_batch(world)
    second = open_round(world.office, name="Runde 2028")
    second.first_budget_year = 2028
    second.save()
    Frame.objects.filter(round=second).delete()
    Frame.objects.create(
        round=second, scheme=Scheme.objects.get(code="dekomp"), budget_year=2028, amount=Decimal(300_000)
    )
    decided(world, 1, round=second, status=DecisionStatus.DECIDED)
    body = _client(world).get(reverse("payouts:ledger", args=[world.office.slug])).content.decode()
    row_2027 = body.split('data-testid="row-dekomp-2027"')[1].split("</tr>")[0]
    # Frame 10 000 000; committed 400 000 (all from the 2027 round); paid 300 000; unpaid 100 000.
    cells = [c.split("</td>")[0] for c in row_2027.split('<td class="app-num')[1:]]
    assert [c.split(">", 1)[1].strip() for c in cells[:6]] == [
        "10\u00a0000\u00a0000\u00a0kr",
        "400\u00a0000\u00a0kr",
        "0\u00a0kr",
        "400\u00a0000\u00a0kr",
        "300\u00a0000\u00a0kr",
        "100\u00a0000\u00a0kr",
    ]
    assert "4 % bundet" in row_2027
    # 2028: earlier decisions bind 400 000 and the 2028 round 150 000 of a 300 000 frame: 250 000 over.
    row_2028 = body.split('data-testid="row-dekomp-2028"')[1].split("</tr>")[0]
    assert "payouts-row-over" in body.split('data-testid="row-dekomp-2028"')[0].rsplit("<tr", 1)[1]
    assert "\u2212250\u00a0000\u00a0kr" in row_2028 and "over rammen" in row_2028
    assert "payouts-bar__over" in row_2028 and "183 % bundet" in row_2028


def test_national_reader_reads_the_ledger_without_the_office_links(world):
    accepted_world(world)
    body = _client(world, "national_reader").get(reverse("payouts:ledger", args=[world.office.slug])).content.decode()
    assert 'data-testid="row-dekomp-2027"' in body
    assert f'href="{reverse("payouts:index", args=[world.office.slug])}"' not in body


def test_ledger_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    accepted_world(world)
    client = _client(world)
    url = reverse("payouts:ledger", args=[world.office.slug])
    client.get(url)
    with django_assert_max_num_queries(11) as small:
        client.get(url)
    for index in range(3):
        decided(world, 3, round=open_round(world.office, name=f"Runde {index}"), status=DecisionStatus.ACCEPTED)
    paid_batch(world)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


# ------------------------------------------------------------------------------------------------ round set-up


def test_round_setup_shows_what_other_rounds_bind_and_what_is_free(world):
    decided(world, 2, round=open_round(world.office, name="Runde 2027"), status=DecisionStatus.ACCEPTED)
    later = open_round(world.office, name="Runde 2028")
    later.first_budget_year = 2028
    later.save()
    body = _client(world).get(reverse("schemes:round_detail", args=[later.pk])).content.decode()
    assert "Ramme, tilsagn og ledig" in body
    # 2028 frame 10 000 000; the 2027 round's decisions bind 400 000 of it, this round's none.
    free = body.split('data-testid="room-dekomp-2028"')[1].split("</td>")[0]
    assert "9\u00a0600\u00a0000\u00a0kr" in free
    row = body.split('data-testid="room-dekomp-2028"')[0].rsplit("<tr>", 1)[1]
    others = row.split('data-money="others"')[1].split("</td>")[0]
    assert "400\u00a0000\u00a0kr" in others
    assert "0\u00a0kr" in row.split('data-money="in-round"')[1].split("</td>")[0]


# ------------------------------------------------------------------------------------------------ bank account


def test_bank_account_form_keeps_what_was_typed_on_error_and_saves_a_valid_number(world):
    client = _client(world, "owner")
    url = reverse("payouts:bank_account", args=[world.owner_org.pk])
    response = client.post(url, {"bank_account": "1234 56 78900"})
    body = response.content.decode()
    assert response.status_code == 200 and "kontrollsifferet stemmer ikke" in body
    assert 'value="1234 56 78900"' in body and 'aria-invalid="true"' in body
    assert 'href="#id_bank_account"' in body
    world.owner_org.refresh_from_db()
    assert world.owner_org.bank_account == ""
    response = client.post(url, {"bank_account": "1234 56 78903"}, follow=True)
    world.owner_org.refresh_from_db()
    assert world.owner_org.bank_account == "12345678903"
    assert "1234\u00a056\u00a078903" in response.content.decode()


def test_bank_account_from_the_batch_page_goes_back_to_it(world):
    accepted_world(world, accounts=False)
    batch = create_batch(world)
    back = reverse("payouts:batch", args=[batch.pk])
    url = reverse("payouts:bank_account", args=[world.co_owner_org.pk])
    client = _client(world)
    assert f'name="next" value="{back}"' in client.get(url, {"next": back}).content.decode()
    response = client.post(url, {"bank_account": "12345678903", "next": back})
    assert response["Location"] == back
    response = client.post(url, {"bank_account": "12345678903", "next": "https://example.com/"})
    assert response["Location"] == url
