"""The classroom in two (then three) Chromium pages against a live Daphne: chat both ways,
a teacher's stroke on the student's canvas, a late joiner's board, the fallback while the
socket is down, and the teacher's (fake) microphone heard by the student. Also: an idle board
asks for no animation frames, and the chat log keeps only its newest lines."""

from __future__ import annotations

import math
import struct
import wave

import pytest
from django.conf import settings
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory, TeacherFactory
from accounts.tests.test_browser import look
from classroom.models import CHAT_MAX_LENGTH, ChatMessage
from classroom.views import CHAT_LOG_LINES
from conftest import client_for
from courses import services as course_services
from courses.tests.factories import CourseFactory
from elearning.testing.browser import MOBILE, launch, screenshot

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
    expect(page.locator("#room-status")).to_have_text("Connected")


def board_pixels(page):
    """How many pixels of the canvas are painted."""
    return page.evaluate("""() => {
        const c = document.getElementById('board');
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        return n;
    }""")


BOARD_SHOWS = """([elements, painted, blank, least, most]) => {
    const c = document.getElementById('board'), ctx = c.getContext('2d');
    if (elements !== null && window.classroom.board.elements.size !== elements) return false;
    // Painted within two pixels of the point at fractions fx, fy of the board.
    const at = ([fx, fy]) => {
        const x = Math.round(fx * c.width), y = Math.round(fy * c.height);
        const data = ctx.getImageData(x - 2, y - 2, 5, 5).data;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) return true;
        return false;
    };
    if (!painted.every(at) || blank.some(at)) return false;
    if (least === 0 && most === null) return true;
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n >= least && (most === null || n <= most);
}"""


def expect_board(page, *, elements=None, painted=(), blank=(), min_pixels=0, max_pixels=None):
    """Playwright's expect for the board (Python's Playwright has no expect.poll): retried until
    the board holds ``elements`` elements and its canvas shows them (a message is painted in the
    next animation frame) — painted near each point of ``painted``, blank near each of ``blank``
    (fractions of the board), and between ``min_pixels`` and ``max_pixels`` pixels painted."""
    arg = [elements, [list(p) for p in painted], [list(p) for p in blank], min_pixels, max_pixels]
    try:
        page.wait_for_function(BOARD_SHOWS, arg=arg, polling=100)
    except PlaywrightTimeout:
        size = page.evaluate("window.classroom.board.elements.size")
        raise AssertionError(
            f"the board never showed elements={elements} painted={painted} blank={blank} "
            f"pixels={min_pixels}..{max_pixels}; it has {size} elements and {board_pixels(page)} pixels painted"
        ) from None


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
    expect(teacher_page.locator("#online-list li[data-user=leo]")).to_be_visible()

    # Chat both ways; text stays text.
    student_page.get_by_role("textbox", name="Message").fill("<b>Hello</b> Ms Kay")
    student_page.keyboard.press("Enter")
    expect(teacher_page.locator(".chat-body", has_text="<b>Hello</b> Ms Kay")).to_be_visible()
    teacher_page.get_by_role("textbox", name="Message").fill("Welcome, Leo!")
    teacher_page.get_by_role("button", name="Send").click()
    expect(student_page.locator(".chat-body", has_text="Welcome, Leo!")).to_be_visible()
    expect(student_page.locator(".chat-body b")).to_have_count(0)

    # The teacher draws a stroke; it appears on the student's canvas.
    box = teacher_page.locator("#board").bounding_box()
    teacher_page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
    teacher_page.mouse.down()
    for step in range(1, 21):
        teacher_page.mouse.move(box["x"] + box["width"] * (0.2 + step * 0.03), box["y"] + box["height"] * (0.3 + (step % 5) * 0.05))
    teacher_page.mouse.up()
    expect_board(student_page, elements=1, min_pixels=500)
    teacher_page.locator("label[for=tool-text]").click()
    teacher_page.get_by_role("textbox", name="Text to place").fill("F = m · a")
    teacher_page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.7)
    expect_board(student_page, elements=2, painted=[(0.61, 0.71)])

    # A late joiner sees the board exactly as the others do.
    late_page = open_as(late)
    enter(late_page, course)
    for page in (teacher_page, student_page, late_page):
        expect_board(page, elements=2, min_pixels=500)
    snapshots = {page.evaluate("window.classroom.board.snapshot()") for page in (teacher_page, student_page, late_page)}
    assert len(snapshots) == 1

    # The teacher's microphone: the student receives non-silent 16 kHz PCM and plays it.
    teacher_page.get_by_role("button", name="Start microphone").click()
    expect(teacher_page.get_by_role("button", name="Stop microphone")).to_be_visible()
    expect(student_page.locator("#audio-live")).to_have_text("Live")
    student_page.wait_for_function(
        "() => { const s = window.classroom.audio.stats;"  # a function: a bare expression is eval'd, which CSP refuses
        " return s.framesReceived >= 10 && s.peakReceived > 3000 && s.audible > 8000 && s.peakPlayed > 0.1; }",
        timeout=15_000,
    )
    assert student_page.evaluate("window.classroom.audio.stats.bytesReceived") % 2 == 0
    look(teacher_page, "classroom-teacher")
    look(student_page, "classroom-student-listening")
    teacher_page.get_by_role("button", name="Stop microphone").click()
    expect(student_page.locator("#audio-live")).to_have_text("Off air")

    # The student's socket drops and stays down: chat goes over HTTP and polling shows replies.
    # (Its reconnect attempts are made no-ops, then the socket is closed under it.)
    student_page.evaluate("const c = window.classroom.socket.connection; c.connect = () => {}; c.ws.close()")
    expect(student_page.locator("#room-status")).to_have_text("Reconnecting…")
    student_page.get_by_role("textbox", name="Message").fill("sent while offline")
    student_page.keyboard.press("Enter")
    expect(teacher_page.locator(".chat-body", has_text="sent while offline")).to_be_visible()
    teacher_page.get_by_role("textbox", name="Message").fill("seen by polling")
    teacher_page.keyboard.press("Enter")
    expect(student_page.locator(".chat-body", has_text="seen by polling")).to_be_visible()
    look(student_page, "classroom-student-offline")
    # …and switches back when the socket returns.
    student_page.evaluate("const c = window.classroom.socket.connection; delete c.connect; c.open()")
    expect(student_page.locator("#room-status")).to_have_text("Connected")
    expect(student_page.locator(".chat-body", has_text="seen by polling")).to_have_count(1)

    student_page.set_viewport_size(MOBILE)
    look(student_page, "classroom-student-phone")

    # The teacher blocks the student on the roster page: their classroom closes at once, for good
    # (4003 is one of the page's final close codes: no reconnect is even scheduled).
    sockets = []
    student_page.on("websocket", lambda socket: sockets.append(socket.url))
    teacher_page.goto(f"/courses/{course.pk}/roster/")
    asked = []
    teacher_page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    teacher_page.get_by_role("button", name=f"Block {student.display_name}").click()
    expect(teacher_page.get_by_text("blocked from the course")).to_be_visible()
    assert asked and asked[0].startswith(f"Block {student.display_name}?")  # asked first
    expect(student_page.get_by_text("The teacher removed you from this course")).to_be_visible()
    expect(student_page.locator("#room-status")).to_have_text("Disconnected")
    assert student_page.evaluate(
        "(() => { const c = window.classroom.socket.connection; return c.stopped && c.timer === null && c.ws === null; })()"
    )
    assert sockets == []
    look(student_page, "classroom-student-removed")


COUNT_FRAMES = """
    // Counts the animation frames the page asks for (installed before the page's own scripts).
    window.framesAsked = 0;
    const ask = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (callback) => { window.framesAsked += 1; return ask(callback); };
"""


def expect_no_frames_asked(page, *, seconds=10):
    """Retried like expect: within ``seconds``, a whole second passes in which the page asks for
    no animation frame (a board that animates all the time never gets there)."""
    counts = page.evaluate("""async (seconds) => {
        const counts = [];
        for (let i = 0; i < seconds; i++) {
            const before = window.framesAsked;
            await new Promise((done) => setTimeout(done, 1000));
            counts.push(window.framesAsked - before);
            if (counts.at(-1) === 0) break;
        }
        return counts;
    }""", seconds)
    assert counts[-1] == 0, f"frames asked for in each second: {counts}"


def test_idle_board_asks_for_no_frames_and_chat_log_keeps_the_newest_lines(open_as):
    teacher = TeacherFactory(username="ms_kay", full_name="Ms Kay")
    course = CourseFactory(teacher=teacher, title="Physics 8B")
    student = StudentFactory(username="leo", full_name="Leo Learner")
    course_services.enrollment_enroll(student=student, course=course)
    ChatMessage.objects.bulk_create(
        ChatMessage(course=course, author=teacher, body=f"old message {n}") for n in range(1, 101)
    )
    page = open_as(teacher)
    page.add_init_script(COUNT_FRAMES)
    enter(page, course)
    # The textarea's limit is the server's (the page's config carries it).
    expect(page.get_by_role("textbox", name="Message")).to_have_attribute("maxlength", str(CHAT_MAX_LENGTH))

    # An idle board asks for no animation frames; drawing does, and when it is over, none again.
    expect_board(page, elements=0, max_pixels=0)
    expect_no_frames_asked(page)
    before = page.evaluate("window.framesAsked")
    box = page.locator("#board").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5, steps=10)
    page.mouse.up()
    expect_board(page, elements=1, painted=[(0.2, 0.3), (0.6, 0.5)])
    assert page.evaluate("window.framesAsked") > before
    expect_no_frames_asked(page)

    # A long lesson: the log keeps its newest CHAT_LOG_LINES lines, messages and notices alike.
    lines = page.locator("#chat-log > *")
    expect(page.locator("#chat-log .chat-line")).to_have_count(100)
    expect(lines.last).to_have_text("Ms Kay joined")  # her own arrival
    arriving = CHAT_LOG_LINES - 50  # 101 lines + 450 = 551: the 51 oldest go
    page.evaluate("""(n) => {
        const socket = window.classroom.socket;
        for (let i = 1; i <= n; i++) {
            socket.dispatch(JSON.stringify({type: "chat", id: 1000000 + i, message: `arrived ${i}`,
                user: "ms_kay", name: "Ms Kay", role: "teacher", at: new Date().toISOString()}));
        }
    }""", arriving)
    expect(lines).to_have_count(CHAT_LOG_LINES)
    expect(lines.first).to_contain_text("old message 52")
    expect(lines.last).to_contain_text(f"arrived {arriving}")
    expect(page.locator(".chat-body", has_text="old message 51")).to_have_count(0)
    student_page = open_as(student)
    enter(student_page, course)
    expect(lines.last).to_have_text("Leo Learner joined")
    expect(lines).to_have_count(CHAT_LOG_LINES)
    expect(lines.first).to_contain_text("old message 53")
    assert page.evaluate("window.classroom.chat.seen.size") == CHAT_LOG_LINES - 2  # two lines are notices
    screenshot(page, "classroom-teacher-long-chat")
