"""The API answers what its OpenAPI schema (/api/v1/schema/) says, for every operation.

schemathesis reads the schema the app serves and generates requests from it — the schema's own examples,
boundary and invalid values of every parameter (the coverage phase: empty, missing, wrong type, out of
range), and a few random cases, valid and invalid. Every answer must be no server error, with a
documented status code, a documented content type, a body matching the documented schema and the
documented headers.

The run is bounded and deterministic: a fixed seed, derandomized generation, no example database, a few
random cases per operation, a deadline per request and a time cap on the whole run (both callers). The
filing operations (POST), whose request bodies have some fifty fields, skip the coverage phase's ~900
boundary cases each and get more random ones instead; every read (GET) gets the coverage phase.

It runs in-process against the WSGI application in the test database (SQLite locally, PostgreSQL in CI),
authenticated with a token as the province's official and as 南通市's exchange system, with filings of
every status in the database so that the lists, the status and the approved filings answer rows.
"""

import json
import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from monitoring import services
from monitoring.models import Filing
from portal.accounts import services as account_services
from tests.monitoring.helpers import open_period, valid_data

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]

SCHEMA_PATH = "/api/v1/schema/?format=json"
SEED = 20261101
EXAMPLES = 5  # random cases per operation (fuzzing phase), besides the schema's examples and the coverage phase
POST_EXAMPLES = 25  # random cases per filing operation, which skips the coverage phase
DEADLINE_MS = 3000  # one request
TIME_CAP_S = 300  # the whole run, both callers: about 30 s on an idle two-core machine with SQLite, 170 s with
# the machine shared by several other jobs; the cap catches a run that grows without bound, not a busy machine
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]

CONFIG = schemathesis.Config.from_dict({
    "seed": SEED,
    "suppress-health-check": ["all"],
    "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none", "no-shrink": True},
    "phases": {"stateful": {"enabled": False}},
    "operations": [{
        "include-method": "POST",
        "include-path-regex": "^/api/v1/filings/",
        "phases": {"coverage": {"enabled": False}},
        "generation": {"max-examples": POST_EXAMPLES},
    }, {
        # A platform's service records: batches of up to 1,000 items of seven fields.
        "include-method": "POST",
        "include-path-regex": "^/api/v1/platforms/",
        "phases": {"coverage": {"enabled": False}},
        "generation": {"max-examples": EXAMPLES},
    }],
})

# Loaded once, when the module is collected, from the schema view itself (it reads no database).
schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, get_wsgi_application(), config=CONFIG)


@pytest.fixture
def api_world(world):
    """Filings of the last month: 海安 approved, 如皋 submitted, 江宁 a draft."""
    period = open_period()
    for enterprise, user, submit in ((world.e_haian, "county", True), (world.e_rugao, "other_county", True),
                                     (world.e_jiangning, "other_city", False)):
        services.file_one(actor=world.users[user], enterprise=enterprise, period=period, data=valid_data(),
                          submit=submit)
    services.approve_filing(actor=world.users["county"], filing=Filing.objects.get(enterprise=world.e_haian))
    return world


@pytest.fixture(params=["province", "exchange"])
def caller(request, api_world):
    """The user the run is authenticated as: the province's official or 南通市's exchange system."""
    if request.param == "province":
        return api_world.users["province"]
    user, _token = account_services.create_exchange_system(name="nantong-sys", region=api_world.nantong)
    return user


@pytest.fixture
def in_test_transaction():
    """Django's handler closes the database connection around every request, which on PostgreSQL ends the
    test's transaction (SQLite's in-memory database is never closed); Django's own test client keeps it
    open the same way, for the requests of one test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def time_cap():
    """check() fails the run once the module's operations together have run longer than TIME_CAP_S."""
    started = time.monotonic()

    def check():
        elapsed = time.monotonic() - started
        if elapsed > TIME_CAP_S:
            pytest.fail(f"the schema run is over its time cap: {elapsed:.0f} s > {TIME_CAP_S} s")

    return check


@schema.parametrize()
@settings(deadline=DEADLINE_MS)
def test_api_answers_as_its_schema_says(case, caller, time_cap, in_test_transaction):
    time_cap()
    # The token is read for every request: the run itself replaces and revokes it (POST/DELETE tokens/).
    token, _created = Token.objects.get_or_create(user=caller)
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=CHECKS)


# -- what the run relies on, and the answers it made the schema document ---------------------------

def test_the_run_covers_every_operation_of_the_schema():
    served = json.loads(APIClient().get(SCHEMA_PATH).content)
    operations = {f"{method.upper()} {path}" for path, item in served["paths"].items() for method in item}
    assert operations == {operation.ok().label for operation in schema.get_all_operations()}
    assert len(operations) >= 15


def test_a_url_no_api_route_matches_answers_the_json_404(world, api):
    client = api(world.users["province"])
    for url in ("/api/v1/enterprises/not-a-code/", "/api/v1/audit/0.5/", "/api/v1/nothing/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json", url
        assert response.json() == {"detail": "未找到。"}, url
    page = client.get("/enterprises/0/nothing/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_repeated_page_or_page_size_is_refused(world, api):
    client = api(world.users["province"])
    url = reverse("api:regions-list")
    assert client.get(url, {"page_size": "2"}).json()["count"] == 6
    for query in ("page_size=2&page_size=500", "page=1&page=2"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, query
        name = query.split("=")[0]
        assert response.json() == {name: [f"“{name}”只能指定一次。"]}
    approved = reverse("monitoring_api:region-approved-filings", kwargs={"code": "320600"})
    response = client.get(f"{approved}?period=2026-01&page_size=1&page_size=2")
    assert response.status_code == 400 and list(response.json()) == ["page_size"]


def test_an_empty_filter_means_no_filter_as_documented(world, api):
    client = api(world.users["province"])
    everything = client.get(reverse("api:enterprises-list")).json()["count"]
    assert everything == 3
    for name in ("honour", "size_class", "region", "industry", "monitored", "search"):
        response = client.get(reverse("api:enterprises-list"), {name: ""})
        assert response.status_code == 200 and response.json()["count"] == everything, name
    assert client.get(reverse("api:audit-list"), {"action": ""}).status_code == 200
    first = client.get(reverse("api:enterprises-list"), {"page": "", "page_size": ""})
    assert first.status_code == 200 and len(first.json()["results"]) == everything
    served = json.loads(APIClient().get(SCHEMA_PATH).content)
    parameters = {p["name"]: p for p in served["paths"]["/api/v1/enterprises/"]["get"]["parameters"]}
    assert parameters["honour"]["allowEmptyValue"] is True and parameters["page"]["allowEmptyValue"] is True
    status = served["paths"]["/api/v1/filings/status/"]["get"]["parameters"]
    assert [p.get("allowEmptyValue") for p in status if p["name"] == "period"] == [None]  # required: never empty
