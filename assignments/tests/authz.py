"""Authorization rows for the assignments URLs (see elearning.testing.authz).

The shared test world has a course, its teacher, an enrolled, a blocked and an unrelated
student, another teacher and an admin; the rows below add the assignments they need lazily
(each row runs in a fresh world). Admins manage assignments in the Django admin, so the site's
pages treat them like any other outsider of the course.
"""

from django.core.files.base import ContentFile

from assignments import services
from assignments.models import GenerationRun
from courses.tests.authz import closed_course
from courses.tests.factories import CourseFactory
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

from .factories import deck_with, quiz_with

BAD_REQUEST = Expect(400)


def owner_only(expect: Expect) -> dict[str, Expect]:
    return {**only(expect, "teacher", others=FORBIDDEN), "anonymous": TO_LOGIN}


def members(expect: Expect, *, enrolled: Expect | None = None) -> dict[str, Expect]:
    """The course's teacher and enrolled students (drafts: 404 to students); the rest 403."""
    rows = {**only(expect, "teacher", "enrolled", others=FORBIDDEN), "anonymous": TO_LOGIN}
    if enrolled is not None:
        rows["enrolled"] = enrolled
    return rows


def _cached(w, name, make):
    if not hasattr(w, name):
        setattr(w, name, make(w))
    return getattr(w, name)


def quiz(w):
    return _cached(w, "quiz", lambda w: quiz_with(course=w.course, published=True))


def draft(w):
    return _cached(w, "draft", lambda w: quiz_with(course=w.course))


def deck(w):
    return _cached(w, "deck", lambda w: deck_with(course=w.course, published=True))


def closed_quiz(w):
    return _cached(w, "closed_quiz", lambda w: quiz_with(course=w.inactive_course, published=True))


def closed_base(w):
    return f"/courses/{w.inactive_course.pk}/assignments/"


def all_answered(w):
    return {f"q{question.pk}": "0" for question in closed_quiz(w).questions.all()}


def foreign_quiz(w):
    return _cached(w, "foreign", lambda w: quiz_with(course=CourseFactory(), published=True))


def submitted_quiz(w):
    def make(w):
        made = quiz_with(course=w.course, published=True)
        services.submission_create(assignment=made, student=w.enrolled, answers=[0, 0, 0])
        return made

    return _cached(w, "submitted", make)


def run(w):
    def make(w):
        made = GenerationRun(course=w.course, created_by=w.teacher, kind="quiz", count=3, source_name="a.pdf")
        made.source_file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
        return made

    return _cached(w, "run", make)


def base(w):
    return f"/courses/{w.course.pk}/assignments/"


def at(get, suffix=""):
    return lambda w: f"{base(w)}{get(w).pk}/{suffix}"


def item(get, suffix=""):
    return lambda w: f"{base(w)}{get(w).pk}/items/{get(w).questions.first().pk}/{suffix}"


def post_only(url):
    return Case(url, everyone(NOT_ALLOWED))



TO_COURSES = redirect("/courses/")  # an assignment page of the course, after a message
TEACHERS = {**only(OK, "teacher", "other_teacher", "admin", others=FORBIDDEN), "anonymous": TO_LOGIN}

MATRIX = {
    "assignments:list": Case(base, members(OK)),
    "assignments:new": Case(lambda w: f"{base(w)}new/", owner_only(OK)),
    "assignments:new POST": Case(lambda w: f"{base(w)}new/", owner_only(BAD_REQUEST), method="post",
                                 data={"kind": "quiz", "count": "5"}),
    "assignments:new_manual": post_only(lambda w: f"{base(w)}new/manual/"),
    "assignments:new_manual POST": Case(lambda w: f"{base(w)}new/manual/", owner_only(TO_COURSES), method="post",
                                        data={"manual-kind": "quiz", "manual-title": "By hand"}),
    "assignments:run": Case(lambda w: f"{base(w)}runs/{run(w).pk}/", owner_only(OK)),
    "assignments:detail": Case(at(quiz), members(OK)),
    "assignments:detail draft": Case(at(draft), members(OK, enrolled=NOT_FOUND)),
    "assignments:detail deck": Case(at(deck), members(OK)),
    # IDOR: another course's assignment asked for through this course's URL.
    "assignments:detail foreign": Case(at(foreign_quiz), members(NOT_FOUND)),
    "assignments:settings": post_only(at(quiz, "settings/")),
    "assignments:settings POST": Case(at(draft, "settings/"), owner_only(TO_COURSES), method="post",
                                      data={"title": "Renamed"}),
    "assignments:publish": post_only(at(draft, "publish/")),
    "assignments:publish POST": Case(at(draft, "publish/"), owner_only(TO_COURSES), method="post"),
    "assignments:unpublish": post_only(at(quiz, "unpublish/")),
    "assignments:unpublish POST": Case(at(quiz, "unpublish/"), owner_only(TO_COURSES), method="post"),
    "assignments:delete": post_only(at(draft, "delete/")),
    "assignments:delete POST": Case(at(draft, "delete/"), owner_only(TO_COURSES), method="post"),
    "assignments:delete foreign POST": Case(at(foreign_quiz, "delete/"), owner_only(NOT_FOUND), method="post"),
    "assignments:item_add": post_only(at(draft, "items/add/")),
    "assignments:item_add POST": Case(at(draft, "items/add/"), owner_only(BAD_REQUEST), method="post"),
    "assignments:item_edit": post_only(item(draft)),
    "assignments:item_edit POST": Case(item(draft), owner_only(BAD_REQUEST), method="post"),
    "assignments:item_delete": post_only(item(draft, "delete/")),
    "assignments:item_delete POST": Case(item(draft, "delete/"), owner_only(TO_COURSES), method="post"),
    "assignments:item_move": post_only(item(draft, "move/")),
    "assignments:item_move POST": Case(item(draft, "move/"), owner_only(TO_COURSES), method="post",
                                       data={"direction": "down"}),
    "assignments:item_regenerate": post_only(item(draft, "regenerate/")),
    "assignments:item_regenerate POST": Case(item(draft, "regenerate/"), owner_only(TO_COURSES), method="post"),
    "assignments:submit": post_only(at(quiz, "submit/")),
    # Nothing answered: the enrolled student gets the quiz back with the message; the teacher may
    # not submit (the same page, refused); everyone else is kept out of the course.
    "assignments:submit POST": Case(at(quiz, "submit/"), members(BAD_REQUEST), method="post"),
    "assignments:submit draft POST": Case(at(draft, "submit/"), members(BAD_REQUEST, enrolled=NOT_FOUND), method="post"),
    # A closed course's assignments are read, never submitted: a full answer sheet is refused.
    "assignments:list inactive": Case(closed_base, closed_course(OK, OK)),
    "assignments:detail inactive": Case(lambda w: f"{closed_base(w)}{closed_quiz(w).pk}/", closed_course(OK, OK)),
    "assignments:submit inactive POST": Case(
        lambda w: f"{closed_base(w)}{closed_quiz(w).pk}/submit/", closed_course(BAD_REQUEST, BAD_REQUEST),
        method="post", data=all_answered,
    ),
    "assignments:result": Case(at(submitted_quiz, "result/"), members(OK, enrolled=OK) | {"teacher": NOT_FOUND}),
    "assignments:submissions": Case(at(quiz, "submissions/"), owner_only(OK)),
    "assignments:submissions_csv": Case(lambda w: f"{base(w)}{quiz(w).pk}/submissions.csv", owner_only(OK)),
    "assignments:export": Case(at(quiz, "export/moodle/"), owner_only(OK)),
    "assignments:export deck": Case(at(deck, "export/csv/"), owner_only(OK)),
    "assignments:export wrong kind": Case(at(deck, "export/gift/"), owner_only(NOT_FOUND)),
    "model_key:edit": Case(lambda w: "/assignments/model-key/", TEACHERS),
    "model_key:edit POST": Case(lambda w: "/assignments/model-key/", {**TEACHERS, **{
        r: BAD_REQUEST for r in ("teacher", "other_teacher", "admin")}}, method="post", data={"key": "short"}),
    "model_key:delete": post_only(lambda w: "/assignments/model-key/delete/"),
    "model_key:delete POST": Case(lambda w: "/assignments/model-key/delete/", {
        **TEACHERS, **{r: redirect("/assignments/model-key/") for r in ("teacher", "other_teacher", "admin")}},
        method="post"),
}
