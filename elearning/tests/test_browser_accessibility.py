"""What axe does not measure, measured in Chromium: focus that shows (and at 3:1), the star
rating as one radio group in visual order, and the contrast of the few things a keyboard and
contrast walk found faint (WCAG 1.4.3 text 4.5:1, 1.4.11 non-text 3:1, 2.4.7 focus visible)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.tests.test_browser import look
from courses import services as course_services
from courses.tests.factories import CourseFactory
from elearning.testing.browser import MOBILE, screenshot

pytestmark = pytest.mark.browser

# contrast(a, b) of two CSS colours (rgb()/rgba(), an alpha one laid over b), as WCAG defines it.
CONTRAST = """
window.contrast = (a, b) => {
  const parse = (c) => c.match(/[\\d.]+/g).map(Number);
  let [r, g, bl, al = 1] = parse(a);
  const [r2, g2, b2] = parse(b);
  [r, g, bl] = [r * al + r2 * (1 - al), g * al + g2 * (1 - al), bl * al + b2 * (1 - al)];
  const lum = (x, y, z) => [x, y, z].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const [hi, lo] = [lum(r, g, bl), lum(r2, g2, b2)].sort((p, q) => q - p);
  return Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
};
"""


def with_contrast(page):
    page.add_init_script(CONTRAST)
    return page


def focused_ring(page):
    """The focused element's outline: style, width in px, and its contrast with ``behind``."""
    return page.evaluate("""() => {
        const el = document.activeElement, s = getComputedStyle(el);
        return {tag: el.tagName, text: el.textContent.trim(), style: s.outlineStyle,
                width: parseFloat(s.outlineWidth), color: s.outlineColor};
    }""")


def tab_to(page, selector, limit=40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => document.activeElement.matches(sel)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def assert_ring(page, behind: str, name: str):
    ring = focused_ring(page)
    assert ring["style"] != "none" and ring["width"] >= 2, f"{name}: no focus ring {ring}"
    ratio = page.evaluate("([a, b]) => contrast(a, b)", [ring["color"], behind])
    assert ratio >= 3, f"{name}: focus ring {ring['color']} on {behind} is {ratio}:1"


def test_focus_shows_on_navbar_links_inputs_and_the_width_slider(page_as, teacher):
    course = CourseFactory(teacher=teacher)
    page = with_contrast(page_as(teacher))
    page.goto("/")
    navbar = page.evaluate("getComputedStyle(document.querySelector('nav.navbar')).backgroundColor")
    tab_to(page, "nav .navbar-nav .nav-link")
    assert_ring(page, navbar, "navbar link")
    screenshot(page, "focus-navbar-link")

    page.goto("/accounts/profile/")
    tab_to(page, "input.form-control")
    assert_ring(page, "rgb(255, 255, 255)", "text input")

    page.goto(f"/courses/{course.pk}/classroom/")
    tab_to(page, "#board-width")
    assert_ring(page, "rgb(255, 255, 255)", "Width slider")
    screenshot(page, "focus-width-slider")
    # The switch's edge and knob are seen at 3:1 (Bootstrap's were 1.3:1 and 1.8:1).
    switch = page.evaluate("""() => { const s = getComputedStyle(document.getElementById('draw-all'));
        return {border: s.borderTopColor, knob: s.backgroundImage}; }""")
    assert page.evaluate("([a]) => contrast(a, 'rgb(255, 255, 255)')", [switch["border"]]) >= 3
    assert "767d84" in switch["knob"]


def test_star_rating_is_one_radio_group_in_visual_order(page_as, student):
    course = CourseFactory()
    course_services.enrollment_enroll(student=student, course=course)
    page = page_as(student)
    page.goto(course.get_absolute_url())
    stars = page.locator(".star-rating label")
    xs = [stars.nth(i).bounding_box()["x"] for i in range(5)]
    assert xs == sorted(xs)  # 1★ at the left … 5★ at the right, as in the markup

    # One Tab stop: Tab lands on 1★ (nothing chosen yet), the next Tab leaves the group.
    tab_to(page, "input[name=rating]")
    assert page.evaluate("document.activeElement.value") == "1"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    checked = page.get_by_role("radio", name="4 stars")
    expect(checked).to_be_checked()
    expect(checked).to_be_focused()
    expect(page.locator(".star-rating .bi-star-fill:visible")).to_have_count(4)  # lit up to the 4th
    look(page, "course-rating-keyboard")
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("radio", name="3 stars")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Comment (optional)")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("radio", name="3 stars")).to_be_focused()  # back to the checked one
    expect(page.get_by_role("radiogroup", name="Your rating")).to_be_visible()
    page.set_viewport_size(MOBILE)
    screenshot(page, "course-rating-keyboard-mobile")


def test_faint_things_reach_their_contrast(page_as, new_page, student):
    # The landing hero: its links over the gradient's darker end (#e8f1f9), text at 4.5:1.
    page = with_contrast(new_page())
    page.goto("/")
    for name in ("Log in", "I'm a student"):
        link = page.locator(".hero").get_by_role("link", name=name)
        ratio = link.evaluate("(el) => contrast(getComputedStyle(el).color, 'rgb(232, 241, 249)')")
        assert ratio >= 4.5, f"{name}: {ratio}:1"
    screenshot(page, "landing")
    page.set_viewport_size(MOBILE)
    screenshot(page, "landing-mobile")
    page.set_viewport_size({"width": 1280, "height": 720})

    # The bell in the phone bar, against the bar (an icon that means something: 3:1).
    course = CourseFactory(title="Botany")
    course_services.enrollment_enroll(student=student, course=course)
    phone = with_contrast(page_as(student, viewport=MOBILE))
    phone.goto(course.get_absolute_url())
    bell = phone.get_by_role("link", name="Notifications, none unread")
    expect(bell).to_be_visible()
    ratio = bell.evaluate("""(el) => contrast(getComputedStyle(el.querySelector('i')).color,
        getComputedStyle(el.closest('nav')).backgroundColor)""")
    assert ratio >= 3, f"phone bell: {ratio}:1"

    # "You are enrolled": a status, not a disabled button; its text keeps 4.5:1 on its green.
    enrolled = phone.get_by_text("You are enrolled")
    style = enrolled.evaluate("(el) => { const s = getComputedStyle(el); return [s.opacity, s.color, s.backgroundColor]; }")
    assert float(style[0]) == 1
    assert phone.evaluate("([a, b]) => contrast(a, b)", style[1:]) >= 4.5
    screenshot(phone, "course-enrolled-mobile")

    # Form fields' edges at 3:1 on the white card.
    page.goto("/accounts/login/")
    border = page.get_by_label("Username").evaluate("(el) => getComputedStyle(el).borderTopColor")
    assert page.evaluate("([a]) => contrast(a, 'rgb(255, 255, 255)')", [border]) >= 3


def test_a_refused_login_is_announced_and_described_on_the_fields(page):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Please enter a correct username and password")
    username = page.get_by_label("Username")
    expect(username).to_be_focused()  # autofocus: the error is read as the field's description
    for field in (username, page.get_by_label("Password")):
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(alert.inner_text())
    look(page, "login-error")
    page.set_viewport_size(MOBILE)
    screenshot(page, "login-error-mobile")
