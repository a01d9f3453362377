"""The fate of each row of a class list: invite, enroll an existing user, skip, or error.

``classify`` only reads (a fixed number of queries whatever the number of rows); the preview
shows its answer, and the confirm asks it again so that what is written matches the database
as it is then.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from courses import permissions as course_permissions
from courses.models import Course, CourseBlock, Enrollment
from courses.selectors import courses_taught

from . import permissions
from .models import Invitation

INVITE = "invite"
ENROLL = "enroll"
SKIP = "skip"
ERROR = "error"
ACTION_LABELS = {
    INVITE: gettext_lazy("Will invite"),
    ENROLL: gettext_lazy("Will enroll existing user"),
    SKIP: gettext_lazy("Will skip"),
    ERROR: gettext_lazy("Error"),
}
ROLE_ALIASES = {
    "": "student", "student": "student", "students": "student", "pupil": "student", "learner": "student",
    "s": "student", "teacher": "teacher", "teachers": "teacher", "t": "teacher", "instructor": "teacher",
}
CHUNK = 900  # values per IN (...) clause


@dataclass
class Outcome:
    line: int
    full_name: str
    email: str
    user_type: str
    course_code: str
    action: str
    reason: str = ""
    course_id: int | None = None
    user_id: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _chunks(values: list) -> list[list]:
    return [values[start : start + CHUNK] for start in range(0, len(values), CHUNK)] or [[]]


def _normalise_email(raw: str) -> str | None:
    email = raw.strip().strip("<>").strip()
    if not email or len(email) > 254:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return User.objects.normalize_email(email)


def _courses_by_code(user, codes: set[str]) -> dict[str, Course]:
    if not codes:
        return {}
    courses = Course.objects.all() if permissions.is_site_admin(user) else courses_taught(teacher=user)
    found = {}
    for chunk in _chunks(sorted(codes)):
        for course in courses.annotate(upper_code=Upper("code")).filter(upper_code__in=chunk):
            found[course.upper_code] = course
    return found


def classify(*, user, rows: list[dict], names_optional: bool = False) -> list[Outcome]:
    """``rows``: dicts with ``line``, ``full_name``, ``email``, ``user_type``, ``course_code``
    and optionally ``error`` (a row the reader could not split as the header says)."""
    allowed_roles = permissions.invitable_roles(user)
    emails = {}
    for row in rows:
        email = _normalise_email(row.get("email", ""))
        if email:
            emails[row["line"]] = email
    lowered = sorted({email.lower() for email in emails.values()})
    codes = {row.get("course_code", "").strip().upper() for row in rows} - {""}
    courses = _courses_by_code(user, codes)

    existing: dict[str, User] = {}
    pending: dict[str, Invitation] = {}
    now = timezone.now()
    for chunk in _chunks(lowered):
        for account in User.objects.annotate(lower_email=Lower("email")).filter(lower_email__in=chunk):
            existing[account.lower_email] = account
        for invitation in (
            Invitation.objects.annotate(lower_email=Lower("email"))
            .filter(invited_by=user, status=Invitation.Status.PENDING, expires_at__gt=now, lower_email__in=chunk)
        ):
            pending[invitation.lower_email] = invitation
    student_ids = [account.pk for account in existing.values()]
    course_ids = [course.pk for course in courses.values()]
    enrolled, blocked = set(), set()
    if student_ids and course_ids:
        for chunk in _chunks(student_ids):
            enrolled |= set(
                Enrollment.objects.filter(student_id__in=chunk, course_id__in=course_ids, is_active=True)
                .values_list("student_id", "course_id")
            )
            blocked |= set(
                CourseBlock.objects.filter(student_id__in=chunk, course_id__in=course_ids)
                .values_list("student_id", "course_id")
            )

    outcomes = []
    seen: dict[str, int] = {}
    for row in rows:
        outcome = Outcome(
            line=row["line"],
            full_name=row.get("full_name", "").strip(),
            email=row.get("email", "").strip(),
            user_type=row.get("user_type", "").strip(),
            course_code=row.get("course_code", "").strip(),
            action=INVITE,
        )
        outcomes.append(outcome)

        def error(reason: str) -> None:
            outcome.action, outcome.reason = ERROR, reason

        if row.get("error"):
            error(row["error"])
            continue
        if not outcome.full_name and not names_optional:
            error(_("The name is missing."))
            continue
        if len(outcome.full_name) > 150:
            error(_("The name is longer than 150 characters."))
            continue
        email = emails.get(row["line"])
        if not email:
            error(_("“%(email)s” is not a valid e-mail address.") % {"email": outcome.email} if outcome.email
                  else _("The e-mail address is missing."))
            continue
        outcome.email = email
        role = ROLE_ALIASES.get(outcome.user_type.lower())
        if role is None:
            error(_("Unknown user type “%(type)s”: use student or teacher.") % {"type": outcome.user_type})
            continue
        outcome.user_type = role
        if role not in allowed_roles:
            error(_("You may invite students only."))
            continue
        course = None
        if outcome.course_code:
            course = courses.get(outcome.course_code.upper())
            if course is None:
                error(_("No course of yours has the code “%(code)s”.") % {"code": outcome.course_code})
                continue
            if role != Invitation.Role.STUDENT:
                error(_("Only students can be enrolled in a course: leave course_code empty for a teacher."))
                continue
            if course_permissions.is_closed(course):
                error(_("%(course)s is closed: open it again to invite students to it.") % {"course": course.code})
                continue
            outcome.course_id = course.pk
        key = email.lower()
        if key in seen:
            outcome.action, outcome.reason = SKIP, _("Duplicate of line %(line)s.") % {"line": seen[key]}
            continue
        seen[key] = outcome.line
        account = existing.get(key)
        if account is not None:
            outcome.user_id = account.pk
            if course is None:
                outcome.action, outcome.reason = SKIP, _("Already has an account.")
            elif account.role != User.Role.STUDENT:
                error(_("This address belongs to a teacher account, which cannot be enrolled."))
            elif (account.pk, course.pk) in blocked:
                error(_("This student is blocked from %(course)s.") % {"course": course.code})
            elif (account.pk, course.pk) in enrolled:
                outcome.action, outcome.reason = SKIP, _("Already enrolled in %(course)s.") % {"course": course.code}
            else:
                outcome.action, outcome.reason = ENROLL, _("Has an account: will be added to %(course)s.") % {
                    "course": course.code
                }
            continue
        if key in pending:
            outcome.action = SKIP
            outcome.reason = _("Already invited (pending since %(date)s).") % {
                "date": timezone.localtime(pending[key].created_at).strftime("%Y-%m-%d")
            }
    return outcomes


def counts(outcomes: list[Outcome] | list[dict]) -> dict[str, int]:
    totals = dict.fromkeys((INVITE, ENROLL, SKIP, ERROR), 0)
    for outcome in outcomes:
        action = outcome["action"] if isinstance(outcome, dict) else outcome.action
        totals[action] = totals.get(action, 0) + 1
    return totals
