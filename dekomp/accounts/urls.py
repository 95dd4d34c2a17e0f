"""Account URLs: login, logout, password reset."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", views.LogoutView.as_view(), name="logout"),
    path("glemt-passord/", views.PasswordResetView.as_view(), name="password_reset"),
    path("glemt-passord/sendt/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "glemt-passord/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("glemt-passord/ferdig/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
