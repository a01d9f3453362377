from django.contrib import admin

from .models import Assignment, Card, GenerationRun, ModelApiKey, Question, Submission


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = ("order", "text", "options", "correct", "page", "quote", "flags")


class CardInline(admin.StackedInline):
    model = Card
    extra = 0
    fields = ("order", "front", "back", "page", "quote", "flags")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "kind", "status", "deadline", "generator", "created_at")
    list_filter = ("kind", "status", "generator")
    search_fields = ("title", "course__title", "course__code")
    raw_id_fields = ("course", "created_by")
    list_select_related = ("course",)
    readonly_fields = ("source_file", "source_name", "model_name", "language", "created_at", "published_at")
    inlines = [QuestionInline, CardInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "assignment", "order", "page", "flags")
    search_fields = ("text", "assignment__title")
    raw_id_fields = ("assignment",)
    list_select_related = ("assignment",)


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ("front", "assignment", "order", "page", "flags")
    search_fields = ("front", "back", "assignment__title")
    raw_id_fields = ("assignment",)
    list_select_related = ("assignment",)


@admin.register(GenerationRun)
class GenerationRunAdmin(admin.ModelAdmin):
    list_display = ("source_name", "course", "created_by", "kind", "count", "stage", "generator",
                    "prompt_tokens", "completion_tokens", "created_at")
    list_filter = ("stage", "kind", "generator")
    search_fields = ("source_name", "course__title", "created_by__username", "error")
    raw_id_fields = ("course", "created_by", "material", "assignment")
    list_select_related = ("course", "created_by")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("student", "assignment", "score", "total", "submitted_at")
    search_fields = ("student__username", "student__full_name", "assignment__title")
    raw_id_fields = ("assignment", "student")
    list_select_related = ("student", "assignment")
    date_hierarchy = "submitted_at"


@admin.register(ModelApiKey)
class ModelApiKeyAdmin(admin.ModelAdmin):
    """Admins see whose key ends how and may delete it; the key itself is never shown."""

    list_display = ("teacher", "masked", "updated_at")
    search_fields = ("teacher__username", "teacher__full_name")
    fields = ("teacher", "masked", "created_at", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
