"""Session rules of graded protection: idle timeout and password age."""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

LAST_SEEN_KEY = "_last_seen"


class IdleTimeoutMiddleware:
    """Log a user out after SESSION_IDLE_TIMEOUT seconds without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.path.startswith("/api/"):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("您已长时间未操作,为保障账号安全已自动退出,请重新登录。"))
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def password_expired(user) -> bool:
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    return bool(max_age) and user.password_changed_at < timezone.now() - timedelta(days=max_age)


class PasswordAgeMiddleware:
    """A user whose password is older than PASSWORD_MAX_AGE_DAYS must change it before anything else."""

    ALLOWED = ("accounts:password_change", "accounts:logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(("/static/", "/api/", "/i18n/")):
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed and password_expired(user):
                messages.warning(request, _("您的密码已超过 %(days)d 天未修改,请先修改密码。") % {
                    "days": settings.PASSWORD_MAX_AGE_DAYS})
                return redirect("accounts:password_change")
        return self.get_response(request)
