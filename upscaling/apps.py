from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpscalingConfig(AppConfig):
    name = "upscaling"
    verbose_name = _("小微工业企业列规增收")

    def ready(self):
        from portal.core import registry

        from . import demo, figures, panels

        registry.register_demo("upscaling", demo.load, order=40)
        figures.register_figures()
        panels.register()
