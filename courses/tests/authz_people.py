"""Authorization rows for the people search (courses.people, mounted at /accounts/search/)."""

from elearning.testing.authz import FORBIDDEN, NOT_ALLOWED, OK, TO_LOGIN, Case, everyone, only, redirect

SEARCHERS = {**only(OK, "teacher", "other_teacher", "admin", others=FORBIDDEN), "anonymous": TO_LOGIN}

MATRIX = {
    "people:search": Case(lambda w: "/accounts/search/", SEARCHERS),
    # The course is a choice only for its teacher; for other searchers it is a form error.
    "people:search filtered": Case(
        lambda w: f"/accounts/search/?q=m_&role=student&course={w.course.pk}", SEARCHERS
    ),
    "people:add": Case(lambda w: "/accounts/search/add/", everyone(NOT_ALLOWED)),
    # Only the course's teacher may add to it: other teachers and admins get 403, students 403.
    "people:add POST": Case(
        lambda w: "/accounts/search/add/",
        {**only(redirect("/accounts/search/"), "teacher", others=FORBIDDEN), "anonymous": TO_LOGIN},
        method="post",
        data=lambda w: {"student": w.student.pk, "course": w.course.pk},
    ),
}
