"""Admin for the e-mail outbox: what went out, what waits and why. System administrators only (it spans offices)."""

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import outbox
from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only list of the outbox with its status; the one action queues messages for another attempt now."""

    list_display = ["subject", "recipients", "status", "attempts", "next_attempt_at", "sent_at", "short_error"]
    list_filter = ["status"]
    search_fields = ["subject", "to", "key"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    exclude = ["attachments", "alternatives"]
    readonly_fields = ["attachment_names"]

    @admin.display(description=_("til"))
    def recipients(self, obj: OutboxMessage) -> str:
        return ", ".join(obj.to)

    @admin.display(description=_("siste feil"))
    def short_error(self, obj: OutboxMessage) -> str:
        return obj.last_error[:120]

    @admin.display(description=_("vedlegg"))
    def attachment_names(self, obj: OutboxMessage) -> str:
        return ", ".join(attachment["filename"] for attachment in obj.attachments)

    @admin.action(description=_("Prøv å sende på nytt nå"))
    def retry_now(self, request: HttpRequest, queryset) -> None:
        count = outbox.retry(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)s e-post sendes ved neste kjøring av utboksen.",
                "%(count)s e-poster sendes ved neste kjøring av utboksen.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # the action above is the only change

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
