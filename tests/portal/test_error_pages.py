"""Permission errors, missing pages and server errors answer the portal's own pages, with a way back; with
DEBUG on too. The API keeps its JSON 404."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from portal.core import views

pytestmark = pytest.mark.django_db


def assert_portal_page(response, status: int, heading: str):
    assert response.status_code == status
    page = response.content.decode()
    assert 'data-testid="error-page"' in page and f"<h1 id=\"error-title\">{heading}</h1>" in page
    assert 'href="/static/css/portal.css"' in page and 'rel="icon"' in page
    assert f'href="{reverse("core:home")}"' in page  # the way back
    assert "Forbidden" not in page and "Page not found" not in page and "Traceback" not in page
    return page


def test_a_forbidden_page_is_the_portals_403_naming_the_role(world, login):
    response = login(world.users["enterprise"]).get(reverse("monitoring:status"))
    page = assert_portal_page(response, 403, "无权访问")
    assert "企业信息员" in page and f'href="{reverse("core:dashboard")}"' in page


@pytest.mark.parametrize("debug", [False, True])
def test_a_wrong_url_is_the_portals_404(world, login, debug):
    with override_settings(DEBUG=debug):
        for client in (Client(), login(world.users["county"])):
            assert_portal_page(client.get("/no-such-page/"), 404, "页面不存在")
            # A view's own 404 (an id nobody may see) too.
            assert_portal_page(client.get(reverse("notices:detail", args=[999999])), 404, "页面不存在")


@pytest.mark.parametrize("debug", [False, True])
def test_the_api_keeps_its_json_404(debug):
    with override_settings(DEBUG=debug):
        response = Client().get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json() == {"detail": "未找到。"}


def test_error_pages_in_english(world, login):
    with translation.override("en"):
        response = login(world.users["enterprise"]).get(reverse("monitoring:status"),
                                                        headers={"accept-language": "en"})
        page = response.content.decode()
        assert response.status_code == 403 and "无权访问" not in page
        assert "无权" not in Client().get("/no-such-page/", headers={"accept-language": "en"}).content.decode()


def test_the_500_page_needs_no_request_context(rf):
    response = views.server_error(rf.get("/"))
    page = response.content.decode()
    assert response.status_code == 500 and "系统繁忙" in page and 'href="/"' in page
    assert "/static/css/portal.css" in page


@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_an_unhandled_error_answers_the_500_page(world, login, monkeypatch):
    def broken(**_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "panels_for", broken)
    client = login(world.users["county"])
    client.raise_request_exception = False
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 500 and "系统繁忙" in response.content.decode()


def test_the_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("favicon.svg")
    assert 'rel="icon"' in client.get(reverse("core:home")).content.decode()
