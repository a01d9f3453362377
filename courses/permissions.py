"""Who may do what with a course; views, templates and (later) consumers all ask here."""

from __future__ import annotations

from accounts.permissions import is_student, is_teacher

from .models import Course, CourseBlock, Enrollment


def can_create_course(user) -> bool:
    return is_teacher(user)


def is_owner(user, course: Course) -> bool:
    return user.is_authenticated and course.teacher_id == user.pk and not user.is_blocked


def can_edit_course(user, course: Course) -> bool:
    return is_owner(user, course)


can_manage_roster = can_edit_course


def is_blocked_from(user, course: Course) -> bool:
    return user.is_authenticated and CourseBlock.objects.filter(course=course, student=user).exists()


def is_enrolled(user, course: Course) -> bool:
    return (
        user.is_authenticated
        and Enrollment.objects.filter(course=course, student=user, is_active=True).exists()
    )


def can_view_course(user, course: Course) -> bool:
    """The course page: public for active courses, except to students blocked from it."""
    if is_owner(user, course) or (user.is_authenticated and user.is_staff):
        return True
    return course.is_active and not is_blocked_from(user, course)


def can_enroll(user, course: Course) -> bool:
    return (
        is_student(user)
        and course.is_active
        and not is_blocked_from(user, course)
        and not is_enrolled(user, course)
    )


def can_access_content(user, course: Course) -> bool:
    """Materials, feedback and the classroom: the teacher and actively enrolled students."""
    if is_owner(user, course):
        return True
    return is_student(user) and is_enrolled(user, course) and not is_blocked_from(user, course)


def can_manage_materials(user, course: Course) -> bool:
    return is_owner(user, course)


can_download_material = can_access_content


def can_leave_feedback(user, course: Course) -> bool:
    return is_student(user) and is_enrolled(user, course) and not is_blocked_from(user, course)


def can_view_feedback(user, course: Course) -> bool:
    """Feedback is for the course's teacher and its students (and admins), not other teachers."""
    return can_access_content(user, course) or (user.is_authenticated and user.is_staff)
