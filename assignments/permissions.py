"""Who may do what with assignments; views and templates ask here.

Drafts are the teacher's alone; published assignments are for the course's teacher and its
actively enrolled, non-blocked students (``courses.permissions.can_access_content``). Other
teachers and admins (who have the Django admin) see none of it through the site.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.permissions import is_student, is_teacher
from courses import permissions as course_permissions
from courses.models import Course

from .models import Assignment


def can_manage_assignments(user, course: Course) -> bool:
    """Create, edit, publish, delete, see submissions and export: the course's teacher."""
    return course_permissions.is_owner(user, course)


def can_view_assignments(user, course: Course) -> bool:
    """The course's list of assignments (students see only published ones)."""
    return course_permissions.can_access_content(user, course)


def can_view_assignment(user, assignment: Assignment) -> bool:
    course = assignment.course
    if can_manage_assignments(user, course):
        return True
    return assignment.is_published and course_permissions.can_access_content(user, course)


def can_store_model_key(user) -> bool:
    return is_teacher(user)


def submit_refusal(user, assignment: Assignment, *, already_submitted: bool) -> str | None:
    """Why ``user`` may not submit this quiz now (None: they may)."""
    course = assignment.course
    if not is_student(user):
        return _("Only students can submit a quiz.")
    if course_permissions.is_blocked_from(user, course):
        return _("The teacher of this course has blocked you from it.")
    if not course_permissions.is_enrolled(user, course):
        return _("Only students enrolled in this course can submit.")
    if course_permissions.is_closed(course):
        return course_permissions.CLOSED
    if not assignment.is_published or not assignment.is_quiz:
        return _("This quiz is not open.")
    if already_submitted:
        return _("You have already submitted this quiz; each student submits once.")
    if assignment.is_past_deadline:
        return _("The deadline for this quiz has passed; submissions are closed.")
    return None
