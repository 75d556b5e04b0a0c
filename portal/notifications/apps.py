from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    label = "notifications"
    verbose_name = _("消息通知")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from portal.core.navigation import register_nav

        from .selectors import can_see_schedule
        from .services import prime_unread

        register_nav(_("定时任务"), "notifications:jobs", can_see_schedule, order=90)
        user_logged_in.connect(prime_unread, dispatch_uid="notifications.prime_unread")
