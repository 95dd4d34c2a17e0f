"""Payouts URLs: the office's batches and ledger, one batch and its writes, recipients' bank accounts."""

from django.urls import path

from . import views

app_name = "payouts"

urlpatterns = [
    path("bunke/<int:pk>/", views.batch, name="batch"),
    path("bunke/<int:pk>/eksporter/", views.export_confirm, name="export_confirm"),
    path("bunke/<int:pk>/eksport.<str:fmt>/", views.export, name="export"),
    path("bunke/<int:pk>/utbetalt/", views.mark_paid, name="mark_paid"),
    path("utbetaling/<int:pk>/frigi/", views.release, name="release"),
    path("utbetaling/<int:pk>/fjern/", views.remove, name="remove"),
    path("kontonummer/<int:org_id>/", views.bank_account, name="bank_account"),
    path("<slug:office_slug>/", views.index, name="index"),
    path("<slug:office_slug>/ny-bunke/", views.create, name="create"),
    path("<slug:office_slug>/tilsagn/", views.ledger, name="ledger"),
]
