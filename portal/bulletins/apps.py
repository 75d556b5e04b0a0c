from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "portal.bulletins"
    label = "bulletins"
    verbose_name = _("通报")

    def ready(self):
        from portal.core.navigation import register_nav
        from portal.core.registry import register_stored_file

        from .models import Bulletin
        from .selectors import visible_bulletins

        register_nav(_("通报"), "bulletins:list", lambda u: u.is_official, order=30)
        # Drafts are read by their kind's managers only, as on the bulletin pages.
        register_stored_file(Bulletin, rows=lambda user: visible_bulletins(user=user),
                             filename=lambda bulletin: f"{bulletin.title}.xlsx")
