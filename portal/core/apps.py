from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = _("门户")

    def ready(self):
        from portal.core.periods import register_converters

        register_converters()
