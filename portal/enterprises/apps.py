from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "portal.enterprises"
    label = "enterprises"
    verbose_name = _("企业名录")

    def ready(self):
        from . import panels

        panels.register()
