from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles, sign-up, profile and photos, login safeguards; the bottom layer."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from . import receivers

        user_logged_out.connect(receivers.recheck_sockets_on_logout, dispatch_uid="accounts.logout_sockets")
