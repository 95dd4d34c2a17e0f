"""URLs of the reporting app."""

from django.urls import include, path

app_name = "reporting"

urlpatterns: list = [
    path("", include("dekomp.reporting.urls_dashboard")),
]
