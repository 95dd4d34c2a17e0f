"""URLs of decision letters, acceptance of terms and appeals (included by decisions/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
