"""The client's address behind the reverse proxy reaches the audit trail; a forged header does not."""

import pytest
from django.urls import reverse

from portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def login_address(client, settings, world, remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    client.post(reverse("accounts:login"), {"username": "haian", "password": "Test@Passw0rd!"}, **headers)
    return AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).latest("id").ip_address


def test_trusted_proxy_passes_the_client_address(client, settings, world):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert login_address(client, settings, world, "10.0.0.2", "203.0.113.9, 10.0.0.2") == "203.0.113.9"


def test_forged_header_from_elsewhere_is_ignored(client, settings, world):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert login_address(client, settings, world, "198.51.100.7", "203.0.113.9") == "198.51.100.7"
