"""Fixtures for the tests of scheduled work; test modules import the ones they use.

``eager_celery``: tasks run in the test process. CI sets REDIS_URL for the whole run, which makes the portal's
Celery app send tasks to Redis (no worker listens there during the ordinary tests; test_celery_worker.py starts
its own), so tests that exercise tasks through services switch the app to eager mode for their duration.
``sms_outbox``: the SMS channel's locmem backend, emptied.
"""

import pytest

from portal.celery import app
from portal.notifications import sms


@pytest.fixture
def eager_celery():
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "locmem"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(fn, **kwargs): call fn and then run what it left for after the commit (queued deliveries),
    as a real commit would; the test's own transaction never commits."""

    def call(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return call
