from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    """Invitations (one person, or a class from a spreadsheet) and course join links."""

    name = "invitations"
    verbose_name = _("Invitations")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import notices, receivers

        notices.register_kinds()
        user_logged_in.connect(receivers.join_after_login, dispatch_uid="invitations.join_after_login")
