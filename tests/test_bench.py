"""The benchmark runs end to end on a tiny province and writes its figures (make bench is not a test)."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench.registry import Context, Skip, Step, ordered_steps, run_steps, with_needs
from bench.steps import load_all

BASE_DIR = Path(__file__).resolve().parent.parent
FIGURES = ("migrate_s", "build_province_s", "generate_enterprises_s", "raw_insert_s", "generate_raw_ratio",
           "region_list_county_s", "region_list_province_s", "region_list_s", "api_filings", "api_filings_per_s",
           "total_s")


def databases():
    """SQLite always; the PostgreSQL server too when the suite runs against one (CI)."""
    urls = ["sqlite"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        urls.append("postgres")
    return urls


def run_bench(tmp_path: Path, database_url: str, enterprises: int = 300) -> tuple[dict, str]:
    output = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--enterprises", str(enterprises), "--months", "2",
         "--database-url", database_url, "--output", str(output)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(output.read_text(encoding="utf-8")), result.stdout


@pytest.mark.parametrize("backend", databases())
def test_bench_writes_positive_figures(tmp_path, backend):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    else:

        url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/portal_bench_test"))
    figures, stdout = run_bench(tmp_path, url)

    assert isinstance(figures, dict)
    for name in FIGURES:
        assert name in figures, (name, stdout)
    for name, value in figures.items():  # every figure a finite number (a delta may be 0)
        assert isinstance(value, int | float) and not isinstance(value, bool), name
        assert math.isfinite(value) and value >= 0, (name, value)
    for name in FIGURES:  # the foundation's own figures are positive
        assert figures[name] > 0, (name, figures[name])
    assert figures["enterprises"] == 300
    assert figures["months"] == 2
    assert figures["counties"] >= 100  # every city has counties: shipped ones plus synthetic ones
    assert "generate_enterprises_s" in stdout  # the printed table


def test_bench_refuses_a_database_without_bench_in_its_name(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    victim = tmp_path / "portal.sqlite3"
    victim.write_bytes(b"precious")
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--enterprises", "10", "--database-url", f"sqlite:///{victim}"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert victim.read_bytes() == b"precious"


def test_registry_times_steps_and_keeps_figures_a_step_recorded():
    def whole(ctx):
        sum(range(1000))

    def own(ctx):
        ctx.record("own_s", 42.0)

    def missing(ctx):
        raise Skip("not there yet")

    ctx = Context(enterprises=1, months=1)
    run_steps(ctx, [Step("whole_s", whole), Step("own_s", own), Step("missing_s", missing)], echo=lambda _: None)
    assert ctx.figures["whole_s"] > 0
    assert ctx.figures["own_s"] == 42.0
    assert "missing_s" not in ctx.figures
    assert "not there yet" in ctx.notes["missing_s"]


def test_only_adds_the_steps_a_figure_needs():
    def nothing(ctx):
        pass

    steps = [Step("a_s", nothing), Step("b_s", nothing, needs=("a_s",)), Step("c_s", nothing, needs=("b_s",)),
             Step("d_s", nothing)]
    assert with_needs({"c_s"}, steps) == {"a_s", "b_s", "c_s"}
    assert with_needs({"d_s", "unknown_s"}, steps) == {"d_s", "unknown_s"}  # the runner reports unknown names
    load_all()
    assert {"generate_enterprises_s", "generate_filings_s"} <= with_needs({"reminders_compute_queue_s"},
                                                                         ordered_steps())
