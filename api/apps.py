from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Submission API")

    def ready(self):
        # Registers the schema's description of the key authentication (drf-spectacular finds
        # extensions by import).
        from api import schema  # noqa: F401, PLC0415
