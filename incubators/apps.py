from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubatorsConfig(AppConfig):
    name = "incubators"
    verbose_name = _("小企业创业基地")

    def ready(self):
        from portal.accounts.roles import Role
        from portal.core import registry

        from . import demo, panels
        from .models import StartupBase

        registry.register_demo("incubators", demo.load, order=30)
        registry.register_grantable(StartupBase, role=Role.BASE_MANAGER)
        panels.register()
