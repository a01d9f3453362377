from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElearningConfig(AppConfig):
    """The top layer: URL map, ASGI routing, home dashboards and demo data."""

    name = "elearning"
    verbose_name = _("eLearning site")
