"""Courses end to end in Chromium: a teacher opens a course, a student joins, the teacher blocks."""

import pytest

from accounts.tests.test_browser import look
from courses.models import Course

pytestmark = pytest.mark.browser


def test_teacher_creates_course_student_enrolls_teacher_blocks(page_as, teacher, student):
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
    look(teacher_page, "course-detail-owner")

    student_page = page_as(student)
    student_page.goto("/courses/?q=cell")
    look(student_page, "catalogue-search")
    student_page.get_by_role("link", name="Cell biology").click()
    assert student_page.get_by_text("Cells, <organelles> & membranes.").is_visible()
    student_page.get_by_role("button", name="Enroll").click()
    assert student_page.get_by_text("You joined “Cell biology”.").is_visible()
    look(student_page, "course-detail-enrolled")
    student_page.goto("/")
    assert student_page.get_by_role("link", name="Cell biology").is_visible()
    look(student_page, "dashboard-student-with-course")

    teacher_page.goto(f"/courses/{course.pk}/roster/")
    assert teacher_page.get_by_text(student.display_name).first.is_visible()
    look(teacher_page, "roster")
    teacher_page.get_by_role("button", name=f"Block {student.display_name}").click()
    assert teacher_page.get_by_text("blocked from the course").is_visible()
    look(teacher_page, "roster-after-block")

    student_page.goto(f"/courses/{course.pk}/")
    assert student_page.get_by_text("The teacher of this course has blocked you from it.").is_visible()
    look(student_page, "course-blocked-403")
