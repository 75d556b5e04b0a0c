from django.conf import settings
from django.utils.functional import SimpleLazyObject

from portal.accounts.scoping import scope_for
from portal.notifications.selectors import header_unread

from .navigation import nav_for


def portal(request):
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "care_mode": request.COOKIES.get("care_mode") == "1",
        "nav_items": nav_for(user) if user is not None else [],
        "inbox_unread": header_unread(request),  # counted only where the header shows it
        # The user's scope: templates ask its named predicates (scope.is_county, scope.may_report_up...).
        "scope": SimpleLazyObject(lambda: scope_for(user)),
    }
