"""The whiteboard and the microphone for every user: the board's place and size on the page, full
screen, drawing and placing text from the keyboard, the board's text alternative (live for every
viewer), a refused or missing microphone, and where focus goes when the audio controls change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory, TeacherFactory
from accounts.tests.test_browser import look
from classroom.tests.test_browser import audio_browser, enter, expect_board, open_as  # noqa: F401 - fixtures
from courses import services as course_services
from courses.tests.factories import CourseFactory
from elearning.testing.browser import MOBILE, SCREENSHOT_DIR, assert_accessible

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def lesson(open_as):
    """A course with its teacher and one enrolled student, each with a page opener."""
    teacher = TeacherFactory(username="ms_kay", full_name="Ms Kay")
    course = CourseFactory(teacher=teacher, title="Biology 9C")
    student = StudentFactory(username="leo", full_name="Leo Learner")
    course_services.enrollment_enroll(student=student, course=course)

    def page_of(user, viewport=LAPTOP):
        page = open_as(user)
        page.set_viewport_size(viewport)
        enter(page, course)
        return page

    return {"teacher": teacher, "student": student, "course": course, "page_of": page_of}


def look_full_screen(page, name):
    """look() for a page in full screen: the screen as it is (a full-page picture would add the
    page that lies under the board)."""
    assert_accessible(page, context=name)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"))


def box_of(page, selector):
    return page.locator(selector).bounding_box()


def test_board_is_large_and_first_on_a_laptop_and_fits_a_phone(lesson):
    for user in (lesson["teacher"], lesson["student"]):
        page = lesson["page_of"](user)
        board, chat = box_of(page, "#board"), box_of(page, "#chat-log")
        # Wide, above the fold as a whole, and before the chat.
        assert board["width"] >= 0.6 * LAPTOP["width"], board
        assert board["y"] + board["height"] <= LAPTOP["height"], board
        assert board["y"] < chat["y"], (board, chat)
        look(page, f"classroom-board-laptop-{user.username}")
        page.set_viewport_size(MOBILE)
        page.wait_for_function("() => document.documentElement.scrollWidth <= innerWidth")
        board = box_of(page, "#board")
        assert board["width"] >= 0.8 * MOBILE["width"], board
        assert board["y"] < box_of(page, "#chat-log")["y"]
        look(page, f"classroom-board-phone-{user.username}")


def test_keyboard_draws_writes_and_moves_and_every_viewer_reads_the_board(lesson):
    teacher_page = lesson["page_of"](lesson["teacher"])
    student_page = lesson["page_of"](lesson["student"])
    board = teacher_page.locator("#board")
    # For the student (who may not draw) the board is a described picture, not a tab stop.
    expect(student_page.get_by_role("img", name="Shared whiteboard")).to_have_accessible_description("The board is empty.")
    expect(student_page.locator("#board")).not_to_have_attribute("tabindex", "0")

    # 1. The teacher tabs to the board: it takes the focus with a visible ring, and the cursor shows.
    teacher_page.get_by_role("switch", name="Let every student draw").focus()
    teacher_page.keyboard.press("Tab")
    expect(board).to_be_focused()
    application = teacher_page.get_by_role("application", name="Shared whiteboard")
    expect(application).to_have_accessible_description(re.compile(r"^Arrow keys move the cursor.*Escape lifts the pen\. The board is empty\.$"))
    assert board.evaluate("b => b.matches(':focus-visible') && getComputedStyle(b).outlineStyle") == "solid"
    expect(teacher_page.locator("#board-cursor")).to_be_visible()
    look(teacher_page, "classroom-board-keyboard-focus")

    # 2. Space puts the pen down, arrows draw (Shift: bigger steps), Space lifts it.
    teacher_page.keyboard.press("Space")
    expect(teacher_page.locator("#board-announce")).to_have_text("Pen down.")
    for _ in range(4):
        teacher_page.keyboard.press("Shift+ArrowRight")  # 4 × 50 of 1000 board pixels: 0.2 of the width
    for _ in range(3):
        teacher_page.keyboard.press("ArrowDown")  # 3 × 10 of 562.5: 0.0533 of the height
    teacher_page.keyboard.press("Space")
    expect(teacher_page.locator("#board-announce")).to_have_text("Pen up.")
    expect_board(student_page, elements=1, painted=[(0.5, 0.5), (0.7, 0.5), (0.7, 0.5533)], blank=[(0.3, 0.3)])
    (stroke,) = student_page.evaluate("[...window.classroom.board.elements.values()]")
    assert stroke["tool"] == "pen" and stroke["user"] == "ms_kay"
    assert stroke["points"][:2] == [0.5, 0.5] and stroke["points"][-2:] == [0.7, 0.5533], stroke["points"]
    cursor = [0.7, 0.5 + 3 * 10 / 562.5]
    expect(student_page.locator("#board-announce")).to_have_text("1 new drawing.")
    expect(student_page.locator("#board-summary")).to_have_text("On the board: 0 texts, 1 drawing.")

    # 3. The Text tool from the keyboard: choose it with the arrow keys in the tool group, type,
    #    Enter goes to the board, the arrows choose the place, Enter places it.
    teacher_page.get_by_role("radio", name="Pen").focus()
    teacher_page.keyboard.press("ArrowRight")
    teacher_page.keyboard.press("ArrowRight")
    expect(teacher_page.get_by_role("radio", name="Text")).to_be_checked()
    text_box = teacher_page.get_by_role("textbox", name="Text to place")
    expect(text_box).to_be_focused()
    text_box.press_sequentially("Mitochondria")
    text_box.press("Enter")
    expect(board).to_be_focused()
    for _ in range(4):
        teacher_page.keyboard.press("Shift+ArrowLeft")
    for _ in range(5):
        teacher_page.keyboard.press("Shift+ArrowUp")  # 0.5 − 5 × 50 / 562.5
    teacher_page.keyboard.press("Enter")
    cursor = [round(cursor[0] - 4 * 50 / 1000, 4), round(cursor[1] - 5 * 50 / 562.5, 4)]
    expect_board(student_page, elements=2, painted=[(cursor[0] + 0.01, cursor[1] + 0.015)])
    written = max(student_page.evaluate("[...window.classroom.board.elements.values()]"), key=lambda e: e["id"])
    assert written["text"] == "Mitochondria" and written["points"] == cursor, written

    # 4. The student's page says it and lists it (the list sits behind the summary).
    expect(student_page.locator("#board-announce")).to_have_text("Written on the board: Mitochondria.")
    student_page.locator("summary", has_text="On the board: 1 text, 1 drawing.").click()
    texts = student_page.get_by_role("list", name="Text on the board")
    expect(texts.get_by_role("listitem")).to_have_text(["Mitochondria"])
    expect(student_page.get_by_role("img", name="Shared whiteboard")).to_have_accessible_description("On the board: 1 text, 1 drawing.")
    look(student_page, "classroom-board-text-alternative")

    # 5. The move tool from the keyboard: Enter picks up what is under the cursor, arrows move it.
    teacher_page.get_by_role("radio", name="Text").focus()
    teacher_page.keyboard.press("ArrowRight")
    teacher_page.keyboard.press("ArrowRight")
    expect(teacher_page.get_by_role("radio", name="Move")).to_be_checked()
    board.focus()
    teacher_page.keyboard.press("Enter")
    expect(teacher_page.locator("#board-announce")).to_contain_text("Picked up")
    teacher_page.keyboard.press("Shift+ArrowDown")
    teacher_page.keyboard.press("Shift+ArrowDown")
    teacher_page.keyboard.press("Escape")
    expect(teacher_page.locator("#board-announce")).to_have_text("Dropped.")
    student_page.wait_for_function(
        "id => { const e = window.classroom.board.elements.get(id); return e.dx === 0 && e.dy === 0.1778; }", arg=written["id"]
    )

    # 6. What a page entering now hears: the whole board in one sentence, and the same list.
    enter(student_page, lesson["course"])
    expect(student_page.locator("#board-announce")).to_have_text("On the board: 1 text, 1 drawing.")
    student_page.locator("summary", has_text="On the board: 1 text, 1 drawing.").click()
    expect(texts.get_by_role("listitem")).to_have_text(["Mitochondria"])

    # 7. Undo and clear reach the text alternative too.
    teacher_page.get_by_role("button", name="Undo").click()
    expect(student_page.locator("#board-announce")).to_have_text("Removed from the board: Mitochondria.")
    expect(texts.get_by_role("listitem")).to_have_count(0)
    expect(student_page.locator("#board-summary")).to_have_text("On the board: 0 texts, 1 drawing.")
    teacher_page.once("dialog", lambda dialog: dialog.accept())
    teacher_page.get_by_role("button", name="Clear").click()
    expect(student_page.locator("#board-announce")).to_have_text("The board was cleared.")
    expect(student_page.locator("#board-summary")).to_have_text("The board is empty.")


def test_full_screen_board_keeps_strokes_where_they_were_drawn(lesson):
    teacher_page = lesson["page_of"](lesson["teacher"])
    student_page = lesson["page_of"](lesson["student"])
    normal = box_of(teacher_page, "#board")

    button = teacher_page.get_by_role("button", name="Full screen")
    button.click()
    teacher_page.wait_for_function("() => document.fullscreenElement && document.fullscreenElement.id === 'board-area'")
    expect(teacher_page.get_by_role("button", name="Exit full screen")).to_be_focused()
    teacher_page.wait_for_function(f"() => document.getElementById('board').getBoundingClientRect().width > {normal['width']}")
    full = box_of(teacher_page, "#board")
    assert full["height"] > normal["height"] and abs(full["width"] / full["height"] - 16 / 9) < 0.01, full
    # The tools are there in full screen, and the canvas's pixels follow its new size.
    expect(teacher_page.get_by_role("toolbar", name="Whiteboard tools")).to_be_visible()
    assert teacher_page.evaluate("document.getElementById('board').width") >= full["width"] - 1

    # A stroke drawn in full screen lands at the same fractions of the board for the student.
    def at(fx, fy):
        return full["x"] + full["width"] * fx, full["y"] + full["height"] * fy

    teacher_page.mouse.move(*at(0.25, 0.25))
    teacher_page.mouse.down()
    teacher_page.mouse.move(*at(0.75, 0.25), steps=8)
    teacher_page.mouse.move(*at(0.75, 0.75), steps=8)
    teacher_page.mouse.up()
    expect_board(student_page, elements=1, painted=[(0.25, 0.25), (0.75, 0.25), (0.75, 0.75)], blank=[(0.25, 0.75)])
    (stroke,) = student_page.evaluate("[...window.classroom.board.elements.values()]")
    points = list(zip(stroke["points"][::2], stroke["points"][1::2]))
    one_pixel = 1.5 / full["width"], 1.5 / full["height"]
    for (x, y), (fx, fy) in ((points[0], (0.25, 0.25)), (points[-1], (0.75, 0.75))):
        assert abs(x - fx) < one_pixel[0] and abs(y - fy) < one_pixel[1], points
    look_full_screen(teacher_page, "classroom-board-full-screen")

    # Esc leaves full screen, and so does the button; the board is back at its place and size.
    teacher_page.keyboard.press("Escape")
    teacher_page.wait_for_function("() => document.fullscreenElement === null")
    expect(button).to_be_visible()
    button.click()
    teacher_page.wait_for_function("() => document.fullscreenElement !== null")
    teacher_page.get_by_role("button", name="Exit full screen").click()
    teacher_page.wait_for_function("() => document.fullscreenElement === null")
    expect(button).to_be_focused()
    teacher_page.wait_for_function(f"() => Math.abs(document.getElementById('board').getBoundingClientRect().width - {normal['width']}) < 1")
    expect_board(teacher_page, elements=1, painted=[(0.25, 0.25), (0.75, 0.75)], blank=[(0.25, 0.75)])

    # On a phone the student's board fills the screen too.
    student_page.set_viewport_size(MOBILE)
    student_page.get_by_role("button", name="Full screen").click()
    student_page.wait_for_function("() => document.fullscreenElement !== null")
    expect_board(student_page, elements=1, painted=[(0.25, 0.25), (0.75, 0.75)], blank=[(0.25, 0.75)])
    look_full_screen(student_page, "classroom-board-full-screen-phone")


MICROPHONE_REFUSED = """
    // The browser's answer to getUserMedia while window.micRefusal names a DOMException.
    window.micRefusal = "NotAllowedError";
    const askBrowser = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) => window.micRefusal
        ? Promise.reject(new DOMException("Permission denied", window.micRefusal))
        : askBrowser(constraints);
"""


def test_refused_microphone_says_how_to_allow_it_and_focus_stays_on_the_controls(lesson):
    teacher_page = lesson["page_of"](lesson["teacher"])
    teacher_page.add_init_script(MICROPHONE_REFUSED)
    enter(teacher_page, lesson["course"])
    start = teacher_page.get_by_role("button", name="Start microphone")
    stop = teacher_page.get_by_role("button", name="Stop microphone")
    message = teacher_page.get_by_role("alert").filter(has_text="microphone")

    # Blocked: what happened and where to allow it; the button is still there, with the focus.
    start.focus()
    teacher_page.keyboard.press("Enter")
    expect(message).to_have_text(re.compile(r"blocked the microphone.*lock or site-settings icon.*address bar.*Allow"))
    expect(start).to_be_enabled()
    expect(start).to_be_focused()
    look(teacher_page, "classroom-mic-blocked")
    teacher_page.set_viewport_size(MOBILE)
    look(teacher_page, "classroom-mic-blocked-phone")
    teacher_page.set_viewport_size(LAPTOP)

    # No microphone at all.
    teacher_page.evaluate("window.micRefusal = 'NotFoundError'")
    teacher_page.keyboard.press("Enter")
    expect(message).to_have_text(re.compile(r"^No microphone was found"))
    expect(start).to_be_focused()

    # Allowed now: the same button starts it, the message goes, the focus moves to Stop and back.
    teacher_page.evaluate("window.micRefusal = null")
    teacher_page.keyboard.press("Enter")
    expect(stop).to_be_visible()
    expect(stop).to_be_focused()
    expect(message).to_be_hidden()
    expect(teacher_page.locator("#audio-live")).to_have_text("Live")
    teacher_page.keyboard.press("Enter")
    expect(start).to_be_visible()
    expect(start).to_be_focused()
    expect(teacher_page.locator("#audio-live")).to_have_text("Off air")


def test_mute_keeps_its_name_and_tells_its_state(lesson):
    student_page = lesson["page_of"](lesson["student"])
    mute = student_page.get_by_role("button", name="Mute", exact=True)
    expect(mute).to_have_attribute("aria-pressed", "false")
    mute.click()
    expect(student_page.get_by_role("button", name="Mute", exact=True, pressed=True)).to_be_visible()
    expect(student_page.get_by_role("button", name="Unmute")).to_have_count(0)
    assert student_page.evaluate("window.classroom.audio.muted") is True
    look(student_page, "classroom-student-muted")
    mute.click()
    expect(student_page.get_by_role("button", name="Mute", exact=True, pressed=False)).to_be_visible()


def test_click_to_listen_hands_the_focus_to_mute(lesson):
    """"Click to listen" shows while the browser keeps the audio silent (here: the page's audio is
    suspended, as browsers do before the person has acted on the page) and, once used, hides
    itself and leaves the focus on the audio's remaining control."""
    teacher_page = lesson["page_of"](lesson["teacher"])
    student_page = lesson["page_of"](lesson["student"])
    teacher_page.get_by_role("button", name="Start microphone").click()
    expect(student_page.locator("#audio-live")).to_have_text("Live")
    student_page.wait_for_function("() => window.classroom.audio.context !== null")
    student_page.evaluate("window.classroom.audio.context.suspend()")
    listen = student_page.get_by_role("button", name="Click to listen")
    expect(listen).to_be_visible()
    listen.focus()
    student_page.keyboard.press("Enter")
    expect(listen).to_be_hidden()
    expect(student_page.get_by_role("button", name="Mute", exact=True)).to_be_focused()
    student_page.wait_for_function("() => window.classroom.audio.context.state === 'running'")
