"""Stored files: random names on disk, downloads only through the scoped view.

Every model with a FileField registers it in :mod:`portal.core.registry` (``register_stored_file``) and
names its storage path with :class:`RandomName`: ``exports/2026/11/<32 hex digits>.xlsx``. The name a
user uploaded or a bulletin's title is never part of the path, so a path cannot be guessed from what it
holds; MEDIA_ROOT is not served by Django (in development neither) nor by the reverse proxy
(docs/operations.md), so the only way to a file is ``core:stored_file``, which finds the row through the
model's tenancy and answers "missing" and "forbidden" with the same 404.
"""

import mimetypes
import os
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from portal.accounts.scoping import Viewer

from . import registry

EXTENSION = re.compile(r"\.[a-z0-9]{1,10}")
RANDOM_BASENAME = re.compile(r"[0-9a-f]{32}(\.[a-z0-9]{1,10})?")
# Characters that file systems or the Content-Disposition header do not take in a name.
UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
OCTET_STREAM = "application/octet-stream"


def extension(name: str) -> str:
    """The name's extension, lower case with its dot (".xlsx"), or "" when it is not a plain one."""
    ext = os.path.splitext(name or "")[1].lower()
    return ext if EXTENSION.fullmatch(ext) else ""


@deconstructible
class RandomName:
    """``upload_to``: ``<prefix>/<year>/<month>/<uuid4 hex><extension>``; only the extension of the name
    given is kept."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.strip("/")

    def __call__(self, instance: Any, filename: str) -> str:
        today = timezone.localdate()
        return f"{self.prefix}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}{extension(filename)}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


def is_random(name: str) -> bool:
    return bool(RANDOM_BASENAME.fullmatch(os.path.basename(name or "")))


def rename_guessable(model: type[models.Model], field: str = "file") -> int:
    """Move the files of ``model`` whose stored name is not random to a name from the field's
    ``upload_to`` (for the migration that introduced RandomName). A file missing from the storage is
    left as it is. Returns how many were moved."""
    moved = 0
    file_field = model._meta.get_field(field)
    if not isinstance(file_field, models.FileField):
        raise ImproperlyConfigured(f"{model._meta.label}.{field} is not a FileField")
    for row in model._base_manager.exclude(**{field: ""}).iterator():
        current: FieldFile = getattr(row, field)
        old = current.name or ""
        if is_random(old) or not current.storage.exists(old):
            continue
        with current.storage.open(old, "rb") as handle:
            new = current.storage.save(file_field.generate_filename(row, old), File(handle))
        model._base_manager.filter(pk=row.pk).update(**{field: new})
        current.storage.delete(old)
        moved += 1
    return moved


def file_url(obj: models.Model) -> str:
    """The scoped download of ``obj``'s stored file (its model must be registered)."""
    return reverse("core:stored_file", args=[obj._meta.label_lower, obj.pk])


def download_name(name: str, stored: str) -> str:
    """A readable file name for the browser: no path separators, quotes or control characters, and the
    stored file's extension."""
    ext = extension(stored)
    clean = " ".join(UNSAFE.sub(" ", name or "").split())
    if ext and clean.lower().endswith(ext):
        clean = clean[:-len(ext)]
    stem = clean.strip(". ")[:150].rstrip(". ")
    return f"{stem or 'download'}{ext}"


@dataclass(frozen=True)
class Download:
    handle: Any
    filename: str
    content_type: str


def open_download(*, user: Viewer, label: str, pk: int) -> Download | None:
    """The stored file of row ``pk`` of the model registered as ``label``, if ``user`` may download it and it
    exists; None otherwise (the view answers 404 to either)."""
    entry = registry.stored_file(label)
    if entry is None:
        return None
    row = entry.rows(user).filter(pk=pk).first()
    stored: FieldFile | None = getattr(row, entry.field) if row is not None else None
    if not stored or not stored.name:
        return None
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError):
        return None
    content_type = (entry.content_type(row) if entry.content_type else None) \
        or mimetypes.guess_type(stored.name)[0] or OCTET_STREAM
    return Download(handle=handle, filename=download_name(entry.filename(row), stored.name),
                    content_type=content_type)
