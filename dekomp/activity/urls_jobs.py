"""URLs of background jobs: one page per job, to follow its progress."""

from django.urls import path

from . import views_jobs

app_name = "jobs"

urlpatterns = [
    path("<int:pk>/", views_jobs.job_detail, name="detail"),
    path("<int:pk>/fil/", views_jobs.job_file, name="file"),
]
