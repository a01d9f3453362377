from django.contrib import admin

from .models import ChatMessage, Classroom


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    """Admins can read and delete classroom chat (moderation); messages are not edited."""

    list_display = ["created_at", "course", "author", "body"]
    list_filter = ["course"]
    search_fields = ["body", "author__username", "course__code"]
    list_select_related = ["course", "author"]
    readonly_fields = ["course", "author", "body", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["course", "students_may_draw"]
    search_fields = ["course__title", "course__code"]
    filter_horizontal = ["drawers"]
    raw_id_fields = ["course"]
