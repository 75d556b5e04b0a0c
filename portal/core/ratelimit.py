"""Throttles of the public forms (self-registration, password reset), counted in the cache.

A rate is "N/period" (period: minute, hour or day) and is named in settings.FORM_THROTTLE_RATES. The count
is a sliding window estimated from two fixed windows: the current window's hits plus the previous
window's, weighted by the share of the previous window still inside the sliding one. Each hit is one
atomic increment in the cache (Redis in production, shared by every gunicorn worker), so the limit holds
across processes; without REDIS_URL it is per process, which is all a development server needs.

The key is hashed: neither addresses nor email addresses are written to the cache in clear.
"""

import time
from dataclasses import dataclass
from hashlib import sha256

from django.conf import settings
from django.core.cache import cache

PERIODS = {"minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @classmethod
    def parse(cls, text: str) -> "Rate":
        count, _slash, unit = text.partition("/")
        if unit not in PERIODS or not count.isdigit() or int(count) < 1:
            raise ValueError(f"a rate is 'N/minute', 'N/hour' or 'N/day', not {text!r}")
        return cls(int(count), PERIODS[unit])


def rate(name: str) -> Rate:
    return Rate.parse(settings.FORM_THROTTLE_RATES[name])


def _key(name: str, ident: str, window: int) -> str:
    digest = sha256(f"{name}\0{ident}".encode()).hexdigest()[:32]
    return f"throttle:{name}:{digest}:{window}"


def hit(name: str, ident: str | None, *, now: float | None = None) -> bool:
    """Count one attempt of ``ident`` (an address, an email) at the throttle ``name``.

    Returns False when the attempt is over the rate: the caller refuses it. Refused attempts are counted
    too, so that hammering a throttle keeps it closed.
    """
    current_rate = rate(name)
    limit, period = current_rate.limit, current_rate.period
    now = time.time() if now is None else now
    window, elapsed = divmod(now, period)
    window = int(window)
    key = _key(name, ident or "unknown", window)
    cache.add(key, 0, timeout=2 * period)
    try:
        current = cache.incr(key)
    except ValueError:  # evicted between add() and incr()
        cache.set(key, 1, timeout=2 * period)
        current = 1
    previous = cache.get(_key(name, ident or "unknown", window - 1), 0)
    estimate = previous * (1 - elapsed / period) + current
    return estimate <= limit
