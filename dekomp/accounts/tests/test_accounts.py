"""Login, logout, password reset, language choice and roles."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from dekomp.accounts.access import RoleKind, access_for
from dekomp.accounts.models import OfficeMembership, OfficeRole, User
from dekomp.accounts.services import user_set_language

pytestmark = pytest.mark.django_db


def test_login_lands_on_the_personas_home(client, world):
    response = client.post(reverse("accounts:login"), {"username": "owner@test.example", "password": "pw"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home:owner", args=[world.owner_org.pk])
    assert response.context["current_role"].kind == RoleKind.OWNER
    assert "Fredrikstad kommune" in response.content.decode()


def test_wrong_password_gives_a_clear_message_and_keeps_the_email(client, world):
    response = client.post(reverse("accounts:login"), {"username": "owner@test.example", "password": "feil"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Feil e-post eller passord." in body
    assert 'value="owner@test.example"' in body
    assert "ds-error-summary" in body


def test_login_errors_are_linked_to_their_fields(client, world):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    body = response.content.decode()
    assert 'href="#id_username"' in body
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_username_error"' in body


def test_login_message_in_nynorsk(client, world):
    client.cookies["dekomp_language"] = "nn"
    response = client.post(reverse("accounts:login"), {"username": "owner@test.example", "password": "feil"})
    body = response.content.decode()
    assert 'lang="nn"' in body
    assert "Sjekk at du har skrive rett, og prøv igjen." in body
    assert "Sjekk at du har skrevet riktig" not in body


def test_logout_needs_post_and_ends_the_session(client, world):
    client.force_login(world.users["owner"])
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home:index")).status_code == 302


def test_password_reset_sends_a_working_link(client, world):
    response = client.post(reverse("accounts:password_reset"), {"email": "owner@test.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/konto/glemt-passord/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Et-langt-nytt-passord-42", "new_password2": "Et-langt-nytt-passord-42"}
    )
    assert done.status_code == 302
    assert client.login(email="owner@test.example", password="Et-langt-nytt-passord-42")


def test_password_reset_does_not_reveal_unknown_addresses(client, world):
    response = client.post(reverse("accounts:password_reset"), {"email": "ukjent@test.example"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_language_switch_sets_cookie_and_saves_preference(client, world):
    user = world.users["owner"]
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["dekomp_language"].value == "nn"
    user.refresh_from_db()
    assert user.language == "nn"


def test_saved_language_is_used_after_login_on_a_new_browser(client, world):
    user = world.users["owner"]
    user_set_language(user=user, language="en", by=user)
    client.force_login(user)
    response = client.get(reverse("home:owner", args=[world.owner_org.pk]))
    assert 'lang="en"' in response.content.decode()
    assert response.cookies["dekomp_language"].value == "en"


def test_user_cannot_set_someone_elses_language(world):
    with pytest.raises(Exception, match="ditt eget"):
        user_set_language(user=world.users["owner"], language="nn", by=world.users["partner"])


def test_unknown_language_is_refused(world):
    with pytest.raises(Exception, match="Ukjent språk"):
        user_set_language(user=world.users["owner"], language="xx", by=world.users["owner"])


def test_roles_of_a_user_with_several_roles(world):
    user = world.users["secretariat"]
    kinds = [role.kind for role in access_for(user).roles()]
    assert kinds == [RoleKind.OFFICE, RoleKind.FORUM]


def test_access_is_loaded_with_a_fixed_number_of_queries(world, django_assert_num_queries):
    user = User.objects.get(pk=world.users["secretariat"].pk)
    OfficeMembership.objects.create(user=user, office=world.other_office, role=OfficeRole.CASEWORKER)
    with django_assert_num_queries(4):
        access = access_for(user)
        access.roles()
        access_for(user)


def test_user_without_role_is_told_what_to_do(client, world):
    client.force_login(world.users["outsider"])
    response = client.get(reverse("home:index"))
    assert response.status_code == 200
    assert "Du har ingen rolle ennå" in response.content.decode()


def test_header_shows_role_and_organisation(client, world):
    client.force_login(world.users["owner"])
    body = client.get(reverse("home:index"), follow=True).content.decode()
    assert "Eier · Fredrikstad kommune" in body


def test_role_switch_menu_for_several_roles(client, world):
    client.force_login(world.users["secretariat"])
    office_home = client.get(reverse("home:index"), follow=True)
    assert office_home.context["current_role"].kind == RoleKind.OFFICE
    assert "Bytt rolle" in office_home.content.decode()
    forum_home = client.get(reverse("home:forum", args=[world.forum.pk]))
    assert forum_home.context["current_role"].kind == RoleKind.FORUM
    # The root now remembers the role last used.
    assert client.get(reverse("home:index"))["Location"] == reverse("home:forum", args=[world.forum.pk])


def test_email_is_case_insensitive(client, world):
    user = User.objects.create_user(email="Ny.Bruker@Test.Example", password="pw", full_name="Ny")
    assert user.email == "ny.bruker@test.example"
    response = client.post(reverse("accounts:login"), {"username": "NY.BRUKER@test.example", "password": "pw"})
    assert response.status_code == 302
