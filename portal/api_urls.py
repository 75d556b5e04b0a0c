"""The portal's API, version 1, under /api/v1/ (namespace ``api``).

Every endpoint is read-only except the user's own token; all require a session or a token
(``Authorization: Token <key>``), except the schema and its documentation pages, which are public and
served entirely from this server (Swagger UI and Redoc assets from drf-spectacular-sidecar under /static/).
"""

from django.urls import path
from rest_framework.routers import DefaultRouter

from portal.accounts.api import MeView, TokenView
from portal.audit.api import AuditEntryViewSet
from portal.core.api import OfflineRedocView, OfflineSwaggerView, SchemaView
from portal.enterprises.api import EnterpriseViewSet
from portal.regions.api import RegionViewSet

app_name = "api"


class Router(DefaultRouter):
    include_format_suffixes = False


router = Router()
router.register("regions", RegionViewSet, basename="regions")
router.register("enterprises", EnterpriseViewSet, basename="enterprises")
router.register("audit", AuditEntryViewSet, basename="audit")

# The schema and its documentation keep drf-spectacular's public permissions, with the portal's throttles.

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("tokens/", TokenView.as_view(), name="tokens"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", OfflineSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", OfflineRedocView.as_view(url_name="api:schema"), name="redoc"),
    *router.urls,
]
