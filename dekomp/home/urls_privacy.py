"""Personal-data URLs (in the home namespace): download my data, and an office admin's anonymisation of a person."""

from django.urls import path

from . import views_privacy

urlpatterns = [
    path("personvern/mine-data/", views_privacy.my_data, name="my_data"),
    path("personvern/mine-data/last-ned/", views_privacy.my_data_download, name="my_data_download"),
    path("personvern/anonymiser/<int:user_id>/", views_privacy.anonymise, name="anonymise"),
]
