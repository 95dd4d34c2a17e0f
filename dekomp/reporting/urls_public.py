"""URLs of the public list of granted measures and its open data (no login)."""

from django.urls import path

from . import views_public

app_name = "public"

urlpatterns: list = [
    path("", views_public.index, name="index"),
    path("<slug:office_slug>/<int:year>/", views_public.round_list, name="round"),
    path("<slug:office_slug>/<int:year>/tildelinger.csv", views_public.round_csv, name="round_csv"),
    path("<slug:office_slug>/<int:year>/tildelinger.json", views_public.round_json, name="round_json"),
]
