from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import DailySendCount, ImportBatch, Invitation, JoinLink


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "full_name", "role", "course", "invited_by", "status", "email_status",
                    "times_sent", "last_sent_at", "expires_at", "accepted_by")
    list_filter = ("status", "email_status", "role", "created_at")
    search_fields = ("email", "full_name", "invited_by__username", "course__code", "course__title")
    list_select_related = ("course", "invited_by", "accepted_by")
    raw_id_fields = ("invited_by", "course", "accepted_by", "import_batch")
    readonly_fields = ("token_hash", "created_at", "times_sent", "last_sent_at", "email_attempts",
                       "email_error", "email_retry_at", "accepted_at", "accepted_by")
    exclude = ("token_nonce",)
    actions = ["resend", "revoke"]

    def has_add_permission(self, request):
        return False  # invitations are made through the invite pages, which check and send them

    @admin.action(description=_("Send again with a new link"))
    def resend(self, request, queryset):
        sent = 0
        for invitation in queryset.filter(status=Invitation.Status.PENDING):
            try:
                services.invitation_resend(invitation=invitation)
                sent += 1
            except Exception as error:  # the cap of the inviter, typically
                self.message_user(request, f"{invitation}: {error}", messages.WARNING)
        self.message_user(request, _("%(count)s invitations queued again.") % {"count": sent})

    @admin.action(description=_("Revoke"))
    def revoke(self, request, queryset):
        count = sum(services.invitation_revoke(invitation=i) for i in queryset)
        self.message_user(request, _("%(count)s invitations revoked.") % {"count": count})


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("source", "created_by", "status", "created_at", "confirmed_at")
    list_filter = ("status", "created_at")
    search_fields = ("source", "created_by__username")
    list_select_related = ("created_by",)
    raw_id_fields = ("created_by",)
    readonly_fields = ("rows", "results", "created_at", "confirmed_at")


@admin.register(JoinLink)
class JoinLinkAdmin(admin.ModelAdmin):
    list_display = ("code", "course", "is_active", "created_by", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("code", "course__title", "course__code")
    list_select_related = ("course", "created_by")
    raw_id_fields = ("course", "created_by")


@admin.register(DailySendCount)
class DailySendCountAdmin(admin.ModelAdmin):
    list_display = ("user", "day", "count")
    list_filter = ("day",)
    search_fields = ("user__username",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
