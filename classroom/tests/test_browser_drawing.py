"""Who may draw on the whiteboard, done as a teacher does it: the per-student switch in the
online list (also taken back mid-stroke), "let every student draw", and the teacher's move tool
on a slow connection, in three Chromium pages (one teacher, two students) against a live Daphne."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory, TeacherFactory
from accounts.tests.test_browser import look
from classroom.tests.test_browser import audio_browser, enter, expect_board, open_as  # noqa: F401 - fixtures
from courses import services as course_services
from courses.tests.factories import CourseFactory

pytestmark = pytest.mark.browser


def on_board(page, fx, fy):
    """Where the mouse goes for the point at fractions fx, fy of the board's width and height."""
    board = page.locator("#board")
    board.scroll_into_view_if_needed()
    box = board.bounding_box()
    return box["x"] + box["width"] * fx, box["y"] + box["height"] * fy


def drag(page, *points):
    """Press the mouse at the first point and drag it through the others (board fractions)."""
    page.mouse.move(*on_board(page, *points[0]))
    page.mouse.down()
    for point in points[1:]:
        page.mouse.move(*on_board(page, *point), steps=5)
    page.mouse.up()
    return page.locator("#board").bounding_box()


def settled(page):
    """The board sends its strokes once per animation frame: after two frames, whatever the
    mouse drew has left the page."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def round_trip(sender, receivers, text):
    """A chat message from ``sender`` seen by ``receivers``: everything ``sender`` sent before
    it has been handled by the server and relayed, and painted (after two more frames)."""
    settled(sender)
    sender.get_by_role("textbox", name="Message").fill(text)
    sender.keyboard.press("Enter")
    for page in receivers:
        expect(page.locator(".chat-body", has_text=text)).to_be_visible()
        settled(page)


def tools(page):
    return page.get_by_role("toolbar", name="Whiteboard tools", include_hidden=True)


def expect_may_draw(page, allowed):
    # Who may draw meets an application driven by keys; the others a described picture.
    board = page.get_by_role("application" if allowed else "img", name="Shared whiteboard")
    if allowed:
        expect(tools(page)).to_be_visible()
        expect(board).to_have_class(re.compile(r"\bcan-draw\b"))
        expect(page.locator("#board-note")).to_have_text("The teacher has let you draw.")
    else:
        expect(tools(page)).to_be_hidden()
        expect(board).not_to_have_class(re.compile(r"\bcan-draw\b"))
        expect(page.locator("#board-note")).to_have_text("Only the teacher draws unless they let you.")


def test_teacher_decides_who_draws_and_moves_what_was_drawn(open_as):
    teacher = TeacherFactory(username="ms_kay", full_name="Ms Kay")
    course = CourseFactory(teacher=teacher, title="Geometry 7A")
    leo = StudentFactory(username="leo", full_name="Leo Learner")
    mia = StudentFactory(username="mia", full_name="Mia Maker")
    for person in (leo, mia):
        course_services.enrollment_enroll(student=person, course=course)

    teacher_page = open_as(teacher)
    enter(teacher_page, course)
    leo_page = open_as(leo)
    enter(leo_page, course)
    mia_page = open_as(mia)
    enter(mia_page, course)
    pages = (teacher_page, leo_page, mia_page)
    expect(teacher_page.locator("#online-list li[data-user=mia]")).to_be_visible()
    expect(teacher_page.locator("#online-list li[data-user=leo]")).to_be_visible()
    leo_switch = teacher_page.get_by_role("switch", name="May draw: Leo Learner")
    mia_switch = teacher_page.get_by_role("switch", name="May draw: Mia Maker")
    everyone_switch = teacher_page.get_by_role("switch", name="Let every student draw")
    expect(leo_switch).not_to_be_checked()
    expect(mia_switch).not_to_be_checked()
    expect(everyone_switch).not_to_be_checked()
    # Students get no switches and no move tool; only the teacher's page has them.
    expect(leo_page.get_by_role("switch")).to_have_count(0)
    expect(leo_page.get_by_role("radio", name="Move", include_hidden=True)).to_have_count(0)

    # 1. At first a student cannot draw: no tools, and dragging the mouse leaves nothing anywhere.
    for page in (leo_page, mia_page):
        expect_may_draw(page, False)
    drag(leo_page, (0.1, 0.1), (0.2, 0.15), (0.3, 0.1), (0.35, 0.2))
    round_trip(leo_page, [teacher_page, mia_page], "I tried to draw")
    for page in pages:
        expect_board(page, elements=0, max_pixels=0)

    # 2. The teacher lets Leo draw with his switch in the online list. Mia still cannot.
    leo_switch.check()
    expect_may_draw(leo_page, True)
    expect(leo_switch).to_be_checked()
    expect(mia_switch).not_to_be_checked()
    expect(everyone_switch).not_to_be_checked()
    look(teacher_page, "classroom-draw-teacher-lets-leo-draw")
    drag(leo_page, (0.1, 0.1), (0.15, 0.2), (0.2, 0.12), (0.25, 0.22), (0.3, 0.15))
    for page in pages:
        expect_board(page, elements=1, painted=[(0.1, 0.1)], min_pixels=300)
    (leos,) = teacher_page.evaluate("[...window.classroom.board.elements.values()]")
    assert leos["user"] == "leo" and leos["tool"] == "pen"
    expect_may_draw(mia_page, False)
    drag(mia_page, (0.5, 0.6), (0.7, 0.8))
    round_trip(mia_page, [teacher_page, leo_page], "Mia tried too")
    for page in pages:
        expect_board(page, elements=1, blank=[(0.7, 0.8)])

    # 3. The teacher takes it back while Leo is in the middle of a stroke: the stroke ends where
    #    the others last saw it, on every page, and Leo's mouse draws nothing more.
    leo_page.mouse.move(*on_board(leo_page, 0.45, 0.3))
    leo_page.mouse.down()
    leo_page.mouse.move(*on_board(leo_page, 0.55, 0.4), steps=5)
    for page in (teacher_page, mia_page):
        page.wait_for_function("() => window.classroom.board.live.size === 1")  # they watch it being drawn
    leo_switch.uncheck()
    expect_may_draw(leo_page, False)
    expect(leo_switch).not_to_be_checked()
    leo_page.mouse.move(*on_board(leo_page, 0.65, 0.3), steps=5)
    leo_page.mouse.up()
    drag(leo_page, (0.5, 0.6), (0.6, 0.7))
    round_trip(leo_page, pages, "Still trying")
    expect(leo_page.locator("#room-alert")).to_be_hidden()  # no "not allowed" for a stroke begun while allowed
    for page in pages:
        page.wait_for_function(
            "() => { const b = window.classroom.board;"
            " return b.elements.size === 2 && b.live.size === 0 && b.pending.size === 0 && b.current === null; }"
        )
        expect_board(page, elements=2, painted=[(0.45, 0.3)], blank=[(0.65, 0.3), (0.6, 0.7)])
    cut = max(teacher_page.evaluate("[...window.classroom.board.elements.values()]"), key=lambda e: e["id"])
    assert cut["user"] == "leo" and max(cut["points"][::2]) < 0.56  # nothing drawn after the switch went off
    assert len({page.evaluate("window.classroom.board.snapshot()") for page in pages}) == 1

    # 4. "Let every student draw": both students draw, each sees the other's stroke.
    everyone_switch.check()
    for page in (leo_page, mia_page):
        expect_may_draw(page, True)
    for switch in (leo_switch, mia_switch):  # the single switches show it and wait
        expect(switch).to_be_checked()
        expect(switch).to_be_disabled()
    drag(leo_page, (0.6, 0.1), (0.7, 0.2), (0.8, 0.1), (0.85, 0.2))
    drag(mia_page, (0.1, 0.7), (0.2, 0.8), (0.3, 0.75), (0.4, 0.85))
    for page in pages:
        expect_board(page, elements=4, painted=[(0.6, 0.1), (0.1, 0.7)])
    users = sorted(element["user"] for element in teacher_page.evaluate("[...window.classroom.board.elements.values()]"))
    assert users == ["leo", "leo", "leo", "mia"]
    look(mia_page, "classroom-draw-everyone-draws")

    # 5. The teacher's move tool: drag Leo's first stroke down and to the right by its first point.
    teacher_page.locator("label[for=tool-move]").click()
    expect(teacher_page.get_by_role("radio", name="Move")).to_be_checked()
    x0, y0 = leos["points"][0], leos["points"][1]
    # Her connection is slow (what the server sends reaches her page 150 ms late, in order), and
    # each move it relays back to her is noted with where her page then shows the stroke.
    teacher_page.evaluate("""id => {
        const socket = window.classroom.socket, dispatch = socket.dispatch.bind(socket);
        socket.dispatch = (data) => setTimeout(() => dispatch(data), 150);
        window.seenMoves = [];
        window.classroom.socket.on("move", (m) => {
            const b = window.classroom.board, e = b.elements.get(id);
            if (m.id === id) window.seenMoves.push({echo: [m.dx, m.dy], shown: [e.dx, e.dy], dragging: b.dragging !== null});
        });
    }""", leos["id"])
    box = drag(teacher_page, (x0, y0), (x0 + 0.1, y0 + 0.1), (x0 + 0.2, y0 + 0.3), (x0 + 0.3, y0 + 0.4))
    teacher_page.wait_for_function("() => window.classroom.board.dragging === null")
    moved = teacher_page.evaluate("id => window.classroom.board.elements.get(id)", leos["id"])
    # The mouse went 0.3 of the width and 0.4 of the height (give or take a pixel of rounding).
    assert abs(moved["dx"] - 0.3) < 2 / box["width"] and abs(moved["dy"] - 0.4) < 2 / box["height"]
    final = [moved["dx"], moved["dy"]]
    teacher_page.wait_for_function("final => window.seenMoves.some((m) => m.echo[0] === final[0] && m.echo[1] === final[1])", arg=final)
    # Once the mouse was released, late echoes of her own earlier moves did not pull the stroke back.
    seen = teacher_page.evaluate("window.seenMoves")
    assert len(seen) > 3 and all(m["shown"] == final for m in seen if not m["dragging"]), seen
    for page in (leo_page, mia_page):
        page.wait_for_function(
            "([id, dx, dy]) => { const e = window.classroom.board.elements.get(id); return e.dx === dx && e.dy === dy; }",
            arg=[leos["id"], moved["dx"], moved["dy"]],
        )
        expect_board(page, elements=4, painted=[(x0 + moved["dx"], y0 + moved["dy"])], blank=[(x0, y0)])
    snapshot = teacher_page.evaluate("window.classroom.board.snapshot()")
    assert {page.evaluate("window.classroom.board.snapshot()") for page in pages} == {snapshot}
    # The move was stored: a page opened now shows the same board.
    enter(mia_page, course)
    expect_board(mia_page, elements=4, painted=[(x0 + moved["dx"], y0 + moved["dy"])], blank=[(x0, y0)])
    assert mia_page.evaluate("window.classroom.board.snapshot()") == snapshot
    look(teacher_page, "classroom-draw-teacher-moved-stroke")
