"""Organisation URLs."""

from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("embete/<slug:office_slug>/", views.organisation_list, name="list"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
]
