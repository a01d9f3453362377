"""The authorization matrix: for every URL of the site, what each role gets.

Each app declares its rows in ``<app>/tests/authz.py`` as ``MATRIX = {url_name: Case(...)}``;
``elearning/tests/test_authorization_matrix.py`` fails when a URL pattern has no row, and
requests every row as every role. Admin URLs get rows generated from the registered model
admins, so a new model admin is covered as soon as it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# "student" is a student with no tie to the world's course; "enrolled" is actively enrolled in it;
# "blocked" was blocked from it by its teacher; "teacher" owns it; "other_teacher" does not.
ROLES = ("anonymous", "student", "enrolled", "blocked", "teacher", "other_teacher", "admin")


@dataclass(frozen=True)
class Expect:
    status: int
    location: str | None = None  # for redirects: where to (a path prefix)

    def __str__(self) -> str:
        return f"{self.status} -> {self.location}" if self.location else str(self.status)


OK = Expect(200)
FORBIDDEN = Expect(403)
NOT_FOUND = Expect(404)
NOT_ALLOWED = Expect(405)
TO_LOGIN = Expect(302, "/accounts/login/?next=")
TO_HOME = Expect(302, "/")
TO_ADMIN_LOGIN = Expect(302, "/admin/login/")


def redirect(to: str) -> Expect:
    return Expect(302, to)


def everyone(expect: Expect) -> dict[str, Expect]:
    return dict.fromkeys(ROLES, expect)


def only(expect: Expect, *roles: str, others: Expect) -> dict[str, Expect]:
    """``expect`` for the named roles, ``others`` for the rest."""
    return {role: expect if role in roles else others for role in ROLES}


def signed_in(expect: Expect, anonymous: Expect = TO_LOGIN) -> dict[str, Expect]:
    return {**everyone(expect), "anonymous": anonymous}


@dataclass
class Case:
    """One URL: how to build it from the test world, and what each role gets for ``method``."""

    url: Callable[[Any], str]
    expect: dict[str, Expect]
    method: str = "get"
    data: dict | Callable[[Any], dict] = field(default_factory=dict)  # or built from the world
    # For a POST: the roles whose request may change stored data. None: the roles answered
    # 200/201/302 (except a redirect to the login); every other role must change nothing,
    # whatever its status (a teacher's POST to "enroll" is a redirect, and enrolls no one).
    changes: tuple[str, ...] | None = None

    def may_change(self, role: str) -> bool:
        if self.changes is not None:
            return role in self.changes
        expected = self.expect[role]
        return expected.status in (200, 201, 302) and expected != TO_LOGIN
