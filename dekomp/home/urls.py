"""Home URLs: the dispatcher and one home per kind of role."""

from django.urls import include, path

from . import views

app_name = "home"

urlpatterns = [
    path("", views.index, name="index"),
    path("eier/<int:pk>/", views.owner_home, name="owner"),
    path("partner/<int:pk>/", views.partner_home, name="partner"),
    path("arbeidsgruppe/<int:pk>/", views.working_group_home, name="working_group"),
    path("forum/<int:pk>/", views.forum_home, name="forum"),
    path("embete/<slug:slug>/", views.office_home, name="office"),
    path("nasjonalt/", views.national_home, name="national"),
    path("", include("dekomp.home.urls_privacy")),
]
