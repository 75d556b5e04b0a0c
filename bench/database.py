"""The benchmark's own database: chosen from the arguments and the environment, made fresh each run."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = BASE_DIR / "bench.sqlite3"
POSTGRES_BENCH_NAME = "portal_bench"


def resolve_url(explicit: str | None, environment: str | None) -> str:
    """--database-url wins; else DATABASE_URL's server with database ``portal_bench``; else SQLite file."""
    if explicit:
        return explicit
    if environment:
        parts = urlsplit(environment)
        if parts.scheme.startswith("postgres"):
            return urlunsplit(parts._replace(path=f"/{POSTGRES_BENCH_NAME}"))
        if parts.scheme.startswith("sqlite"):
            return f"sqlite:///{DEFAULT_SQLITE}"
        return environment
    return f"sqlite:///{DEFAULT_SQLITE}"


def recreate(url: str) -> str:
    """Drop and create the database named by ``url``; returns a short description.

    Refuses any database whose name does not contain ``bench``, so that a mistyped URL can never
    wipe the portal's own data.
    """
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = Path(url.split(":///", 1)[1]) if ":///" in url else Path(parts.path)
        if "bench" not in path.name:
            raise SystemExit(f"refusing to use {path}: the benchmark's SQLite file name must contain 'bench'")
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"SQLite {path}"
    if parts.scheme.startswith("postgres"):

        name = unquote(parts.path.lstrip("/"))
        if "bench" not in name:
            raise SystemExit(f"refusing to use database {name!r}: the benchmark's database name must contain 'bench'")
        maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
        conn = psycopg2.connect(maintenance)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        finally:
            conn.close()
        return f"PostgreSQL {parts.hostname}:{parts.port or 5432}/{name}"
    raise SystemExit(f"unsupported database URL for the benchmark: {url}")


def configure_environment(url: str) -> None:
    """Point the settings at the benchmark database; Celery eager, no production hardening, DEBUG off."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DEBUG"] = "0"
    # No SECRET_KEY: it would switch on HTTPS redirects that the test client does not follow.
    # No REDIS_URL: tasks run eagerly inside the timed step instead of waiting for a worker.
    for name in ("SECRET_KEY", "REDIS_URL"):
        os.environ.pop(name, None)
