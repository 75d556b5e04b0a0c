"""portal.core.db.analyze: the planner's statistics refreshed after a bulk write (PostgreSQL; a no-op elsewhere),
and a registry import that analyses what it wrote before the next job reads it."""

import pytest
from django.db import connection

from portal.accounts.models import Role, User
from portal.core import db
from portal.enterprises import services as enterprise_services
from portal.enterprises.models import Enterprise
from tests.portal.test_import import GOOD, fill, template, upload

pytestmark = pytest.mark.django_db


def reltuples(model) -> float | None:
    """What PostgreSQL's statistics say the table holds (None on other databases)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        return cursor.fetchone()[0]


def add_officials(world, count):
    User.objects.bulk_create([User(username=f"stat{i}", role=Role.OFFICIAL, region=world.haian, password="!")
                              for i in range(count)])


def test_analyze_refreshes_the_statistics_on_postgresql_and_skips_small_writes(world):
    db.analyze(User)
    before = reltuples(User)
    add_officials(world, db.ANALYZE_AFTER_ROWS)

    assert db.analyze(User, rows=db.ANALYZE_AFTER_ROWS - 1) is False  # a small write: not worth an ANALYZE
    assert reltuples(User) == before
    refreshed = db.analyze(User, User, rows=db.ANALYZE_AFTER_ROWS)  # a table named twice is analysed once
    assert refreshed is (connection.vendor == "postgresql")
    if refreshed:
        assert reltuples(User) == User.objects.count() > before
    assert db.analyze() is False  # nothing named, nothing analysed (never the whole database)


def test_a_large_registry_import_analyses_the_enterprises_it_wrote(world, login, monkeypatch):
    calls = []

    def spy(*models, rows=None):
        calls.append((models, rows))
        return db.analyze(*models, rows=rows)

    monkeypatch.setattr(enterprise_services, "analyze", spy)
    monkeypatch.setattr(db, "ANALYZE_AFTER_ROWS", len(GOOD))  # three rows stand for a provincial import here
    db.analyze(Enterprise)
    before = reltuples(Enterprise)
    client = login(world.users["county"])
    result = upload(client, fill(template(client), GOOD)).context["result"]

    assert result.ok and result.created == len(GOOD)
    assert calls == [((Enterprise,), len(GOOD))]
    if connection.vendor == "postgresql":
        assert reltuples(Enterprise) == Enterprise.objects.count() == before + len(GOOD)
