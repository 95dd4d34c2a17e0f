"""The URL of an organisation's page over every round (included by reporting/urls.py)."""

from django.urls import path

from . import views_organisation

urlpatterns: list = [
    path("virksomhet/<int:pk>/", views_organisation.organisation, name="organisation"),
]
