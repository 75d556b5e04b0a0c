import pytest

from . import fixtures

committed = fixtures.committed
eager_celery = fixtures.eager_celery
sms_outbox = fixtures.sms_outbox


@pytest.fixture(autouse=True)
def _eager(eager_celery):
    """Every test here runs tasks in the test process (see fixtures.py)."""
    return eager_celery
