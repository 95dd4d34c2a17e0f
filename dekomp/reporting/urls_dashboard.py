"""URLs of the money dashboard for offices and national readers (included by reporting/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
