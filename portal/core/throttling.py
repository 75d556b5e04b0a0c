"""Throttles and pagination named in REST_FRAMEWORK settings.

Kept apart from portal.core.api, which imports DRF's views: those read these very settings when their
module loads, so the classes the settings name must live in a module that does not import the views.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
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


class SingleValuedPaginationMixin:
    """A page, a cursor and a page size are one value each: a repeated one (``?page_size=10&page_size=500``)
    answers 400 rather than one of them being picked silently (API 1.1)."""

    def paginate_queryset(self, queryset, request, view=None):
        for name in ("page_query_param", "cursor_query_param", "page_size_query_param"):
            param = getattr(self, name, None)
            if param and len(request.query_params.getlist(param)) > 1:
                raise ValidationError({param: [_("“%(name)s”只能指定一次。") % {"name": param}]})
        return super().paginate_queryset(queryset, request, view)


class PortalPagination(SingleValuedPaginationMixin, PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
