"""Shared fixtures: the two-city world every scoping test uses, logged-in clients, the browser."""

import os

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from portal.accounts.models import Role
from portal.accounts.scoping import grant_object
from portal.celery import app
from portal.enterprises.models import Industry
from portal.enterprises.standards import DATA_DIR, load_industries, load_size_standard
from tests import factories as f
from tests.clock import FROZEN_AT

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright's sync API keeps an event loop in the test thread; the ORM calls made by the tests themselves
# (fixtures, assertions) are still synchronous, so Django's async-safety guard is lifted for the test process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True, scope="session")
def _celery_in_process():
    """Tasks run inside the test process (as in ``make run``), whether or not REDIS_URL is set: with
    REDIS_URL (CI) a ``.delay()`` would otherwise go to a queue no test reads. The real worker against
    Redis is exercised by tests/monitoring/test_celery_worker.py, which starts its own worker process."""

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and other cached state must not leak from one test into the next."""

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """A transactional test (live server, Celery worker) empties every table when it ends, including the
    reference data the migrations loaded (industries, the size standard): each one gets it back first."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if not (transactional or {"transactional_db", "live_server"} & set(request.fixturenames)):
        return
    request.getfixturevalue("transactional_db")

    if not Industry.objects.exists():
        load_industries(DATA_DIR / "industries_gbt4754_2017.json")
        load_size_standard(DATA_DIR / "size_standard_2011.json")


@pytest.fixture(autouse=True)
def _frozen_clock(request):
    """Tests marked ``frozen_clock`` run at tests/clock.py's FROZEN_AT (the clock ticks from there): periods,
    deadlines, quarters and lateness do not depend on the day the suite runs. Not for tests that start other
    processes (browser, Celery worker): those keep the real clock."""
    if request.node.get_closest_marker("frozen_clock") is None:
        yield
        return

    with time_machine.travel(FROZEN_AT, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 at production strength makes every user creation slow; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    """Two cities, two counties in one of them, one enterprise per county, a user of every role."""

    prov = f.province()
    nantong = f.city("320600", "南通市")
    nanjing = f.city("320100", "南京市")
    haian = f.county("320685", "海安市")
    rugao = f.county("320682", "如皋市")
    jiangning = f.county("320115", "江宁区", "320100", "南京市")
    e_haian = f.EnterpriseFactory(region=haian, name="海安甲企业")
    e_rugao = f.EnterpriseFactory(region=rugao, name="如皋乙企业")
    e_jiangning = f.EnterpriseFactory(region=jiangning, name="江宁丙企业")
    platform = f.PlatformFactory(region=haian)
    other_platform = f.PlatformFactory(region=jiangning)
    base = f.StartupBaseFactory(region=haian)
    users = {
        "province": f.official(prov, username="prov"),
        "city": f.official(nantong, username="nantong"),
        "other_city": f.official(nanjing, username="nanjing"),
        "county": f.official(haian, username="haian"),
        "other_county": f.official(rugao, username="rugao"),
        "enterprise": f.officer(e_haian, username="qiye"),
        "other_enterprise": f.officer(e_rugao, username="qiye2"),
        "platform_operator": f.UserFactory(role=Role.PLATFORM_OPERATOR, username="pingtai"),
        "base_manager": f.UserFactory(role=Role.BASE_MANAGER, username="jidi"),
        "system_admin": f.UserFactory(role=Role.SYSTEM_ADMIN, username="sysadmin", is_staff=True),
        "security_admin": f.UserFactory(role=Role.SECURITY_ADMIN, username="secadmin"),
        "audit_admin": f.UserFactory(role=Role.AUDIT_ADMIN, username="auditor"),
        "no_role": f.UserFactory(username="nobody"),
    }
    grant_object(users["platform_operator"], platform)
    grant_object(users["base_manager"], base)

    class World:
        pass

    w = World()
    w.province, w.nantong, w.nanjing, w.haian, w.rugao, w.jiangning = prov, nantong, nanjing, haian, rugao, jiangning
    w.e_haian, w.e_rugao, w.e_jiangning = e_haian, e_rugao, e_jiangning
    w.platform, w.other_platform, w.base = platform, other_platform, base
    w.users = users
    return w


@pytest.fixture
def login():
    """login(user) -> a Client with that user's session."""

    def _login(user):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


# -- Playwright: drive Debian's chromium, never a downloaded browser ------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in str(item.fspath).split(os.sep):
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """In CI a skipped test is a failure: nothing may be skipped there."""
    skipped = terminalreporter.stats.get("skipped", [])
    if os.environ.get("CI") and skipped:
        terminalreporter.write_line(f"CI: {len(skipped)} test(s) skipped; skips are failures in CI.", red=True)
        terminalreporter._session.exitstatus = 1
