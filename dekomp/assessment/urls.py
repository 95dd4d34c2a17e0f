"""Ranking-board URLs: the board and its writes, members' comments, reassignment, the interests page."""

from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("rangering/<int:round_pk>/<int:working_group_pk>/", views.board, name="board"),
    path("rangering/<int:pk>/flytt/", views.move, name="move"),
    path("rangering/<int:pk>/rekkefolge/", views.order, name="order"),
    path("rangering/<int:pk>/vurdering/<int:report_pk>/", views.entry, name="entry"),
    path("rangering/<int:pk>/send/", views.submit, name="submit"),
    path("rangering/<int:pk>/gjenapne/", views.reopen, name="reopen"),
    path("kommentar/<int:working_group_pk>/<int:report_pk>/", views.comment, name="comment"),
    path("flytt/<int:report_pk>/", views.reassign, name="reassign"),
    path("inhabilitet/", views.interests, name="interests"),
]
