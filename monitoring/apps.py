from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("运行监测")

    def ready(self):
        from monitoring import files, panels

        panels.register()
        files.register()
