"""API plumbing shared by every app.

- ``exception_handler``: service errors (Django's ValidationError, Conflict, NotFound, PermissionDenied)
  become responses, so viewsets only translate HTTP to arguments.
- ``ProbeThrottlingMixin``: failed token authentications are counted per client address; a client
  probing keys is answered 429 once it passes the anonymous rate.
- ``PortalAnonRateThrottle`` / ``PortalUserRateThrottle``: the rates of ``DEFAULT_THROTTLE_RATES``,
  identifying the client by the address the audit trail records (``REMOTE_ADDR``, set by the proxy),
  never by a client-supplied ``X-Forwarded-For``.
- ``PortalPagination``: page-number pagination with a bounded ``page_size``.
- ``not_found``: Django's 404 handler; a URL under /api/ that no route matches answers the API's JSON 404.
- ``OfflineSwaggerView`` / ``OfflineRedocView``: the API documentation pages, served without any other host.
- ``ScopedModelSerializer``: the base of every model serializer. Its related fields (declared or
  generated) accept only the rows the request's user may read, as ``ScopedForm`` does for forms; a
  related field declared on a serializer is a ``ScopedPrimaryKeyRelatedField`` / ``ScopedSlugRelatedField``
  (tests/security/test_rules.py fails on any other).
- ``ScopedReadOnlyViewSet``: the base of every read-only viewset. Subclasses implement
  ``get_queryset()`` starting from ``Model.objects.visible_to(request.user)`` (or a selector that
  does), so an object of another scope answers 404 exactly like a missing one.
"""

import json

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from portal.accounts.scoping import scope_for

from .exceptions import Conflict, NotFound
from .throttling import (
    PortalAnonRateThrottle,
    PortalPagination,
    PortalUserRateThrottle,
    SingleValuedPaginationMixin,
    _ClientAddressMixin,
)

__all__ = ["PortalAnonRateThrottle", "PortalPagination", "PortalUserRateThrottle", "SingleValuedPaginationMixin",
           "exception_handler"]


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, NotFound):
        return Response({"detail": _("未找到。")}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return Response({"detail": str(exc) or _("无权执行此操作。")}, status=status.HTTP_403_FORBIDDEN)
    return drf_exception_handler(exc, context)


API_PREFIX = "/api/"


def not_found(request, exception=None):
    """A URL no route matches (``/api/v1/enterprises/not-a-code/``): under /api/ the body every API 404 has,
    ``{"detail": "未找到。"}`` as JSON, as the schema documents; elsewhere the portal's page, templates/404.html."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("未找到。")}, status=status.HTTP_404_NOT_FOUND,
                            json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception, template_name="404.html")


# -- scoped serializers ----------------------------------------------------------------------------
class _ScopedRelated:
    """The rows a related field accepts: those the request's user may read; none without a request."""

    def get_queryset(self):
        qs = super().get_queryset()  # type: ignore[misc]
        if qs is None:
            return qs
        request = self.context.get("request")  # type: ignore[attr-defined]
        if request is None:
            return qs.none()
        return scope_for(request.user).visible(qs)


class ScopedPrimaryKeyRelatedField(_ScopedRelated, serializers.PrimaryKeyRelatedField):
    pass


class ScopedSlugRelatedField(_ScopedRelated, serializers.SlugRelatedField):
    pass


class ScopedModelSerializer(serializers.ModelSerializer):
    serializer_related_field = ScopedPrimaryKeyRelatedField
    serializer_related_to_field = ScopedSlugRelatedField


# -- throttling ------------------------------------------------------------------------------------
class FailedAuthenticationThrottle(_ClientAddressMixin, SimpleRateThrottle):
    """Counts failed token authentications per client address, at the anonymous rate."""

    scope = "anon"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": "auth-failure", "ident": self.get_ident(request)}


THROTTLE_CLASSES = [PortalAnonRateThrottle, PortalUserRateThrottle]


# -- authentication --------------------------------------------------------------------------------
# Token first: a request without valid credentials is answered 401 with `WWW-Authenticate: Token`.
AUTHENTICATION_CLASSES = [TokenAuthentication, SessionAuthentication]


class ProbeThrottlingMixin:
    """Failed authentications (a wrong token key) count against the client's anonymous rate.

    DRF checks throttles only after authentication, so without this a wrong key is answered 401
    forever and key probing is never rate-limited.
    """

    def perform_authentication(self, request):
        try:
            super().perform_authentication(request)
        except AuthenticationFailed:
            throttle = FailedAuthenticationThrottle()
            if not throttle.allow_request(request, self):
                raise Throttled(wait=throttle.wait()) from None
            raise


# -- pagination ------------------------------------------------------------------------------------
# -- base views ------------------------------------------------------------------------------------
class PortalAPIMixin(ProbeThrottlingMixin):
    """Authentication, permission, throttling and pagination every portal endpoint shares."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    throttle_classes = THROTTLE_CLASSES
    pagination_class = PortalPagination


class ScopedReadOnlyViewSet(PortalAPIMixin, viewsets.ReadOnlyModelViewSet):
    """List and retrieve, nothing else. ``get_queryset`` must start from ``visible_to(user)``."""

    def get_queryset(self):  # pragma: no cover - every subclass scopes its own queryset
        raise NotImplementedError("start from Model.objects.visible_to(self.request.user)")


# -- documentation ---------------------------------------------------------------------------------
class SchemaView(ProbeThrottlingMixin, SpectacularAPIView):
    """The OpenAPI schema: public (drf-spectacular's SERVE_PERMISSIONS), throttled like the API."""

    authentication_classes = AUTHENTICATION_CLASSES
    throttle_classes = THROTTLE_CLASSES


class OfflineSwaggerView(ProbeThrottlingMixin, SpectacularSwaggerView):
    """Swagger UI from the sidecar's assets under /static/, with nothing fetched from another host.

    Swagger UI would load a validity badge from validator.swagger.io; government intranets are often
    offline, so the validator is switched off.
    """

    authentication_classes = AUTHENTICATION_CLASSES
    throttle_classes = THROTTLE_CLASSES

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        configured = spectacular_settings.SWAGGER_UI_SETTINGS
        ui_settings = json.loads(configured) if isinstance(configured, str) else dict(configured)
        response.data["settings"] = json.dumps({**ui_settings, "validatorUrl": None}, indent=2)
        return response


class OfflineRedocView(ProbeThrottlingMixin, SpectacularRedocView):
    """Redoc from the sidecar's assets under /static/; the page's own template would load its fonts from
    fonts.googleapis.com, so api/redoc.html leaves them out (the system fonts serve)."""

    authentication_classes = AUTHENTICATION_CLASSES
    throttle_classes = THROTTLE_CLASSES
    template_name = "api/redoc.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
