"""URLs of the decisions app."""

from django.urls import include, path

from . import views

app_name = "decisions"

urlpatterns: list = [
    path("runde/<int:round_id>/", views.round_workspace, name="round"),
    path("runde/<int:round_id>/forbered/", views.prepare, name="prepare"),
    path("bunke/<int:batch_id>/fatt/", views.decide, name="decide"),
    path("<int:decision_id>/", views.detail, name="detail"),
    path("<int:decision_id>/endre/", views.edit, name="edit"),
    path("<int:decision_id>/endringssoknad/", views.change_request, name="change_request"),
    path("", include("dekomp.decisions.urls_letters")),
]
