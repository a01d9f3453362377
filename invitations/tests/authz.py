"""Authorization rows for the invitations URLs (see elearning.testing.authz).

Invitations and imports belong to the world's teacher; other teachers and admins get 403 on
them (admins see them in the Django admin). Objects are made by the URL builders.
"""

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

INVITERS = ("teacher", "other_teacher", "admin")


def inviters(expect: Expect) -> dict[str, Expect]:
    return {**only(expect, *INVITERS, others=FORBIDDEN), "anonymous": TO_LOGIN}


def owner(expect: Expect) -> dict[str, Expect]:
    return {**only(expect, "teacher", others=FORBIDDEN), "anonymous": TO_LOGIN}


def _invitation(w, email="matrix@pupils.test"):
    from invitations.tests.factories import InvitationFactory

    return InvitationFactory(invited_by=w.teacher, email=email, course=w.course)


def invitation_url(action):
    return lambda w: f"/accounts/invitations/{_invitation(w).pk}/{action}/"


def _batch(w, confirmed=False):
    from invitations.models import ImportBatch

    return ImportBatch.objects.create(
        created_by=w.teacher,
        source="class.csv",
        rows=[{"line": 2, "full_name": "A", "email": "a@pupils.test", "user_type": "student", "course_code": ""}],
        status="confirmed" if confirmed else "preview",
    )


def batch_url(suffix="", confirmed=False):
    return lambda w: f"/accounts/invitations/bulk/{_batch(w, confirmed).pk}/{suffix}"


def accept_url(w):
    from invitations.tests.factories import accept_url as url

    return url(_invitation(w, email="fresh@pupils.test"))


def closed_join_url(w):
    from invitations.models import JoinLink

    JoinLink.objects.get_or_create(course=w.inactive_course, defaults={"code": "CLOSED22"})
    return "/join/CLOSED22/"


def join_url(w):
    from invitations.models import JoinLink

    JoinLink.objects.get_or_create(course=w.course, defaults={"code": "MATRIX22"})
    return "/join/MATRIX22/"


TO_LIST = redirect("/accounts/invitations/")
TO_BATCH = redirect("/accounts/invitations/bulk/")

MATRIX = {
    "invitations:list": Case(lambda w: "/accounts/invitations/", inviters(OK)),
    "invitations:new": Case(lambda w: "/accounts/invitations/new/", inviters(OK)),
    "invitations:new POST": Case(lambda w: "/accounts/invitations/new/", inviters(OK), method="post", data={"email": "bad"}),
    "invitations:resend": Case(invitation_url("resend"), everyone(NOT_ALLOWED)),
    "invitations:resend POST": Case(invitation_url("resend"), owner(TO_LIST), method="post"),
    "invitations:revoke": Case(invitation_url("revoke"), everyone(NOT_ALLOWED)),
    "invitations:revoke POST": Case(invitation_url("revoke"), owner(TO_LIST), method="post"),
    "invitations:bulk": Case(lambda w: "/accounts/invitations/bulk/", inviters(OK)),
    "invitations:bulk POST": Case(lambda w: "/accounts/invitations/bulk/", inviters(Expect(400)), method="post"),
    "invitations:bulk_template": Case(lambda w: "/accounts/invitations/bulk/template.xlsx", inviters(OK)),
    "invitations:bulk_detail": Case(batch_url(), owner(OK)),
    "invitations:bulk_detail confirmed": Case(batch_url(confirmed=True), owner(OK)),
    "invitations:bulk_confirm": Case(batch_url("confirm/"), everyone(NOT_ALLOWED)),
    "invitations:bulk_confirm POST": Case(batch_url("confirm/"), owner(TO_BATCH), method="post"),
    "invitations:bulk_cancel": Case(batch_url("cancel/"), everyone(NOT_ALLOWED)),
    "invitations:bulk_cancel POST": Case(batch_url("cancel/"), owner(TO_BATCH), method="post"),
    "invitations:bulk_progress": Case(batch_url("progress/", confirmed=True), owner(OK)),
    "invitations:bulk_report": Case(batch_url("report.csv", confirmed=True), owner(OK)),
    "invitations:bulk_report preview": Case(batch_url("report.csv"), owner(FORBIDDEN)),
    "invitations:join_links": Case(lambda w: "/accounts/invitations/join-links/", inviters(OK)),
    "invitations:join_link_action": Case(
        lambda w: f"/accounts/invitations/join-links/{w.course.pk}/enable/", everyone(NOT_ALLOWED)
    ),
    "invitations:join_link_action POST": Case(
        lambda w: f"/accounts/invitations/join-links/{w.course.pk}/enable/",
        owner(redirect("/accounts/invitations/join-links/")),
        method="post",
    ),
    # Public: unknown tokens are the one "not valid" page for everyone.
    "invite_accept": Case(lambda w: "/invite/" + "x" * 43 + "/", everyone(NOT_FOUND)),
    # A real invitation: visitors get the form; a signed-in person with another address is
    # told to log out first.
    "invite_accept open": Case(accept_url, {**everyone(FORBIDDEN), "anonymous": OK}),
    "join": Case(lambda w: "/join/NOSUCH22/", everyone(NOT_FOUND)),
    "join_enter": Case(lambda w: "/join/", everyone(OK)),
    "join_enter code": Case(lambda w: "/join/?code=ab-cd 22", everyone(redirect("/join/ABCD22/"))),
    "join open": Case(
        join_url,
        {
            **everyone(FORBIDDEN),  # teachers and admins cannot join; the blocked are told so
            "anonymous": OK,
            "student": OK,
            "enrolled": redirect("/courses/"),
        },
    ),
    # A closed course's link says so to everyone (visitors before they sign up); its enrolled
    # students are sent to its page, which they can still read.
    "join inactive": Case(closed_join_url, {**everyone(FORBIDDEN), "enrolled": redirect("/courses/")}),
    "join inactive POST": Case(
        closed_join_url, {**everyone(FORBIDDEN), "enrolled": redirect("/courses/")}, method="post", changes=(),
    ),
}
