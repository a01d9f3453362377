"""Reads for assignment pages and dashboards; each owns its joins so query counts stay flat."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from courses.models import Course, CourseBlock, CourseMaterial, Enrollment

from .models import Assignment, GenerationRun, Submission


def course_assignments(*, course: Course, include_drafts: bool, student: User | None = None) -> QuerySet[Assignment]:
    """A course's assignments, newest first, with item and submission counts; for a student,
    whether they submitted each."""
    assignments = Assignment.objects.filter(course=course)
    if not include_drafts:
        assignments = assignments.filter(status=Assignment.Status.PUBLISHED)
    assignments = assignments.annotate(
        question_count=Count("questions", distinct=True),
        card_count=Count("cards", distinct=True),
        submission_count=Count("submissions", distinct=True),
    )
    if student is not None:
        assignments = assignments.annotate(
            submitted=Exists(Submission.objects.filter(assignment=OuterRef("pk"), student=student))
        )
    return assignments.order_by("-created_at", "-pk")


def assignment_for(*, course: Course, pk: int) -> Assignment | None:
    return Assignment.objects.filter(course=course, pk=pk).select_related("course__teacher").first()


def pdf_materials(*, course: Course) -> QuerySet[CourseMaterial]:
    return CourseMaterial.objects.filter(course=course, content_type="application/pdf").order_by("-created_at")


def submissions_of(*, assignment: Assignment) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(assignment=assignment)
        .select_related("student", "assignment")
        .order_by("student__full_name", "student__username")
    )


def submission_of(*, assignment: Assignment, student: User) -> Submission | None:
    return Submission.objects.filter(assignment=assignment, student=student).first()


def submission_summary(*, assignment: Assignment, bins: int = 10) -> dict:
    """Count, average percent and a histogram of percent scores (``bins`` equal bands, the last
    one closed: 100 % falls in 90–100)."""
    rows = list(Submission.objects.filter(assignment=assignment).values_list("score", "total"))
    percents = [100 * score / total for score, total in rows if total]
    counts = [0] * bins
    for percent in percents:
        counts[min(int(percent * bins // 100), bins - 1)] += 1
    width = 100 // bins
    return {
        "count": len(rows),
        "average": sum(percents) / len(percents) if percents else None,
        "bands": [
            {"low": i * width, "high": (i + 1) * width if i < bins - 1 else 100, "count": n}
            for i, n in enumerate(counts)
        ],
    }


def recent_submissions(*, teacher: User, limit: int = 5) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(assignment__course__teacher=teacher)
        .select_related("student", "assignment__course")
        .order_by("-submitted_at", "-pk")[:limit]
    )


def upcoming_deadlines(*, student: User, limit: int = 5) -> QuerySet[Assignment]:
    """Published assignments with a deadline still ahead in the student's active courses (not
    blocked, not closed: nothing is submitted there, see courses.permissions.is_closed), quizzes
    they already submitted left out."""
    enrolled = Enrollment.objects.filter(course=OuterRef("course"), student=student, is_active=True)
    blocked = CourseBlock.objects.filter(course=OuterRef("course"), student=student)
    submitted = Submission.objects.filter(assignment=OuterRef("pk"), student=student)
    return (
        Assignment.objects.filter(status=Assignment.Status.PUBLISHED, deadline__gt=timezone.now(), course__is_active=True)
        .filter(Exists(enrolled))
        .exclude(Exists(blocked))
        .exclude(Exists(submitted))
        .select_related("course")
        .order_by("deadline", "pk")[:limit]
    )


def tokens_used_today(*, teacher: User) -> int:
    """Model tokens of the teacher's runs since local midnight (the daily budget's day)."""
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    row = GenerationRun.objects.filter(created_by=teacher, created_at__gte=midnight).aggregate(
        prompt=Sum("prompt_tokens"), completion=Sum("completion_tokens")
    )
    return (row["prompt"] or 0) + (row["completion"] or 0)


def unfinished_runs(*, teacher: User) -> int:
    return GenerationRun.objects.filter(created_by=teacher).exclude(
        stage__in=[GenerationRun.Stage.DONE, GenerationRun.Stage.FAILED]
    ).count()


