"""The home page's 业务专栏 tiles: each leads only where the role may go (the menu's predicates), and the page
it leads to is the one its subtitle names."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

TILE = re.compile(r'<li><a href="([^"]+)" data-tile="([^"]+)"><b>([^<]+)</b><span>([^<]+)</span></a></li>')

EXPECTED = {
    "anonymous": ["core:dashboard"],
    "enterprise": ["core:dashboard", "monitoring:my_filings", "questionnaires:pending", "enterprises:mine"],
    "county": ["core:dashboard", "monitoring:review_queue", "monitoring:status", "monitoring:analysis",
               "enterprises:list", "bulletins:list", "platforms:dashboard", "incubators:list"],
    "province": ["core:dashboard", "monitoring:review_queue", "monitoring:status", "monitoring:analysis",
                 "enterprises:list", "bulletins:list", "platforms:dashboard", "incubators:list"],
    "platform_operator": ["core:dashboard", "platforms:dashboard"],
    "system_admin": ["core:dashboard"],
    "no_role": ["core:dashboard"],
}


def tiles(client) -> list[tuple[str, str, str, str]]:
    page = client.get(reverse("core:home")).content.decode()
    block = page[page.index('data-testid="service-tiles"'):]
    return TILE.findall(block[:block.index("</ul>")])


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_tiles_lead_only_where_the_role_may_go(world, login, role):
    client = Client() if role == "anonymous" else login(world.users[role])
    shown = tiles(client)
    assert [key for _url, key, _label, _sub in shown] == EXPECTED[role]
    for url, _key, label, _subtitle in shown:
        response = client.get(url, follow=True)
        # Signed in: the page itself; anonymous: the way to sign in. Never a 403.
        assert response.status_code == 200, (role, label, url)
        landed = response.redirect_chain[-1][0] if response.redirect_chain else url
        assert landed.startswith(reverse("accounts:login")) == (role == "anonymous"), (role, label, landed)


def test_tiles_use_the_menus_predicates(world, login):
    """A tile for a page outside the menu is never shown: the enterprise officer's menu has no 报送情况 or 通报,
    and neither has their home page, so nobody is sent to a 403."""
    client = login(world.users["enterprise"])
    response = client.get(reverse("core:home"))
    menu = {item["url"] for item in response.context["nav_items"]}
    for url, key, _label, _sub in tiles(client):
        assert key == "core:dashboard" or url in menu
    for name in ("monitoring:status", "bulletins:list"):
        assert client.get(reverse(name)).status_code == 403
        assert f'href="{reverse(name)}"' not in response.content.decode()


def test_subtitles_match_their_pages(world, login):
    client = login(world.users["county"])
    shown = {key: (label, subtitle) for _url, key, label, subtitle in tiles(client)}
    assert shown["monitoring:status"] == ("报送情况", "各地区应报、已报、报送率和排名")
    status_page = client.get(reverse("monitoring:status")).content.decode()
    assert all(word in status_page for word in ("应报", "已报", "报送率", "排名"))
    assert shown["monitoring:analysis"][1] == "主要指标汇总、同比环比和景气指数"
    assert "景气指数" in client.get(reverse("monitoring:analysis")).content.decode()
    assert shown["bulletins:list"] == ("通报", "季度报送情况通报")
    assert shown["enterprises:list"] == ("企业名录", "监测企业的查询、维护和导入")
