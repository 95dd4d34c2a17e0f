"""URLs of the public list of granted measures and its open data (no login)."""

from django.urls import path  # noqa: F401

app_name = "public"

urlpatterns: list = []
