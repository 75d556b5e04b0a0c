"""Where an act comes from (address and channel), carried to the services without the request.

The middleware sets it for web requests, the API authentication for exchange systems, management
commands and tasks set their own; services read it through ``current()`` when writing audit rows.
"""

import contextlib
import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    channel: str = "system"
    ip_address: str | None = None


_DEFAULT = Origin()
_origin: contextvars.ContextVar[Origin | None] = contextvars.ContextVar("audit_origin", default=None)


def current() -> Origin:
    return _origin.get() or _DEFAULT


@contextlib.contextmanager
def origin(channel: str, ip_address: str | None = None):
    token = _origin.set(Origin(channel=channel, ip_address=ip_address))
    try:
        yield
    finally:
        _origin.reset(token)
