"""The office's to-do lines for moving rounds on and for paying out: each changes when its step is done."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from dekomp.needs.tests.factories import open_round
from dekomp.payouts import services as payouts
from dekomp.payouts.tests.factories import accepted_world, create_batch, lines
from dekomp.schemes.models import RoundStatus
from dekomp.schemes.services import round_transition

pytestmark = pytest.mark.django_db


def todo_lines(world, persona: str) -> list[tuple[str, str]]:
    """The office home's to-do lines as (kind, text)."""
    client = Client()
    client.force_login(world.users[persona])
    body = client.get(reverse("home:office", args=[world.office.slug])).content.decode()
    return [
        (kind, re.sub(r"\s+", " ", text).strip())
        for kind, text in re.findall(r'<a class="ds-link" href="[^"]*" data-todo="([^"]*)">([^<]*)</a>', body)
    ]


def moves(world, persona: str) -> list[str]:
    """The to-do lines that ask to move the round «Runde 2027» on."""
    found = todo_lines(world, persona)
    return [text for kind, text in found if kind == "move_round" and text.startswith("Runde 2027 ")]


def test_the_office_admin_is_told_to_move_each_round_on_and_the_line_follows_the_round(world):
    round = open_round(world.office, name="Runde 2027")
    assert moves(world, "office_admin") == [
        "Runde 2027 har status «åpen for behovsmeldinger». Flytt runden videre når steget er ferdig."
    ]
    assert not moves(world, "caseworker")  # only the admin moves rounds

    admin = world.users["office_admin"]
    round_transition(by=admin, round=round, to=RoundStatus.CLOSED, reason="Tidlig.", is_confirmed=True)
    assert moves(world, "office_admin") == ["Runde 2027 har status «lukket». Flytt runden videre når steget er ferdig."]

    round.status = RoundStatus.FINISHED
    round.save(update_fields=["status"])
    assert not moves(world, "office_admin")


def test_the_caseworker_is_told_what_is_ready_to_pay_and_which_batch_to_finish(world):
    decisions = accepted_world(world)
    ready_2027 = len(lines(decisions, year=2027, owner_side=True)) + len(lines(decisions, year=2027, owner_side=False))
    pay = {text for kind, text in todo_lines(world, "caseworker") if kind == "pay_out"}
    assert f"Budsjettår 2027: {ready_2027} vedtatte beløp er klare til utbetaling." in pay

    batch = create_batch(world)
    partners = len(lines(decisions, year=2027, owner_side=False))
    found = todo_lines(world, "caseworker")
    pay = {text for kind, text in found if kind == "pay_out"}
    assert f"Budsjettår 2027: {partners} vedtatte beløp er klare til utbetaling." in pay
    assert [t for k, t in found if k == "finish_batch"] == [
        f"Utbetalingsbunke {batch.reference} er laget. Eksporter den til økonomisystemet."
    ]

    payouts.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="csv")
    assert [t for k, t in todo_lines(world, "caseworker") if k == "finish_batch"] == [
        f"Utbetalingsbunke {batch.reference} er eksportert. Marker den som utbetalt når pengene er betalt ut."
    ]

    batch.refresh_from_db()
    payouts.payout_batch_mark_paid(by=world.users["caseworker"], batch=batch, version=batch.version)
    assert not [t for k, t in todo_lines(world, "caseworker") if k == "finish_batch"]
