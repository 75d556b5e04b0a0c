import pytest
from django.core.cache import cache

from .full_world import populate


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the cache; the matrix sends many requests from one address."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world_full(world, settings, tmp_path):
    """The `world` with every kind of object for each of its regions and enterprises (full_world.py); files
    are written under a MEDIA_ROOT of the test's own."""

    settings.MEDIA_ROOT = str(tmp_path / "media")
    return populate(world)
