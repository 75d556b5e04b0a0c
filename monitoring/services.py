"""Every write of the monthly monitoring: filing (browser, on behalf, API, import), review, unlocking,
reporting up, locking. One set-based core (``file_batch``) serves the single form and the batches,
so the rules are the same whichever way a filing arrives."""
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from monitoring import periods, selectors, states
from monitoring.indicators import INDICATORS, PRODUCT_FIELDS, PRODUCT_QUANTITIES, SURVEY
from monitoring.models import Filing, FilingEvent, FilingProduct, FilingStatus, Period, RegionReport
from monitoring.reminders import services as reminders
from monitoring.selectors import build_contexts
from monitoring.unlocks.models import UnlockRequest
from monitoring.validation import Result, check_storable, validate
from portal.accounts.scoping import scope_for
from portal.audit import context as audit_context
from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.core.exceptions import Conflict
from portal.core.periods import Month
from portal.enterprises.models import Enterprise

CONTENT_FIELDS = (*(i.code for i in INDICATORS), *(q.field_name for q in SURVEY),
                  "difficulties", "difficulties_text", "explanations")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return value


def content_of(data: dict) -> dict:
    """The comparable content of a filing: what versions store and what idempotency hashes."""
    out = {name: _plain(data.get(name)) for name in CONTENT_FIELDS}
    out["difficulties"] = sorted(out["difficulties"] or [])
    out["explanations"] = {k: v for k, v in sorted((out["explanations"] or {}).items()) if str(v).strip()}
    out["difficulties_text"] = out["difficulties_text"] or ""
    out["products"] = [
        {"name": p["name"], "unit": p["unit"], **{k: _plain(Decimal(p[k])) if p[k] is not None else None
                                                  for k in PRODUCT_QUANTITIES}}
        for p in data.get("products") or []
    ]
    return out


def filing_content(filing: Filing, products: Any=None) -> dict:
    data = {name: getattr(filing, name) for name in CONTENT_FIELDS}
    rows = products if products is not None else filing.products.all()
    data["products"] = [{k: getattr(p, k) for k, _label in PRODUCT_FIELDS} for p in rows]
    return content_of(data)


def content_hash(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class Outcome:
    enterprise: Enterprise
    outcome: str = ""  # created | updated | unchanged | rejected
    errors: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    filing: Filing | None = None
    conflict: bool = False

    def as_dict(self) -> dict:
        return {
            "credit_code": self.enterprise.credit_code,
            "outcome": self.outcome,
            "status": self.filing.status if self.filing else None,
            "version": self.filing.version if self.filing else None,
            "errors": self.errors,
            "warnings": self.warnings,
        }


# ------------------------------------------------------------------------------------------------
# Filing: the one core
# ------------------------------------------------------------------------------------------------

def _check_can_file(actor: Any, enterprises: list[Enterprise]) -> bool:
    """Returns True when the actor files on the enterprise's behalf (代报). Raises if not allowed."""
    scope = scope_for(actor)
    if not (scope.is_enterprise or scope.is_official or scope.is_exchange):
        raise PermissionDenied(_("无权报送报表。"))
    if not all(scope.may_file_for(e) for e in enterprises):
        raise PermissionDenied(_("只能填报本企业的报表。") if scope.is_enterprise else _("只能为本地区的企业报送报表。"))
    return scope.files_on_behalf()


def file_batch(*, actor: Any, period: Period, items: Sequence[tuple[Enterprise, dict, Result | None]], submit: bool,
               dry_run: bool = False) -> list[Outcome]:
    """Save (draft) or submit filings for one period. Items carry already typed data and any parse errors.

    All-or-nothing per item: a rejected item writes nothing; the others are written in one transaction.
    With ``dry_run`` nothing is written and the outcomes say what would happen. The steps: who may file
    (``_check_can_file``), the period open, the batch loaded in a few queries (``_Batch``), each item decided
    against the state table (``_decide``), the writes in bulk (``_Writes.flush``).
    """
    on_behalf = _check_can_file(actor, [e for e, _d, _r in items])
    today = timezone.localdate()
    if not periods.is_open(period, today):
        raise ValidationError(_("%(period)s尚未结束,不能报送。") % {"period": period})
    act = FilingEvent.Action.SUBMIT if submit else FilingEvent.Action.SAVE
    writes = _Writes(actor=actor, period=period, act=act, on_behalf=on_behalf)
    with transaction.atomic():
        batch = _Batch.load(period, [e for e, _d, _r in items], submit=submit)
        closed = period.is_closed(today)
        outcomes = [_decide(batch, enterprise, data, parsed or Result(), act=act, period=period, closed=closed)
                    for enterprise, data, parsed in items]
        if not dry_run:
            for out, (_enterprise, data, _parsed) in zip(outcomes, items, strict=True):
                if out.outcome in ("created", "updated"):
                    writes.add(out, data, batch.products.get(out.filing.pk, []) if out.filing else [])
            writes.flush()
    return outcomes


@dataclass
class _Batch:
    """What deciding a batch needs, loaded in a handful of queries whatever its size."""

    existing: dict[int, Filing]
    products: dict[int, list]
    contexts: dict

    @classmethod
    def load(cls, period: Period, enterprises: list[Enterprise], *, submit: bool) -> "_Batch":
        existing = {f.enterprise_id: f for f in Filing.objects.select_for_update().filter(
            period=period, enterprise_id__in=[e.id for e in enterprises])}
        products: dict[int, list] = {}
        for p in FilingProduct.objects.filter(filing__in=existing.values()).order_by("position"):
            products.setdefault(p.filing_id, []).append(p)
        return cls(existing=existing, products=products, contexts=build_contexts(enterprises, period) if submit else {})


def _rejected(out: Outcome, message: str, *, conflict: bool = True) -> Outcome:
    out.outcome, out.conflict = "rejected", conflict
    out.errors = {"non_field_errors": [str(message)]}
    return out


def _decide(batch: _Batch, enterprise: Enterprise, data: dict, result: Result, *, act: str, period: Period,
            closed: bool) -> Outcome:
    """One item's outcome (created / updated / unchanged / rejected) by the state table; writes nothing."""
    out = Outcome(enterprise=enterprise)
    filing = out.filing = batch.existing.get(enterprise.id)
    if filing is not None:
        filing.enterprise = enterprise  # already loaded: no query per row (audit repr, events)
    status = filing.status if filing is not None else None
    closed = closed and not (filing is not None and filing.reopened)
    check_storable(data, result)  # every act, drafts included: nothing reaches a column it cannot hold
    same = result.ok and filing is not None and filing.content_hash == content_hash(content_of(data))
    # Approved or closed: a change is refused, but the same content sent again (a region's system re-sending
    # its month) is simply "unchanged", as for any other filing.
    if same and (states.is_noop(status, act) or (act == FilingEvent.Action.SUBMIT and (
            status == FilingStatus.APPROVED or (closed and status == FilingStatus.SUBMITTED)))):
        out.outcome = "unchanged"
        return out
    if closed:
        return _rejected(out, _("%(period)s已锁定,不能再报送;如需补报请联系上级主管部门解锁。") % {"period": period})
    try:
        states.next_status(status, act)
    except Conflict as exc:
        return _rejected(out, str(exc))
    if act == FilingEvent.Action.SUBMIT:
        result = validate(data, batch.contexts[enterprise.id], result)
        for w in result.unexplained(data.get("explanations") or {}) if result.ok else []:
            result.error(f"explanations.{w['code']}", _("请对预警“%(msg)s”填写说明。") % {"msg": w["message"]})
    out.warnings = result.warnings
    if not result.ok:
        out.outcome, out.errors = "rejected", result.errors
        return out
    out.outcome = "created" if filing is None else "updated"
    return out


class _Writes:
    """The batch's writes, gathered item by item and flushed in bulk: filings, products, events, audit rows."""

    FIELDS = [*CONTENT_FIELDS, "status", "version", "submitted_at", "first_submitted_at", "on_time", "days_late",
              "content_hash", "channel", "filed_by", "on_behalf", "warnings", "size_class", "industry_code",
              "updated_at"]

    def __init__(self, *, actor: Any, period: Period, act: str, on_behalf: bool) -> None:
        self.actor, self.period, self.act, self.on_behalf = actor, period, act, on_behalf
        self.now = timezone.now()
        origin = audit_context.current()
        # The filing and its events name the system that sent it (api:<name>); the audit trail keeps its
        # own vocabulary (the origin's channel).
        self.channel = (origin.channel if origin.channel != "api" else f"api:{actor.username}")[:64]
        self.creates: list[tuple[Filing, dict]] = []
        self.updates: list[tuple[Filing, dict]] = []
        self.events: list[FilingEvent] = []
        self.audits: list[tuple[Filing, bool, dict]] = []

    def add(self, out: Outcome, data: dict, old_products: list) -> None:
        enterprise, filing = out.enterprise, out.filing
        is_new = filing is None
        if filing is None:
            # An enterprise is registered in a county, whose parent is its city: parent_id is set.
            filing = out.filing = Filing(enterprise=enterprise, period=self.period, county_id=enterprise.region_id,
                                         city_id=cast(int, enterprise.region.parent_id),
                                         region_path=enterprise.region_path)
        before = {} if is_new else filing_content(filing, old_products)
        content = content_of(data)
        for name in CONTENT_FIELDS:
            setattr(filing, name, data.get(name) if name not in ("difficulties", "explanations") else content[name])
        filing.size_class, filing.industry_code = enterprise.size_class, enterprise.industry.code
        filing.content_hash, filing.channel, filing.filed_by = content_hash(content), self.channel, self.actor
        filing.on_behalf, filing.warnings = self.on_behalf, out.warnings
        filing.status = states.next_status(None if is_new else filing.status, self.act)
        if self.act == FilingEvent.Action.SUBMIT:
            filing.version, filing.submitted_at = filing.version + 1, self.now
            if filing.first_submitted_at is None:  # timeliness is recorded once, never overwritten
                filing.first_submitted_at = self.now
                filing.on_time, filing.days_late = periods.lateness(self.period.enterprise_deadline, self.now)
        (self.creates if is_new else self.updates).append((filing, data))
        self.events.append(FilingEvent(
            filing=filing, action=self.act, version=filing.version, actor=self.actor,
            actor_name=self.actor.get_username(), channel=self.channel, on_behalf=self.on_behalf,
            content=content if self.act == FilingEvent.Action.SUBMIT else None))
        self.audits.append((filing, is_new, {} if is_new else audit.diff(before, content)))

    def flush(self) -> None:
        if not (self.creates or self.updates):
            return
        Filing.objects.bulk_create([f for f, _d in self.creates], batch_size=1000)
        _fill_ids(self.creates, self.period)
        if self.updates:
            Filing.objects.bulk_update([f for f, _d in self.updates], self.FIELDS, batch_size=1000)
        FilingProduct.objects.filter(filing__in=[f for f, _d in self.updates]).delete()
        FilingProduct.objects.bulk_create([
            FilingProduct(filing=f, position=i, **{k: p[k] for k, _label in PRODUCT_FIELDS})
            for f, d in self.creates + self.updates for i, p in enumerate(d.get("products") or [])
        ], batch_size=2000)
        for event in self.events:
            event.filing_id = event.filing.pk
        FilingEvent.objects.bulk_create(self.events, batch_size=1000)
        audit.record_many(
            audit.entry(actor=self.actor, action=AuditEntry.Action.CREATE if is_new else AuditEntry.Action.UPDATE,
                        model="monitoring.Filing", object_id=str(f.pk),
                        object_repr=f"{f.enterprise.name} {self.period.year}年{self.period.month}月",
                        region_path=f.region_path, enterprise_id=f.enterprise_id, changes=changes,
                        # stored in Chinese like every record of the trail; pages translate it when shown
                        note=gettext_noop("代报") if self.on_behalf else "")
            for f, is_new, changes in self.audits)


def _fill_ids(creates: Any, period: Period) -> None:
    if creates and any(f.pk is None for f, _d in creates):  # backends without RETURNING
        ids = dict(Filing.objects.filter(period=period, enterprise_id__in=[f.enterprise_id for f, _d in creates])
                   .values_list("enterprise_id", "id"))
        for f, _d in creates:
            f.pk = f.id = ids[f.enterprise_id]


def file_one(*, actor: Any, enterprise: Enterprise, period: Period, data: dict, submit: bool,
             parsed: Result | None = None, dry_run: bool = False) -> Outcome:
    """The browser form and the single API call. Raises ValidationError/Conflict for the caller to show."""
    outcome = file_batch(actor=actor, period=period, items=[(enterprise, data, parsed)], submit=submit,
                         dry_run=dry_run)[0]
    if outcome.conflict:
        raise Conflict(outcome.errors["non_field_errors"][0])
    if outcome.outcome == "rejected":
        raise ValidationError(outcome.errors)
    return outcome


@transaction.atomic
def withdraw_filing(*, actor: Any, filing: Filing) -> Filing:
    """The enterprise takes back a submission nobody has reviewed yet, to correct it: a draft again (recorded).
    Timeliness stays as first recorded; the next submission is a new version."""
    scope = scope_for(actor)
    if not (scope.is_enterprise and scope.may_file_for(filing.enterprise)):
        raise PermissionDenied(_("只有企业本身可以撤回报表。"))
    filing = Filing.objects.select_for_update().select_related("period", "enterprise").get(pk=filing.pk)
    if filing.period.is_closed() and not filing.reopened:
        raise Conflict(_("%(period)s已锁定,不能撤回。") % {"period": filing.period})
    before = filing.status
    filing.status = states.next_status(filing.status, FilingEvent.Action.WITHDRAW)
    filing.save(update_fields=["status", "updated_at"])
    _event(filing, FilingEvent.Action.WITHDRAW, actor)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=filing,
                 object_repr=f"{filing.enterprise} {filing.period.year}年{filing.period.month}月", enterprise_id=filing.enterprise_id,
                 changes={"status": [before, filing.status]}, note=_("企业撤回报送"))
    return filing


# ------------------------------------------------------------------------------------------------
# Review
# ------------------------------------------------------------------------------------------------

def _reviewable(actor: Any, filing: Filing) -> Filing:
    if not scope_for(actor).may_review(filing):
        raise PermissionDenied(_("无权审核该报表。"))
    filing = Filing.objects.select_for_update().select_related("enterprise", "period").get(pk=filing.pk)
    if filing.status != FilingStatus.SUBMITTED:
        raise Conflict(_("该报表当前状态为“%(status)s”,不能审核。") % {"status": filing.get_status_display()})
    return filing


def _event(filing: Filing, action: str, actor: Any, reason: str = "", fields: Sequence[str] = ()) -> None:
    origin = audit_context.current()
    FilingEvent.objects.create(filing=filing, action=action, version=filing.version, actor=actor,
                               actor_name=actor.get_username(), channel=origin.channel, reason=reason,
                               fields=list(fields))


@transaction.atomic
def return_filing(*, actor: Any, filing: Filing, reason: str, fields: Sequence[str] = ()) -> Filing:
    """Return a submission to the enterprise with a required reason, optionally pointing at fields."""
    filing = _reviewable(actor, filing)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回时须填写理由。")})
    valid = set(CONTENT_FIELDS) | {"products"}
    unknown = [f for f in fields if f not in valid]
    if unknown:
        raise ValidationError({"fields": _("未知字段:%(f)s") % {"f": "、".join(unknown)}})
    filing.status = states.next_status(filing.status, FilingEvent.Action.RETURN)
    filing.return_reason, filing.return_fields = reason, list(fields)
    filing.returned_version, filing.reviewed_at, filing.reviewed_by = filing.version, timezone.now(), actor
    filing.save(update_fields=["status", "return_reason", "return_fields", "returned_version", "reviewed_at",
                               "reviewed_by", "updated_at"])
    _event(filing, FilingEvent.Action.RETURN, actor, reason, fields)
    audit.record(actor=actor, action=AuditEntry.Action.REJECT, obj=filing, object_repr=f"{filing.enterprise} {filing.period.year}年{filing.period.month}月",
                 enterprise_id=filing.enterprise_id, note=reason, changes={"status": ["submitted", "returned"]})
    reminders.schedule_returned_reminder(filing)  # the enterprise is told once this commits
    return filing


@transaction.atomic
def approve_filing(*, actor: Any, filing: Filing) -> Filing:
    filing = _reviewable(actor, filing)
    filing.status = states.next_status(filing.status, FilingEvent.Action.APPROVE)
    filing.reviewed_at, filing.reviewed_by = timezone.now(), actor
    filing.save(update_fields=["status", "reviewed_at", "reviewed_by", "updated_at"])
    _event(filing, FilingEvent.Action.APPROVE, actor)
    audit.record(actor=actor, action=AuditEntry.Action.APPROVE, obj=filing,
                 object_repr=f"{filing.enterprise} {filing.period.year}年{filing.period.month}月", enterprise_id=filing.enterprise_id,
                 changes={"status": ["submitted", "approved"]})
    reminders.schedule_approved_notice(filing)  # the enterprise is told once this commits
    return filing


@dataclass
class BulkApproval:
    """What a bulk approval did: approved, left for a look of their own (warnings), no longer waiting."""

    approved: int = 0
    with_warnings: int = 0
    not_waiting: int = 0


def bulk_approve(*, actor: Any, filings: Any) -> BulkApproval:
    """Approve the selected submissions that carry no warnings; those with warnings need a look of their own, and
    those reviewed meanwhile (by someone else) are left as they are. Each approval is its own act."""
    if not scope_for(actor).is_official:
        raise PermissionDenied(_("无权审核报表。"))
    out = BulkApproval()
    for filing in filings:
        if filing.status != FilingStatus.SUBMITTED:
            out.not_waiting += 1
        elif filing.warnings:
            out.with_warnings += 1
        else:
            try:
                approve_filing(actor=actor, filing=filing)
            except Conflict:  # reviewed by someone else since the page was read
                out.not_waiting += 1
            else:
                out.approved += 1
    return out


@transaction.atomic
def unlock_filing(*, actor: Any, filing: Filing, reason: str) -> Filing:
    """A level above the county reopens one enterprise's filing (after approval or locking), with a reason."""
    if not scope_for(actor).may_unlock(filing):
        raise PermissionDenied(_("只有市级或省级主管部门可以解锁报表。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("解锁时须填写理由。")})
    filing = Filing.objects.select_for_update().select_related("period").get(pk=filing.pk)
    if not filing.needs_unlock:
        raise Conflict(_("该报表企业仍可自行更正,无需解锁。"))
    before = filing.status
    filing.reopened = True
    filing.status = states.next_status(filing.status, FilingEvent.Action.UNLOCK)
    if before == FilingStatus.APPROVED:
        filing.return_reason, filing.returned_version = reason, filing.version
    filing.save(update_fields=["reopened", "status", "return_reason", "returned_version", "updated_at"])
    _event(filing, FilingEvent.Action.UNLOCK, actor, reason)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=filing, enterprise_id=filing.enterprise_id,
                 note=reason, changes={"reopened": [False, True], "status": [before, filing.status]})
    # The enterprise's request to unlock it, if one is waiting, is answered by this unlock.
    UnlockRequest.objects.filter(enterprise_id=filing.enterprise_id, period_id=filing.period_id,
                                 status=UnlockRequest.Status.PENDING).update(
        status=UnlockRequest.Status.APPROVED, decided_by=actor, decided_at=timezone.now(), decision_reason=reason)
    return filing


@transaction.atomic
def unlock_report(*, actor: Any, enterprise: Enterprise, period: Period, reason: str) -> Filing:
    """``unlock_filing`` for a month the enterprise may have saved nothing for (a closed period it never
    filed): an empty draft is opened for it, reopened, so the enterprise can file it late."""
    filing = Filing.objects.filter(enterprise=enterprise, period=period).first()
    if filing is None:
        if not scope_for(actor).may_unlock(enterprise):
            raise PermissionDenied(_("只有市级或省级主管部门可以解锁报表。"))
        origin = audit_context.current()
        filing = Filing.objects.create(
            enterprise=enterprise, period=period, county_id=enterprise.region_id,
            city_id=cast(int, enterprise.region.parent_id), region_path=enterprise.region_path,
            size_class=enterprise.size_class, industry_code=enterprise.industry.code,
            status=states.next_status(None, FilingEvent.Action.UNLOCK), channel=origin.channel[:64])
    return unlock_filing(actor=actor, filing=filing, reason=reason)


# ------------------------------------------------------------------------------------------------
# Regions report up (county → city → province); the level above may return; periods lock
# ------------------------------------------------------------------------------------------------

def _open_summary(items: "selectors.OpenItems") -> str:
    parts = []
    if items.not_filed_count:
        parts.append(_("%(n)d 家企业未报送") % {"n": items.not_filed_count})
    if items.returned_count:
        parts.append(_("%(n)d 份报表退回后未重新报送") % {"n": items.returned_count})
    if items.regions:
        parts.append(_("%(n)d 个下级地区未上报") % {"n": len(items.regions)})
    if items.waiting:
        parts.append(_("%(n)d 份报表待审核") % {"n": items.waiting})
    return "、".join(parts)


@transaction.atomic
def report_up(*, actor: Any, period: Period, confirmed: bool = False) -> RegionReport:
    """The actor's region (a county, or a city) reports the period up to the level above.

    A county reviews every submission first. Whatever else is still open — enterprises that have not filed,
    filings returned and not resubmitted, a city's counties that have not reported (``selectors.open_items``) —
    is reported only when the official has seen it and ``confirmed``; the report keeps those counts."""
    scope = scope_for(actor)
    if not scope.may_report_up:
        raise PermissionDenied(_("只有县级和市级主管部门可以向上级上报。"))
    region = actor.region
    period = periods.opened(period)  # a write for the month (undone with the rest if refused)
    items = selectors.open_items(user=actor, period=period, region=region, limit=0)
    if items.waiting and scope.is_county:
        raise ValidationError(_("还有 %(n)d 份报表待审核,请审核后再上报。") % {"n": items.waiting})
    if items.any and not confirmed:
        raise ValidationError(_("尚有%(open)s,请确认后再上报。") % {"open": _open_summary(items)})
    report = RegionReport.objects.select_for_update().filter(region=region, period=period).first()
    if report and report.status == RegionReport.Status.REPORTED:
        raise Conflict(_("本地区%(period)s数据已上报。") % {"period": period})
    now = timezone.now()
    if report is None:
        on_time, days_late = periods.lateness(period.review_deadline, now)
        report = RegionReport(region=region, period=period, first_reported_at=now, on_time=on_time,
                              days_late=days_late, reported_by=actor)
    before = report.status or None
    report.status, report.reported_at, report.reported_by = RegionReport.Status.REPORTED, now, actor
    report.open_not_filed, report.open_returned = items.not_filed_count, items.returned_count
    report.open_regions = len(items.regions)
    report.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE if before is None else AuditEntry.Action.UPDATE,
                 obj=report, region_path=region.path, object_repr=f"{region.name} {period.year}年{period.month}月 上报",
                 changes={"status": [before, RegionReport.Status.REPORTED]},
                 note=(_("上报时尚有%(open)s") % {"open": _open_summary(items)}) if items.any else "")
    return report


@transaction.atomic
def return_report(*, actor: Any, report: RegionReport, reason: str) -> RegionReport:
    """The level above returns a region's report with a reason; the region's officials are told in their inbox
    (and by email/SMS as they chose)."""
    report = RegionReport.objects.select_for_update().select_related("region", "period").get(pk=report.pk)
    if not scope_for(actor).may_return_batch(report):
        raise PermissionDenied(_("只有上级主管部门可以退回下级的上报。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回时须填写理由。")})
    if report.status != RegionReport.Status.REPORTED:
        raise Conflict(_("该地区尚未上报。"))
    report.status, report.return_reason, report.returned_by = RegionReport.Status.RETURNED, reason, actor
    report.returned_at = timezone.now()
    report.save(update_fields=["status", "return_reason", "returned_by", "returned_at"])
    audit.record(actor=actor, action=AuditEntry.Action.REJECT, obj=report, region_path=report.region.path,
                 object_repr=f"{report.region.name} {report.period.year}年{report.period.month}月 上报", note=reason,
                 changes={"status": [RegionReport.Status.REPORTED, RegionReport.Status.RETURNED]})
    reminders.notify_returned_report(report)
    return report


def _deadline_errors(month: Month, deadlines: dict[str, date], before: dict[str, date],
                     today: date) -> dict[str, list[str]]:
    """What is wrong with a month's new deadlines, per field: each between the day after the month ends and
    DEADLINE_WINDOW_DAYS days after its end, a moved one not before today (which would close the month at
    once), and the review deadline not before the enterprises' deadline."""
    first, last = periods.deadline_window(month)
    errors: dict[str, list[str]] = {}
    for name, day in deadlines.items():
        if day < first:
            message = _("截止日期须在%(year)d年%(month)d月结束之后,即 %(first)s 或以后。")
        elif day > last:
            message = _("截止日期不能晚于 %(last)s(%(year)d年%(month)d月结束后%(days)d天以内)。")
        elif day != before[name] and day < today:
            message = _("截止日期不能调整到今天(%(today)s)之前。")
        else:
            continue
        errors[name] = [message % {"year": month.year, "month": month.month, "first": first.isoformat(),
                                   "last": last.isoformat(), "days": periods.DEADLINE_WINDOW_DAYS,
                                   "today": today.isoformat()}]
    if not errors and deadlines["review_deadline"] < deadlines["enterprise_deadline"]:
        errors["review_deadline"] = [_("审核上报截止日不能早于企业报送截止日(%(day)s)。") % {
            "day": deadlines["enterprise_deadline"].isoformat()}]
    return errors


@transaction.atomic
def set_deadlines(*, actor: Any, month: Month, enterprise_deadline: date, review_deadline: date,
                  today: date | None = None) -> Period:
    """Move a month's deadlines: province staff only, a month not closed yet (``periods.adjustable_months``),
    each deadline inside the month's window. Opens the month's Period; a refusal writes nothing."""
    if not scope_for(actor).may_adjust_deadlines:
        raise PermissionDenied(_("只有省级主管部门可以调整截止日期。"))
    today = today or timezone.localdate()
    if month not in periods.adjustable_months(today):
        raise ValidationError(_("%(year)d年%(month)d月的审核已截止或尚不能调整;可调整尚未截止和即将开始的报告期。")
                              % {"year": month.year, "month": month.month})
    current = periods.read_period(*month)
    before = {"enterprise_deadline": current.enterprise_deadline, "review_deadline": current.review_deadline}
    after = {"enterprise_deadline": enterprise_deadline, "review_deadline": review_deadline}
    errors = _deadline_errors(month, after, before, today)
    if errors:
        raise ValidationError(errors)
    period = periods.open_period(*month)
    period.enterprise_deadline, period.review_deadline = enterprise_deadline, review_deadline
    period.save(update_fields=["enterprise_deadline", "review_deadline"])
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=period, region_path="",
                 changes=audit.diff(before, after))
    return period


@transaction.atomic
def lock_due_periods(*, today: Any=None) -> list[Period]:
    """Lock every open period whose review deadline has passed. Idempotent."""
    today = today or timezone.localdate()
    due = list(Period.objects.select_for_update().filter(locked_at__isnull=True, review_deadline__lt=today))
    now = timezone.now()
    for period in due:
        period.locked_at = now
        period.save(update_fields=["locked_at"])
        audit.record(actor=None, action=AuditEntry.Action.UPDATE, obj=period, region_path="",
                     changes={"locked_at": [None, now.isoformat()]}, note=_("审核截止后自动锁定"))
    return due
