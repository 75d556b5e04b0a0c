"""The registry at scale: bulk generation, and the bare insert of the same rows as its limit."""

from django.db import connection, transaction
from psycopg2.extras import execute_values

from bench.registry import Context, step
from portal.core.db import analyze
from portal.enterprises.models import Enterprise, Honour
from portal.enterprises.synthetic import generate_enterprises as generate


@step("generate_enterprises_s", order=100)
def generate_enterprises(ctx: Context) -> None:
    """portal.enterprises.synthetic.generate_enterprises: build, classify and bulk_create N rows.

    The table is analysed afterwards (not timed), as after every preparation: the later steps are planned with
    statistics that know the rows, whichever of them run (``--only``)."""

    with ctx.measure("generate_enterprises_s"), transaction.atomic():
        made = generate(ctx.enterprises, counties=ctx.counties, seed=ctx.seed)
    assert made == ctx.enterprises, (made, ctx.enterprises)
    analyze(Enterprise)


@step("raw_insert_s", order=110, needs=("generate_enterprises_s",))
def raw_insert(ctx: Context) -> None:
    """The limit: the same rows read back, emptied out and inserted again with a bare executemany.

    SQLite: ``cursor.executemany``; PostgreSQL (psycopg2): ``execute_values`` in pages of 5,000,
    psycopg2's ``executemany`` being one round trip per row. Reading and deleting are not timed.
    Also records ``generate_raw_ratio`` = generate_enterprises_s / raw_insert_s.
    """

    table = Enterprise._meta.db_table
    columns = [f.column for f in Enterprise._meta.concrete_fields]
    qn = connection.ops.quote_name
    column_list = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column_list} FROM {qn(table)} ORDER BY {qn('id')}")  # noqa: S608
        rows = cursor.fetchall()
    # An empty table again, as generate_enterprises_s found it. PostgreSQL: DELETE then VACUUM, so that
    # no dead tuples sit behind the unique keys (TRUNCATE would cascade to the users referencing the
    # table); SQLite: a DELETE without WHERE truncates.
    # The honour records point at the enterprises: kept aside and put back afterwards (not timed).
    honours = list(Honour.objects.all())
    Honour.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {qn(table)}")  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM {qn(table)}")
    with transaction.atomic():
        with ctx.measure("raw_insert_s"), connection.cursor() as cursor:
            if connection.vendor == "postgresql" and hasattr(cursor.cursor, "mogrify"):

                execute_values(cursor.cursor, f"INSERT INTO {qn(table)} ({column_list}) VALUES %s",  # noqa: S608
                               rows, page_size=5000)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {qn(table)} ({column_list}) VALUES ({placeholders})",  # noqa: S608
                                   rows)
    Honour.objects.bulk_create(honours, batch_size=5000)
    analyze(Enterprise)
    assert Enterprise.objects.count() == len(rows)
    ctx.record("generate_raw_ratio", ctx.figures["generate_enterprises_s"] / ctx.figures["raw_insert_s"])
