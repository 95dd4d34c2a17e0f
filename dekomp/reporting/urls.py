"""URLs of the reporting app."""

from django.urls import include, path

from . import views

app_name = "reporting"

urlpatterns: list = [
    path("", include("dekomp.reporting.urls_dashboard")),
    path("", include("dekomp.reporting.urls_organisation")),
    path("runde/<int:round_id>/", views.round_list, name="list"),
    path("<int:report_id>/", views.edit, name="edit"),
    path("<int:report_id>/vis/", views.detail, name="detail"),
    path("<int:report_id>/godkjenn/", views.approve, name="approve"),
    path("<int:report_id>/mer-informasjon/", views.request_more, name="request_more"),
    path("<int:report_id>/ubrukte-midler/", views.settle, name="settle"),
]
