from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformsConfig(AppConfig):
    name = "platforms"
    verbose_name = _("中小企业公共服务平台")

    def ready(self):
        from portal.accounts.roles import Role
        from portal.core import registry

        from . import demo, panels
        from .models import Platform

        registry.register_demo("platforms", demo.load, order=20)
        registry.register_grantable(Platform, role=Role.PLATFORM_OPERATOR)
        panels.register()
