"""Account URLs: login, the second factor, logout, password reset."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", views.LogoutView.as_view(), name="logout"),
    path("kode/", views.two_factor_verify_page, name="two_factor_verify"),
    path("kode/oppsett/", views.two_factor_setup_page, name="two_factor_setup"),
    path("glemt-passord/", views.PasswordResetView.as_view(), name="password_reset"),
    path("glemt-passord/sendt/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "glemt-passord/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("glemt-passord/ferdig/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
