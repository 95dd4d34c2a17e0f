"""URLs of the money dashboard for offices and national readers (included by reporting/urls.py)."""

from django.urls import path

from . import views_dashboard

urlpatterns: list = [
    path("oversikt/", views_dashboard.dashboard, name="dashboard"),
]
