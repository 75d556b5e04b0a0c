"""The registry of timed steps and the context they share.

A step is a function ``f(ctx)`` registered with :func:`step` under the name of its main figure
(``generate_enterprises_s``). The runner calls the steps by ``order`` (then name) and records the
wall time of the whole call under that name, unless the step recorded that figure itself, which a
step does when part of it is preparation that must not be timed::

    @step("raw_insert_s", order=110)
    def raw_insert(ctx):
        rows = read_rows()                  # not timed
        with ctx.measure("raw_insert_s"):   # timed
            insert(rows)
        ctx.record("generate_raw_ratio", ctx.figures["generate_enterprises_s"] / ctx.figures["raw_insert_s"])

A step declares the steps whose data it reads (``needs``), so that ``--only`` runs them too: a figure can be
measured again on its own (``--only reminders_compute_queue_s``) without naming its preparation.

A step that cannot run yet (the feature it measures does not exist in this checkout) raises
:class:`Skip` with a reason; the run goes on and the figure is absent.

Units follow the figure's suffix: ``_s`` seconds, ``_per_s`` per second, ``_ratio`` a plain ratio,
``_queries`` SQL queries, anything else a count.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


class Skip(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a step whose feature is not there (yet); the run continues without its figure."""


@dataclass(frozen=True)
class Step:
    name: str
    func: Callable[[Context], Any]
    order: int = 100
    doc: str = ""
    needs: tuple[str, ...] = ()


STEPS: dict[str, Step] = {}


def step(name: str, *, order: int = 100,
         needs: tuple[str, ...] = ()) -> Callable[[Callable[[Context], Any]], Callable[[Context], Any]]:
    """Register ``func`` as the step producing the figure ``name``; lower ``order`` runs first.

    Conventional orders: 0-99 set-up (database, province), 100-199 registry (enterprises),
    200-299 filings, 300-399 review, 400-499 exports and API, 500+ anything else. ``needs``: the steps
    (figure names) that make the data this one reads; ``--only`` adds them.
    """

    def decorator(func: Callable[[Context], Any]) -> Callable[[Context], Any]:
        if name in STEPS and STEPS[name].func.__qualname__ != func.__qualname__:
            raise ValueError(f"bench step {name!r} is registered twice")
        STEPS[name] = Step(name=name, func=func, order=order, doc=(func.__doc__ or "").strip().split("\n")[0],
                           needs=tuple(needs))
        return func

    return decorator


def ordered_steps() -> list[Step]:
    return sorted(STEPS.values(), key=lambda s: (s.order, s.name))


def with_needs(wanted: set[str], steps: list[Step]) -> set[str]:
    """``wanted`` and every step they need, transitively (an unknown name is left for the caller to report)."""
    by_name = {s.name: s for s in steps}
    out: set[str] = set()
    todo = list(wanted)
    while todo:
        name = todo.pop()
        if name not in out:
            out.add(name)
            todo.extend(by_name[name].needs if name in by_name else ())
    return out


@dataclass
class Context:
    """What the steps share: the run's parameters, the figures so far and objects made by earlier steps."""

    enterprises: int
    months: int
    seed: int = 2026
    counties_per_city: int = 9
    database_url: str = ""
    figures: dict[str, float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    # Filled by the set-up steps: the province Region, the county Regions, users by key.
    province: Any = None
    counties: list[Any] = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # anything else a later step hands to another

    def record(self, name: str, value: float) -> None:
        self.figures[name] = float(value)

    def note(self, name: str, text: str) -> None:
        self.notes[name] = text

    @contextlib.contextmanager
    def measure(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.record(name, time.perf_counter() - started)

    @staticmethod
    def median_time(func: Callable[[], Any], *, repeat: int = 3, warmup: int = 1) -> float:
        """Median wall time of ``func()`` over ``repeat`` calls after ``warmup`` untimed ones."""
        for _ in range(warmup):
            func()
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            func()
            times.append(time.perf_counter() - started)
        times.sort()
        return times[len(times) // 2]


def run_steps(ctx: Context, steps: list[Step], *, echo: Callable[[str], None] = print,
              after: Callable[[Context], None] | None = None) -> None:
    """Run ``steps`` in the given order; ``after(ctx)`` is called after each (the runner saves the JSON)."""
    for s in steps:
        echo(f"· {s.name} …")
        before = set(ctx.figures)
        started = time.perf_counter()
        try:
            s.func(ctx)
        except Skip as reason:
            ctx.note(s.name, f"skipped: {reason}")
            echo(f"  skipped: {reason}")
            continue
        elapsed = time.perf_counter() - started
        ctx.figures.setdefault(s.name, elapsed)
        new = [name for name in ctx.figures if name not in before]
        echo("  " + ", ".join(f"{name} = {ctx.figures[name]:.4g}" for name in new) + f"  ({elapsed:.1f} s)")
        if after is not None:
            after(ctx)
