"""Every read of the monthly monitoring that a page, API, export or task shows. Scoped from visible_to."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from monitoring.indicators import INDICATORS
from monitoring.models import CountyReport, Filing, FilingEvent, FilingProduct, FilingStatus, Period
from monitoring.validation import Context
from portal.accounts.scoping import scope_for, within
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



def periods_for_enterprise(*, user, enterprise: Enterprise, limit: int = 24) -> list[dict]:
    """The enterprise's months with their filing status, newest first."""
    filings = {f.period_id: f for f in Filing.objects.visible_to(user).filter(enterprise=enterprise)
               .only("id", "period_id", "status", "on_time", "days_late", "return_reason")}
    return [{"period": p, "filing": filings.get(p.id)} for p in Period.objects.visible_to(user)[:limit]]


def filing_for(*, user, enterprise: Enterprise, period: Period) -> Filing | None:
    return (Filing.objects.visible_to(user).filter(enterprise=enterprise, period=period)
            .select_related("period", "enterprise").prefetch_related("products").first())


def filing_detail(*, user, pk: int) -> Filing | None:
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
    out = {"previous": {}, "last_year": {}}
    for row in rows:
        key = "previous" if (row["period__year"], row["period__month"]) == (py, pm) else "last_year"
        out[key] = {c: row[c] for c in codes}
    return out


def monthly_value(indicator, ytd, previous_ytd, same_year: bool):
    """The month's own value of a year-to-date flow (January: the YTD value itself)."""
    if ytd is None:
        return None
    if not same_year:
        return ytd
    if previous_ytd is None:
        return None
    return ytd - previous_ytd


def history(*, filing: Filing) -> list[FilingEvent]:
    return list(filing.events.select_related("actor").order_by("at", "id"))


def changes_since_return(*, filing: Filing) -> list[dict]:
    """What the enterprise changed since the version the reviewer returned: [{field, label, before, after}]."""
    if not filing.returned_version:
        return []
    events = {e.version: e.content for e in filing.events.filter(action=FilingEvent.Action.SUBMIT)
              .filter(version__in=[filing.returned_version, filing.version]).only("version", "content")}
    before, after = events.get(filing.returned_version), events.get(filing.version)
    if not before or not after or filing.version == filing.returned_version:
        return []
    labels = {i.code: i.label for i in INDICATORS}
    from monitoring.indicators import SURVEY

    labels.update({q.field_name: q.label for q in SURVEY})
    labels.update({"products": "主要产品", "difficulties": "主要困难", "difficulties_text": "其他困难和问题",
                   "explanations": "预警说明"})
    return [{"field": k, "label": labels.get(k, k), "before": before.get(k), "after": after.get(k)}
            for k in after if before.get(k) != after.get(k)]


def review_queue(*, user, period: Period, status: str = FilingStatus.SUBMITTED, q: str = ""):
    """Submissions waiting for the user's review: one query for the page, enterprise joined."""
    qs = (Filing.objects.visible_to(user).filter(period=period)
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


def expected_enterprises(*, user, period: Period):
    """Enterprises monitored during the period's month (by monitored-from/until), in the user's scope."""
    start = date(period.year, period.month, 1)
    return Enterprise.objects.visible_to(user).filter(
        monitored_from__isnull=False, monitored_from__lte=period.month_end).filter(
        Q(monitored_until__isnull=True) | Q(monitored_until__gte=start))


@dataclass(kw_only=True)
class ReportingCounts:
    """The reporting figures of a region, shared by the status page, the exports and the bulletins."""

    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    returned: int = 0
    approved: int = 0
    rank: int = 0

    @property
    def not_submitted(self) -> int:
        return max(self.expected - self.submitted, 0)

    @property
    def rate(self) -> float:
        return round(100.0 * self.submitted / self.expected, 1) if self.expected else 0.0


@dataclass(kw_only=True)
class RegionStatus(ReportingCounts):
    region: Region
    report: CountyReport | None = None


def status_by_child(*, user, period: Period, region: Region | None = None) -> tuple[Region, list[RegionStatus]]:
    """Reporting status of each child region of ``region`` (default: the user's region). Three queries in all,
    whatever the number of regions or enterprises."""
    scope = scope_for(user)
    region = region or user.region
    if region is None or not scope.region_in_scope(region):
        return region, []
    children = list(Region.objects.visible_to(user).filter(parent=region).order_by("sort_order", "code"))
    if not children:
        return region, []
    rows = {c.code: RegionStatus(region=c) for c in children}
    child_level = "county" if children[0].is_county else "city"
    filing_key = "county__code" if child_level == "county" else "city__code"
    stats = (within(expected_enterprises(user=user, period=period), region)
             .values("region__code" if child_level == "county" else "region__parent__code")
             .annotate(n=Count("id")))
    for row in stats:
        code = row.get("region__code") or row.get("region__parent__code")
        if code in rows:
            rows[code].expected = row["n"]
    fstats = (within(Filing.objects.visible_to(user), region).filter(period=period)
              .values(filing_key)
              .annotate(n_submitted=Count("id", filter=~Q(status=FilingStatus.DRAFT)),
                        n_on_time=Count("id", filter=Q(on_time=True)),
                        n_late=Count("id", filter=Q(on_time=False)),
                        n_returned=Count("id", filter=Q(status=FilingStatus.RETURNED)),
                        n_approved=Count("id", filter=Q(status=FilingStatus.APPROVED))))
    for row in fstats:
        status = rows.get(row[filing_key])
        if status:
            status.submitted, status.on_time, status.late = row["n_submitted"], row["n_on_time"], row["n_late"]
            status.returned, status.approved = row["n_returned"], row["n_approved"]
    if child_level == "county":
        code_of = {c.id: c.code for c in children}
        for report in CountyReport.objects.visible_to(user).filter(period=period, county__in=children):
            rows[code_of[report.county_id]].report = report
    out = list(rows.values())
    rank_by_rate(out)
    return region, out


def rank_by_rate(rows: list) -> None:
    """Competition ranking by reporting rate: equal rates share a rank and the next rank skips (1, 1, 3)."""
    ranked = sorted(rows, key=lambda r: -r.rate)
    rank, last = 0, None
    for i, row in enumerate(ranked, start=1):
        if row.rate != last:
            rank, last = i, row.rate
        row.rank = rank


def not_filed(*, user, period: Period, region: Region):
    """Enterprises expected in the period that have not submitted, with their contacts."""
    submitted = Filing.objects.visible_to(user).filter(period=period, enterprise=OuterRef("pk")).submitted()
    return (within(expected_enterprises(user=user, period=period), region)
            .filter(~Exists(submitted)).select_related("region")
            .only("id", "name", "credit_code", "contact_name", "contact_phone", "region__name"))


def check_filing(*, enterprise: Enterprise, period: Period, data: dict):
    """Validate without writing: the warnings the form must ask explanations for."""
    from monitoring.validation import validate

    return validate(data, build_contexts([enterprise], period)[enterprise.id])


def recent_periods(*, user, limit: int = 13):
    return list(Period.objects.visible_to(user)[:limit])


def region_trail(*, user, region: Region) -> list[Region]:
    """The breadcrumb from the user's own region down to ``region`` (never above the user's region)."""
    return [r for r in Region.objects.visible_to(user).filter(code__in=region.ancestors_and_self()).order_by("level")]


def county_report(*, user, county: Region, period: Period) -> CountyReport | None:
    return CountyReport.objects.visible_to(user).filter(county=county, period=period).first()


def region_totals(*, user, period: Period, region: Region) -> RegionStatus:
    """The region's own expected and submitted counts (for a county, which has no child rows). Two queries."""
    status = RegionStatus(region=region)
    status.expected = within(expected_enterprises(user=user, period=period), region).count()
    status.submitted = (within(Filing.objects.visible_to(user), region).filter(period=period)
                        .submitted().count())
    return status
