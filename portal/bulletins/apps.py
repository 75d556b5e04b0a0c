from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "portal.bulletins"
    label = "bulletins"
    verbose_name = _("通报")

    def ready(self):
        from portal.core.navigation import register_nav

        register_nav(_("通报"), "bulletins:list", lambda u: u.is_official, order=30)
