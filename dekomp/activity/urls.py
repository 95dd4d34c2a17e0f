"""Audit-trail URLs: the log of a needs report, of a round (also as CSV) and of one user, for office admins."""

from django.urls import path

from . import views

app_name = "activity"

urlpatterns = [
    path("behovsmelding/<int:report_id>/", views.report_log, name="report"),
    path("runde/<int:round_id>/", views.round_log, name="round"),
    path("runde/<int:round_id>/csv/", views.round_log_csv, name="round_csv"),
    path("bruker/<int:user_id>/", views.user_log, name="user"),
]
