"""In Chromium: a full course description with line breaks typed into the real box is saved; the
catalogue marks the student's courses; a closed course reads as closed; a duplicate upload is
refused naming the first; a material is renamed. Screenshots at 1280 and 375 px wide."""

import pytest
from playwright.sync_api import expect

from accounts.tests.test_browser import look
from courses import services
from courses.models import Course, CourseMaterial
from elearning.testing.browser import MOBILE

from .factories import CourseFactory, EnrollmentFactory, FeedbackFactory, MaterialFactory
from .files import pdf_bytes

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 800}


def look_both(page, name):
    """Checked by axe and photographed wide, then at a phone's width (nothing may overflow)."""
    page.set_viewport_size(WIDE)
    look(page, f"{name}-1280")
    page.set_viewport_size(MOBILE)
    look(page, f"{name}-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"], name
    page.set_viewport_size(WIDE)


def test_a_full_description_with_line_breaks_fits_the_box_and_is_saved(page_as, teacher):
    course = CourseFactory(teacher=teacher, title="Botany", code="BOT-1", description="")
    page = page_as(teacher)
    page.goto(f"/courses/{course.pk}/edit/")
    box = page.get_by_label("Description")
    lines = ["a" * 1249, "b" * 1249, "c" * 1249, "d" * 1250]  # 4,997 letters + 3 line breaks
    box.fill("\n".join(lines))
    box.press("End")
    page.keyboard.type("zz")  # the box is full: the browser takes no more
    assert box.evaluate("el => el.value.length") == 5000
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/courses/{course.pk}/")
    expect(page.get_by_text("Course saved.")).to_be_visible()
    course.refresh_from_db()
    assert course.description == "\n".join(lines)  # sent as CRLF, stored with one character a break


def test_catalogue_marks_the_students_courses(page_as, student, teacher):
    joined = CourseFactory(teacher=teacher, title="Cell biology", code="BIO-9A", description="Cells and membranes.")
    EnrollmentFactory(course=joined, student=student)
    CourseFactory(teacher=teacher, title="Organic chemistry", code="CHEM-2", description="Carbon, mostly.")
    page = page_as(student)
    page.goto("/courses/")
    card = page.locator(".course-card", has_text="Cell biology")
    expect(card.get_by_text("Enrolled")).to_be_visible()
    expect(page.locator(".course-card", has_text="Organic chemistry").get_by_text("Enrolled")).to_have_count(0)
    look_both(page, "catalogue-enrolled-marks")
    page.goto("/courses/?page=999")
    expect(card.get_by_text("Enrolled")).to_be_visible()  # the last page, not a 404


def test_a_closed_course_reads_as_closed_to_its_student(page_as, student, teacher):
    course = CourseFactory(teacher=teacher, title="Old botany", code="BOT-0", description="Leaves and roots.")
    EnrollmentFactory(course=course, student=student)
    MaterialFactory(course=course, title="Leaf atlas")
    FeedbackFactory(course=course, student=student, rating=4, comment="Good walks.")
    services.course_update(course=course, is_active=False)
    page = page_as(student)
    page.goto("/")
    page.get_by_role("link", name="Old botany").click()
    expect(page.locator("#course-closed")).to_contain_text("This course is closed.")
    expect(page.get_by_role("link", name="Live classroom")).to_have_count(0)
    expect(page.get_by_role("link", name="Download Leaf atlas")).to_be_visible()
    look_both(page, "course-closed-student")
    page.goto(f"/courses/{course.pk}/classroom/")
    expect(page.get_by_text("This course is closed")).to_be_visible()
    look_both(page, "classroom-closed-student")


def test_a_duplicate_upload_is_refused_and_a_material_is_renamed(page_as, teacher):
    course = CourseFactory(teacher=teacher, title="Cell biology", code="BIO-9A")
    content = pdf_bytes(2)
    first = MaterialFactory(course=course, title="Week 1 handout", original_name="week1.pdf", file__data=content)
    page = page_as(teacher)
    page.goto(f"/courses/{course.pk}/materials/new/")
    page.get_by_label("File").set_input_files({"name": "copy.pdf", "mimeType": "application/pdf", "buffer": content})
    page.get_by_role("button", name="Upload").click()
    error = page.locator('[data-errors-for="file"]')
    expect(error).to_contain_text("already in the course as “Week 1 handout”")
    assert CourseMaterial.objects.count() == 1
    look_both(page, "material-upload-duplicate")

    page.goto(f"/courses/{course.pk}/#materials")
    page.get_by_role("link", name="Edit Week 1 handout").click()
    look_both(page, "material-edit")
    page.get_by_label("Title").fill("Week 1: what a cell is")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/courses/{course.pk}/#materials")
    expect(page.get_by_text("Week 1: what a cell is").first).to_be_visible()
    first.refresh_from_db()
    assert first.title == "Week 1: what a cell is"
    assert Course.objects.get(pk=course.pk).materials.count() == 1
