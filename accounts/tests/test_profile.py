import re

import pytest

from accounts.models import User

from .factories import StudentFactory
from .images import image_upload

pytestmark = pytest.mark.django_db
PROFILE = "/accounts/profile/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def profile_data(user, **changes):
    return {"full_name": user.full_name, "email": user.email, "bio": user.bio, **changes}


def test_profile_edits_name_bio_email(login, student):
    client = login(student)
    response = client.post(PROFILE, profile_data(student, full_name="Stella S.", bio="Hi!", email="s@x.test"))
    assert response.url == PROFILE
    student.refresh_from_db()
    assert (student.full_name, student.bio, student.email) == ("Stella S.", "Hi!", "s@x.test")


def test_changing_the_photo_replaces_the_old_file(login, student, media, django_capture_on_commit_callbacks):
    client = login(student)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE, {**profile_data(student), "photo": image_upload("a.png")})
    student.refresh_from_db()
    first = student.photo.name
    assert (media / first).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE, {**profile_data(student), "photo": image_upload("b.gif", "GIF")})
    student.refresh_from_db()
    assert student.photo.name != first
    assert (media / student.photo.name).exists()
    assert not (media / first).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE, {**profile_data(student), "remove_photo": "on"})
    student.refresh_from_db()
    assert not student.photo
    assert list(media.rglob("*.jpg")) == []


def test_html_in_the_bio_is_shown_as_text(login, student):
    client = login(student)
    client.post(PROFILE, profile_data(student, bio='<script>alert("x")</script><b>bold</b>'))
    page = client.get("/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page


def test_bad_profile_input_keeps_the_saved_profile(login, student):
    StudentFactory(username="other", email="other@school.test")
    client = login(student)
    before = User.objects.values().get(pk=student.pk)
    response = client.post(
        PROFILE,
        {**profile_data(student, email="OTHER@school.test", full_name="y" * 300, bio="z" * 3000),
         "photo": image_upload("x.bmp", "BMP")},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"email", "full_name", "bio", "photo"}
    assert User.objects.values().get(pk=student.pk) == before
    # The navbar still shows the saved name, not the rejected one.
    assert "y" * 300 not in response.content.decode().split("<main")[0]


def test_profile_requires_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=")


def test_email_notifications_can_be_turned_off_and_on(login, student):
    client = login(student)
    page = client.get(PROFILE).content.decode()
    checkbox = re.search(r'<input[^>]*name="email_notifications"[^>]*>', page)
    assert checkbox and "checked" in checkbox.group(0)  # on by default
    client.post(PROFILE, profile_data(student))  # an unticked box is not sent at all
    student.refresh_from_db()
    assert student.email_notifications is False
    client.post(PROFILE, profile_data(student, email_notifications="on"))
    student.refresh_from_db()
    assert student.email_notifications is True
