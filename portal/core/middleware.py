"""The client's address behind the reverse proxy.

gunicorn passes the proxy's own address as REMOTE_ADDR. When a request comes from one of the
TRUSTED_PROXIES, the client is the right-most X-Forwarded-For entry that is not itself a trusted
proxy; REMOTE_ADDR is replaced by it before anything reads it (the audit trail, API throttles, the
form throttles, the login lockout). A request from anywhere else keeps its REMOTE_ADDR: a forged header
changes nothing.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import Resolver404, get_resolver, resolve
from django.utils.translation import gettext as _


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

    @staticmethod
    def _anonymous(request) -> bool:
        return "HTTP_AUTHORIZATION" not in request.META and not request.user.is_authenticated

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
