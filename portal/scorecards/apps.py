from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    name = "portal.scorecards"
    label = "scorecards"
    verbose_name = _("考核评价")

    def ready(self):
        # Registration needs the models and the registry loaded: done here, as every app of the portal does.
        from portal.core.navigation import register_nav
        from portal.core.registry import register_stored_file

        from .models import Objection

        register_nav(_("考核评价"), "scorecards:schemes", lambda u: u.role in ("official", "platform_operator", "base_manager"), order=60)
        register_stored_file(Objection, field="evidence", filename=lambda o: o.evidence_name or "evidence")
