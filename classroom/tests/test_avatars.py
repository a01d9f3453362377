"""Photos in the classroom: every join, leave, online list and chat message carries the avatar
(the photo's URL, or the initial a page shows without one)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from accounts.tests.factories import StudentFactory, TeacherFactory
from accounts.tests.images import image_upload
from conftest import client_for
from courses import services as course_services
from courses.tests.factories import CourseFactory

from .helpers import Socket, run

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    teacher = TeacherFactory(username="t_av", full_name="Tess Teacher")
    course = CourseFactory(teacher=teacher)
    student = StudentFactory(username="s_av", full_name="ümit Student")
    student.photo.save("p.jpg", image_upload(), save=True)
    course_services.enrollment_enroll(student=student, course=course)
    return SimpleNamespace(course=course, teacher=teacher, student=student)


def test_presence_online_list_and_chat_carry_the_avatar(room):
    photo = room.student.photo.url
    assert photo.startswith("/")

    async def scenario():
        teacher = Socket(room.course.pk, room.teacher)
        await teacher.open()
        await teacher.receive_type("join")  # its own
        student = Socket(room.course.pk, room.student)
        state = await student.open()
        online = {person["user"]: person for person in state["online"]}
        assert online["s_av"] == {"user": "s_av", "name": "ümit Student", "role": "student", "photo": photo, "initial": "Ü"}
        assert online["t_av"]["photo"] == "" and online["t_av"]["initial"] == "T"
        join = await teacher.receive_type("join")
        assert (join["photo"], join["initial"]) == (photo, "Ü")
        await student.send({"type": "chat", "message": "hi"})
        chat = await teacher.receive_type("chat")
        assert (chat["photo"], chat["initial"]) == (photo, "Ü")
        await student.close()
        leave = await teacher.receive_type("leave")
        assert leave["photo"] == photo
        await teacher.close()

    run(scenario)


def test_the_http_fallback_and_the_page_carry_it_too(room):
    client = client_for(room.student)
    sent = client.post(f"/courses/{room.course.pk}/classroom/messages/", {"message": "via http"}).json()["message"]
    assert sent["photo"] == room.student.photo.url
    # The teacher (no photo of their own in the navbar) sees it beside the loaded message.
    page = client_for(room.teacher).get(f"/courses/{room.course.pk}/classroom/").content.decode()
    assert f'src="{room.student.photo.url}"' in page
