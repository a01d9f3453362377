from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import StatusUpdate, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "email", "shown_role", "is_blocked", "is_staff", "date_joined", "last_login")
    list_filter = ("role", "is_blocked", "is_staff", "is_superuser", "is_active", "date_joined")
    search_fields = ("username", "full_name", "email")
    ordering = ("username",)
    actions = ("block_users", "unblock_users")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        # One name field: the site shows full_name (first/last are Django's, unused here).
        (_("Profile"), {"fields": ("full_name", "email", "bio", "photo")}),
        (_("Role and access"), {"fields": ("role", "is_blocked", "is_active", "is_staff", "is_superuser")}),
        (_("Permissions"), {"classes": ("collapse",), "fields": ("groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "role", "password1", "password2")}),
    )

    @admin.display(description=_("role"), ordering="role")
    def shown_role(self, obj):
        return obj.role_label

    def save_model(self, request, obj, form, change):
        # The block goes through the one service (it closes the user's sockets); the rest of
        # the form is saved as Django's admin does.
        blocked = obj.is_blocked
        if change:
            obj.is_blocked = form.initial.get("is_blocked", blocked)
        super().save_model(request, obj, form, change)
        if change:
            services.user_set_blocked(user=obj, blocked=blocked)

    def _set_blocked(self, request, queryset, blocked: bool) -> int:
        return sum(services.user_set_blocked(user=user, blocked=blocked) for user in queryset)

    @admin.action(description=_("Block selected users"))
    def block_users(self, request, queryset):
        queryset = queryset.exclude(pk=request.user.pk)  # an admin never locks themself out
        changed = self._set_blocked(request, queryset, True)
        self.message_user(
            request, ngettext("%d user blocked.", "%d users blocked.", changed) % changed, messages.SUCCESS
        )

    @admin.action(description=_("Unblock selected users"))
    def unblock_users(self, request, queryset):
        changed = self._set_blocked(request, queryset, False)
        self.message_user(
            request, ngettext("%d user unblocked.", "%d users unblocked.", changed) % changed, messages.SUCCESS
        )


@admin.register(StatusUpdate)
class StatusUpdateAdmin(admin.ModelAdmin):
    list_display = ("user", "text", "created_at", "active")
    list_filter = ("created_at", "user__role")
    search_fields = ("text", "user__username", "user__full_name")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)

    @admin.display(boolean=True, description=_("shown now"))
    def active(self, obj: StatusUpdate) -> bool:
        return obj.is_active
