from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from portal.accounts import views as account_views

urlpatterns = [
    path("", include("portal.core.urls")),
    path("accounts/", include("portal.accounts.urls")),
    path("enterprises/", include("portal.enterprises.urls")),
    path("regions/", include("portal.regions.urls")),
    path("notices/", include("portal.notices.urls")),
    path("audit/", include("portal.audit.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("bulletins/", include("portal.bulletins.urls")),
    path("", include("portal.questionnaires.urls")),
    path("scorecards/", include("portal.scorecards.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("platforms/", include("platforms.urls")),
    path("incubators/", include("incubators.urls")),
    path("upscaling/", include("upscaling.urls")),
    path("api/v1/", include("portal.api_urls")),
    path("api/v1/", include("monitoring.exchange.urls")),
    path("api/v1/", include("platforms.api_urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("system/admin/", admin.site.urls),
]

# MEDIA_ROOT is not served, in development neither: every stored file goes through core:stored_file, which
# checks the user's scope (portal/core/files.py).

# A URL under /api/ that no route matches answers the API's JSON 404, as every API 404 does; elsewhere the
# portal's own page (templates/404.html), with DEBUG too (portal.core.middleware.NotFoundPageMiddleware).
handler404 = "portal.core.api.not_found"
handler403 = "portal.core.views.forbidden"
handler500 = "portal.core.views.server_error"
