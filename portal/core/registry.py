"""What the domain apps contribute to the shared core, so that ``portal`` never imports them.

Dependencies point one way (docs/architecture.md §1): ``monitoring``, ``platforms``, ``incubators`` and
``upscaling`` import ``portal``; ``portal`` imports none of them. Where the core has to act on an app's
things — load its demo data, let the security administrator grant its objects — the app registers them
here from its ``AppConfig.ready()``, as it registers its menus and panels in ``portal.core.navigation``.

- :func:`register_demo`: a function that loads the app's part of the demo province (``manage.py load_demo``
  runs them in order, inside its transaction, after the regions, enterprises and demo users exist);
- :func:`register_grantable`: a model whose rows are granted to one role's users (a platform to its
  operator, a base to its manager), offered on the security administrator's grant page.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class DemoLoader:
    name: str
    load: Callable[..., None]  # load(*, users: dict[str, User]) -> None
    order: int = 100


@dataclass(frozen=True)
class Grantable:
    model: type[models.Model]
    role: str  # the Role whose users may be granted rows of ``model``


_demo: dict[str, DemoLoader] = {}
_grantables: dict[str, Grantable] = {}


def register_demo(name: str, load: Callable[..., None], *, order: int = 100) -> None:
    _demo[name] = DemoLoader(name=name, load=load, order=order)


def demo_loaders() -> list[DemoLoader]:
    return sorted(_demo.values(), key=lambda d: (d.order, d.name))


def register_grantable(model: type[models.Model], *, role: str) -> None:
    _grantables[model._meta.label] = Grantable(model=model, role=role)


def grantables() -> list[Grantable]:
    return [_grantables[k] for k in sorted(_grantables)]


def grantable_for_role(role: str) -> list[Grantable]:
    return [g for g in grantables() if g.role == role]
