from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Courses, enrollment, rosters and per-course blocks, materials and feedback."""

    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from . import notices

        notices.register_kinds()
