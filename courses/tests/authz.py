"""Authorization rows for the courses URLs (see elearning.testing.authz)."""

from elearning.testing.authz import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    TO_LOGIN,
    Case,
    Expect,
    everyone,
    only,
    redirect,
)


def owner_only(expect: Expect) -> dict[str, Expect]:
    return {**only(expect, "teacher", others=FORBIDDEN), "anonymous": TO_LOGIN}


def post_only(url):
    return Case(url, everyone(NOT_ALLOWED))


def course_url(suffix=""):
    return lambda w: f"/courses/{w.course.pk}/{suffix}"


def roster_url(action):
    return lambda w: f"/courses/{w.course.pk}/roster/{w.enrolled.pk}/{action}/"


TO_COURSE = Expect(302, "/courses/")  # back to the course page (or the catalogue), with a message

MATRIX = {
    "courses:catalogue": Case(lambda w: "/courses/", everyone(OK)),
    "courses:create": Case(
        lambda w: "/courses/new/",
        {**only(OK, "teacher", "other_teacher", "admin", others=FORBIDDEN), "anonymous": TO_LOGIN},
    ),
    "courses:detail": Case(course_url(), {**everyone(OK), "blocked": FORBIDDEN}),
    # Inactive courses are hidden from everyone but their teacher (and admins).
    "courses:detail inactive": Case(
        lambda w: f"/courses/{w.inactive_course.pk}/",
        {**only(OK, "teacher", "admin", others=NOT_FOUND)},
    ),
    "courses:edit": Case(course_url("edit/"), owner_only(OK)),
    "courses:delete": Case(course_url("delete/"), owner_only(OK)),
    "courses:enroll": post_only(course_url("enroll/")),
    "courses:enroll POST": Case(
        course_url("enroll/"),
        {**everyone(redirect("/courses/")), "anonymous": TO_LOGIN},
        method="post",
    ),
    "courses:unenroll": post_only(course_url("unenroll/")),
    "courses:unenroll POST": Case(
        course_url("unenroll/"), {**everyone(TO_COURSE), "anonymous": TO_LOGIN}, method="post"
    ),
    "courses:roster": Case(course_url("roster/"), owner_only(OK)),
    "courses:roster_add": post_only(course_url("roster/add/")),
    "courses:roster_add POST": Case(
        course_url("roster/add/"), owner_only(Expect(400)), method="post", data={"username": "nobody"}
    ),
    "courses:roster_remove": post_only(roster_url("remove")),
    "courses:roster_remove POST": Case(roster_url("remove"), owner_only(TO_COURSE), method="post"),
    "courses:roster_block": post_only(roster_url("block")),
    "courses:roster_block POST": Case(roster_url("block"), owner_only(TO_COURSE), method="post"),
    "courses:roster_unblock": post_only(roster_url("unblock")),
    "courses:roster_unblock POST": Case(roster_url("unblock"), owner_only(TO_COURSE), method="post"),
}
