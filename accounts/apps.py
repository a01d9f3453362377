from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles, sign-up, profile and photos, login safeguards; the bottom layer."""

    name = "accounts"
    verbose_name = _("Accounts")
