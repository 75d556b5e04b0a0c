"""The client's address behind the reverse proxy.

gunicorn passes the proxy's own address as REMOTE_ADDR. When a request comes from one of the
TRUSTED_PROXIES, the client is the right-most X-Forwarded-For entry that is not itself a trusted
proxy; REMOTE_ADDR is replaced by it before anything reads it (the audit trail, API throttles, the
form throttles, the login lockout). A request from anywhere else keeps its REMOTE_ADDR: a forged header
changes nothing.
"""

from django.conf import settings


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
