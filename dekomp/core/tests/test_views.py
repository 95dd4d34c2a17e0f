"""Health check and error pages."""

from unittest import mock

from django.db import OperationalError
from django.test import RequestFactory

from dekomp.core import views


def test_healthz_reports_database_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_reports_database_down_with_503(client, db):
    with mock.patch.object(views.connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_server_error_page_renders_without_database(db):
    request = RequestFactory().get("/")
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OperationalError):
        response = views.server_error(request)
    assert response.status_code == 500
    assert "Noe gikk galt hos oss" in response.content.decode()


def test_404_page_is_friendly_and_in_the_users_language(client, db):
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    assert "Fant ikke siden" in response.content.decode()
    client.cookies["dekomp_language"] = "nn"
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    assert 'lang="nn"' in response.content.decode()
    assert "Fann ikkje sida" in response.content.decode()


def test_403_page_is_friendly(client, world):
    client.force_login(world.users["partner"])
    response = client.get(f"/eier/{world.owner_org.pk}/")
    assert response.status_code == 403
    assert "Du har ikke tilgang til denne siden" in response.content.decode()
