"""URLs of decision letters, acceptance of terms and appeals (included by decisions/urls.py)."""

from django.urls import path

from . import views_letters

urlpatterns: list = [
    path("<int:decision_id>/vedtaksbrev.pdf", views_letters.letter, name="letter"),
    path("runde/<int:round_id>/send-brev/", views_letters.send, name="letters_send"),
    path("<int:decision_id>/aksepter/", views_letters.accept, name="accept"),
    path("<int:decision_id>/klage/", views_letters.appeal_register_view, name="appeal_register"),
    path("klage/<int:appeal_id>/oversend/", views_letters.appeal_forward_view, name="appeal_forward"),
    path("klage/<int:appeal_id>/avgjor/", views_letters.appeal_decide_view, name="appeal_decide"),
]
