from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Delivery only: in-app notifications, their e-mail copies and the live badge."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from accounts.signals import user_blocked

        from . import receivers

        user_blocked.connect(receivers.close_badge_sockets, dispatch_uid="notifications.user_blocked")
