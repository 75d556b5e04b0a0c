"""What the domain apps contribute to the shared core, so that ``portal`` never imports them.

Dependencies point one way (docs/architecture.md §1): ``monitoring``, ``platforms``, ``incubators`` and
``upscaling`` import ``portal``; ``portal`` imports none of them. Where the core has to act on an app's
things — load its demo data, let the security administrator grant its objects — the app registers them
here from its ``AppConfig.ready()``, as it registers its menus and panels in ``portal.core.navigation``.

- :func:`register_demo`: a function that loads the app's part of the demo province (``manage.py load_demo``
  runs them in order, inside its transaction, after the regions, enterprises and demo users exist);
- :func:`register_grantable`: a model whose rows are granted to one role's users (a platform to its
  operator, a base to its manager), offered on the security administrator's grant page;
- :func:`register_bulletin_kind`: a kind of bulletin the app publishes (its figures, columns, title and
  periods); ``portal.bulletins`` drafts, reviews, publishes and prints every kind the same way;
- :func:`register_figure`: a figure of the app's own data that the province's work plan can bind a target
  to (a region's value for a year, computed live from the app's one definition of it).
- :func:`register_stored_file`: a model with a stored file (a FileField), downloaded only through the
  portal's scoped view ``core:stored_file`` (``/files/<model label>/<pk>/``, portal.core.files): the rows a
  user may download (by default ``Model.objects.visible_to(user)``), the name the browser saves the file
  under, and its content type. MEDIA_ROOT is never served as such (docs/operations.md).
- :func:`register_scorecard_subject`: a kind of subject the scorecard core (``portal.scorecards``) scores,
  through its adapter (``portal.scorecards.adapters.SubjectAdapter``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
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


@dataclass(frozen=True)
class StoredFile:
    model: type[models.Model]
    field: str  # the FileField's name
    rows: Callable[[Any], models.QuerySet]  # rows(user): the rows ``user`` may download
    filename: Callable[[Any], str]  # filename(row): the name people read (the stored one is random)
    content_type: Callable[[Any], str] | None = None  # content_type(row); None: guessed from the name

    @property
    def label(self) -> str:
        return self.model._meta.label_lower  # "monitoring.exportjob": the key in the download URL


_demo: dict[str, DemoLoader] = {}
_grantables: dict[str, Grantable] = {}
_stored_files: dict[str, StoredFile] = {}


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


# -- bulletins -------------------------------------------------------------------------------------
_bulletin_kinds: dict[str, Any] = {}


def register_bulletin_kind(kind: Any) -> None:
    """``kind``: a ``portal.bulletins.kinds.BulletinKind`` (typed loosely: the registry imports no app)."""
    _bulletin_kinds[kind.key] = kind


def bulletin_kinds() -> list[Any]:
    return [_bulletin_kinds[k] for k in sorted(_bulletin_kinds)]


def bulletin_kind(key: str) -> Any | None:
    return _bulletin_kinds.get(key)


# -- figures the work plan binds targets to --------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """One figure of an app's data for a region and a year: ``value(viewer=, region=, year=)`` → a number
    or None (nothing to count), read through the viewer's scope from the app's one definition."""

    key: str  # "monitoring.reporting_rate"
    label: Any  # lazily translated
    unit: Any
    value: Callable[..., float | int | None]


_figures: dict[str, Figure] = {}


def register_figure(key: str, *, label: Any, unit: Any, value: Callable[..., float | int | None]) -> None:
    if "." not in key:
        raise ImproperlyConfigured(f"a figure's key names its app: {key!r}")
    _figures[key] = Figure(key=key, label=label, unit=unit, value=value)


def figures() -> list[Figure]:
    return [_figures[k] for k in sorted(_figures)]


def figure(key: str) -> Figure | None:
    return _figures.get(key)
def register_stored_file(model: type[models.Model], *, filename: Callable[[Any], str], field: str = "file",
                         rows: Callable[[Any], models.QuerySet] | None = None,
                         content_type: Callable[[Any], str] | None = None) -> None:
    """Declare ``model``'s stored file. ``rows(user)`` narrows what may be downloaded further than the
    model's tenancy (drafts, unfinished jobs); it must start from ``Model.objects.visible_to(user)``."""
    model._meta.get_field(field)  # a misspelt field fails at start-up, not at the first download

    def visible(user: Any) -> models.QuerySet:
        return model._default_manager.visible_to(user)  # type: ignore[attr-defined]

    entry = StoredFile(model=model, field=field, rows=rows or visible, filename=filename, content_type=content_type)
    _stored_files[entry.label] = entry


def stored_file(label: str) -> StoredFile | None:
    return _stored_files.get(label)


def stored_files() -> list[StoredFile]:
    return [_stored_files[k] for k in sorted(_stored_files)]


# -- scorecard subjects ------------------------------------------------------------------------------
_scorecard_subjects: dict[str, Any] = {}


def register_scorecard_subject(key: str, adapter: Any) -> None:
    """``adapter``: a ``portal.scorecards.adapters.SubjectAdapter`` telling the scorecard core about one kind of
    subject (a platform, a base): its rows, types, region, metrics, who scores and who objects. ``key`` names the
    app ("platforms.platform") and is the schemes' ``kind``."""
    if "." not in key:
        raise ImproperlyConfigured(f"a scorecard subject's key names its app: {key!r}")
    _scorecard_subjects[key] = adapter


def scorecard_subject(key: str) -> Any | None:
    return _scorecard_subjects.get(key)


def scorecard_subjects() -> list[Any]:
    return [_scorecard_subjects[k] for k in sorted(_scorecard_subjects)]
