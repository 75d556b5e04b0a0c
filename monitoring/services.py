"""Every write of the monthly monitoring: filing (browser, on behalf, API, import), review, unlocking,
reporting up, locking. One set-based core (``file_batch``) serves the single form and the batches,
so the rules are the same whichever way a filing arrives."""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring import periods
from monitoring.indicators import INDICATORS, SURVEY
from monitoring.models import CountyReport, Filing, FilingEvent, FilingProduct, FilingStatus, Period
from monitoring.reminders import services as reminders
from monitoring.selectors import build_contexts
from monitoring.validation import Result, validate
from portal.accounts.scoping import scope_for
from portal.audit import context as audit_context
from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.core.exceptions import Conflict
from portal.enterprises.models import Enterprise

CONTENT_FIELDS = (*(i.code for i in INDICATORS), *(q.field_name for q in SURVEY),
                  "difficulties", "difficulties_text", "explanations")
EDITABLE = (FilingStatus.DRAFT, FilingStatus.RETURNED, FilingStatus.SUBMITTED)


def _plain(value):
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
                                                  for k in ("production", "sales", "inventory")}}
        for p in data.get("products") or []
    ]
    return out


def filing_content(filing: Filing, products=None) -> dict:
    data = {name: getattr(filing, name) for name in CONTENT_FIELDS}
    rows = products if products is not None else filing.products.all()
    data["products"] = [{"name": p.name, "unit": p.unit, "production": p.production, "sales": p.sales,
                         "inventory": p.inventory} for p in rows]
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

def _check_can_file(actor, enterprises: list[Enterprise]) -> bool:
    """Returns True when the actor files on the enterprise's behalf (代报). Raises if not allowed."""
    scope = scope_for(actor)
    if not (scope.is_enterprise or scope.is_official or scope.is_exchange):
        raise PermissionDenied(_("无权报送报表。"))
    if not all(scope.may_file_for(e) for e in enterprises):
        raise PermissionDenied(_("只能填报本企业的报表。") if scope.is_enterprise else _("只能为本地区的企业报送报表。"))
    return scope.files_on_behalf()


def file_batch(*, actor, period: Period, items: list[tuple[Enterprise, dict, Result | None]], submit: bool,
               dry_run: bool = False) -> list[Outcome]:
    """Save (draft) or submit filings for one period. Items carry already typed data and any parse errors.

    All-or-nothing per item: a rejected item writes nothing; the others are written in one transaction.
    With ``dry_run`` nothing is written and the outcomes say what would happen.
    """
    enterprises = [e for e, _d, _r in items]
    on_behalf = _check_can_file(actor, enterprises)
    today = timezone.localdate()
    if not periods.is_open(period, today):
        raise ValidationError(_("%(period)s尚未结束,不能报送。") % {"period": period})
    now = timezone.now()
    origin = audit_context.current()
    channel = (origin.channel if origin.channel != "api" else f"api:{actor.username}")[:64]  # the columns' length
    with transaction.atomic():
        existing = {
            f.enterprise_id: f
            for f in Filing.objects.select_for_update().filter(period=period, enterprise_id__in=[e.id for e in enterprises])
        }
        contexts = build_contexts(enterprises, period) if submit else {}
        existing_products: dict[int, list] = {}
        for p in FilingProduct.objects.filter(filing__in=existing.values()).order_by("position"):
            existing_products.setdefault(p.filing_id, []).append(p)

        outcomes, creates, updates, events, audits = [], [], [], [], []
        for enterprise, data, parsed in items:
            out = Outcome(enterprise=enterprise)
            outcomes.append(out)
            filing = existing.get(enterprise.id)
            if filing is not None:
                filing.enterprise = enterprise  # already loaded: no query per row (audit repr, events)
            out.filing = filing
            result = parsed or Result()
            # Approved or locked: a change is refused below, but the same content sent again (a region's
            # system re-sending its month) is simply "unchanged", as for any other filing.
            frozen = filing is not None and (filing.status == FilingStatus.APPROVED or (
                period.is_locked and not filing.reopened and filing.status == FilingStatus.SUBMITTED))
            if frozen and submit and result.ok and filing.content_hash == content_hash(content_of(data)):
                out.outcome = "unchanged"
                continue
            if filing is not None and filing.status == FilingStatus.APPROVED:
                out.outcome, out.conflict = "rejected", True
                out.errors = {"non_field_errors": [_("该报表已审核通过,不能再修改;如需更正请联系上级主管部门解锁。")]}
                continue
            if period.is_locked and not (filing and filing.reopened):
                out.outcome, out.conflict = "rejected", True
                out.errors = {"non_field_errors": [_("%(period)s已锁定,不能再报送;如需补报请联系上级主管部门解锁。") % {
                    "period": period}]}
                continue
            if submit:
                result = validate(data, contexts[enterprise.id], result)
                missing = result.unexplained(data.get("explanations") or {})
                if result.ok and missing:
                    for w in missing:
                        result.error(f"explanations.{w['code']}", _("请对预警“%(msg)s”填写说明。") % {"msg": w["message"]})
            out.warnings = result.warnings
            if not result.ok:
                out.outcome, out.errors = "rejected", result.errors
                continue
            content = content_of(data)
            digest = content_hash(content)
            target_status = FilingStatus.SUBMITTED if submit else FilingStatus.DRAFT
            if filing is not None:
                same_state = filing.status == target_status or (
                    not submit and filing.status in (FilingStatus.SUBMITTED, FilingStatus.RETURNED))
                if filing.content_hash == digest and same_state:
                    out.outcome = "unchanged"
                    continue
                if not submit and filing.status == FilingStatus.SUBMITTED:
                    out.outcome, out.conflict = "rejected", True
                    out.errors = {"non_field_errors": [_("报表已报送,修改后请直接重新报送。")]}
                    continue
            out.outcome = "created" if filing is None else "updated"
            if dry_run:
                continue
            is_new = filing is None
            if is_new:
                filing = Filing(enterprise=enterprise, period=period, county_id=enterprise.region_id,
                                city_id=enterprise.region.parent_id, region_path=enterprise.region_path)
                out.filing = filing
            before = filing_content(filing, existing_products.get(filing.pk, [])) if not is_new else {}
            for name in CONTENT_FIELDS:
                setattr(filing, name, data.get(name) if name not in ("difficulties", "explanations")
                        else content[name])
            filing.size_class, filing.industry_code = enterprise.size_class, enterprise.industry.code
            filing.content_hash, filing.channel, filing.filed_by = digest, channel, actor
            filing.on_behalf = on_behalf
            filing.warnings = result.warnings
            if submit:
                filing.status, filing.version = FilingStatus.SUBMITTED, filing.version + 1
                filing.submitted_at = now
                if filing.first_submitted_at is None:  # timeliness is recorded once, never overwritten
                    filing.first_submitted_at = now
                    filing.on_time, filing.days_late = periods.lateness(period.enterprise_deadline, now)
            elif filing.status != FilingStatus.RETURNED:
                filing.status = FilingStatus.DRAFT
            (creates if is_new else updates).append((filing, data))
            events.append((filing, FilingEvent(
                action=FilingEvent.Action.SUBMIT if submit else FilingEvent.Action.SAVE, version=filing.version,
                actor=actor, actor_name=actor.get_username(), channel=channel, on_behalf=on_behalf,
                content=content if submit else None)))
            audits.append((filing, "create" if is_new else "update", audit.diff(before, content) if not is_new else {}))

        if dry_run or not (creates or updates):
            return outcomes
        Filing.objects.bulk_create([f for f, _d in creates], batch_size=1000)
        _fill_ids(creates, period)
        if updates:
            Filing.objects.bulk_update(
                [f for f, _d in updates],
                [*CONTENT_FIELDS, "status", "version", "submitted_at", "first_submitted_at", "on_time", "days_late",
                 "content_hash", "channel", "filed_by", "on_behalf", "warnings", "size_class", "industry_code",
                 "updated_at"],
                batch_size=1000,
            )
        touched = [f for f, _d in creates + updates]
        FilingProduct.objects.filter(filing__in=[f for f, _d in updates]).delete()
        FilingProduct.objects.bulk_create([
            FilingProduct(filing=f, position=i, name=p["name"], unit=p["unit"], production=p["production"],
                          sales=p["sales"], inventory=p["inventory"])
            for f, d in creates + updates for i, p in enumerate(d.get("products") or [])
        ], batch_size=2000)
        for filing, event in events:
            event.filing = filing
        FilingEvent.objects.bulk_create([e for _f, e in events], batch_size=1000)
        AuditEntry.objects.bulk_create([
            AuditEntry(actor=actor, actor_name=actor.get_username(), ip_address=origin.ip_address, channel=channel,
                       action=AuditEntry.Action.CREATE if kind == "create" else AuditEntry.Action.UPDATE,
                       model="monitoring.Filing", object_id=str(f.pk), object_repr=f"{f.enterprise.name} {period}",
                       region_path=f.region_path, enterprise_id=f.enterprise_id, changes=changes,
                       note=_("代报") if on_behalf else "")
            for f, kind, changes in audits
        ], batch_size=1000)
        del touched
    return outcomes


def _fill_ids(creates, period):
    if creates and any(f.pk is None for f, _d in creates):  # backends without RETURNING
        ids = dict(Filing.objects.filter(period=period, enterprise_id__in=[f.enterprise_id for f, _d in creates])
                   .values_list("enterprise_id", "id"))
        for f, _d in creates:
            f.pk = f.id = ids[f.enterprise_id]


def file_one(*, actor, enterprise: Enterprise, period: Period, data: dict, submit: bool,
             parsed: Result | None = None, dry_run: bool = False) -> Outcome:
    """The browser form and the single API call. Raises ValidationError/Conflict for the caller to show."""
    outcome = file_batch(actor=actor, period=period, items=[(enterprise, data, parsed)], submit=submit,
                         dry_run=dry_run)[0]
    if outcome.conflict:
        raise Conflict(outcome.errors["non_field_errors"][0])
    if outcome.outcome == "rejected":
        raise ValidationError(outcome.errors)
    return outcome


# ------------------------------------------------------------------------------------------------
# Review
# ------------------------------------------------------------------------------------------------

def _reviewable(actor, filing: Filing) -> Filing:
    if not scope_for(actor).may_review(filing):
        raise PermissionDenied(_("无权审核该报表。"))
    filing = Filing.objects.select_for_update().select_related("enterprise", "period").get(pk=filing.pk)
    if filing.status != FilingStatus.SUBMITTED:
        raise Conflict(_("该报表当前状态为“%(status)s”,不能审核。") % {"status": filing.get_status_display()})
    return filing


def _event(filing, action, actor, reason="", fields=()):
    origin = audit_context.current()
    FilingEvent.objects.create(filing=filing, action=action, version=filing.version, actor=actor,
                               actor_name=actor.get_username(), channel=origin.channel, reason=reason,
                               fields=list(fields))


@transaction.atomic
def return_filing(*, actor, filing: Filing, reason: str, fields: list[str] = ()) -> Filing:
    """Return a submission to the enterprise with a required reason, optionally pointing at fields."""
    filing = _reviewable(actor, filing)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回时须填写理由。")})
    valid = set(CONTENT_FIELDS) | {"products"}
    unknown = [f for f in fields if f not in valid]
    if unknown:
        raise ValidationError({"fields": _("未知字段:%(f)s") % {"f": "、".join(unknown)}})
    filing.status, filing.return_reason, filing.return_fields = FilingStatus.RETURNED, reason, list(fields)
    filing.returned_version, filing.reviewed_at, filing.reviewed_by = filing.version, timezone.now(), actor
    filing.save(update_fields=["status", "return_reason", "return_fields", "returned_version", "reviewed_at",
                               "reviewed_by", "updated_at"])
    _event(filing, FilingEvent.Action.RETURN, actor, reason, fields)
    audit.record(actor=actor, action=AuditEntry.Action.REJECT, obj=filing, object_repr=f"{filing.enterprise} {filing.period}",
                 enterprise_id=filing.enterprise_id, note=reason, changes={"status": ["submitted", "returned"]})
    reminders.schedule_returned_reminder(filing)  # the enterprise is told once this commits
    return filing


@transaction.atomic
def approve_filing(*, actor, filing: Filing) -> Filing:
    filing = _reviewable(actor, filing)
    filing.status, filing.reviewed_at, filing.reviewed_by = FilingStatus.APPROVED, timezone.now(), actor
    filing.save(update_fields=["status", "reviewed_at", "reviewed_by", "updated_at"])
    _event(filing, FilingEvent.Action.APPROVE, actor)
    audit.record(actor=actor, action=AuditEntry.Action.APPROVE, obj=filing,
                 object_repr=f"{filing.enterprise} {filing.period}", enterprise_id=filing.enterprise_id,
                 changes={"status": ["submitted", "approved"]})
    return filing


def bulk_approve(*, actor, filings) -> tuple[int, int]:
    """Approve the selected submissions that carry no warnings; the others need a look. (approved, skipped)"""
    approved = skipped = 0
    for filing in filings:
        if filing.warnings or filing.status != FilingStatus.SUBMITTED:
            skipped += 1
            continue
        approve_filing(actor=actor, filing=filing)
        approved += 1
    return approved, skipped


@transaction.atomic
def unlock_filing(*, actor, filing: Filing, reason: str) -> Filing:
    """A level above the county reopens one enterprise's filing (after approval or locking), with a reason."""
    if not scope_for(actor).may_unlock(filing):
        raise PermissionDenied(_("只有市级或省级主管部门可以解锁报表。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("解锁时须填写理由。")})
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    before = filing.status
    filing.reopened = True
    if filing.status == FilingStatus.APPROVED:
        filing.status, filing.return_reason, filing.returned_version = FilingStatus.RETURNED, reason, filing.version
    filing.save(update_fields=["reopened", "status", "return_reason", "returned_version", "updated_at"])
    _event(filing, FilingEvent.Action.UNLOCK, actor, reason)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=filing, enterprise_id=filing.enterprise_id,
                 note=reason, changes={"reopened": [False, True], "status": [before, filing.status]})
    return filing


# ------------------------------------------------------------------------------------------------
# Counties report up; cities may return; periods lock
# ------------------------------------------------------------------------------------------------

@transaction.atomic
def report_county(*, actor, period: Period) -> CountyReport:
    if not scope_for(actor).may_report_up:
        raise PermissionDenied(_("只有县级主管部门可以上报本县数据。"))
    county = actor.region
    waiting = Filing.objects.filter(period=period, county=county, status=FilingStatus.SUBMITTED).count()
    if waiting:
        raise ValidationError(_("还有 %(n)d 份报表待审核,请审核后再上报。") % {"n": waiting})
    now = timezone.now()
    on_time, days_late = periods.lateness(period.review_deadline, now)
    report = CountyReport.objects.select_for_update().filter(county=county, period=period).first()
    if report and report.status == CountyReport.Status.REPORTED:
        raise Conflict(_("本县%(period)s数据已上报。") % {"period": period})
    if report is None:
        report = CountyReport(county=county, period=period, first_reported_at=now, on_time=on_time,
                              days_late=days_late, reported_by=actor)
    report.status, report.reported_at, report.reported_by = CountyReport.Status.REPORTED, now, actor
    report.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=report, region_path=county.path,
                 object_repr=f"{county.name} {period} 上报", changes={"status": [None, "reported"]})
    return report


@transaction.atomic
def return_county(*, actor, report: CountyReport, reason: str) -> CountyReport:
    report = CountyReport.objects.select_for_update().select_related("county").get(pk=report.pk)
    if not scope_for(actor).may_return_batch(report):
        raise PermissionDenied(_("只有上级主管部门可以退回县级上报。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("退回时须填写理由。")})
    if report.status != CountyReport.Status.REPORTED:
        raise Conflict(_("该县尚未上报。"))
    report.status, report.return_reason, report.returned_by = CountyReport.Status.RETURNED, reason.strip(), actor
    report.save(update_fields=["status", "return_reason", "returned_by"])
    audit.record(actor=actor, action=AuditEntry.Action.REJECT, obj=report, region_path=report.county.path,
                 object_repr=f"{report.county.name} {report.period} 上报", note=reason)
    return report


@transaction.atomic
def set_deadlines(*, actor, period: Period, enterprise_deadline, review_deadline) -> Period:
    if not scope_for(actor).may_adjust_deadlines:
        raise PermissionDenied(_("只有省级主管部门可以调整截止日期。"))
    if review_deadline < enterprise_deadline:
        raise ValidationError({"review_deadline": _("审核上报截止日不能早于企业报送截止日。")})
    if enterprise_deadline <= period.month_end:
        raise ValidationError({"enterprise_deadline": _("企业报送截止日须在该月结束之后。")})
    before = {"enterprise_deadline": period.enterprise_deadline, "review_deadline": period.review_deadline}
    period.enterprise_deadline, period.review_deadline = enterprise_deadline, review_deadline
    period.save(update_fields=["enterprise_deadline", "review_deadline"])
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=period, region_path="",
                 changes=audit.diff(before, {"enterprise_deadline": enterprise_deadline,
                                             "review_deadline": review_deadline}))
    return period


@transaction.atomic
def lock_due_periods(*, today=None) -> list[Period]:
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
