import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ImageFile

from accounts.models import User

from .factories import StudentFactory
from .images import image_upload, png_header_bomb

pytestmark = pytest.mark.django_db

GOOD = {
    "username": "newbie",
    "email": "newbie@school.test",
    "full_name": "New Bie",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
}


def post_signup(client, url_role="student", **changes):
    data = {**GOOD, **changes}
    return client.post(reverse(f"accounts:signup_{url_role}"), data)


@pytest.mark.parametrize("role", ["student", "teacher"])
def test_signup_creates_the_role_from_the_url_and_signs_in(client, role):
    response = post_signup(client, role, role="teacher" if role == "student" else "student")
    assert response.status_code == 302 and response.url == "/"
    user = User.objects.get(username="newbie")
    assert user.role == role
    assert user.check_password(GOOD["password1"])
    assert not user.photo
    dashboard = client.get("/")
    assert dashboard.context["user"] == user
    assert f"dashboard_{role}.html" in [t.name.split("/")[-1] for t in dashboard.templates]


def test_signup_with_a_photo_stores_it_under_a_random_name(client):
    response = post_signup(client, photo=image_upload("../../etc/passwd.png", size=(500, 500)))
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.photo.name.startswith("avatars/") and user.photo.name.endswith(".jpg")
    assert "passwd" not in user.photo.name
    assert client.get(user.photo.url).status_code == 200


def form_errors(response, field):
    return response.context["form"].errors.get(field, [])


@pytest.mark.parametrize(
    "changes,field,fragment",
    [
        ({"username": "Taken"}, "username", "already exists"),
        ({"email": "TAKEN@School.test"}, "email", "already exists"),
        ({"password1": "abc", "password2": "abc"}, "password2", "too short"),
        ({"password1": "12345678901", "password2": "12345678901"}, "password2", "entirely numeric"),
        ({"password2": "something-else-entirely"}, "password2", "didn’t match"),
        ({"full_name": "x" * 151}, "full_name", "at most 150"),
        ({"username": "bad name!"}, "username", "valid username"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"email": ""}, "email", "required"),
    ],
    ids=["taken-username", "taken-email", "short-pw", "numeric-pw", "mismatch", "long-name",
         "bad-username", "bad-email", "no-email"],
)
def test_bad_signup_input_shows_field_errors_and_saves_nothing(client, changes, field, fragment):
    StudentFactory(username="taken", email="taken@school.test")
    response = post_signup(client, **changes)
    assert response.status_code == 200
    assert any(fragment in e for e in form_errors(response, field)), form_errors(response, field)
    assert not User.objects.filter(username=changes.get("username", "newbie")).exclude(username="taken").exists()
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "photo,fragment",
    [
        (SimpleUploadedFile("cv.png", b"MZ\x90\x00 this is an exe", content_type="image/png"), "not an image"),
        (SimpleUploadedFile("huge.jpg", b"\xff" * (50 * 1024 * 1024), content_type="image/jpeg"), "at most 5"),
        (SimpleUploadedFile("bomb.png", png_header_bomb(30_000, 30_000), content_type="image/png"), "too large in pixels"),
    ],
    ids=["not-an-image", "50MB", "bomb"],
)
def test_bad_photos_are_refused_and_nothing_is_saved(client, photo, fragment, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = post_signup(client, photo=photo)
    assert response.status_code == 200
    assert any(fragment in e for e in form_errors(response, "photo")), form_errors(response, "photo")
    assert not User.objects.exists()
    assert not any(tmp_path.rglob("*.*"))
    # What the visitor typed is kept; only the password and the file must be given again.
    assert b'value="newbie@school.test"' in response.content


def test_signed_in_users_are_sent_to_their_dashboard(login, student):
    assert login(student).get(reverse("accounts:signup_teacher")).url == "/"


def test_email_uniqueness_is_enforced_by_the_database_too(client, monkeypatch):
    """Even when the form's own check is bypassed (a parallel sign-up), the constraint holds."""
    from accounts import forms

    monkeypatch.setattr(forms, "_email_taken", lambda email, exclude_pk=None: False)
    StudentFactory(username="first", email="same@school.test")
    response = post_signup(client, email="Same@School.test")
    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors)
    assert User.objects.count() == 1


def test_user_create_turns_a_lost_race_into_a_validation_error():
    from django.core.exceptions import ValidationError

    from accounts.services import user_create

    user_create(username="one", email="race@school.test", password="x-long-pass-1", role="student")
    with pytest.raises(ValidationError) as error:
        user_create(username="two", email="RACE@school.test", password="x-long-pass-1", role="student")
    assert "email" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        user_create(username="ONE", email="other@school.test", password="x-long-pass-1", role="student")
    assert "username" in error.value.message_dict
    assert User.objects.count() == 1


def test_no_pixel_is_decoded_until_the_rest_of_the_form_is_valid(client, monkeypatch):
    decodes = []
    real_load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decodes.append(self.size) or real_load(self))
    response = post_signup(client, password2="something-else-entirely", photo=image_upload(size=(500, 500)))
    assert response.status_code == 200 and not User.objects.filter(username="newbie").exists()
    assert decodes == []
    response = post_signup(client, photo=image_upload(size=(500, 500)))
    assert response.status_code == 302 and set(decodes) == {(500, 500)}  # load() is re-entered per step


def test_sign_up_offers_the_choice_of_student_or_teacher(client):
    page = client.get("/accounts/signup/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/accounts/signup/student/"' in html and "I am a student" in html
    assert 'href="/accounts/signup/teacher/"' in html and "I am a teacher" in html
    # The navbar's "Sign up" leads to the choice, not straight to the student form.
    assert 'href="/accounts/signup/">Sign up<' in client.get("/courses/").content.decode()


def test_the_choice_carries_a_join_links_course_on_to_both_forms(client):
    html = client.get("/accounts/signup/?next=/courses/7/").content.decode()
    assert 'href="/accounts/signup/student/?next=/courses/7/"' in html
    assert 'href="/accounts/signup/teacher/?next=/courses/7/"' in html
    # The form checks it on arrival, as before: an off-site next is ignored.
    response = client.post("/accounts/signup/student/?next=https://evil.test/", GOOD)
    assert response.status_code == 302 and response.url == "/"
