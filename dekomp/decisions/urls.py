"""URLs of the decisions app."""

from django.urls import include, path

app_name = "decisions"

urlpatterns: list = [
    path("", include("dekomp.decisions.urls_letters")),
]
