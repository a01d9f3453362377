"""Reads for course pages; each owns its joins and counts so query counts stay flat."""

from __future__ import annotations

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery

from accounts.models import StatusUpdate, User

from .models import Course, CourseBlock, CourseMaterial, Enrollment, Feedback

ACTIVE_STUDENTS = Count("enrollments", filter=Q(enrollments__is_active=True), distinct=True)


def course_catalogue(*, search: str = "", viewer=None) -> QuerySet[Course]:
    """Open courses; for a signed-in ``viewer`` each is annotated ``viewer_enrolled`` (the card's
    "Enrolled" mark) in the same query."""
    courses = Course.objects.filter(is_active=True).select_related("teacher")
    if viewer is not None and viewer.is_authenticated:
        courses = courses.annotate(
            viewer_enrolled=Exists(Enrollment.objects.filter(course=OuterRef("pk"), student=viewer, is_active=True))
        )
    if search:
        courses = courses.filter(
            Q(title__icontains=search)
            | Q(code__icontains=search)
            | Q(description__icontains=search)
            | Q(teacher__full_name__icontains=search)
            | Q(teacher__username__icontains=search)
        )
    return courses.annotate(student_count=ACTIVE_STUDENTS).order_by("title", "pk")


# A subquery, not a join: joining feedback and enrollments together would multiply the rows.
AVERAGE_RATING = Subquery(
    Feedback.objects.filter(course=OuterRef("pk"))
    .values("course")
    .annotate(average=Avg("rating"))
    .values("average")[:1]
)
FEEDBACK_COUNT = Subquery(
    Feedback.objects.filter(course=OuterRef("pk")).values("course").annotate(n=Count("pk")).values("n")[:1]
)


def courses_taught(*, teacher) -> QuerySet[Course]:
    return (
        Course.objects.filter(teacher=teacher)
        .annotate(student_count=ACTIVE_STUDENTS, average_rating=AVERAGE_RATING, feedback_count=FEEDBACK_COUNT)
        .order_by("-created_at")
    )


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
        .select_related("student", "student__status_update")  # the roster's profile cards
        .order_by("student__full_name", "student__username")
    )


def course_member(*, course: Course, username: str) -> User | None:
    """The course's teacher or one of its actively enrolled students, by username (with their
    status update loaded, for the profile card); None for anyone else."""
    people = User.objects.select_related("status_update").filter(username=username)
    return (
        people.filter(Q(pk=course.teacher_id) | Q(enrollments__course=course, enrollments__is_active=True))
        .distinct()
        .first()
    )


def blocked_students(*, course: Course) -> QuerySet[CourseBlock]:
    return CourseBlock.objects.filter(course=course).select_related("student").order_by("-created_at")


def course_materials(*, course: Course) -> QuerySet[CourseMaterial]:
    return CourseMaterial.objects.filter(course=course).order_by("-created_at", "-pk")


def feedback_summary(*, course: Course) -> dict:
    """Average, count and how many gave each star (5 down to 1), in one query."""
    stars = range(5, 0, -1)
    row = Feedback.objects.filter(course=course).aggregate(
        average=Avg("rating"),
        count=Count("pk"),
        **{f"n{star}": Count("pk", filter=Q(rating=star)) for star in stars},
    )
    count = row["count"]
    distribution = [
        {"stars": star, "count": row[f"n{star}"], "percent": round(100 * row[f"n{star}"] / count) if count else 0}
        for star in stars
    ]
    return {"average": row["average"], "count": count, "distribution": distribution}


def course_feedback(*, course: Course) -> QuerySet[Feedback]:
    return Feedback.objects.filter(course=course).select_related("student").order_by("-updated_at", "-pk")


def recent_feedback(*, teacher, limit: int = 5) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(course__teacher=teacher)
        .select_related("student", "course")
        .order_by("-updated_at", "-pk")[:limit]
    )


def teacher_average_rating(*, teacher) -> float | None:
    return Feedback.objects.filter(course__teacher=teacher).aggregate(average=Avg("rating"))["average"]


def student_feedback(*, course: Course, student) -> Feedback | None:
    """The student's own feedback on the course, if they left one."""
    return Feedback.objects.filter(course=course, student=student).first()


def course_ids_of(*, user_id: int) -> list[int]:
    """Courses the user teaches or is actively enrolled in."""
    return list(
        Course.objects.filter(Q(teacher_id=user_id) | Q(enrollments__student_id=user_id, enrollments__is_active=True))
        .values_list("pk", flat=True)
        .distinct()
    )


def students_to_notify(*, course: Course) -> QuerySet:
    """Students to tell about a course: actively enrolled, not blocked from it, account active."""
    enrolled = Enrollment.objects.filter(course=course, is_active=True).values("student_id")
    blocked = CourseBlock.objects.filter(course=course).values("student_id")
    return User.objects.filter(pk__in=enrolled, is_active=True).exclude(pk__in=blocked)


def statuses_for(*, viewer, limit: int = 30) -> QuerySet[StatusUpdate]:
    """Active status updates the viewer may see, newest first: their own and those of everyone
    who shares a course with them (the teacher of a course they are in, the students of a
    course they teach, their classmates). Active enrollments count, and neither side may be
    blocked from the shared course; site-blocked accounts are left out. One query."""
    viewer_enrolled = Enrollment.objects.filter(course=OuterRef("pk"), student=viewer, is_active=True)
    viewer_blocked = CourseBlock.objects.filter(course=OuterRef("pk"), student=viewer)
    shared_courses = (
        Course.objects.filter(Q(teacher=viewer) | Exists(viewer_enrolled)).exclude(Exists(viewer_blocked)).values("pk")
    )
    member_blocked = CourseBlock.objects.filter(course=OuterRef("course"), student=OuterRef("student"))
    classmates = (
        Enrollment.objects.filter(course__in=shared_courses, is_active=True)
        .exclude(Exists(member_blocked))
        .values("student")
    )
    teachers = Course.objects.filter(pk__in=shared_courses).values("teacher")
    others = Q(user__in=classmates) | Q(user__in=teachers)
    return (
        StatusUpdate.objects.active()
        .filter(Q(user=viewer) | (others & Q(user__is_active=True, user__is_blocked=False)))
        .select_related("user")
        .order_by("-created_at", "-pk")[:limit]
    )


def material_with_content(*, course: Course, sha256: str) -> CourseMaterial | None:
    """The course's material whose file has this SHA-256 (the first uploaded), if any."""
    return CourseMaterial.objects.filter(course=course, sha256=sha256).order_by("created_at", "pk").first()
