"""Menus, dashboard panels and the home page's tiles. Apps register menus and panels in AppConfig.ready();
portal never imports them.

A nav entry is (label, url name, predicate(user)); a dashboard panel is a callable(user) returning a
dict {"title", "items": [{"label", "count", "url", "level"}]} or None when it has nothing for the user.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    allowed: Callable
    order: int = 100


_nav: list[NavEntry] = []
_panels: list[tuple[int, Callable]] = []


def register_nav(label, url_name: str, allowed: Callable, order: int = 100) -> None:
    if not any(e.url_name == url_name for e in _nav):
        _nav.append(NavEntry(label, url_name, allowed, order))


def register_panel(panel: Callable, order: int = 100) -> None:
    if panel not in [p for _o, p in _panels]:
        _panels.append((order, panel))


def nav_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    return [
        {"label": e.label, "url": reverse(e.url_name)}
        for e in sorted(_nav, key=lambda e: e.order)
        if e.allowed(user)
    ]


def panels_for(user) -> list[dict]:
    out = []
    for _order, panel in sorted(_panels, key=lambda p: p[0]):
        data = panel(user)
        if data:
            out.append(data)
    return out


def may_visit(user, url_name: str) -> bool:
    """Does the menu lead ``user`` to ``url_name``? The predicate of the nav entry registered for it."""
    entry = next((e for e in _nav if e.url_name == url_name), None)
    return entry is not None and user.is_authenticated and bool(entry.allowed(user))


@dataclass(frozen=True)
class Tile:
    label: str
    subtitle: str
    url_name: str
    menu: bool = True  # shown only where the menu leads the user (may_visit); False: the dashboard, for all


# The home page's 业务专栏: each leads where its subtitle says, and is shown only to whom the menu shows the
# same page, so nobody is sent to a 403. The anonymous visitor sees the way in (the dashboard asks to sign in).
HOME_TILES = (
    Tile(_("运行监测"), _("工作台:待办事项和各项业务入口"), "core:dashboard", menu=False),
    Tile(_("月度填报"), _("填报、查看本企业的月度报表"), "monitoring:my_filings"),
    Tile(_("待填问卷"), _("满意度评价和专项调查问卷"), "questionnaires:pending"),
    Tile(_("本企业信息"), _("本企业的基本信息和监测联系人"), "enterprises:mine"),
    Tile(_("报表审核"), _("审核本地区企业报送的月报"), "monitoring:review_queue"),
    Tile(_("报送情况"), _("各地区应报、已报、报送率和排名"), "monitoring:status"),
    Tile(_("运行分析"), _("主要指标汇总、同比环比和景气指数"), "monitoring:analysis"),
    Tile(_("企业名录"), _("监测企业的查询、维护和导入"), "enterprises:list"),
    Tile(_("通报"), _("季度报送情况通报"), "bulletins:list"),
    Tile(_("服务平台"), _("服务记录、平台活动和本季度服务成效"), "platforms:dashboard"),
    Tile(_("创业基地"), _("小企业创业基地的目标、入孵企业、自查和督查"), "incubators:list"),
)


def home_tiles(user) -> list[dict]:
    out = []
    for tile in HOME_TILES:
        if tile.menu and not may_visit(user, tile.url_name):
            continue
        try:
            url = reverse(tile.url_name)
        except NoReverseMatch:
            continue
        out.append({"label": tile.label, "subtitle": tile.subtitle, "url": url, "key": tile.url_name})
    return out
