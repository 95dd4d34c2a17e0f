"""Needs-report URLs: the owner's steps, the partner's answer, the office's overview and checks."""

from django.urls import path

from .views import office, owner, partner, shared

app_name = "needs"

urlpatterns = [
    path("ny/<int:owner_pk>/", owner.create, name="create"),
    path("<int:pk>/", shared.detail, name="detail"),
    path("<int:pk>/rediger/<slug:step>/", owner.edit, name="edit"),
    path("<int:pk>/send-inn/", owner.submit, name="submit"),
    path("<int:pk>/kvittering/<int:number>/", shared.receipt, name="receipt"),
    path("<int:pk>/kvittering/<int:number>/pdf/", shared.receipt_pdf, name="receipt_pdf"),
    path("<int:pk>/versjoner/", shared.versions, name="versions"),
    path("<int:pk>/trekk/", owner.withdraw, name="withdraw"),
    path("<int:pk>/kopier/", owner.copy, name="copy"),
    path("<int:pk>/vedlegg/<int:attachment_pk>/", shared.attachment, name="attachment"),
    path("<int:pk>/vedlegg/<int:attachment_pk>/slett/", owner.attachment_delete, name="attachment_delete"),
    path("partner/<int:link_pk>/svar/", partner.partner_answer, name="partner_answer"),
    path("medeier/<int:link_pk>/svar/", partner.co_owner_answer, name="co_owner_answer"),
    path("runde/<int:round_pk>/", office.round_list, name="round_list"),
    path("runde/<int:round_pk>/eksport.<str:fmt>", office.export, name="export"),
    path("<int:pk>/kontroll/", office.check, name="check"),
    path("<int:pk>/returner/", office.return_report, name="return"),
]
