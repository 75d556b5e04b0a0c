"""Middleware of the core: the client's address behind the reverse proxy; input no column stores refused.

``TrustedProxyMiddleware``: gunicorn passes the proxy's own address as REMOTE_ADDR. When a request comes from one of the
TRUSTED_PROXIES, the client is the right-most X-Forwarded-For entry that is not itself a trusted
proxy; REMOTE_ADDR is replaced by it before anything reads it (the audit trail, API throttles, the
form throttles, the login lockout). A request from anywhere else keeps its REMOTE_ADDR: a forged header
changes nothing.

``RequestBodyLimitMiddleware``: a body refused by its Content-Length before anything reads it.

``IgnoreUnstorableCredentialsMiddleware``: a cookie or token carrying NUL is treated as absent.

``RejectUnstorableInputMiddleware``: a path, query string or page form carrying NUL answers 400 (an API path 404).
"""

import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, get_resolver, resolve
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from .bounds import storable

API_PREFIX = "/api/"
TOKEN_HEADER = re.compile(r"Token ([0-9a-f]{40})")


def client_address(request) -> str | None:
    """The client's address as this middleware computes it.

    Idempotent: once the middleware has put the client into REMOTE_ADDR, that address is not a trusted
    proxy and is returned as it is. django-axes reads the address through this function
    (AXES_CLIENT_IP_CALLABLE), so the lockout and the audit trail always name the same client.
    """
    trusted = settings.TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted and remote in trusted and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        client = next((h for h in reversed(hops) if h not in trusted), None)
        if client:
            return client
    return remote or None


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        client = client_address(request)
        if client:
            request.META["REMOTE_ADDR"] = client
        return self.get_response(request)


def _content_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    """Refuse a request body by its Content-Length before anything reads it.

    Django spools an uploaded file to disk while parsing the form (the CSRF check reads the form of any POST),
    and gunicorn has no limit of its own: without this a 100 MB POST is read whole before the login redirect or
    the form's size check. Every request is limited to REQUEST_MAX_BODY_BYTES (413); a visitor who is not
    signed in (and names no API token) may send at most ANONYMOUS_MAX_BODY_BYTES, enough for the login and
    registration forms and too little for a file: beyond it a page asks them to sign in (302), the API answers 401. The reverse proxy should refuse earlier still (docs/operations.md).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _content_length(request)
        if length > settings.ANONYMOUS_MAX_BODY_BYTES and self._anonymous(request):
            return self._sign_in_first(request)
        if length > settings.REQUEST_MAX_BODY_BYTES:
            return self._too_large(request)
        return self.get_response(request)

    @classmethod
    def _anonymous(cls, request) -> bool:
        """Neither signed in nor, on the API, carrying a valid token (a header alone lifts nothing)."""
        if request.user.is_authenticated:
            return False
        header = request.META.get("HTTP_AUTHORIZATION", "")
        match = TOKEN_HEADER.fullmatch(header) if cls._api(request) else None
        return match is None or not Token.objects.filter(key=match.group(1)).exists()

    @staticmethod
    def _api(request) -> bool:
        return request.path_info.startswith("/api/")

    def _too_large(self, request):
        message = _("请求内容过大:不能超过 %(mb)d MB。") % {"mb": settings.REQUEST_MAX_BODY_BYTES // (1 << 20)}
        if self._api(request):
            return JsonResponse({"detail": message}, status=413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")

    def _sign_in_first(self, request):
        if self._api(request):
            return JsonResponse({"detail": _("请先登录或提供访问令牌。")}, status=401)
        return redirect_to_login(request.get_full_path())


def unstorable_request_message() -> str:
    return _("请求中含有不允许的字符(空字符),未处理。请检查链接或填写的内容后重试。")


class IgnoreUnstorableCredentialsMiddleware:
    """A cookie or an ``Authorization`` header carrying NUL is treated as absent: no session key or token holds
    one, so it cannot be valid, and looking it up would fail on PostgreSQL (which refuses NUL in text). The
    visitor is simply not signed in by it. Placed before the session middleware, which reads the cookie.
    Python's cookie parser turns an escaped "\\000" into NUL, so a cookie can carry one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, value in list(request.COOKIES.items()):
            if not (storable(name) and storable(value)):
                del request.COOKIES[name]
        if not storable(request.META.get("HTTP_AUTHORIZATION", "")):
            del request.META["HTTP_AUTHORIZATION"]
        return self.get_response(request)


def _unstorable_parameter(request) -> str | None:
    """The name of the first query parameter or (pages) posted form field holding a character no column stores
    ("" for a name that holds one itself), or None."""
    sources = [request.GET]
    if (request.method == "POST" and not request.path.startswith(API_PREFIX)
            and _content_length(request) <= settings.ANONYMOUS_MAX_BODY_BYTES):
        # A page's form, read here only when small: a larger body (an upload) is RequestBodyLimitMiddleware's to
        # measure first, and its text fields are Django form fields, which refuse NUL themselves. The API's
        # bodies are checked by its parsers (portal.core.parsers), which answer in JSON.
        sources.append(request.POST)
    for data in sources:
        for key, values in data.lists():
            if not storable(key):
                return ""
            if not all(storable(v) for v in values):
                return key
    return None


class RejectUnstorableInputMiddleware:
    """Answer a request whose path, query string or page form carries NUL ("%00") before anything uses it:
    PostgreSQL refuses NUL in text, so any lookup or filter made with it would fail (a search box, a region
    code, a login name). Pages answer 400 with the reason in the user's language; the API answers as its
    schema says: 400 with the reason under the parameter (``{"q": ["…"]}``), or 404 for a path, which names no
    object. Unpaired surrogates cannot arrive this way: Django decodes paths, query strings and forms as UTF-8
    and replaces what does not decode. JSON bodies are the parsers' part (``portal.core.parsers``), cookies and
    tokens ``IgnoreUnstorableCredentialsMiddleware``'s.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path.startswith(API_PREFIX)
        if not storable(request.path):
            if api:
                return JsonResponse({"detail": _("未找到。")}, status=404)
            return self._page(request)
        name = _unstorable_parameter(request)
        if name is not None:
            if api:
                return JsonResponse({name or "non_field_errors": [unstorable_request_message()]}, status=400)
            return self._page(request)
        return self.get_response(request)

    @staticmethod
    def _page(request):
        return render(request, "core/bad_request.html", {"message": unstorable_request_message()}, status=400)


class NotFoundPageMiddleware:
    """With DEBUG on, Django answers an unmatched URL or a view's Http404 with its technical page, not the
    handler404; this shows the portal's own 404 (the API's JSON under /api/) in development too, so what a
    person sees does not depend on DEBUG. Without DEBUG it does nothing: Django calls handler404 itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.DEBUG:
            try:
                resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return _not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return _not_found(request, exception)
        return None


def _not_found(request, exception):
    handler = get_resolver(getattr(request, "urlconf", None)).resolve_error_handler(404)
    return handler(request, exception)
