"""The classroom in two (then three) Chromium pages against a live Daphne: chat both ways,
a teacher's stroke on the student's canvas, a late joiner's board, the fallback while the
socket is down, and the teacher's (fake) microphone heard by the student."""

from __future__ import annotations

import math
import struct
import wave

import pytest
from playwright.sync_api import expect
from django.conf import settings

from accounts.tests.factories import StudentFactory, TeacherFactory
from accounts.tests.test_browser import look
from conftest import client_for
from courses import services as course_services
from courses.tests.factories import CourseFactory
from elearning.testing.browser import MOBILE, launch

pytestmark = pytest.mark.browser


def write_tone(path, *, hz=440, seconds=3, rate=48_000):
    """A 440 Hz sine at half scale: the 'microphone' Chromium plays to the teacher's page."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(
            struct.pack("<h", int(16000 * math.sin(2 * math.pi * hz * n / rate))) for n in range(rate * seconds)
        ))
    return path


@pytest.fixture
def audio_browser(playwright_instance, tmp_path):
    tone = write_tone(tmp_path / "tone.wav")
    browser = launch(playwright_instance, [
        f"--use-file-for-fake-audio-capture={tone}",
        "--autoplay-policy=no-user-gesture-required",
    ])
    yield browser
    browser.close()


@pytest.fixture
def open_as(audio_browser, daphne_server, transactional_db):
    def make(user):
        context = audio_browser.new_context(base_url=daphne_server.url)
        context.set_default_timeout(10_000)
        cookie = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": daphne_server.url}])
        return context.new_page()

    return make


def enter(page, course):
    page.goto(f"/courses/{course.pk}/classroom/")
    page.wait_for_function("document.getElementById('room-status').textContent.trim() === 'Connected'")


def board_pixels(page):
    """How many pixels of the canvas are painted."""
    return page.evaluate("""() => {
        const c = document.getElementById('board');
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        return n;
    }""")


def test_live_lesson_between_teacher_and_students(open_as):
    teacher = TeacherFactory(username="ms_kay", full_name="Ms Kay")
    course = CourseFactory(teacher=teacher, title="Physics 8B")
    student = StudentFactory(username="leo", full_name="Leo Learner")
    late = StudentFactory(username="mia", full_name="Mia Latecomer")
    for person in (student, late):
        course_services.enrollment_enroll(student=person, course=course)

    teacher_page = open_as(teacher)
    enter(teacher_page, course)
    student_page = open_as(student)
    enter(student_page, course)
    teacher_page.locator("#online-list li[data-user=leo]").wait_for()

    # Chat both ways; text stays text.
    student_page.get_by_role("textbox", name="Message").fill("<b>Hello</b> Ms Kay")
    student_page.keyboard.press("Enter")
    teacher_page.locator(".chat-body", has_text="<b>Hello</b> Ms Kay").wait_for()
    teacher_page.get_by_role("textbox", name="Message").fill("Welcome, Leo!")
    teacher_page.get_by_role("button", name="Send").click()
    student_page.locator(".chat-body", has_text="Welcome, Leo!").wait_for()
    assert student_page.locator(".chat-body b").count() == 0

    # The teacher draws a stroke; it appears on the student's canvas.
    box = teacher_page.locator("#board").bounding_box()
    teacher_page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
    teacher_page.mouse.down()
    for step in range(1, 21):
        teacher_page.mouse.move(box["x"] + box["width"] * (0.2 + step * 0.03), box["y"] + box["height"] * (0.3 + (step % 5) * 0.05))
    teacher_page.mouse.up()
    student_page.wait_for_function("window.classroom.board.elements.size === 1")
    assert board_pixels(student_page) > 500
    teacher_page.get_by_label("Text to place", exact=False)  # present for the text tool
    teacher_page.locator("label[for=tool-text]").click()
    teacher_page.locator("#board-text").fill("F = m · a")
    teacher_page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.7)
    student_page.wait_for_function("window.classroom.board.elements.size === 2")

    # A late joiner sees the board exactly as the others do.
    late_page = open_as(late)
    enter(late_page, course)
    late_page.wait_for_function("window.classroom.board.elements.size === 2")
    snapshots = {page.evaluate("window.classroom.board.snapshot()") for page in (teacher_page, student_page, late_page)}
    assert len(snapshots) == 1
    assert board_pixels(late_page) > 500

    # The teacher's microphone: the student receives non-silent 16 kHz PCM and plays it.
    teacher_page.get_by_role("button", name="Start microphone").click()
    teacher_page.get_by_role("button", name="Stop microphone").wait_for()
    student_page.locator("#audio-live", has_text="Live").wait_for()
    student_page.wait_for_function(
        "(() => { const s = window.classroom.audio.stats;"
        " return s.framesReceived >= 10 && s.peakReceived > 3000 && s.audible > 8000; })()",
        timeout=15_000,
    )
    stats = student_page.evaluate("window.classroom.audio.stats")
    assert stats["bytesReceived"] % 2 == 0 and stats["peakPlayed"] > 0.1
    look(teacher_page, "classroom-teacher")
    look(student_page, "classroom-student-listening")
    teacher_page.get_by_role("button", name="Stop microphone").click()
    student_page.locator("#audio-live", has_text="Off air").wait_for()

    # The student's socket drops and stays down: chat goes over HTTP and polling shows replies.
    student_page.evaluate("window.classroom.socket.connect = () => {}; window.classroom.socket.ws.close()")
    student_page.locator("#room-status", has_text="Reconnecting").wait_for()
    student_page.get_by_role("textbox", name="Message").fill("sent while offline")
    student_page.keyboard.press("Enter")
    teacher_page.locator(".chat-body", has_text="sent while offline").wait_for()
    teacher_page.get_by_role("textbox", name="Message").fill("seen by polling")
    teacher_page.keyboard.press("Enter")
    student_page.locator(".chat-body", has_text="seen by polling").wait_for()
    look(student_page, "classroom-student-offline")
    # …and switches back when the socket returns.
    student_page.evaluate("delete window.classroom.socket.connect; window.classroom.socket.connect()")
    student_page.locator("#room-status", has_text="Connected").wait_for()
    assert student_page.locator(".chat-body", has_text="seen by polling").count() == 1

    student_page.set_viewport_size(MOBILE)
    look(student_page, "classroom-student-phone")

    # The teacher blocks the student on the roster page: their classroom closes at once.
    teacher_page.goto(f"/courses/{course.pk}/roster/")
    asked = []
    teacher_page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    teacher_page.get_by_role("button", name=f"Block {student.display_name}").click()
    expect(teacher_page.get_by_text("blocked from the course")).to_be_visible()
    assert asked and asked[0].startswith(f"Block {student.display_name}?")  # asked first
    teacher_page.get_by_text("blocked from the course").wait_for()
    student_page.get_by_text("The teacher removed you from this course").wait_for()
    look(student_page, "classroom-student-removed")
