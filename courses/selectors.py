"""Reads for course pages; each owns its joins and counts so query counts stay flat."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from .models import Course, CourseBlock, Enrollment

ACTIVE_STUDENTS = Count("enrollments", filter=Q(enrollments__is_active=True), distinct=True)


def course_catalogue(*, search: str = "") -> QuerySet[Course]:
    courses = Course.objects.filter(is_active=True).select_related("teacher")
    if search:
        courses = courses.filter(
            Q(title__icontains=search)
            | Q(code__icontains=search)
            | Q(description__icontains=search)
            | Q(teacher__full_name__icontains=search)
            | Q(teacher__username__icontains=search)
        )
    return courses.annotate(student_count=ACTIVE_STUDENTS).order_by("title", "pk")


def courses_taught(*, teacher) -> QuerySet[Course]:
    return Course.objects.filter(teacher=teacher).annotate(student_count=ACTIVE_STUDENTS).order_by("-created_at")


def courses_enrolled(*, student) -> QuerySet[Course]:
    return (
        Course.objects.filter(enrollments__student=student, enrollments__is_active=True)
        .exclude(blocks__student=student)
        .select_related("teacher")
        .order_by("title")
    )


def courses_to_join(*, student, limit: int = 6) -> QuerySet[Course]:
    mine = Enrollment.objects.filter(course=OuterRef("pk"), student=student, is_active=True)
    blocked = CourseBlock.objects.filter(course=OuterRef("pk"), student=student)
    return (
        course_catalogue()
        .exclude(Exists(mine))
        .exclude(Exists(blocked))
        .order_by("-created_at")[:limit]
    )


def roster(*, course: Course) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(course=course, is_active=True)
        .select_related("student")
        .order_by("student__full_name", "student__username")
    )


def blocked_students(*, course: Course) -> QuerySet[CourseBlock]:
    return CourseBlock.objects.filter(course=course).select_related("student").order_by("-created_at")
