"""Every URL pattern of the site, requested as every role, gets what its row declares."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.tests import authz as accounts_authz
from accounts.tests.factories import AdminFactory, StudentFactory, TeacherFactory
from accounts.tests.images import image_upload
from assignments.tests import authz as assignments_authz
from classroom.tests import authz as classroom_authz
from conftest import client_for
from courses import services as course_services
from courses.tests import authz as courses_authz
from courses.tests import authz_people as people_authz
from courses.tests.factories import CourseFactory, MaterialFactory
from elearning.testing.authz import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    ROLES,
    TO_ADMIN_LOGIN,
    Case,
    Expect,
    everyone,
    redirect,
)
from elearning.testing.policies import policy_problems
from invitations.tests import authz as invitations_authz
from notifications.tests import authz as notifications_authz

SITE_APPS = {"accounts", "notifications", "courses", "classroom", "assignments", "invitations"}

APP_MATRICES = [
    accounts_authz.MATRIX,
    courses_authz.MATRIX,
    people_authz.MATRIX,
    classroom_authz.MATRIX,
    assignments_authz.MATRIX,
    notifications_authz.MATRIX,
    invitations_authz.MATRIX,
]


def url_keys(patterns=None, namespace=None, prefix=""):
    """(key, route) of every pattern: its qualified name, or its route when it has no name."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from url_keys(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            key = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield (key or route), route


STAFF_ONLY = {**everyone(TO_ADMIN_LOGIN)}


def staff(expect: Expect) -> dict[str, Expect]:
    return {**STAFF_ONLY, "admin": expect}


def admin_matrix() -> dict[str, Case]:
    """Rows for Django's admin: only staff get in; model pages generated from the registry."""
    rows = {
        "admin:index": Case(lambda w: "/admin/", staff(OK)),
        "admin:login": Case(lambda w: "/admin/login/", {**everyone(OK), "admin": redirect("/admin/")}),
        # Logout is POST-only; non-staff are sent to the index (and from there to the login).
        "admin:logout": Case(lambda w: "/admin/logout/", {**everyone(redirect("/admin/")), "admin": NOT_ALLOWED}),
        "admin:password_change": Case(lambda w: "/admin/password_change/", staff(OK)),
        "admin:password_change_done": Case(lambda w: "/admin/password_change/done/", staff(OK)),
        "admin:autocomplete": Case(lambda w: "/admin/autocomplete/", staff(FORBIDDEN)),
        "admin:jsi18n": Case(lambda w: "/admin/jsi18n/", staff(OK)),
        # Users have no public page, so "view on site" has nowhere to go.
        "admin:view_on_site": Case(lambda w: f"/admin/r/{w.user_ct}/{w.student.pk}/", staff(NOT_FOUND)),
        "admin:app_list": Case(lambda w: "/admin/accounts/", staff(OK)),
        "admin/(?P<url>.*)$": Case(lambda w: "/admin/no-such-page/", staff(NOT_FOUND)),
        "admin:auth_user_password_change": Case(
            lambda w: f"/admin/accounts/user/{w.student.pk}/password/", staff(OK)
        ),
    }
    request = RequestFactory().get("/admin/")
    request.user = SimpleNamespace(has_perm=lambda perm, obj=None: True, is_active=True, is_staff=True,
                                   is_superuser=True)
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        name = f"admin:{meta.app_label}_{meta.model_name}"
        rows[f"{name}_changelist"] = Case(lambda w, b=base: b, staff(OK))
        can_add = model_admin.has_add_permission(request)
        rows[f"{name}_add"] = Case(lambda w, b=base: b + "add/", staff(OK if can_add else FORBIDDEN))
        # A missing object sends staff back to the admin index with a message, when they may
        # act on such objects at all.
        allowed = {
            "change": model_admin.has_view_or_change_permission(request),
            "history": model_admin.has_view_or_change_permission(request),
            "delete": model_admin.has_delete_permission(request),
        }
        for action, may in allowed.items():
            rows[f"{name}_{action}"] = Case(
                lambda w, b=base, a=action: f"{b}999999/{a}/",
                staff(redirect("/admin/") if may else FORBIDDEN),
            )
        rows[f"admin/{meta.app_label}/{meta.model_name}/<path:object_id>/"] = Case(
            lambda w, b=base: f"{b}999999/", staff(redirect(f"{base}999999/change/"))
        )
    # Real objects open for staff.
    rows["admin:accounts_user_change real"] = Case(
        lambda w: f"/admin/accounts/user/{w.student.pk}/change/", staff(OK)
    )
    rows["admin:accounts_user_history real"] = Case(
        lambda w: f"/admin/accounts/user/{w.student.pk}/history/", staff(OK)
    )
    rows["admin:accounts_user_delete real"] = Case(
        lambda w: f"/admin/accounts/user/{w.student.pk}/delete/", staff(OK)
    )
    return rows


def full_matrix() -> dict[str, Case]:
    rows = admin_matrix()
    for matrix in APP_MATRICES:
        overlap = rows.keys() & matrix.keys()
        assert not overlap, f"declared twice: {overlap}"
        rows.update(matrix)
    return rows


MATRIX = full_matrix()


def test_every_url_pattern_has_a_declared_expectation():
    declared = set(MATRIX)
    missing = [f"{key}  ({route})" for key, route in url_keys() if key not in declared]
    assert not missing, "URL patterns without a row in the authorization matrix:\n" + "\n".join(missing)


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_every_row_names_every_role(key):
    assert set(MATRIX[key].expect) == set(ROLES), f"{key} lacks {set(ROLES) - set(MATRIX[key].expect)}"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    student = StudentFactory(username="m_student")
    student.photo.save("p.jpg", image_upload(), save=True)
    teacher = TeacherFactory(username="m_teacher")
    course = CourseFactory(teacher=teacher)
    enrolled = StudentFactory(username="m_enrolled")
    course_services.enrollment_enroll(student=enrolled, course=course)
    blocked = StudentFactory(username="m_blocked")
    course_services.roster_block_student(course=course, student=blocked, blocked_by=teacher)
    # A closed course with the same people: "enrolled" is in it, "blocked" was blocked from it.
    inactive_course = CourseFactory(teacher=teacher)
    course_services.enrollment_enroll(student=enrolled, course=inactive_course)
    course_services.roster_block_student(course=inactive_course, student=blocked, blocked_by=teacher)
    inactive_material = MaterialFactory(course=inactive_course)
    course_services.course_update(course=inactive_course, is_active=False)
    return SimpleNamespace(
        anonymous=None,
        student=student,
        enrolled=enrolled,
        blocked=blocked,
        course=course,
        inactive_course=inactive_course,
        inactive_material=inactive_material,
        material=MaterialFactory(course=course),
        foreign_material=MaterialFactory(),
        teacher=teacher,
        other_teacher=TeacherFactory(username="m_other"),
        admin=AdminFactory(username="m_admin"),
        avatar_url=student.photo.url,
        user_ct=ContentType.objects.get_for_model(student).pk,
    )


VOLATILE = {"last_login", "updated_at"}  # touched by signing in, not by what a request may do


def stored_data() -> dict[str, list[tuple]]:
    """Every row of the site's own models, for checking that a refused POST changed nothing."""
    snapshot = {}
    for config in django_apps.get_app_configs():
        if config.name not in SITE_APPS:
            continue
        for model in config.get_models():
            fields = [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE]
            snapshot[model._meta.label] = list(model.objects.order_by("pk").values_list(*fields))
    return snapshot


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_role_gets_declared_response(world, key):
    case = MATRIX[key]
    url = case.url(world)
    failures = []
    for role in ROLES:
        client = client_for(getattr(world, role))
        before = stored_data() if case.method == "post" else None
        data = case.data(world) if callable(case.data) else case.data  # e.g. ids from the world
        response = getattr(client, case.method)(url, data)
        if before is not None and not case.may_change(role):
            changed = [label for label, rows in stored_data().items() if rows != before[label]]
            if changed:
                failures.append(f"{role}: got {response.status_code} but changed {', '.join(changed)}")
        expected = case.expect[role]
        got = Expect(response.status_code, response.get("Location") if expected.location else None)
        ok = got.status == expected.status and (
            expected.location is None or (got.location or "").startswith(expected.location)
        )
        if not ok:
            failures.append(f"{role}: expected {expected}, got {response.status_code} {response.get('Location', '')}")
        # Every answer, refusals and redirects included, carries the page policies (CSP,
        # Permissions-Policy); only the classroom page may use the microphone.
        mic = key.split()[0] == "classroom:room" and response.status_code == 200  # any variant
        failures += [f"{role}: {problem}" for problem in policy_problems(response, microphone=mic)]
    assert not failures, f"{case.method.upper()} {url}:\n" + "\n".join(failures)


POST_ROWS = sorted(key for key, case in MATRIX.items() if case.method == "post")


@pytest.mark.parametrize("key", POST_ROWS)
def test_a_typed_get_of_an_action_changes_nothing_and_shows_a_page(world, key):
    """Typed in, bookmarked or followed, the address of a POST-only action changes nothing and
    answers with a page: the action's button (``post_or_confirm``) or the site's 405 page —
    never the browser's bare "HTTP ERROR 405"."""
    url = MATRIX[key].url(world)
    before = stored_data()
    failures = []
    for role in ROLES:
        response = client_for(getattr(world, role)).get(url)
        if response.status_code == 405:
            page = response.content.decode()
            if "</html>" not in page or response.get("Allow") is None:
                failures.append(f"{role}: a bare 405")
            elif "<form method=\"post\"" not in page and "only takes a form sent from the site" not in page:
                failures.append(f"{role}: a 405 page that neither has the button nor says why")
        failures += [f"{role}: {problem}" for problem in policy_problems(response, microphone=False)]
    if stored_data() != before:
        failures.append("a GET changed stored data")
    assert not failures, f"GET {url}:\n" + "\n".join(failures)
