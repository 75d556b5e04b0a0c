"""API tokens (own, audited), throttling, the schema and its offline documentation page."""

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def token_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_user_creates_uses_rotates_and_revokes_their_token(world, api):
    user = world.users["county"]
    client = api(user)
    url = reverse("api:tokens")
    assert client.get(url).json() == {"exists": False, "created": None}

    first = client.post(url)
    assert first.status_code == 201
    key = first.json()["key"]
    assert client.get(url).json()["exists"] is True
    assert "key" not in client.get(url).json()  # shown once, at creation

    me = token_client(key).get(reverse("api:me"))
    assert me.status_code == 200
    assert me.json()["username"] == user.username
    # The token sees what the user sees, no more.
    listed = token_client(key).get(reverse("api:enterprises-list")).json()["results"]
    assert {e["name"] for e in listed} == {"海安甲企业"}

    second = client.post(url).json()["key"]
    assert second != key
    assert token_client(key).get(reverse("api:me")).status_code == 401  # the old key is dead
    assert token_client(second).get(reverse("api:me")).status_code == 200

    assert token_client(second).delete(url).status_code == 204
    assert token_client(second).get(reverse("api:me")).status_code == 401
    assert not Token.objects.filter(user=user).exists()

    rows = list(AuditEntry.objects.filter(model="authtoken.Token").order_by("id"))
    assert [r.action for r in rows] == ["create", "create", "delete"]
    for row in rows:
        assert row.actor_id == user.pk
        assert row.channel == "api"
        assert row.ip_address == "127.0.0.1"
        assert row.region_path == world.haian.path
        assert key not in str(row.changes) + row.note + row.object_repr and second not in row.object_repr
    assert "原令牌已作废" in rows[1].note


def test_token_acts_are_refused_without_a_role_or_with_an_expired_password(world, api):
    assert api(world.users["no_role"]).post(reverse("api:tokens")).status_code == 403
    user = world.users["city"]
    user.password_changed_at = timezone.now() - timedelta(days=365)
    user.save(update_fields=["password_changed_at"])
    assert api(user).post(reverse("api:tokens")).status_code == 403
    assert not Token.objects.exists()


def test_token_creation_by_session_needs_the_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["county"], backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(reverse("api:tokens")).status_code == 403
    assert not Token.objects.exists()


def test_a_token_of_a_disabled_user_stops_working(world, api):
    user = world.users["enterprise"]
    key = api(user).post(reverse("api:tokens")).json()["key"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert token_client(key).get(reverse("api:me")).status_code == 401


def test_anonymous_rate_is_limited(db):
    client = APIClient()
    url = reverse("api:docs")
    codes = [client.get(url).status_code for _ in range(61)]
    assert codes[:60] == [200] * 60
    assert codes[60] == 429


def test_key_probing_is_rate_limited(db):
    client = token_client("0" * 40)
    codes = [client.get(reverse("api:me")).status_code for _ in range(61)]
    assert set(codes[:60]) == {401}
    assert codes[60] == 429


def test_throttle_is_not_fooled_by_a_forged_forwarded_for(db):
    client = APIClient()
    url = reverse("api:docs")
    codes = [client.get(url, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code for i in range(61)]
    assert codes[60] == 429


def test_schema_is_valid_and_lists_the_endpoints(db, tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text(encoding="utf-8")
    for path in ("/api/v1/regions/", "/api/v1/enterprises/{credit_code}/", "/api/v1/audit/", "/api/v1/me/",
                 "/api/v1/tokens/"):
        assert path in text, path
    response = APIClient().get(reverse("api:schema"))
    assert response.status_code == 200
    assert b"tokenAuth" in response.content


def test_docs_page_works_offline(db):
    response = APIClient().get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)
    assert refs, "the page should load Swagger UI"
    for ref in refs:
        assert ref.startswith("/static/"), ref
    assert "swagger-ui-bundle.js" in html
    # No other host anywhere in the page (scripts, styles, fonts, the validator badge).
    assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE), re.findall(
        r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s\"']*", html)
    assert '"validatorUrl": null' in html
    assert reverse("api:schema") in html


def test_sidecar_assets_are_served_locally(db, client):
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):

        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{asset}"), asset


def test_redoc_page_works_offline(db):
    response = APIClient().get(reverse("api:redoc"))
    assert response.status_code == 200
    html = response.content.decode()
    refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)
    assert refs == ["/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"]
    assert finders.find("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js")
    # No other host anywhere in the page: drf-spectacular's own template would load Google's fonts.
    assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE), re.findall(
        r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s\"']*", html)
    assert reverse("api:schema") in html
