"""A round's page: only office admins move its status, along the workflow; staff reopen it for one owner."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from dekomp.schemes.models import ROUND_TRANSITIONS, DeadlineExtension, Round, RoundStatus
from dekomp.schemes.selectors import deadline_for
from dekomp.schemes.services import round_transition

pytestmark = pytest.mark.django_db


def local_input(moment) -> str:
    """A moment as a datetime-local input sends it (Oslo time)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_only_office_admins_move_the_status(client, world):
    url = reverse("schemes:round_transition", args=[world.round.pk])
    for persona in ("caseworker", "secretariat", "other_caseworker", "owner"):
        client.force_login(world.users[persona])
        assert client.get(url, {"til": RoundStatus.CLOSED}).status_code == 403
        assert client.post(url, {"to": RoundStatus.CLOSED, "reason": "x"}).status_code == 403
    world.round.refresh_from_db()
    assert world.round.status == RoundStatus.OPEN
    client.force_login(world.users["office_admin"])
    response = client.post(url, {"to": RoundStatus.CLOSED, "reason": "Frist flyttet av departementet"})
    assert response["Location"] == reverse("schemes:round_detail", args=[world.round.pk])
    world.round.refresh_from_db()
    assert world.round.status == RoundStatus.CLOSED


def test_status_moves_only_along_the_workflow(client, world):
    client.force_login(world.users["office_admin"])
    url = reverse("schemes:round_transition", args=[world.round.pk])
    response = client.post(url, {"to": RoundStatus.DECISION})
    world.round.refresh_from_db()
    assert world.round.status == RoundStatus.OPEN
    body = client.get(response["Location"]).content.decode()
    assert "Runden kan ikke gå fra «åpen for behovsmeldinger» til «vedtak»." in body
    client.post(url, {"to": "tull"})
    assert client.get(url, {"til": "tull"}).status_code == 302
    world.round.refresh_from_db()
    assert world.round.status == RoundStatus.OPEN
    with pytest.raises(ValidationError) as caught:
        round_transition(by=world.users["office_admin"], round=world.round, to=RoundStatus.DECISION)
    assert caught.value.code == "transition"


def test_the_move_lists_what_is_not_done_and_asks_first(client, world):
    """One click no longer closes a round before its deadline: the page lists what is left, then the admin confirms."""
    from dekomp.activity.services import events_for
    from dekomp.needs.models import Status

    world.report.status = Status.DRAFT
    world.report.save(update_fields=["status"])
    client.force_login(world.users["office_admin"])
    url = reverse("schemes:round_transition", args=[world.round.pk])
    detail = client.get(reverse("schemes:round_detail", args=[world.round.pk])).content.decode()
    assert f'href="{url}?til={RoundStatus.CLOSED}"' in detail  # the round's page links to the confirmation
    page = client.get(url, {"til": RoundStatus.CLOSED})
    codes = [item.code for item in page.context["outstanding"]]
    assert codes == ["before_deadline", "drafts"]
    assert 'data-code="drafts"' in page.content.decode()
    world.round.refresh_from_db()
    assert world.round.status == RoundStatus.OPEN  # showing the page moves nothing
    # Confirming without a reason before the deadline: refused, with the page back and nothing lost.
    response = client.post(url, {"to": RoundStatus.CLOSED, "reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].has_error("reason")
    world.round.refresh_from_db()
    assert world.round.status == RoundStatus.OPEN
    response = client.post(url, {"to": RoundStatus.CLOSED, "reason": "Ny frist fra Udir"})
    assert response.status_code == 302
    world.round.refresh_from_db()
    assert world.round.status == RoundStatus.CLOSED
    event = [e for e in events_for(world.round) if e.verb == "round_status"][-1]
    assert event.comment == "Ny frist fra Udir"
    assert event.changes["outstanding"] == ["before_deadline", "drafts"]


def test_the_service_refuses_an_unconfirmed_move_and_an_early_close_without_reason(world):
    admin = world.users["office_admin"]
    with pytest.raises(ValidationError) as caught:
        round_transition(by=admin, round=world.round, to=RoundStatus.CLOSED, is_confirmed=True)
    assert caught.value.error_dict["reason"][0].code == "reason_required"
    with pytest.raises(ValidationError) as caught:
        round_transition(by=admin, round=world.round, to=RoundStatus.CLOSED, reason="Tidlig")
    assert caught.value.code == "unconfirmed"
    world.round.refresh_from_db()
    assert world.round.status == RoundStatus.OPEN


def test_after_the_deadline_closing_needs_no_reason(world):
    world.round.applicant_groups.update(deadline=timezone.now() - timedelta(hours=1))
    moved = round_transition(by=world.users["office_admin"], round=world.round, to=RoundStatus.CLOSED)
    assert moved.status == RoundStatus.CLOSED


def test_unchecked_reports_and_missing_rankings_are_listed_before_the_next_steps(world):
    from dekomp.schemes import workflow

    Round.objects.filter(pk=world.round.pk).update(status=RoundStatus.CLOSED)
    world.round.refresh_from_db()
    items = workflow.outstanding(round=world.round, to=RoundStatus.ASSESSMENT)
    assert [item.code for item in items] == ["unchecked"]
    assert items[0].url.endswith("?status=sendt_inn")
    world.report.status = "kontrollert"
    world.report.save(update_fields=["status"])
    Round.objects.filter(pk=world.round.pk).update(status=RoundStatus.ASSESSMENT)
    world.round.refresh_from_db()
    assert workflow.outstanding(round=world.round, to=RoundStatus.ASSESSMENT) == []
    items = workflow.outstanding(round=world.round, to=RoundStatus.RECOMMENDATION)
    assert [item.code for item in items] == ["ranking_missing"]
    assert world.working_group.name in items[0].message
    Round.objects.filter(pk=world.round.pk).update(status=RoundStatus.RECOMMENDATION)
    world.round.refresh_from_db()
    assert [item.code for item in workflow.outstanding(round=world.round, to=RoundStatus.DECISION)] == [
        "recommendation_missing",
        "no_decisions",
    ]


@pytest.mark.parametrize("start", list(RoundStatus))
def test_every_transition_follows_round_transitions(world, start):
    admin = world.users["office_admin"]
    for target in RoundStatus:
        Round.objects.filter(pk=world.round.pk).update(status=start)
        world.round.refresh_from_db()
        if target in ROUND_TRANSITIONS[start]:
            moved = round_transition(by=admin, round=world.round, to=target, reason="Test", is_confirmed=True)
            assert moved.status == target
        else:
            with pytest.raises(ValidationError):
                round_transition(by=admin, round=world.round, to=target, reason="Test", is_confirmed=True)
    with pytest.raises(PermissionDenied):
        round_transition(by=world.users["caseworker"], round=world.round, to=RoundStatus.CLOSED)


def test_detail_offers_the_allowed_next_statuses_to_admins_only(client, world):
    url = reverse("schemes:round_detail", args=[world.round.pk])
    client.force_login(world.users["office_admin"])
    body = client.get(url).content.decode()
    assert "Sett status til «lukket»" in body
    assert "Sett status til «vedtak»" not in body
    client.force_login(world.users["caseworker"])
    body = client.get(url).content.decode()
    assert "Sett status til" not in body
    assert "Gi en eier ny frist" in body


def test_detail_shows_frames_groups_and_dates(client, world):
    client.force_login(world.users["caseworker"])
    body = client.get(reverse("schemes:round_detail", args=[world.round.pk])).content.decode()
    assert "5\u00a0000\u00a0000\u00a0kr" in body  # the frame, through the nok filter
    assert "Alle eiere som ikke er med i en annen gruppe" in body
    deadline = world.round.applicant_groups.get().deadline
    assert str(timezone.localtime(deadline).year) in body
    assert reverse("needs:round_list", args=[world.round.pk]) in body


def test_reopen_needs_a_reason_and_a_future_deadline(client, world):
    client.force_login(world.users["caseworker"])
    url = reverse("schemes:reopen", args=[world.round.pk])
    past = local_input(timezone.now() - timedelta(days=1))
    response = client.post(url, {"owner": world.owner_org.pk, "deadline": past, "reason": ""})
    assert response.status_code == 200
    form = response.context["reopen_form"]
    assert form.errors["reason"] == ["Skriv hvorfor fristen åpnes igjen for denne eieren."]
    response = client.post(url, {"owner": world.owner_org.pk, "deadline": past, "reason": "Syk saksbehandler"})
    assert response.context["reopen_form"].errors["deadline"] == ["Den nye fristen må være fram i tid."]
    body = response.content.decode()
    assert "Syk saksbehandler" in body  # what was typed is kept
    assert f'value="{past}"' in body
    assert "ds-error-summary" in body
    assert not DeadlineExtension.objects.exists()


def test_reopen_gives_the_owner_alone_a_new_deadline(client, world):
    default = deadline_for(round=world.round, owner=world.owner_org)
    new = (timezone.now() + timedelta(days=60)).replace(second=0, microsecond=0)
    client.force_login(world.users["caseworker"])
    response = client.post(
        reverse("schemes:reopen", args=[world.round.pk]),
        {"owner": world.owner_org.pk, "deadline": local_input(new), "reason": "Ny skoleeier etter sammenslåing"},
    )
    assert response.status_code == 302
    assert deadline_for(round=world.round, owner=world.owner_org) == new
    assert deadline_for(round=world.round, owner=world.co_owner_org) == default
    body = client.get(response["Location"]).content.decode()
    assert "Ny skoleeier etter sammenslåing" in body


def test_reopen_offers_only_owners_in_the_office(client, world):
    client.force_login(world.users["caseworker"])
    form = client.get(reverse("schemes:round_detail", args=[world.round.pk])).context["reopen_form"]
    names = {org.name for org in form.fields["owner"].queryset}
    assert {"Fredrikstad kommune", "Sarpsborg kommune"} <= names
    assert "Bergen kommune" not in names and "OsloMet" not in names
    response = client.post(
        reverse("schemes:reopen", args=[world.round.pk]),
        {"owner": world.other_owner_org.pk, "deadline": local_input(timezone.now() + timedelta(days=5)), "reason": "x"},
    )
    assert "owner" in response.context["reopen_form"].errors


def test_another_office_gets_403(client, world):
    client.force_login(world.users["other_caseworker"])
    assert client.get(reverse("schemes:round_detail", args=[world.round.pk])).status_code == 403
    assert client.get(reverse("schemes:round_list", args=[world.office.slug])).status_code == 403
    response = client.post(
        reverse("schemes:reopen", args=[world.round.pk]),
        {"owner": world.owner_org.pk, "deadline": local_input(timezone.now() + timedelta(days=5)), "reason": "x"},
    )
    assert response.status_code == 403
    assert client.get(reverse("schemes:round_list", args=[world.other_office.slug])).status_code == 200


def test_round_list_links_each_round(client, world):
    client.force_login(world.users["caseworker"])
    body = client.get(reverse("schemes:round_list", args=[world.office.slug])).content.decode()
    assert reverse("schemes:round_detail", args=[world.round.pk]) in body
    assert reverse("needs:round_list", args=[world.round.pk]) in body
    assert "DeKomp" in body


def test_admin_scopes_rounds_to_the_office_and_keeps_status_read_only(client, world):
    other = Round.objects.create(
        office=world.other_office,
        year=world.round.year,
        name="Vestland-runden",
        opens_at=timezone.now(),
        first_budget_year=world.round.year,
    )
    client.force_login(world.users["office_admin"])
    response = client.get(reverse("admin:schemes_round_changelist"))
    assert response.status_code == 200
    assert [r.name for r in response.context["cl"].result_list] == [world.round.name]
    assert client.get(reverse("admin:schemes_round_change", args=[other.pk])).status_code == 302
    response = client.get(reverse("admin:schemes_round_change", args=[world.round.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "status" not in form.fields
    assert {str(o) for o in form.fields["office"].queryset} == {world.office.name}
    groups = next(f for f in response.context["inline_admin_formsets"] if f.formset.model.__name__ == "ApplicantGroup")
    members = {o.name for o in groups.formset.empty_form.fields["members"].queryset}
    assert "Fredrikstad kommune" in members
    assert "Bergen kommune" not in members and "OsloMet" not in members


def test_admin_schemes_are_read_only_for_office_admins(client, world):
    from dekomp.schemes.models import Scheme

    scheme = Scheme.objects.get(code="dekomp")
    client.force_login(world.users["office_admin"])
    assert client.get(reverse("admin:schemes_scheme_changelist")).status_code == 200
    response = client.get(reverse("admin:schemes_scheme_change", args=[scheme.pk]))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    client.post(reverse("admin:schemes_scheme_change", args=[scheme.pk]), {"short_name": "Endret"})
    scheme.refresh_from_db()
    assert scheme.short_name == "DeKomp"


def test_office_admin_creates_a_round_for_own_office_only(client, world):
    from dekomp.schemes.models import Scheme

    client.force_login(world.users["office_admin"])
    url = reverse("admin:schemes_round_add")
    data = {
        "office": world.office.pk,
        "year": 2031,
        "name": "Admin-runde",
        "schemes": [s.pk for s in Scheme.objects.all()],
        "opens_at_0": "2031-01-01",
        "opens_at_1": "10:00",
        "first_budget_year": 2031,
        "status": RoundStatus.FINISHED,  # read-only: ignored
        "frames-TOTAL_FORMS": 1,
        "frames-INITIAL_FORMS": 0,
        "frames-0-scheme": Scheme.objects.first().pk,
        "frames-0-budget_year": 2031,
        "frames-0-amount": 1000,
        "applicant_groups-TOTAL_FORMS": 1,
        "applicant_groups-INITIAL_FORMS": 0,
        "applicant_groups-0-name": "Alle",
        "applicant_groups-0-deadline_0": "2031-03-01",
        "applicant_groups-0-deadline_1": "12:00",
        "applicant_groups-0-is_default": "on",
        "applicant_groups-0-members": [world.owner_org.pk],
    }
    assert client.post(url, data).status_code == 302
    round = Round.objects.get(name="Admin-runde")
    assert round.status == RoundStatus.PLANNED
    assert round.frames.count() == 1
    assert list(round.applicant_groups.get().members.all()) == [world.owner_org]
    for change in (
        {"name": "Snik", "office": world.other_office.pk},
        {"name": "Snik", "applicant_groups-0-members": [world.other_owner_org.pk]},
    ):
        assert client.post(url, data | change).status_code == 200  # refused with a form error
    assert not Round.objects.filter(name="Snik").exists()
