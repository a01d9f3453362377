from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    """Quizzes and flashcard decks of a course, generated from a PDF or written by hand."""

    name = "assignments"
    verbose_name = _("Assignments")

    def ready(self):
        from . import notices

        notices.register_kinds()
