"""Round URLs for the office: its rounds, one round's set-up, status changes and reopening for one owner."""

from django.urls import path

from . import views

app_name = "schemes"

urlpatterns = [
    path("embete/<slug:office_slug>/", views.round_list, name="round_list"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/status/", views.round_transition, name="round_transition"),
    path("<int:pk>/gjenapne/", views.reopen, name="reopen"),
]
