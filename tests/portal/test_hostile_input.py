"""Input that used to answer 500: dates past the calendar, numbers past their columns, NUL in parameters.

Every case goes through a real request (page, API or upload) and checks three things: the answer is a clear
400 or form error, the message is there in the user's language, and nothing was written.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation
from rest_framework.test import APIClient

from portal.audit.models import AuditEntry
from portal.core import bounds
from portal.enterprises import services as enterprise_services
from portal.enterprises.credit_code import make_code
from portal.enterprises.models import Enterprise, Industry
from tests.portal.test_import import GOOD, fill, row, template, upload

pytestmark = pytest.mark.django_db


def _refuse_nul_as_postgresql_does(execute, sql, params, many, context):
    """SQLite stores NUL; PostgreSQL's driver refuses it in any text parameter. The tests run on SQLite, so
    every query they cause is held to PostgreSQL's rule: a NUL that reaches a query fails the request."""
    rows = params if many else [params]
    for values in rows or ():
        for value in (values.values() if isinstance(values, dict) else values or ()):
            if isinstance(value, str) and "\x00" in value:
                raise ValueError("A string literal cannot contain NUL (0x00) characters.")
    return execute(sql, params, many, context)


@pytest.fixture
def postgres_text():
    with connection.execute_wrapper(_refuse_nul_as_postgresql_does):
        yield


AUDIT_PAGE = "/audit/"
AUDIT_API = "/api/v1/audit/"
FAR_DATES = [("date_from", "0001-01-01"), ("date_to", "9999-12-31"), ("date_from", "9999-12-31"),
             ("date_to", "0001-01-01")]


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# -- dates past what the portal computes with --------------------------------------------------------

@pytest.mark.parametrize(("param", "value"), FAR_DATES)
def test_audit_page_explains_a_date_out_of_range(world, login, param, value):
    for role in ("audit_admin", "province"):
        response = login(world.users[role]).get(AUDIT_PAGE, {param: value})
        assert response.status_code == 200
        errors = response.context["form"].errors[param]
        assert errors and ("2000-01-01" in errors[0] or "2999-12-31" in errors[0]), errors
        assert "2999-12-31" in response.content.decode() or "2000-01-01" in response.content.decode()


@pytest.mark.parametrize(("param", "value"), FAR_DATES)
def test_audit_api_answers_400_on_a_date_out_of_range(world, param, value):
    response = api_client(world.users["audit_admin"]).get(AUDIT_API, {param: value})
    assert response.status_code == 400
    assert param in response.json() and response.json()[param][0]


def test_audit_date_bounds_still_filter_at_the_edges(world, login):
    client = login(world.users["audit_admin"])
    response = client.get(AUDIT_PAGE, {"date_from": "2000-01-01", "date_to": "2999-12-31"})
    assert response.status_code == 200 and not response.context["form"].errors
    assert api_client(world.users["audit_admin"]).get(AUDIT_API, {"date_to": "2999-12-31"}).status_code == 200


def test_audit_date_error_in_english(world, login):
    with translation.override("en"):
        response = login(world.users["audit_admin"]).get(AUDIT_PAGE, {"date_to": "9999-12-31"},
                                                          HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        message = response.context["form"].errors["date_to"][0]
        assert "2999-12-31" in message and "Ensure" in message


# -- the registry: one set of bounds for form, service and import ----------------------------------------

def create_data(world, **over) -> dict:
    data = {"credit_code": make_code("91320685MA1BND001"), "name": "边界测试有限公司", "region": world.haian.pk,
            "industry": Industry.objects.get(code="C").pk, "employees": 100, "revenue": "100", "assets": "100",
            "monitored_from": "2026-01-01", "contact_name": "王五", "contact_phone": "13700000000"}
    data.update(over)
    return data


OUT_OF_BOUNDS = [
    ("employees", "3000000000"),
    ("employees", "1" + "0" * 30),
    ("revenue", "99999999999999999.99"),
    ("revenue", "-1"),
    ("assets", "-0.01"),
    ("assets", "1000000000000"),
    ("monitored_from", "0001-01-01"),
    ("monitored_from", "9999-12-31"),
]


@pytest.mark.parametrize(("field", "value"), OUT_OF_BOUNDS)
def test_the_enterprise_form_refuses_what_no_column_holds(world, login, field, value):
    client = login(world.users["county"])
    before = (Enterprise.objects.count(), AuditEntry.objects.count())
    response = client.post(reverse("enterprises:create"), create_data(world, **{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert (Enterprise.objects.count(), AuditEntry.objects.count()) == before


def test_the_enterprise_form_shows_the_bounds_in_its_inputs(world, login):
    form = login(world.users["county"]).get(reverse("enterprises:create")).context["form"]
    assert form.fields["revenue"].widget.attrs["min"] == "0"
    assert form.fields["revenue"].widget.attrs["max"] == "999999999999.99"
    assert form.fields["employees"].widget.attrs["max"] == "2147483647"
    assert form.fields["monitored_from"].widget.attrs["min"] == "2000-01-01"


@pytest.mark.parametrize(("field", "value"), [("employees", 3_000_000_000), ("revenue", Decimal("-5")),
                                              ("assets", Decimal("99999999999999999.99"))])
def test_the_service_refuses_out_of_bounds_values_whatever_calls_it(world, field, value):
    """The edit page goes through the same service check: a value past the column names its field."""
    enterprise = world.e_haian
    before = getattr(enterprise, field)
    with pytest.raises(ValidationError) as caught:
        enterprise_services.update_enterprise(actor=world.users["county"], enterprise=enterprise, data={field: value})
    assert field in caught.value.message_dict
    enterprise.refresh_from_db()
    assert getattr(enterprise, field) == before


IMPORT_CASES = [
    ({"从业人员(人)": 10**30}, "从业人员(人)不能大于2,147,483,647"),
    ({"从业人员(人)": 3_000_000_000}, "从业人员(人)不能大于2,147,483,647"),
    ({"营业收入(万元)": "99999999999999999.99"}, "营业收入(万元)不能大于999,999,999,999.99"),
    ({"资产总额(万元)": "1000000000000"}, "资产总额(万元)不能大于999,999,999,999.99"),
    ({"纳入监测日期": "0001-01-01"}, "纳入监测日期不能早于2000-01-01"),
    ({"企业名称": "名" * 129}, "企业名称超过128个字"),
]


@pytest.mark.parametrize(("cells", "message"), IMPORT_CASES)
def test_the_import_names_the_row_and_the_bound_and_saves_nothing(world, login, cells, message):
    client = login(world.users["county"])
    rows = [*GOOD, row("91320685MA1JMP008", "海安导入越界有限公司", **cells)]
    before = (Enterprise.objects.count(), AuditEntry.objects.count())
    response = upload(client, fill(template(client), rows))
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.ok and (result.created, result.updated) == (0, 0)
    assert f"第5行:{message}。" in result.errors, result.errors
    assert not any(e.startswith(("第2行", "第3行", "第4行")) for e in result.errors)
    assert message in response.content.decode()
    assert (Enterprise.objects.count(), AuditEntry.objects.count()) == before


def test_the_import_refuses_negative_amounts_as_the_form_does(world, login):
    client = login(world.users["county"])
    response = upload(client, fill(template(client), [row("91320685MA1JMP008", "负数企业", **{"营业收入(万元)": -1})]))
    assert "第2行“营业收入(万元)”填写为“-1”,应为非负数字。" in response.context["result"].errors
    assert not Enterprise.objects.filter(name="负数企业").exists()


def test_limits_come_from_the_model_fields():
    field = Enterprise._meta.get_field
    assert bounds.limits(field("revenue")) == bounds.Limits(Decimal(0), Decimal("999999999999.99"))
    assert bounds.limits(field("employees")) == bounds.Limits(0, 2147483647)
    assert bounds.limits(field("monitored_from")) == bounds.Limits(bounds.EARLIEST_DATE, bounds.LATEST_DATE)


# -- NUL in a path, a query string or a page's form ---------------------------------------------------

NUL_PAGES = [
    ("/notices/", {"q": "\x00"}),
    ("/accounts/users/", {"q": "a\x00"}),
    ("/enterprises/", {"q": "\x00"}),
    ("/monitoring/review/", {"q": "\x00"}),
    ("/monitoring/status/", {"region": "\x00"}),
    ("/audit/", {"actor": "\x00"}),
    ("/bulletins/", {"job": "\x00", "kind": "x"}),
    ("/regions/", {"year\x00": "1"}),
]


@pytest.mark.parametrize(("url", "params"), NUL_PAGES)
def test_nul_in_a_query_string_answers_400_with_a_message(world, login, postgres_text, url, params):
    for role in ("province", "system_admin"):
        response = login(world.users[role]).get(url, params)
        assert response.status_code == 400
        assert "空字符" in response.content.decode()


def test_nul_in_a_path_answers_400_on_pages_and_404_in_the_api(world, login, postgres_text):
    client = login(world.users["province"])
    response = client.get("/regions/32%00/")
    assert response.status_code == 400 and "空字符" in response.content.decode()
    response = api_client(world.users["province"]).get("/api/v1/regions/32%00/approved-filings/",
                                                       {"period": "2026-01"})
    assert response.status_code == 404 and response.json()["detail"]


def test_nul_in_an_api_query_answers_400_under_the_parameter(world, postgres_text):
    client = api_client(world.users["province"])
    for url, params in [("/api/v1/enterprises/", {"search": "\x00"}), ("/api/v1/filings/", {"county": "\x00"}),
                        ("/api/v1/regions/", {"parent": "3\x002"}), (AUDIT_API, {"q": "\x00"})]:
        response = client.get(url, params)
        assert response.status_code == 400, url
        (name, messages), = response.json().items()
        assert name == next(iter(params)) and "空字符" in messages[0], url


def test_nul_in_a_posted_page_form_writes_nothing(world, login, postgres_text):
    client = login(world.users["county"])
    before = (Enterprise.objects.count(), AuditEntry.objects.count())
    response = client.post(reverse("enterprises:create"), create_data(world, name="有\x00空字符"))
    assert response.status_code == 400 and "空字符" in response.content.decode()
    assert (Enterprise.objects.count(), AuditEntry.objects.count()) == before


def test_nul_message_in_english(world, login):
    with translation.override("en"):
        response = login(world.users["province"]).get("/notices/", {"q": "\x00"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert "NUL" in response.content.decode()


def test_nul_at_login_is_refused_before_any_lookup(db, client, postgres_text):
    response = client.post(reverse("accounts:login"), {"username": "adm\x00in", "password": "x"})
    assert response.status_code == 400 and "空字符" in response.content.decode()


def test_a_session_cookie_or_a_token_with_nul_signs_nobody_in(world, login, postgres_text):
    """No session key or token holds NUL: such a credential is treated as absent, never looked up."""
    client = login(world.users["province"])
    client.cookies["sessionid"] = "abcdefgh\x00ijk"
    response = client.get("/dashboard/")
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    api = APIClient()
    response = api.get("/api/v1/enterprises/", HTTP_AUTHORIZATION="Token abc\x00def")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    api.cookies["sessionid"] = "abcdefgh\x00ijk"
    assert api.get("/api/v1/me/").status_code == 401


# -- other junk: page numbers, sizes, periods, ids -------------------------------------------------------

JUNK = ["9" * 30, "-1", "abc", "0", "1e400", ""]


@pytest.mark.parametrize("value", JUNK)
def test_page_junk_never_fails(world, login, value):
    client = login(world.users["province"])
    for url in ("/audit/", "/enterprises/", "/notices/", "/monitoring/review/", "/notifications/"):
        assert client.get(url, {"page": value}).status_code == 200, url
    api = api_client(world.users["province"])
    for url in ("/api/v1/enterprises/", "/api/v1/filings/", AUDIT_API, "/api/v1/regions/"):
        response = api.get(url, {"page": value, "page_size": value})
        assert response.status_code in (200, 404), (url, response.status_code)


@pytest.mark.parametrize("period", ["2026-13", "0000-01", "99999-01", "2026-Q9", "abc", "9999-12"])
def test_period_junk_is_explained(world, login, period):
    client = login(world.users["province"])
    for url in ("/monitoring/review/", "/monitoring/status/", "/monitoring/analysis/"):
        assert client.get(url, {"period": period}).status_code == 200, url
    assert client.get("/monitoring/exports/reports/", {"quarter": period}).status_code == 200
    response = api_client(world.users["province"]).get("/api/v1/filings/", {"period": period})
    assert response.status_code == 400 and response.json()["period"]


@pytest.mark.parametrize("url", ["/enterprises/abc/", "/enterprises/99999999999999999999999/",
                                 "/monitoring/filings/1e5/", "/notices/-1/", "/monitoring/file/2026-13/",
                                 "/monitoring/file/0000-01/", "/monitoring/file/2026/99/",
                                 "/bulletins/99999999999999999999/", "/api/v1/enterprises/abc/",
                                 "/api/v1/audit/99999999999999999999999/", "/api/v1/regions/abc/"])
def test_ids_that_are_no_ids_answer_404(world, login, url):
    client = login(world.users["province"])
    assert client.get(url).status_code == 404


# -- the sweep: every route without arguments, every parameter the pages and the API read, junk in each ------

PARAMETERS = ("date_from", "date_to", "page", "page_size", "period", "quarter", "q", "region", "year", "status",
              "kind", "role", "active", "by", "job", "unread", "size_class", "industry", "honour", "monitored",
              "contact", "actor", "model", "action", "search", "county", "dry_run", "cursor", "template", "code")
JUNK_VALUES = ("0001-01-01", "9999-12-31", "9" * 30, "-1", "1e400", "2026-13", "2026-Q9", "²", "%")


def _routes_without_arguments(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (
                pattern.namespace or namespace)
            yield from _routes_without_arguments(pattern, inner)
        elif pattern.name and not pattern.pattern.regex.groups:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


@pytest.mark.parametrize("role", ["province", "county", "enterprise"])
def test_no_route_answers_500_to_junk_parameters(world, login, postgres_text, role):
    client = login(world.users[role])
    client.raise_request_exception = False
    failures = []
    for name in sorted(set(_routes_without_arguments())):
        if name.endswith(("logout", "set_language")):
            continue
        url = reverse(name)
        for value in JUNK_VALUES:
            response = client.get(url, dict.fromkeys(PARAMETERS, value))
            if response.status_code >= 500:
                failures.append((url, value, response.status_code))
        response = client.get(url, dict.fromkeys(PARAMETERS, "\x00"))
        if response.status_code != 400:
            failures.append((url, "NUL", response.status_code))
    assert not failures
