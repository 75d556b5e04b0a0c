"""Session rules of graded protection: idle timeout and password age.

Both may run before Django's MessageMiddleware (they sit right after authentication), so their notes
to the user go through ``_redirect_with_message``, which works whichever order the middleware has.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.messages import constants
from django.contrib.messages.storage import default_storage
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

LAST_SEEN_KEY = "_last_seen"
# The last-seen time is written to the session at most once a minute: a session write on every request
# would cost a database write per page and per API call for a precision nobody needs.
LAST_SEEN_RESOLUTION = 60
EXEMPT_PREFIXES = ("/static/", "/i18n/", "/jsi18n/", "/media/")
# The API obeys the same rules when it is used through the browser's session; a request authenticated by
# a token carries no session user here, so the rules below never see it (tokens are revoked instead when
# the password changes or the account is disabled).
API_PREFIX = "/api/"


def _redirect_with_message(request, level: int, text: str, url: str):
    response = redirect(url)
    storage = getattr(request, "_messages", None)
    if storage is not None:
        storage.add(level, text)
    else:  # MessageMiddleware has not run yet and will not see this response: store the note ourselves
        storage = default_storage(request)
        storage.add(level, text)
        storage.update(response)
    return response


class IdleTimeoutMiddleware:
    """Log a user out after SESSION_IDLE_TIMEOUT seconds without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                if request.path.startswith(API_PREFIX):
                    return self.get_response(request)  # now anonymous: the API answers 401/403 itself
                login_url = f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
                return _redirect_with_message(
                    request, constants.INFO, _("您已长时间未操作,为保障账号安全已自动退出,请重新登录。"), login_url)
            if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def password_expired(user) -> bool:
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    return bool(max_age) and user.password_changed_at < timezone.now() - timedelta(days=max_age)


def password_days_left(user) -> int | None:
    """Days until the password must be changed (negative: overdue); None when passwords never expire."""
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if not max_age:
        return None
    return (user.password_changed_at + timedelta(days=max_age) - timezone.now()).days


class PasswordAgeMiddleware:
    """A user whose password is older than PASSWORD_MAX_AGE_DAYS must change it before anything else."""

    ALLOWED = ("accounts:password_change", "accounts:logout", "set_language", "core:care_mode")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed and password_expired(user):
                if request.path.startswith(API_PREFIX):

                    return JsonResponse({"detail": _("密码已过期,请先在网页上修改密码。")}, status=403)
                return _redirect_with_message(
                    request, constants.WARNING,
                    _("您的密码为初始密码或已超过 %(days)d 天未修改,请先修改密码。") % {"days": settings.PASSWORD_MAX_AGE_DAYS},
                    reverse("accounts:password_change"))
        return self.get_response(request)


class UserLanguageMiddleware:
    """The signed-in user's chosen language wins over the cookie and the browser's (it sits right after
    authentication; LocaleMiddleware has picked a language for anonymous requests already)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
