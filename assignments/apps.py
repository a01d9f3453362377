from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    """Quizzes and flashcard decks of a course, generated from a PDF or written by hand."""

    name = "assignments"
    verbose_name = _("Assignments")

    def ready(self):
        from courses.signals import course_deleted

        from . import notices, receivers

        notices.register_kinds()
        course_deleted.connect(receivers.delete_source_files, dispatch_uid="assignments.course_deleted")
