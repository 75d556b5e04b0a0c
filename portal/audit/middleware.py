from . import context


def client_ip(request) -> str | None:
    # Behind the reverse proxy, portal.core.middleware.TrustedProxyMiddleware has already put the client here.
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        with context.origin(channel, client_ip(request)):
            return self.get_response(request)
