from django.contrib import admin

from .models import Course, CourseBlock, Enrollment


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
