from functools import partial

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import kinds, services
from .delivery import email_enqueue
from .models import Notification, is_site_path


class AnnouncementForm(forms.ModelForm):
    """What an admin writes to one user: delivered like every notification (live, e-mail)."""

    class Meta:
        model = Notification
        fields = ("recipient", "title", "message", "link")
        help_texts = {"link": _("Optional: a path on this site, e.g. /courses/3/.")}

    def clean_recipient(self):
        recipient = self.cleaned_data["recipient"]
        if not recipient.is_active:
            raise ValidationError(_("This account is deactivated."), code="inactive")
        return recipient

    def clean_link(self):
        link = self.cleaned_data["link"].strip()
        if link and not is_site_path(link):
            raise ValidationError(_("Use a path on this site that starts with /."), code="not_site_path")
        return link


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return kinds.choices()

    def queryset(self, request, queryset):
        return queryset.filter(type=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind_label", "is_read", "email_status", "email_attempts", "created_at")
    list_filter = (KindFilter, "is_read", "email_status", "created_at")
    search_fields = ("title", "message", "recipient__username", "recipient__full_name", "recipient__email")
    raw_id_fields = ("recipient",)
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    readonly_fields = ("type", "created_at", "email_attempts", "email_error", "emailed_at", "email_retry_at")
    actions = ["mark_read", "retry_email"]

    @admin.display(description=_("kind"), ordering="type")
    def kind_label(self, obj):
        return obj.kind.label

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AnnouncementForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return AnnouncementForm._meta.fields
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = services.notify(
            recipients=[obj.recipient],
            kind=kinds.ANNOUNCEMENT,
            title=obj.title,
            message=obj.message,
            link=obj.link,
        )
        obj.pk, obj.type, obj.created_at = created[0].pk, created[0].type, created[0].created_at

    @admin.action(description=_("Mark as read"))
    def mark_read(self, request, queryset):
        updated = queryset.filter(is_read=False).update(is_read=True)
        self.message_user(request, _("%(count)d notification(s) marked as read.") % {"count": updated})

    @admin.action(description=_("Send the e-mail again"))
    def retry_email(self, request, queryset):
        ids = list(queryset.exclude(email_status=Notification.EmailStatus.SENT).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids).update(
            email_status=Notification.EmailStatus.PENDING, email_attempts=0, email_retry_at=None
        )
        if ids:
            transaction.on_commit(partial(email_enqueue, ids))
        self.message_user(request, _("%(count)d e-mail(s) queued.") % {"count": len(ids)})
