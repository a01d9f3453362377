"""Who may do what with a course; views, templates and consumers all ask here.

A closed course (``is_active`` off, see ``is_closed``) is read-only: its teacher and its enrolled,
non-blocked students still open its page, download its materials, read its feedback and
assignments; nobody joins it, leaves new feedback, submits or chats, and its classroom admits
only the teacher (``can_take_part``). Everyone else gets 404, as for a course that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from accounts.permissions import is_site_admin, is_student, is_teacher

from .models import Course, CourseBlock, Enrollment


CLOSED = _("This course is closed: its materials, feedback and assignments can still be read, but it takes no new students, feedback or submissions, and its classroom is closed.")


def is_closed(course: Course) -> bool:
    """The one rule for a closed course; every permission below that a closing changes asks it."""
    return not course.is_active


def can_create_course(user) -> bool:
    return is_teacher(user)


def is_owner(user, course: Course) -> bool:
    return user.is_authenticated and course.teacher_id == user.pk and not user.is_blocked


def can_edit_course(user, course: Course) -> bool:
    return is_owner(user, course)


can_manage_roster = can_edit_course


@dataclass(frozen=True)
class Relation:
    """A user's standing in one course: actively enrolled, blocked from it."""

    user_id: int
    enrolled: bool
    blocked: bool


def relation_annotations(user) -> dict:
    """Annotations that load ``user``'s Relation with the course in the same query
    (see ``courses.access.course_or_deny``): a page asks several questions of one answer."""
    return {
        "viewer_enrolled": Exists(Enrollment.objects.filter(course=OuterRef("pk"), student=user, is_active=True)),
        "viewer_blocked": Exists(CourseBlock.objects.filter(course=OuterRef("pk"), student=user)),
    }


def attach_relation(user, course: Course) -> Course:
    """Keep the annotated answer on this (request-scoped) course object."""
    course.viewer_relation = Relation(user.pk, course.viewer_enrolled, course.viewer_blocked)
    return course


def _relation(user, course: Course) -> Relation:
    known = getattr(course, "viewer_relation", None)
    if known is not None and known.user_id == user.pk:
        return known
    row = (
        Course.objects.filter(pk=course.pk)
        .annotate(**relation_annotations(user))
        .values_list("viewer_enrolled", "viewer_blocked")
        .first()
    )
    enrolled, blocked = row or (False, False)  # a course deleted meanwhile: no standing
    return Relation(user.pk, enrolled, blocked)


def is_blocked_from(user, course: Course) -> bool:
    return user.is_authenticated and _relation(user, course).blocked


def is_enrolled(user, course: Course) -> bool:
    return user.is_authenticated and _relation(user, course).enrolled


def can_view_course(user, course: Course) -> bool:
    """The course page: public for open courses, except to students blocked from it; a closed
    course only to its teacher, admins and its enrolled students."""
    if is_owner(user, course) or (user.is_authenticated and user.is_staff):
        return True
    if is_blocked_from(user, course):
        return False
    return not is_closed(course) or (is_student(user) and is_enrolled(user, course))


def enroll_refusal(user, course: Course) -> str | None:
    """Why ``user`` may not join ``course`` (None: they may; joining twice changes nothing)."""
    if not is_student(user):
        return _("Only students can join courses.")
    if is_closed(course):
        return CLOSED
    if is_blocked_from(user, course):
        return _("The teacher of this course has blocked you from it.")
    return None


def can_enroll(user, course: Course) -> bool:
    """The page's "Join" button: may join and has not yet."""
    return enroll_refusal(user, course) is None and not is_enrolled(user, course)


def roster_add_refusal(student, course: Course) -> str | None:
    """Why the teacher may not put ``student`` in ``course`` (None: they may)."""
    if not is_student(student):
        return _("Only students can be added to a course.")
    if is_closed(course):
        return _("This course is closed; open it again to add students.")
    if is_blocked_from(student, course):
        return _("%(name)s is blocked from this course; unblock them first.") % {"name": student}
    return None


def can_access_content(user, course: Course) -> bool:
    """Reading materials, feedback and assignments: the teacher and actively enrolled students
    (a closed course included)."""
    if is_owner(user, course):
        return True
    return is_student(user) and is_enrolled(user, course) and not is_blocked_from(user, course)


def can_see_member_profiles(user, course: Course) -> bool:
    """Profile cards with a bio and status: shown to the people who share the course (its
    teacher and its actively enrolled students), as the profile page promises, to no one else."""
    return can_access_content(user, course)


def can_take_part(user, course: Course) -> bool:
    """What a student does in a course beyond reading (feedback, submissions, the classroom):
    an enrolled, non-blocked student of an open course. Not the teacher (see each use)."""
    return is_student(user) and can_access_content(user, course) and not is_closed(course)


def can_manage_materials(user, course: Course) -> bool:
    return is_owner(user, course)


can_download_material = can_access_content


def can_leave_feedback(user, course: Course) -> bool:
    return can_take_part(user, course)


def can_view_feedback(user, course: Course) -> bool:
    """Feedback is for the course's teacher and its students (and admins), not other teachers."""
    return can_access_content(user, course) or (user.is_authenticated and user.is_staff)


def can_search_people(user) -> bool:
    """The people search (``/accounts/search/``): teachers and admins, never students."""
    return is_teacher(user) or is_site_admin(user)


def can_add_from_search(user, course: Course) -> bool:
    """Adding a search result to a course: only into a course the user teaches."""
    return can_search_people(user) and can_manage_roster(user, course)
