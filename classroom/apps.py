from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassroomConfig(AppConfig):
    """The live room of a course: chat, whiteboard and audio over one WebSocket."""

    name = "classroom"
    verbose_name = _("Classroom")

    def ready(self):
        from accounts.signals import user_blocked
        from courses.signals import access_revoked, course_closed, course_deleted

        from . import receivers

        access_revoked.connect(receivers.close_sockets_of_revoked, dispatch_uid="classroom.access_revoked")
        course_deleted.connect(receivers.end_classroom, dispatch_uid="classroom.course_deleted")
        course_closed.connect(receivers.close_classroom_to_students, dispatch_uid="classroom.course_closed")
        user_blocked.connect(receivers.close_sockets_of_blocked, dispatch_uid="classroom.user_blocked")
