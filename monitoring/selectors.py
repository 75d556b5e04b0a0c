"""Every read of the monthly monitoring that a page, API, export or task shows. Scoped from visible_to.

A period's rows are filtered on ``period_id=period.pk``: for a month nobody has opened yet the pages show an
unsaved Period (``periods.read_period``), whose NULL id matches no filing and no report."""
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring import states
from monitoring.indicators import INDICATORS, SURVEY, Difficulty, Kind, field_labels
from monitoring.models import (
    CHANNEL_LABELS,
    Filing,
    FilingEvent,
    FilingProduct,
    FilingStatus,
    Period,
    RegionReport,
)
from monitoring.reminders.models import Chase
from monitoring.validation import Context, validate
from portal.accounts.models import User
from portal.accounts.scoping import Viewer, scope_for, within
from portal.enterprises.models import Enterprise
from portal.regions.models import Region

# ------------------------------------------------------------------------------------------------
# Comparison context for validation, loaded in bulk (one query per kind for a whole batch)
# ------------------------------------------------------------------------------------------------

def build_contexts(enterprises: list[Enterprise], period: Period) -> dict[int, Context]:
    ids = [e.id for e in enterprises]
    codes = [i.code for i in INDICATORS]
    py, pm = period.previous()
    previous = {
        row["enterprise_id"]: row
        for row in Filing.objects.submitted().filter(enterprise_id__in=ids, period__year=py, period__month=pm)
        .values("id", "enterprise_id", *codes)
    }
    last_year = {
        row["enterprise_id"]: row
        for row in Filing.objects.submitted().filter(
            enterprise_id__in=ids, period__year=period.year - 1, period__month=period.month)
        .values("enterprise_id", *codes)
    }
    inventory: dict[int, dict] = {}
    filing_to_enterprise = {row["id"]: eid for eid, row in previous.items()}
    for p in FilingProduct.objects.filter(filing_id__in=filing_to_enterprise).values("filing_id", "name", "inventory"):
        inventory.setdefault(filing_to_enterprise[p["filing_id"]], {})[p["name"]] = p["inventory"]
    out = {}
    for e in enterprises:
        prev = previous.get(e.id)
        out[e.id] = Context(
            industrial=e.industry.is_industrial,
            previous=prev if prev and py == period.year else None,
            previous_employees=prev["employees"] if prev else None,
            last_year=last_year.get(e.id),
            previous_inventory=inventory.get(e.id),
        )
    return out



def periods_for_enterprise(*, user: Viewer, enterprise: Enterprise, limit: int = 24) -> list[dict]:
    """The enterprise's months with their filing, newest first: the ended months (a month is filed after it
    ends) since it was monitored, or every ended month it has a filing for. Two queries."""
    filings = {f.period_id: f for f in Filing.objects.visible_to(user).filter(enterprise=enterprise)
               .only("id", "period_id", "status", "on_time", "days_late", "return_reason", "reopened",
                     "first_submitted_at")}
    today = timezone.localdate()
    months = Period.objects.visible_to(user).filter(
        Q(year__lt=today.year) | Q(year=today.year, month__lt=today.month))
    if enterprise.monitored_from:
        start = enterprise.monitored_from
        months = months.filter(Q(year__gt=start.year) | Q(year=start.year, month__gte=start.month)
                               | Q(id__in=list(filings)))
    return [{"period": p, "filing": filings.get(p.id)} for p in months[:limit]]


def filing_for(*, user: Viewer, enterprise: Enterprise, period: Period) -> Filing | None:
    return (Filing.objects.visible_to(user).filter(enterprise=enterprise, period_id=period.pk)
            .select_related("period", "enterprise").prefetch_related("products").first())


def filed_report(*, filing: Filing, enterprise: Enterprise, period: Period) -> dict:
    """What the read-only page of a filed report shows: each indicator the enterprise files with its value,
    the month's own value of a flow and last month's and last year's values; the survey's answers and the
    difficulties by their labels; each warning with its explanation; the filing's history."""
    compare = comparison_values(enterprise=enterprise, period=period)
    industrial = enterprise.industry.is_industrial
    values = [{"indicator": i, "value": getattr(filing, i.code), "previous": compare["previous"].get(i.code),
               "last_year": compare["last_year"].get(i.code), "is_flow": i.kind == Kind.FLOW,
               "month_value": monthly_value(i, getattr(filing, i.code), compare["previous"].get(i.code),
                                            same_year=period.month > 1)}
              for i in INDICATORS if i.applies_to(industrial)]
    difficulties = dict(Difficulty.choices)
    return {
        "values": values,
        "survey": [{"question": q, "answer": getattr(filing, f"get_{q.field_name}_display")()} for q in SURVEY],
        "difficulties": [difficulties.get(d, d) for d in filing.difficulties or []],
        "explanations": [(w, (filing.explanations or {}).get(w["code"], "")) for w in filing.warnings or []],
        "history": history(filing=filing),
    }


def filing_detail(*, user: Viewer, pk: int) -> Filing | None:
    return (Filing.objects.visible_to(user).select_related("period", "enterprise", "enterprise__region",
                                                            "reviewed_by", "filed_by")
            .prefetch_related("products").filter(pk=pk).first())


def comparison_values(*, enterprise: Enterprise, period: Period) -> dict[str, dict]:
    """Last month's and the same month last year's values, beside each field of the form."""
    py, pm = period.previous()
    codes = [i.code for i in INDICATORS]
    rows = (Filing.objects.submitted().filter(enterprise=enterprise)
            .filter(Q(period__year=py, period__month=pm) | Q(period__year=period.year - 1, period__month=period.month))
            .values("period__year", "period__month", *codes))
    out: dict[str, dict[str, Any]] = {"previous": {}, "last_year": {}}
    for row in rows:
        key = "previous" if (row["period__year"], row["period__month"]) == (py, pm) else "last_year"
        out[key] = {c: row[c] for c in codes}
    return out


def monthly_value(indicator: Any, ytd: Any, previous_ytd: Any, same_year: bool) -> Any:
    """The month's own value of a year-to-date flow (January: the YTD value itself)."""
    if ytd is None:
        return None
    if not same_year:
        return ytd
    if previous_ytd is None:
        return None
    return ytd - previous_ytd


@dataclass
class HistoryRow:
    """One act on a filing as people read it: who by name, the channel and the fields a return pointed at
    labelled in the active language."""

    event: FilingEvent
    actor: str
    channel: str
    fields: list[str]


def history(*, filing: Filing) -> list[HistoryRow]:
    """The filing's acts, oldest first (``HistoryRow``). Two queries."""
    events = list(filing.events.select_related("actor").order_by("at", "id"))
    labels = field_labels()
    systems = _system_names([e.channel for e in events])
    return [HistoryRow(event=e, actor=person_name(e.actor, e.actor_name), channel=channel_label(e.channel, systems),
                       fields=[labels.get(code, code) for code in e.fields or []]) for e in events]


def person_name(user: User | None, fallback: str = "") -> str:
    """A person as people name them: the account's full name, else its user name."""
    if user is None:
        return fallback
    return getattr(user, "full_name", "") or user.get_username()


def _system_names(channels: list[str]) -> dict[str, str]:
    """{user name: name} of the exchange systems named by ``api:<user name>`` channels. One query, or none."""
    names = {c.removeprefix("api:") for c in channels if c.startswith("api:")}
    if not names:
        return {}
    return {u: n or u for u, n in get_user_model().objects.filter(username__in=names).values_list("username", "full_name")}


def channel_label(channel: str, systems: dict[str, str] | None = None) -> str:
    """A filing's channel in the active language: 网页填报, 批量导入, 数据接口(the system's name) ..."""
    if channel.startswith("api:"):
        name = channel.removeprefix("api:")
        return _("%(channel)s(%(system)s)") % {"channel": CHANNEL_LABELS["api"], "system": (systems or {}).get(name, name)}
    return str(CHANNEL_LABELS.get(channel, channel))


def filing_channel(*, filing: Filing) -> str:
    return channel_label(filing.channel, _system_names([filing.channel]))


def difficulty_labels(codes: Any) -> list[str]:
    """The checked difficulties of a filing, labelled (unknown codes as they are)."""
    labels = dict(Difficulty.choices)
    return [str(labels.get(c, c)) for c in codes or []]


def changes_since_return(*, filing: Filing) -> list[dict]:
    """What the enterprise changed since the version the reviewer returned: [{field, label, before, after}]."""
    if not filing.returned_version:
        return []
    events = {e.version: e.content for e in filing.events.filter(action=FilingEvent.Action.SUBMIT)
              .filter(version__in=[filing.returned_version, filing.version]).only("version", "content")}
    before, after = events.get(filing.returned_version), events.get(filing.version)
    if not before or not after or filing.version == filing.returned_version:
        return []
    labels = field_labels()
    return [{"field": k, "label": labels.get(k, k), "before": before.get(k), "after": after.get(k)}
            for k in after if before.get(k) != after.get(k)]


def review_queue(*, user: Viewer, period: Period, status: str = FilingStatus.SUBMITTED, q: str = "") -> Any:
    """Submissions waiting for the user's review: one query for the page, enterprise joined."""
    qs = (Filing.objects.visible_to(user).filter(period_id=period.pk)
          .select_related("enterprise", "county")
          .only("id", "status", "version", "warnings", "explanations", "on_time", "days_late", "submitted_at",
                "on_behalf", "channel", "returned_version", "enterprise__name", "enterprise__credit_code",
                "county__name")
          .order_by("submitted_at", "id"))
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__credit_code__icontains=q.upper()))
    return qs


def monitored_during(*, user: Viewer, start: date, end: date) -> Any:
    """Enterprises monitored on some day from ``start`` to ``end`` (by monitored-from/until), in the user's scope."""
    return Enterprise.objects.visible_to(user).filter(
        monitored_from__isnull=False, monitored_from__lte=end).filter(
        Q(monitored_until__isnull=True) | Q(monitored_until__gte=start))


def expected_enterprises(*, user: Viewer, period: Period) -> Any:
    """Enterprises monitored during the period's month (by monitored-from/until), in the user's scope."""
    return monitored_during(user=user, start=date(period.year, period.month, 1), end=period.month_end)


@dataclass(kw_only=True)
class ReportingCounts:
    """The reporting figures of a region, shared by the status page, the exports and the bulletins.

    A region with nothing expected (no enterprise monitored in the month, or the quarter) has no rate — not
    0.0% — and no rank: pages show "—", spreadsheets leave the cells empty."""

    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    returned: int = 0
    approved: int = 0
    rank: int | None = None

    @property
    def not_submitted(self) -> int:
        return max(self.expected - self.submitted, 0)

    @property
    def rate(self) -> float | None:
        return round(100.0 * self.submitted / self.expected, 1) if self.expected else None


@dataclass(kw_only=True)
class RegionStatus(ReportingCounts):
    region: Region
    report: RegionReport | None = None


# A draft — never submitted, or a submission withdrawn — is not filed: neither 已报 nor on time or late, though
# the timeliness of its first submission stays recorded (``states.timeliness``).
_FILED = Q(status__in=states.FILED)
_COUNTS = {
    "n_submitted": Count("id", filter=_FILED),
    "n_on_time": Count("id", filter=_FILED & Q(on_time=True)),
    "n_late": Count("id", filter=_FILED & Q(on_time=False)),
    "n_returned": Count("id", filter=Q(status=FilingStatus.RETURNED)),
    "n_approved": Count("id", filter=Q(status=FilingStatus.APPROVED)),
}


def _fill(status: ReportingCounts, row: dict) -> None:
    for key in _COUNTS:
        setattr(status, key.removeprefix("n_"), row.get(key) or 0)


def reporting_counts(*, user: Viewer, period: Period, region: Region | None = None, children: bool = True,
                     own: bool = True) -> tuple[Region | None, RegionStatus | None, list[RegionStatus]]:
    """The one definition of the reporting figures (expected, submitted, on time, late, returned, approved, rate,
    rank): ``region``'s own (counted over its whole subtree, never summed from rows) and each child region's,
    ranked. The status page, its xlsx, the summary workbook, the dashboard and the quarterly bulletins read it.

    Expected: enterprises monitored during the month, where they are registered now; the rest: the period's
    filings where they were filed. Two queries for the region's own, two more (and the county reports) for the
    children, whatever the number of regions or enterprises; ``own=False`` skips the region's own line (then
    None) for a caller that shows only the rows."""
    region = region or getattr(user, "region", None)
    if region is None or not scope_for(user).region_in_scope(region):
        return region, None, []
    expected = within(expected_enterprises(user=user, period=period), region)
    filings = within(Filing.objects.visible_to(user), region).filter(period_id=period.pk)
    own_line = None
    if own:
        own_line = RegionStatus(region=region, expected=expected.count())
        _fill(own_line, filings.aggregate(**_COUNTS))
    kids = list(Region.objects.visible_to(user).filter(parent=region).order_by("sort_order", "code")) if children else []
    if not kids:
        return region, own_line, []
    rows = {c.code: RegionStatus(region=c) for c in kids}
    county_level = kids[0].is_county
    expected_key = "region__code" if county_level else "region__parent__code"
    for row in expected.values(expected_key).annotate(n=Count("id")).order_by():
        if row[expected_key] in rows:
            rows[row[expected_key]].expected = row["n"]
    filing_key = "county__code" if county_level else "city__code"
    for row in filings.values(filing_key).annotate(**_COUNTS).order_by():
        if row[filing_key] in rows:
            _fill(rows[row[filing_key]], row)
    code_of = {c.id: c.code for c in kids}
    for report in RegionReport.objects.visible_to(user).filter(period_id=period.pk, region__in=kids):
        rows[code_of[report.region_id]].report = report
    out = list(rows.values())
    rank_by_rate(out)
    return region, own_line, out


def status_by_child(*, user: Viewer, period: Period, region: Region | None = None) -> tuple[Region | None, list[RegionStatus]]:
    """Each child region's reporting figures (``reporting_counts``)."""
    region, _own, rows = reporting_counts(user=user, period=period, region=region, own=False)
    return region, rows


def rank_by_rate(rows: list) -> None:
    """Competition ranking by reporting rate: equal rates share a rank and the next rank skips (1, 1, 3).
    A row with nothing expected has no rate and is not ranked (rank None)."""
    ranked = sorted((r for r in rows if r.rate is not None), key=lambda r: -r.rate)
    rank, last = 0, None
    for i, row in enumerate(ranked, start=1):
        if row.rate != last:
            rank, last = i, row.rate
        row.rank = rank
    for row in rows:
        if row.rate is None:
            row.rank = None


def rank_order(row: dict) -> tuple:
    """Sort key of ranked rows kept as dicts (a bulletin's figures): by rank, the unranked last, then by code."""
    return (row.get("rank") is None, row.get("rank") or 0, row.get("code") or "")


def not_filed(*, user: Viewer, period: Period, region: Region) -> Any:
    """Enterprises expected in the period that have not submitted, with their contacts."""
    submitted = Filing.objects.visible_to(user).filter(period_id=period.pk, enterprise=OuterRef("pk")).submitted()
    return (within(expected_enterprises(user=user, period=period), region)
            .filter(~Exists(submitted)).select_related("region")
            .only("id", "name", "credit_code", "contact_name", "contact_phone", "region__name"))


def check_filing(*, enterprise: Enterprise, period: Period, data: dict) -> Any:
    """Validate without writing: the warnings the form must ask explanations for."""

    return validate(data, build_contexts([enterprise], period)[enterprise.id])


def recent_periods(*, user: Viewer, limit: int = 13) -> Any:
    return list(Period.objects.visible_to(user)[:limit])


def region_trail(*, user: Viewer, region: Region) -> list[Region]:
    """The breadcrumb from the user's own region down to ``region`` (never above the user's region)."""
    return [r for r in Region.objects.visible_to(user).filter(code__in=region.ancestors_and_self()).order_by("level")]


def region_report(*, user: Viewer, region: Region, period: Period) -> RegionReport | None:
    """The region's report of the period up to the level above, if it made one."""
    return RegionReport.objects.visible_to(user).filter(region=region, period_id=period.pk).first()


@dataclass
class OpenItems:
    """What is still open in a region's period when it reports up: the confirmation lists it, the report keeps
    the counts. ``waiting``: submissions nobody has reviewed (a county must review them first); ``returned``:
    filings returned and not resubmitted; ``not_filed``: expected enterprises without a submission (drafts
    included); ``regions``: child regions that have not reported (a city's counties)."""

    waiting: int
    returned: list
    not_filed: list
    not_filed_count: int
    returned_count: int
    regions: list

    @property
    def any(self) -> bool:
        return bool(self.returned_count or self.not_filed_count or self.regions or self.waiting)


def open_items(*, user: Viewer, period: Period, region: Region, limit: int = 100) -> OpenItems:
    """What is still open before ``region`` reports ``period`` up. Five queries; the lists keep ``limit`` rows."""
    filings = within(Filing.objects.visible_to(user), region).filter(period_id=period.pk)
    waiting = filings.filter(status=FilingStatus.SUBMITTED).count()
    returned_qs = (filings.filter(status=FilingStatus.RETURNED).select_related("enterprise", "county")
                   .only("id", "return_reason", "enterprise__name", "enterprise__credit_code", "county__name")
                   .order_by("county__code", "enterprise__name"))
    unfiled = not_filed(user=user, period=period, region=region).order_by("region__code", "name")
    regions: list = []
    if not region.is_county:
        reported = RegionReport.objects.visible_to(user).filter(
            period_id=period.pk, status=RegionReport.Status.REPORTED).values("region_id")
        child_of_enterprise = "region_id" if region.level == 2 else "region__parent_id"  # a city's: its counties
        with_enterprises = within(expected_enterprises(user=user, period=period), region).values(child_of_enterprise)
        regions = list(Region.objects.visible_to(user).filter(parent=region, pk__in=with_enterprises)
                       .exclude(pk__in=reported).order_by("sort_order", "code"))
    return OpenItems(waiting=waiting, returned=list(returned_qs[:limit]), returned_count=returned_qs.count(),
                     not_filed=list(unfiled[:limit]), not_filed_count=unfiled.count(), regions=regions)


def last_chased(*, user: Viewer, enterprises: Any, day: date) -> dict[int, Any]:
    """{enterprise id: the time of its 催报 on ``day``}, for the enterprises given (ids). One query."""
    return dict(Chase.objects.visible_to(user).filter(enterprise_id__in=list(enterprises), day=day)
                .values_list("enterprise_id", "at"))


def region_totals(*, user: Viewer, period: Period, region: Region) -> RegionStatus:
    """The region's own reporting figures (``reporting_counts`` without the children)."""
    _region, own, _rows = reporting_counts(user=user, period=period, region=region, children=False)
    return own or RegionStatus(region=region)
