"""``python -m bench.run --enterprises N --months M [--database-url URL] [--output FILE]``

Builds a synthetic province in a database of its own, runs every registered step (bench/steps/),
prints a table and writes the figures to ``bench-results.json`` as a flat ``{name: number}`` object.

Database: ``--database-url`` if given; else, when DATABASE_URL names a PostgreSQL server, the same
server with database ``portal_bench``; else the SQLite file ``bench.sqlite3``. The benchmark
database is dropped and created again on every run, and its name must contain ``bench``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import warnings
from pathlib import Path

import django

from bench import database
from bench.registry import Context, ordered_steps, run_steps, with_needs
from bench.steps import load_all

DEFAULT_OUTPUT = database.BASE_DIR / "bench-results.json"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[1])
    parser.add_argument("--enterprises", type=int, default=100_000, help="synthetic enterprises (default 100000)")
    parser.add_argument("--months", type=int, default=12, help="months of filings, for steps that make them")
    parser.add_argument("--database-url", default=None, help="benchmark database (its name must contain 'bench')")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON figures")
    parser.add_argument("--counties-per-city", type=int, default=9,
                        help="synthetic counties for each city that has none in the shipped tree")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", default="",
                        help="comma-separated figures to run, with the steps they need (set-up steps, order < 100, "
                             "always run), e.g. reminders_compute_queue_s also generates the enterprises and filings")
    args = parser.parse_args(argv)
    if args.enterprises < 1 or args.months < 1:
        parser.error("--enterprises and --months must be positive")
    return args


def unit(name: str) -> str:
    for suffix, label in (("_per_s", "/s"), ("_s", "s"), ("_ratio", "×"), ("_queries", "queries")):
        if name.endswith(suffix):
            return label
    return ""


def format_table(figures: dict[str, float], notes: dict[str, str]) -> str:
    width = max([len(n) for n in figures] + [len("figure")])
    lines = [f"{'figure':<{width}}  {'value':>12}  unit", f"{'-' * width}  {'-' * 12}  -----"]
    for name, value in figures.items():
        shown = f"{value:12.3f}" if unit(name) in ("s", "/s", "×") else f"{value:12.0f}"
        lines.append(f"{name:<{width}}  {shown}  {unit(name)}")
    for name, text in notes.items():
        lines.append(f"note: {name}: {text}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = database.resolve_url(args.database_url, os.environ.get("DATABASE_URL"))
    where = database.recreate(url)
    database.configure_environment(url)


    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: STATIC_ROOT is not collected here

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per force_login otherwise

    load_all()
    steps = ordered_steps()
    if args.only:
        wanted = {name.strip() for name in args.only.split(",") if name.strip()}
        unknown = wanted - {s.name for s in steps}
        if unknown:
            raise SystemExit(f"unknown step(s): {', '.join(sorted(unknown))}")
        wanted = with_needs(wanted, steps)
        steps = [s for s in steps if s.order < 100 or s.name in wanted]
    print(f"bench: {args.enterprises} enterprises, {args.months} months, database {where}")
    print(f"       steps: {', '.join(s.name for s in steps)}")
    ctx = Context(enterprises=args.enterprises, months=args.months, seed=args.seed,
                  counties_per_city=args.counties_per_city, database_url=url)
    ctx.record("enterprises", args.enterprises)
    ctx.record("months", args.months)
    args.output.parent.mkdir(parents=True, exist_ok=True)

    def save(ctx: Context) -> None:  # after every step, so that an interrupted run keeps what it measured
        args.output.write_text(json.dumps(ctx.figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    started = time.perf_counter()
    run_steps(ctx, steps, after=save)
    ctx.record("total_s", time.perf_counter() - started)
    save(ctx)

    print()
    print(format_table(ctx.figures, ctx.notes))
    print(f"\nwrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
