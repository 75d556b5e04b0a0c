"""What a kind of bulletin is: the part each domain app writes.

``portal.bulletins`` owns a bulletin's life — draft, redraft, review, publish as a notice, send to the
regions, the printable page and the .xlsx — for any kind. A domain app subclasses :class:`BulletinKind`
and registers one instance (``portal.core.registry.register_bulletin_kind``) from its ``AppConfig.ready()``:
its figures (``compute``), its columns, its title, which periods it covers and when the scheduled draft is
due. The figures are the app's one definition of them; the bulletin stores what it computed, so a published
bulletin never changes.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.accounts.scoping import Viewer, scope_for


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # lazily translated
    kind: str = "int"  # "int", "float", "pct" (a rate, shown with %), "text"
    help: Any = ""


@dataclass
class Table:
    """What ``compute`` returns: the rows (one per child region, dicts keyed by the columns' keys plus
    ``code``, in the order to print) and the region's own line (合计, computed, never summed here)."""

    rows: list[dict]
    total: dict


@dataclass(frozen=True)
class PeriodChoice:
    code: str  # "2026-Q3", "2026"
    label: str


class BulletinKind:
    key: str = ""  # "<app>.<name>", stored on each bulletin
    label: Any = ""  # the kind's name on the list page
    columns: tuple[Column, ...] = ()
    footnote: Any = ""  # how the figures are defined, under the table
    total_label: Any = ""  # the own line's name

    # -- periods ---------------------------------------------------------------------------------
    def period_choices(self, today: date) -> list[PeriodChoice]:
        """The periods a bulletin can be drafted for now, newest first."""
        raise NotImplementedError

    def clean_period(self, period: str, today: date) -> str:
        """``period`` in its one spelling, or a ValidationError (for people) when it isn't one or can't be
        drafted yet."""
        raise NotImplementedError

    def due(self, today: date) -> str | None:
        """The period the scheduled run drafts today, or None."""
        return None

    def describe_period(self, period: str) -> str:
        """The line under the title: which months the bulletin counts."""
        return period

    # -- who and where ---------------------------------------------------------------------------
    def may_manage(self, user: Viewer) -> bool:
        """Draft, review and publish: province staff (the notices' managers) unless the kind says otherwise."""
        return scope_for(user).may_manage_notices

    def levels(self, viewer: Viewer) -> list[Any]:
        """The regions a period's bulletins are drafted for (each over its child regions)."""
        raise NotImplementedError

    def has_figures(self, *, viewer: Viewer, region: Any, period: str) -> bool:
        """Whether ``region`` has anything to report for ``period``. A level without (a city with no monitored
        enterprise, say) is not drafted, and the run names it with ``skip_reason``."""
        return True

    skip_reason: Any = ""  # why a level without figures is not drafted, as its managers are told

    # -- content ---------------------------------------------------------------------------------
    def title(self, region: Any, period: str) -> str:
        raise NotImplementedError

    def compute(self, *, viewer: Viewer, region: Any, period: str) -> Table:
        raise NotImplementedError

    def notice_lines(self, *, region: Any, period: str, rows: list[dict], total: dict) -> list[str]:
        """The published notice's text, line by line."""
        raise NotImplementedError
