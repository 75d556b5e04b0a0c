"""The planner's statistics after a bulk write.

PostgreSQL plans a query from the statistics of its tables (row counts, the values of each column). Rows
written in bulk are in those statistics only once the table is analysed: autovacuum does it about a minute
later in production, never when it is switched off, and not for a job that writes and then at once reads what
it wrote. With statistics that say a table holds a couple of rows where it holds 100,000, the planner may pick
a nested loop that reads the whole table once per outer row (minutes instead of a second). A service that
writes thousands of rows and then queries them (or queues work that will) calls :func:`analyze` in between.
"""

from django.db import connection
from django.db.models import Model

# Fewer rows than this change no plan that matters: ANALYZE (a sample of up to 30,000 rows per table, a tenth
# of a second or so) is not worth its time after a small write.
ANALYZE_AFTER_ROWS = 1000


def analyze(*models: type[Model], rows: int | None = None) -> bool:
    """ANALYZE the tables of ``models`` on PostgreSQL; a no-op on other databases.

    ``rows``: how many rows the caller has just written; below ANALYZE_AFTER_ROWS nothing is done. Returns
    whether the statistics were refreshed. Inside a transaction the sample includes the transaction's own
    uncommitted rows (and the new statistics are rolled back with it)."""
    if connection.vendor != "postgresql" or not models or (rows is not None and rows < ANALYZE_AFTER_ROWS):
        return False
    qn = connection.ops.quote_name
    tables = ", ".join(dict.fromkeys(qn(model._meta.db_table) for model in models))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
    return True
