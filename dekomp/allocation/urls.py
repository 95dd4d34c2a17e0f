"""Allocation URLs: the office's envelopes and solver, the forum's workspace and its writes, exports and plans."""

from django.urls import path

from . import views

app_name = "allocation"

urlpatterns = [
    path("runde/<int:round_pk>/rammer/<int:scheme_pk>/", views.envelopes, name="envelopes"),
    path("runde/<int:round_pk>/rammer/<int:scheme_pk>/beregn/", views.propose, name="propose"),
    path("forum/<int:forum_pk>/runde/<int:round_pk>/", views.workspace, name="workspace"),
    path("forum/<int:forum_pk>/runde/<int:round_pk>/mote/", views.meeting, name="meeting"),
    path("forum/<int:forum_pk>/runde/<int:round_pk>/plan/", views.plan_upload, name="plan_upload"),
    path("innstilling/<int:pk>/linje/<int:report_pk>/", views.line, name="line"),
    path("innstilling/<int:pk>/vedta/", views.approve, name="approve"),
    path("innstilling/<int:pk>/ny-versjon/", views.new_version, name="new_version"),
    path("innstilling/<int:pk>/pdf/", views.recommendation_pdf_view, name="pdf"),
    path("innstilling/<int:pk>/xlsx/", views.recommendation_xlsx, name="xlsx"),
    path("mote/<int:pk>/stem/", views.vote, name="vote"),
    path("plan/<int:pk>/", views.plan, name="plan"),
]
