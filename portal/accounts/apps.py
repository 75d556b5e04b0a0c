from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("用户与角色")

    def ready(self):
        from . import panels, signals  # noqa: F401 - signals connect on import

        panels.register()
