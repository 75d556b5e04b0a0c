"""Throttles and pagination named in REST_FRAMEWORK settings.

Kept apart from portal.core.api, which imports DRF's views: those read these very settings when their
module loads, so the classes the settings name must live in a module that does not import the views.
"""

from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from portal.audit.middleware import client_ip


class _ClientAddressMixin:
    """Identify the client by the address the audit trail records (REMOTE_ADDR, set by the proxy),
    never by a client-supplied X-Forwarded-For."""

    def get_ident(self, request):
        return client_ip(request) or "unknown"


class PortalAnonRateThrottle(_ClientAddressMixin, AnonRateThrottle):
    pass


class PortalUserRateThrottle(_ClientAddressMixin, UserRateThrottle):
    pass


class PortalPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
