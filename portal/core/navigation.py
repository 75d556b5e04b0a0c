"""Menus and dashboard panels. Apps register theirs in AppConfig.ready(); portal never imports them.

A nav entry is (label, url name, predicate(user)); a dashboard panel is a callable(user) returning a
dict {"title", "items": [{"label", "count", "url", "level"}]} or None when it has nothing for the user.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


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
