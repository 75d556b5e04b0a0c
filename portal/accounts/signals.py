"""Session bookkeeping on login and logout (not business logic: it only follows sessions)."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from . import services
from .middleware import LAST_SEEN_KEY


def _session_key(request):
    session = getattr(request, "session", None)
    return getattr(session, "session_key", None)


@receiver(user_logged_in, dispatch_uid="accounts.record_login")
def on_login(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_SEEN_KEY] = int(time.time())  # the idle clock starts at login
    services.record_login(user=user, session_key=_session_key(request))


@receiver(user_logged_out, dispatch_uid="accounts.forget_session")
def on_logout(sender, request, user, **kwargs):
    services.forget_session(session_key=_session_key(request))
