"""Root URL configuration: one include per app, the admin, health check and error handlers."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from dekomp.accounts.views import set_language
from dekomp.core import views as core_views

urlpatterns = [
    path("", include("dekomp.home.urls")),
    path("konto/", include("dekomp.accounts.urls")),
    path("virksomheter/", include("dekomp.organisations.urls")),
    path("runder/", include("dekomp.schemes.urls")),
    path("behovsmeldinger/", include("dekomp.needs.urls")),
    path("prioritering/", include("dekomp.assessment.urls")),
    path("fordeling/", include("dekomp.allocation.urls")),
    path("vedtak/", include("dekomp.decisions.urls")),
    path("utbetaling/", include("dekomp.payouts.urls")),
    path("rapportering/", include("dekomp.reporting.urls")),
    path("tildelinger/", include("dekomp.reporting.urls_public")),
    path("logg/", include("dekomp.activity.urls")),
    path("jobber/", include("dekomp.activity.urls_jobs")),
    path("sprak/", set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

handler400 = "dekomp.core.views.bad_request"
handler403 = "dekomp.core.views.permission_denied"
handler404 = "dekomp.core.views.page_not_found"
handler500 = "dekomp.core.views.server_error"
