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


def content_only(expect: Expect) -> dict[str, Expect]:
    """Materials: the owner and actively enrolled students; admins manage them in the admin."""
    return {**only(expect, "teacher", "enrolled", others=FORBIDDEN), "anonymous": TO_LOGIN}


def enrolled_only(expect: Expect) -> dict[str, Expect]:
    return {**only(expect, "enrolled", others=FORBIDDEN), "anonymous": TO_LOGIN}


def closed_course(teacher: Expect, enrolled: Expect, *, anonymous: Expect = TO_LOGIN) -> dict[str, Expect]:
    """A closed course: read-only to its teacher and enrolled students; "not found" to students
    and teachers outside it; the blocked are told so, admins refused (they see the course page)."""
    return {
        **everyone(NOT_FOUND),
        "anonymous": anonymous,
        "blocked": FORBIDDEN,
        "admin": FORBIDDEN,
        "teacher": teacher,
        "enrolled": enrolled,
    }


def inactive_url(suffix=""):
    return lambda w: f"/courses/{w.inactive_course.pk}/{suffix}"


def post_only(url):
    return Case(url, everyone(NOT_ALLOWED))


def course_url(suffix=""):
    return lambda w: f"/courses/{w.course.pk}/{suffix}"


def roster_url(action):
    return lambda w: f"/courses/{w.course.pk}/roster/{w.enrolled.pk}/{action}/"


def started_upload(w):
    """An unfinished piece upload of the world's teacher to the world's course (made once)."""
    from courses import chunked_uploads

    if not hasattr(w, "started_upload"):
        w.started_upload = chunked_uploads.start(
            course=w.course, teacher=w.teacher, name="notes.pdf", size=10, title="", fingerprint="authz"
        )
    return f"/courses/{w.course.pk}/materials/uploads/{w.started_upload.id}/"


TO_COURSE = Expect(302, "/courses/")  # back to the course page (or the catalogue), with a message

MATRIX = {
    "courses:catalogue": Case(lambda w: "/courses/", everyone(OK)),
    "courses:create": Case(
        lambda w: "/courses/new/",
        {**only(OK, "teacher", "other_teacher", "admin", others=FORBIDDEN), "anonymous": TO_LOGIN},
    ),
    "courses:detail": Case(course_url(), {**everyone(OK), "blocked": FORBIDDEN}),
    # A closed course: its teacher, admins and its enrolled students read it; the rest: 404.
    "courses:detail inactive": Case(inactive_url(), {**closed_course(OK, OK, anonymous=NOT_FOUND), "admin": OK}),
    "courses:edit inactive": Case(inactive_url("edit/"), closed_course(OK, FORBIDDEN)),
    "courses:roster inactive": Case(inactive_url("roster/"), closed_course(OK, FORBIDDEN)),
    # Nobody joins a closed course: everyone is sent back with a message, nothing changes.
    "courses:enroll inactive POST": Case(
        inactive_url("enroll/"), {**everyone(redirect("/courses/")), "anonymous": TO_LOGIN}, method="post", changes=(),
    ),
    "courses:unenroll inactive POST": Case(
        inactive_url("unenroll/"), {**everyone(TO_COURSE), "anonymous": TO_LOGIN}, method="post",
        changes=("enrolled",),
    ),
    "courses:edit": Case(course_url("edit/"), owner_only(OK)),
    "courses:delete": Case(course_url("delete/"), owner_only(OK)),
    "courses:enroll": post_only(course_url("enroll/")),
    "courses:enroll POST": Case(
        course_url("enroll/"),
        {**everyone(redirect("/courses/")), "anonymous": TO_LOGIN},
        method="post",
        changes=("student",),  # the others are turned away (or already in) with a message
    ),
    "courses:unenroll": post_only(course_url("unenroll/")),
    "courses:unenroll POST": Case(
        course_url("unenroll/"), {**everyone(TO_COURSE), "anonymous": TO_LOGIN}, method="post",
        changes=("enrolled",),
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
    # A profile card: for the people who share the course; a non-member's card is no one's.
    "courses:member_card": Case(
        lambda w: f"/courses/{w.course.pk}/people/{w.enrolled.username}/card/", content_only(OK)
    ),
    "courses:member_card non-member": Case(
        lambda w: f"/courses/{w.course.pk}/people/{w.student.username}/card/", content_only(NOT_FOUND)
    ),
    "courses:material_upload": Case(course_url("materials/new/"), owner_only(OK)),
    "courses:material_upload POST": Case(
        course_url("materials/new/"), owner_only(Expect(400)), method="post", data={"title": "No file"}
    ),
    "courses:material_upload_start": post_only(course_url("materials/uploads/")),
    "courses:material_upload_start POST": Case(
        course_url("materials/uploads/"), owner_only(Expect(201)), method="post",
        data={"name": "notes.pdf", "size": "10", "fingerprint": "matrix"},
    ),
    # A piece: only the teacher's own upload takes it (nothing is written for the others,
    # courses/tests/test_chunked_uploads.py); a piece without an offset is a bad request.
    "courses:material_upload_piece": Case(started_upload, owner_only(OK)),
    "courses:material_upload_piece POST": Case(started_upload, owner_only(Expect(400)), method="post"),
    "courses:material_upload_cancel": post_only(lambda w: started_upload(w) + "cancel/"),
    "courses:material_upload_cancel POST": Case(
        lambda w: started_upload(w) + "cancel/", owner_only(OK), method="post"
    ),
    "courses:material_download": Case(
        lambda w: w.material.get_absolute_url(), content_only(OK)
    ),
    # IDOR: a material of another teacher's course, asked for through this course's URL.
    "courses:material_download foreign": Case(
        lambda w: f"/courses/{w.course.pk}/materials/{w.foreign_material.pk}/", content_only(NOT_FOUND)
    ),
    "courses:material_delete": post_only(lambda w: f"{w.material.get_absolute_url()}delete/"),
    "courses:material_delete POST": Case(
        lambda w: f"{w.material.get_absolute_url()}delete/", owner_only(TO_COURSE), method="post"
    ),
    "courses:material_delete foreign POST": Case(
        lambda w: f"/courses/{w.course.pk}/materials/{w.foreign_material.pk}/delete/",
        owner_only(NOT_FOUND), method="post",
    ),
    "courses:material_upload inactive": Case(inactive_url("materials/new/"), closed_course(OK, FORBIDDEN)),
    "courses:material_download inactive": Case(lambda w: w.inactive_material.get_absolute_url(), closed_course(OK, OK)),
    "courses:material_edit": Case(lambda w: f"{w.material.get_absolute_url()}edit/", owner_only(OK)),
    "courses:material_edit POST": Case(
        lambda w: f"{w.material.get_absolute_url()}edit/", owner_only(TO_COURSE), method="post",
        data={"title": "Renamed"},
    ),
    "courses:material_edit foreign POST": Case(
        lambda w: f"/courses/{w.course.pk}/materials/{w.foreign_material.pk}/edit/",
        owner_only(NOT_FOUND), method="post", data={"title": "Renamed"},
    ),
    "courses:material_edit inactive POST": Case(
        lambda w: f"{w.inactive_material.get_absolute_url()}edit/", closed_course(TO_COURSE, FORBIDDEN),
        method="post", data={"title": "Renamed"},
    ),
    "courses:feedback": Case(course_url("feedback/"), enrolled_only(OK)),
    # Feedback on a closed course is read on its page; none is left (the teacher never leaves any).
    "courses:feedback inactive": Case(inactive_url("feedback/"), closed_course(FORBIDDEN, FORBIDDEN)),
    "courses:feedback inactive POST": Case(
        inactive_url("feedback/"), closed_course(FORBIDDEN, FORBIDDEN), method="post", data={"rating": "4"},
    ),
    "courses:feedback POST": Case(
        course_url("feedback/"), enrolled_only(TO_COURSE), method="post", data={"rating": "4", "comment": "Good"}
    ),
}
