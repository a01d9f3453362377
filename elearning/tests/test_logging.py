"""What the console shows for refused and failed requests (the site's LOGGING setting)."""

import logging

import pytest
from django.test import Client
from django.urls import path

from conftest import client_for
from elearning.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("the database fell over")


# This module is also the URLconf of its tests: the site's URLs plus one that fails.
urlpatterns = [path("test-boom/", boom), *site_urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def request_records(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_403_is_one_warning_line_with_its_reason_and_no_traceback(caplog, student):
    with caplog.at_level(logging.INFO):
        response = client_for(student).get("/courses/new/")  # students may not create courses
    assert response.status_code == 403
    [record] = request_records(caplog)
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert record.getMessage() == "Forbidden (Permission denied): /courses/new/ (Only teachers can create courses.)"
    assert "Traceback" not in caplog.text


def test_a_500_keeps_its_traceback(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get("/test-boom/")
    assert response.status_code == 500
    [record] = request_records(caplog)
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "Traceback" in caplog.text and "RuntimeError: the database fell over" in caplog.text


def test_a_404_is_one_line_too(caplog, student):
    with caplog.at_level(logging.INFO):
        assert client_for(student).get("/courses/999999/").status_code == 404
    [record] = request_records(caplog)
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert record.getMessage().startswith("Not Found: /courses/999999/")
    assert "Traceback" not in caplog.text
