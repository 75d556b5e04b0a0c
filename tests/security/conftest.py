import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the cache; the matrix sends many requests from one address."""
    cache.clear()
    yield
    cache.clear()
