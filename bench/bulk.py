"""Fast writes for the benchmark's untimed preparation: PostgreSQL's COPY instead of ``bulk_create``.

``bulk_create`` spends most of its time in Python (a model instance per row, every value prepared field by
field, one long INSERT compiled per batch): about 1,300 filings a second on the reference machine, where
COPY loads hundreds of thousands of rows a second. The set-up of a provincial run (a year of filings for
100,000 enterprises, an officer per enterprise) is written here with COPY; other databases (SQLite, the
small runs of tests/test_bench.py) keep ``bulk_create``.

Rows are ``{column attribute: value}`` dicts (``enterprise_id``, not ``enterprise``); a column a row leaves
out gets the field's default, as ``bulk_create`` would give it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from monitoring.models import Filing, FilingProduct
from monitoring.synthetic import Writer, bulk_write

PAGE = 20_000  # rows per COPY


def fast() -> bool:
    """Whether COPY is at hand (PostgreSQL through psycopg2)."""
    return connection.vendor == "postgresql"


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_BOOLEANS = {True: "t", False: "f", None: "\\N"}


def _text(value: str) -> str:
    return value.translate(_ESCAPES)


def _nullable_text(value: str | None) -> str:
    return "\\N" if value is None else value.translate(_ESCAPES)


def _nullable(value: Any) -> str:
    return "\\N" if value is None else str(value)  # int, Decimal, date, aware datetime: PostgreSQL reads str()


def _json(value: Any) -> str:
    return "\\N" if value is None else json.dumps(value, ensure_ascii=False).translate(_ESCAPES)


def _encoder(field: models.Field) -> Callable[[Any], str]:
    """The column's value in COPY's text format."""
    if isinstance(field, models.JSONField):
        return _json
    if isinstance(field, models.BooleanField):
        return _BOOLEANS.__getitem__
    if isinstance(field, models.CharField | models.TextField):
        return _nullable_text if field.null else _text
    return _nullable if field.null else str


def _columns(model: type[models.Model], keys: Iterable[str]) -> tuple[list[tuple[str, str, Callable]], list[str], str]:
    """The rows' columns as (attribute, column, encoder); the other columns (their defaults, as bulk_create would
    write them) with their values already encoded. The primary key is left to its sequence unless given."""
    now = timezone.now()
    keys = set(keys)
    varying, constant, values = [], [], []
    for field in model._meta.concrete_fields:
        if field.attname in keys:
            varying.append((field.attname, field.column, _encoder(field)))
        elif not field.primary_key:
            auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            constant.append(field.column)
            values.append(_encoder(field)(now if auto else field.get_default()))
    return varying, constant, "".join(f"\t{v}" for v in values)


def copy_rows(model: type[models.Model], rows: list[dict]) -> int:
    """COPY ``rows`` into ``model``'s table (PostgreSQL), PAGE rows a statement; returns the rows written."""
    if not rows:
        return 0
    varying, constant, tail = _columns(model, rows[0])
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in [*(column for _a, column, _e in varying), *constant])
    statement = f"COPY {qn(model._meta.db_table)} ({names}) FROM STDIN WITH (FORMAT text)"
    line_end = f"{tail}\n"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), PAGE):
            buffer = io.StringIO()
            write = buffer.write
            for row in rows[start:start + PAGE]:
                write("\t".join([encode(row[attname]) for attname, _c, encode in varying]))
                write(line_end)
            buffer.seek(0)
            cursor.cursor.copy_expert(statement, buffer)
    return len(rows)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys drawn from the table's own sequence, so that rows written with COPY can be
    referred to (a filing's products) without reading them back."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [qn(model._meta.db_table), model._meta.pk.column, count])
        return [pk for (pk,) in cursor.fetchall()]


def insert(model: type[models.Model], rows: list[dict], *, batch_size: int = 5000) -> int:
    """COPY on PostgreSQL, ``bulk_create`` elsewhere."""
    if fast():
        return copy_rows(model, rows)
    model.objects.bulk_create([model(**row) for row in rows], batch_size=batch_size)
    return len(rows)


def copy_filings(filings: list[dict], products: list[dict] | None) -> int:
    """A writer for monitoring.synthetic.generate_filings: the filings (and their products) by COPY."""
    if not filings:
        return 0
    with transaction.atomic():
        if products:
            for values, pk in zip(filings, reserve_ids(Filing, len(filings)), strict=True):
                values["id"] = pk
        copy_rows(Filing, filings)
        if products:
            copy_rows(FilingProduct, [{**p, "filing_id": f["id"]} for f, p in zip(filings, products, strict=True)])
    return len(filings)


def filing_writer() -> Writer:
    return copy_filings if fast() else bulk_write
