from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "portal.notices"
    label = "notices"
    verbose_name = _("资讯与公告")

    def ready(self):
        from . import panels

        panels.register()
