from django.contrib import admin

from . import services
from .models import Course, CourseBlock, CourseMaterial, Enrollment, Feedback


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    raw_id_fields = ("student",)
    readonly_fields = ("enrolled_at",)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "teacher", "is_active", "start_date", "end_date", "created_at")
    list_filter = ("is_active", "start_date")
    search_fields = ("title", "code", "teacher__username", "teacher__full_name")
    raw_id_fields = ("teacher",)
    list_select_related = ("teacher",)
    inlines = [EnrollmentInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("student", "course", "is_active", "enrolled_at")
    list_filter = ("is_active",)
    search_fields = ("student__username", "student__full_name", "course__title", "course__code")
    raw_id_fields = ("student", "course")
    list_select_related = ("student", "course")


@admin.register(CourseBlock)
class CourseBlockAdmin(admin.ModelAdmin):
    list_display = ("student", "course", "blocked_by", "created_at")
    search_fields = ("student__username", "course__title", "course__code")
    raw_id_fields = ("student", "course", "blocked_by")
    list_select_related = ("student", "course", "blocked_by")


@admin.register(CourseMaterial)
class CourseMaterialAdmin(admin.ModelAdmin):
    """Metadata only: files are added through the course page, where they are checked."""

    list_display = ("title", "course", "kind", "original_name", "size", "uploaded_by", "created_at")
    list_filter = ("kind", "created_at")
    search_fields = ("title", "original_name", "course__title", "course__code")
    list_select_related = ("course", "uploaded_by")
    fields = ("course", "title", "kind", "original_name", "content_type", "size", "uploaded_by", "created_at")
    readonly_fields = ("course", "kind", "original_name", "content_type", "size", "uploaded_by", "created_at")

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        services.material_delete(material=obj)

    def delete_queryset(self, request, queryset):
        for material in queryset:
            services.material_delete(material=material)


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("course", "student", "rating", "updated_at")
    list_filter = ("rating",)
    search_fields = ("course__title", "course__code", "student__username", "student__full_name", "comment")
    raw_id_fields = ("course", "student")
    list_select_related = ("course", "student")
