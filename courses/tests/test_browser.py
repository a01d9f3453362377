"""Courses end to end in Chromium: the teacher opens a course and shares a PDF, a student joins,
downloads it and rates the course, the teacher sees it live and blocks the student."""

import pytest
from playwright.sync_api import expect

from accounts.tests.test_browser import look
from elearning.testing.browser import screenshot
from courses.models import Course, CourseMaterial, Feedback

from .files import EXE, pdf_bytes

pytestmark = pytest.mark.browser


def drop_file(page, selector, name, mime, content: bytes):
    """Drop a file on an element the way a drag from the desktop does (a DataTransfer)."""
    page.evaluate(
        """([selector, name, mime, bytes]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name, { type: mime }));
            const zone = document.querySelector(selector);
            zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
            zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
        }""",
        [selector, name, mime, list(content)],
    )


def test_course_materials_feedback_and_block_flow(page_as, teacher, student):
    teacher_page = page_as(teacher)
    teacher_page.goto("/")
    teacher_page.get_by_role("link", name="New course").click()
    look(teacher_page, "course-create")
    teacher_page.get_by_label("Title").fill("Cell biology")
    teacher_page.get_by_label("Code").fill("bio-9a")
    teacher_page.get_by_label("Description").fill("Cells, <organelles> & membranes.")
    teacher_page.get_by_role("button", name="Create course").click()
    teacher_page.wait_for_url("**/courses/*/")
    course = Course.objects.get(code="BIO-9A")

    # Upload: a renamed program is refused in place, then a real PDF goes up with a progress bar.
    teacher_page.get_by_role("link", name="Upload material").click()
    look(teacher_page, "material-upload")
    teacher_page.get_by_label("File").set_input_files(
        {"name": "syllabus.pdf", "mimeType": "application/pdf", "buffer": EXE}
    )
    teacher_page.get_by_role("button", name="Upload").click()
    error = teacher_page.locator('[data-errors-for="file"]')
    expect(error.get_by_text("Windows program")).to_be_visible()
    look(teacher_page, "material-upload-refused")
    assert not CourseMaterial.objects.exists()

    progress = []
    teacher_page.expose_function("reportProgress", lambda value: progress.append(value))
    teacher_page.evaluate(
        """() => {
            const bar = document.querySelector("[data-progress]");
            new MutationObserver(() => window.reportProgress(bar.getAttribute("aria-valuenow")))
                .observe(bar, { attributes: true, attributeFilter: ["aria-valuenow"] });
        }"""
    )
    drop_file(teacher_page, "[data-dropzone]", "Cells chapter 1.pdf", "application/pdf", pdf_bytes(3))
    expect(teacher_page.get_by_text("Cells chapter 1.pdf")).to_be_visible()  # the zone names the dropped file
    teacher_page.get_by_label("Title").fill("Chapter 1: the cell")
    teacher_page.get_by_role("button", name="Upload").click()
    teacher_page.wait_for_url(f"**/courses/{course.pk}/#materials")
    assert "100" in progress
    expect(teacher_page.get_by_text("Chapter 1: the cell").first).to_be_visible()
    look(teacher_page, "course-detail-owner-with-material")
    # The teacher stays on this page; their badge will rise live as the student acts.
    expect(teacher_page.locator("#notification-badge")).to_have_attribute("data-live", "true")
    teacher_count = teacher_page.locator("#notification-badge [data-notification-count]")
    expect(teacher_count).to_be_hidden()

    # The student finds the course, joins, downloads the PDF and rates the course.
    student_page = page_as(student)
    student_page.goto("/courses/?q=cell")
    look(student_page, "catalogue-search")
    student_page.get_by_role("link", name="Cell biology").click()
    expect(student_page.get_by_text("Cells, <organelles> & membranes.")).to_be_visible()
    expect(student_page.get_by_text("available to the students enrolled")).to_be_visible()
    student_page.get_by_role("button", name="Enroll").click()
    expect(student_page.get_by_text("You joined “Cell biology”.")).to_be_visible()
    expect(teacher_count).to_have_text("1")  # "Stella joined", without a reload
    with student_page.expect_download() as download_info:
        student_page.get_by_role("link", name="Download Chapter 1: the cell").click()
    download = download_info.value
    assert download.suggested_filename == "Cells chapter 1.pdf"
    assert open(download.path(), "rb").read() == pdf_bytes(3)

    student_page.locator('label[for="id_rating_3"]').click()  # the fourth star
    student_page.get_by_label("Comment (optional)").fill("Great diagrams <3")
    look(student_page, "course-detail-enrolled-feedback-form")
    student_page.get_by_role("button", name="Send feedback").click()
    expect(student_page.get_by_text("Thank you for your feedback.")).to_be_visible()
    expect(student_page.locator(".feedback-list").get_by_text("Great diagrams <3")).to_be_visible()
    assert Feedback.objects.get().rating == 4
    expect(teacher_count).to_have_text("2")  # "New feedback", without a reload
    screenshot(teacher_page, "course-detail-owner-badge-risen")
    look(student_page, "course-detail-enrolled-with-feedback")

    teacher_page.goto("/")
    expect(teacher_page.get_by_text("Great diagrams <3")).to_be_visible()
    look(teacher_page, "dashboard-teacher-with-feedback")

    # The teacher blocks the student, who is refused from then on.
    teacher_page.goto(f"/courses/{course.pk}/roster/")
    expect(teacher_page.get_by_text(student.display_name).first).to_be_visible()
    look(teacher_page, "roster")
    asked = []
    teacher_page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    teacher_page.get_by_role("button", name=f"Block {student.display_name}").click()
    expect(teacher_page.get_by_text("blocked from the course")).to_be_visible()
    assert asked and asked[0].startswith(f"Block {student.display_name}?")  # asked first
    look(teacher_page, "roster-after-block")

    student_page.goto(f"/courses/{course.pk}/")
    expect(student_page.get_by_text("The teacher of this course has blocked you from it.")).to_be_visible()
    look(student_page, "course-blocked-403")
    material = CourseMaterial.objects.get()
    response = student_page.request.get(material.get_absolute_url())
    assert response.status == 403
