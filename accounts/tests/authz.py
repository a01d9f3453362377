"""Authorization rows for the accounts URLs (see elearning.testing.authz)."""

from elearning.testing.authz import (
    NOT_ALLOWED,
    OK,
    TO_HOME,
    Case,
    everyone,
    signed_in,
)

ANONYMOUS_ONLY = {**everyone(TO_HOME), "anonymous": OK}

MATRIX = {
    "home": Case(lambda w: "/", everyone(OK)),
    "accounts:signup": Case(lambda w: "/accounts/signup/", ANONYMOUS_ONLY),
    "accounts:signup_student": Case(lambda w: "/accounts/signup/student/", ANONYMOUS_ONLY),
    "accounts:signup_teacher": Case(lambda w: "/accounts/signup/teacher/", ANONYMOUS_ONLY),
    "accounts:login": Case(lambda w: "/accounts/login/", ANONYMOUS_ONLY),
    "accounts:logout": Case(lambda w: "/accounts/logout/", everyone(NOT_ALLOWED)),
    "accounts:logout POST": Case(lambda w: "/accounts/logout/", everyone(TO_HOME), method="post"),
    "accounts:profile": Case(lambda w: "/accounts/profile/", signed_in(OK)),
    "accounts:password_change": Case(lambda w: "/accounts/password_change/", signed_in(OK)),
    "accounts:password_change_done": Case(lambda w: "/accounts/password_change/done/", signed_in(OK)),
    "accounts:password_reset": Case(lambda w: "/accounts/password_reset/", everyone(OK)),
    "accounts:password_reset_done": Case(lambda w: "/accounts/password_reset/done/", everyone(OK)),
    # A made-up token shows the "link not valid" page to everyone.
    "accounts:password_reset_confirm": Case(lambda w: "/accounts/reset/MQ/bad-token/", everyone(OK)),
    "accounts:password_reset_complete": Case(lambda w: "/accounts/reset/done/", everyone(OK)),
    "accounts:status_post": Case(lambda w: "/accounts/status/", everyone(NOT_ALLOWED)),
    "accounts:status_post POST": Case(
        lambda w: "/accounts/status/", signed_in(TO_HOME), method="post", data={"text": "Revising"}
    ),
    "accounts:status_delete": Case(lambda w: "/accounts/status/delete/", everyone(NOT_ALLOWED)),
    "accounts:status_delete POST": Case(lambda w: "/accounts/status/delete/", signed_in(TO_HOME), method="post"),
    # Profile photos are public: they appear next to names on public pages.
    "avatar": Case(lambda w: w.avatar_url, everyone(OK)),
}
