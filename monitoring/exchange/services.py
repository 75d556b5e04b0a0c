"""The data-exchange API's plumbing: regions' own systems and enterprises' software file through it.

Everything that decides whether a filing is accepted lives in ``services.file_batch`` (the same core as
the browser form and the xlsx import); this module only turns exchange requests into its arguments and
its outcomes into answers:

- ``parse_period`` / ``period_to_file``: "2026-10" → the Period to read / to file for (an ended month only;
  ``portal.core.periods`` parses, the answers write "2026-01");
- ``file_items``: raw items (credit code + fields) → enterprises of the caller's scope resolved in one
  query, typed data, one ``file_batch`` call, one result per item in the order given. An unknown credit
  code and one outside the caller's scope get the same answer, so a probe learns nothing;
- ``idempotent``: the ``Idempotency-Key`` contract (same key and body → the stored answer; same key,
  other body → ``KeyReused``);
- ``filing_list`` / ``approved_filings``: the reads, starting from ``Filing.objects.visible_to``;
"""
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring import periods, services
from monitoring.models import Filing, FilingStatus, IdempotencyRecord, Period
from monitoring.validation import parse_payload
from portal.accounts.models import User
from portal.accounts.scoping import Viewer, within
from portal.core import periods as core_periods
from portal.core.periods import Month
from portal.enterprises.models import Enterprise
from portal.regions.models import Region

MAX_BATCH = 1000
IDEMPOTENCY_TTL = timedelta(days=7)
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,128}$")  # visible ASCII, as in the IETF draft's examples

# What one item may carry: the credit code and the filing's content (names as in indicators.py).
CONTENT_KEYS = frozenset({*services.CONTENT_FIELDS, "products"})
ITEM_KEYS = CONTENT_KEYS | {"credit_code"}
OUTCOMES = ("created", "updated", "unchanged", "rejected")


def not_found_message() -> str:
    return _("未找到该统一社会信用代码对应的企业,或无权为其报送。")


# ------------------------------------------------------------------------------------------------
# Periods
# ------------------------------------------------------------------------------------------------

def parse_month(value: Any) -> Month:
    """The API's month: "2026-10" (also "2026-1" and "2026-01", as documented since v1) of an ended month;
    ValidationError({"period": ...}) otherwise. The answers write it "2026-01" (``period_label``)."""
    try:
        month = core_periods.parse_month(value)
    except ValidationError as exc:
        raise ValidationError({"period": exc.messages}) from None
    today = timezone.localdate()
    if month.year > today.year:
        raise ValidationError({"period": _("报告期“%(value)s”不存在。") % {"value": value}})
    if not periods.is_open(month, today):
        raise ValidationError({"period": _("%(year)d年%(month)d月尚未结束,不能报送或查询。") % {
            "year": month.year, "month": month.month}})
    return month


def parse_period(value: Any) -> Period:
    """The Period to read (never created by a read: an unsaved one for a month nobody has opened)."""
    return periods.read_period(*parse_month(value))


def period_to_file(value: Any) -> Period:
    """The Period to file for: opened if nobody has yet (filing writes)."""
    return periods.open_period(*parse_month(value))


def period_label(period: Period) -> str:
    return periods.code(period)


def parse_flag(value: Any, *, default: bool, name: str) -> bool:
    """A boolean from JSON (true/false) or a query string (true/false/1/0/yes/no)."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise ValidationError({name: _("应为 true 或 false。")})


# ------------------------------------------------------------------------------------------------
# Filing items
# ------------------------------------------------------------------------------------------------

@dataclass
class ItemResult:
    credit_code: str
    outcome: str
    status: str | None = None
    version: int | None = None
    errors: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    conflict: bool = False  # rejected because of the filing's state (approved, locked): HTTP 409
    found: bool = True  # False: unknown or outside the caller's scope (HTTP 404 for a single filing)

    def as_dict(self, period: Period, *, dry_run: bool) -> dict:
        return {"credit_code": self.credit_code, "period": period_label(period), "outcome": self.outcome,
                "status": self.status, "version": self.version, "dry_run": dry_run,
                "errors": self.errors, "warnings": self.warnings}


def _same_period(value: Any, period: Period) -> bool:
    try:
        return core_periods.parse_month(value) == (period.year, period.month)
    except ValidationError:
        return False


def credit_code_of(raw: Any) -> str:
    code = raw.get("credit_code") if isinstance(raw, Mapping) else None
    return code.strip().upper() if isinstance(code, str) else ""


def file_items(*, actor: Any, period: Period, items: list, submit: bool, dry_run: bool) -> list[ItemResult]:
    """File raw exchange items for one period through ``services.file_batch``; one result per item, in order.

    A handful of queries whatever the number of items: one for the enterprises, then file_batch's own.
    Each item is all-or-nothing; the items accepted are written together.
    """
    codes = [credit_code_of(raw) for raw in items]
    repeated = {code for code, n in Counter(codes).items() if code and n > 1}
    wanted = {code for code in codes if code and code not in repeated}
    enterprises = {
        e.credit_code: e
        for e in Enterprise.objects.visible_to(actor).filter(credit_code__in=wanted).select_related("region", "industry")
    } if wanted else {}

    results: list[ItemResult] = []
    batch, positions = [], []
    for i, (raw, code) in enumerate(zip(items, codes, strict=True), start=1):
        result = ItemResult(credit_code=code, outcome="rejected")
        results.append(result)
        if not isinstance(raw, Mapping):
            result.errors = {"non_field_errors": [_("第%(i)d条数据格式不正确,应为对象。") % {"i": i}]}
            continue
        if not code:
            result.errors = {"credit_code": [_("请填写统一社会信用代码。")]}
            continue
        if code in repeated:
            result.errors = {"credit_code": [_("该统一社会信用代码在本批数据中出现多次,请每家企业只提交一条。")]}
            continue
        enterprise = enterprises.get(code)
        if enterprise is None:
            result.found = False
            result.errors = {"credit_code": [not_found_message()]}
            continue
        data, parsed = parse_payload(raw)
        for key in sorted(set(raw) - ITEM_KEYS - {"period"}, key=str):
            parsed.error(str(key), _("未知字段“%(key)s”。") % {"key": key})
        if "period" in raw and not _same_period(raw["period"], period):  # an item may repeat the batch's period
            parsed.error("period", _("与本批数据的报告期(%(period)s)不一致。") % {"period": period_label(period)})
        batch.append((enterprise, data, parsed))
        positions.append(result)

    if batch:
        try:
            outcomes = services.file_batch(actor=actor, period=period, items=batch, submit=submit, dry_run=dry_run)
        except IntegrityError:
            # A concurrent request created some of these filings between our read and our insert (a row
            # that does not exist yet cannot be locked). Once more: they are updates or unchanged now.
            outcomes = services.file_batch(actor=actor, period=period, items=batch, submit=submit, dry_run=dry_run)
        for result, out in zip(positions, outcomes, strict=True):
            result.outcome, result.errors, result.warnings = out.outcome, out.errors, out.warnings
            result.conflict = out.conflict
            if out.filing is not None and out.filing.pk is not None:
                result.status, result.version = out.filing.status, out.filing.version
    return results


def summary(results: list[ItemResult], period: Period, *, dry_run: bool) -> dict:
    counts = Counter(r.outcome for r in results)
    return {"period": period_label(period), "dry_run": dry_run, **{o: counts.get(o, 0) for o in OUTCOMES},
            "results": [r.as_dict(period, dry_run=dry_run) for r in results]}


# ------------------------------------------------------------------------------------------------
# Idempotency-Key
# ------------------------------------------------------------------------------------------------

class KeyReused(Exception):  # noqa: N818 - the name says what happened
    """The Idempotency-Key was already used for a request with another body."""


def check_key(key: str) -> None:
    if not KEY_PATTERN.match(key):
        raise ValidationError({"Idempotency-Key": _("Idempotency-Key 应为1至128个可见 ASCII 字符。")})


def fingerprint(*, method: str, path: str, body: Any, dry_run: bool) -> str:
    """The request as the key is bound to it: method, path and the JSON body, key order ignored."""
    canonical = json.dumps({"method": method, "path": path, "dry_run": dry_run, "body": body},
                           sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _stored(user: User, key: str) -> IdempotencyRecord | None:
    record = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if record is not None and record.created_at < timezone.now() - IDEMPOTENCY_TTL:
        record.delete()
        return None
    return record


def _replay(record: IdempotencyRecord, request_hash: str) -> tuple[int, dict]:
    if record.request_hash != request_hash:
        raise KeyReused(_("该 Idempotency-Key 已用于另一个内容不同的请求;新的请求请使用新的 Idempotency-Key。"))
    return record.status_code, record.body


def idempotent(*, user: User, key: str | None, request_hash: str,
               run: Callable[[], tuple[int, dict]]) -> tuple[int, dict, bool]:
    """Run ``run()`` once per (user, key): (status, body, replayed).

    The answer of a request carried out (2xx) is stored in the same transaction as its writes, so a retry
    after a lost answer gets it back without filing again. Rejected requests (4xx) are not stored: they
    wrote nothing and may be corrected and sent again under the same key. Two concurrent requests with
    one key: the second waits for the first, its own writes are rolled back and it answers the stored one.
    """
    if not key:
        status, body = run()
        return status, body, False
    record = _stored(user, key)
    if record is not None:
        return (*_replay(record, request_hash), True)
    try:
        with transaction.atomic():
            status, body = run()
            if 200 <= status < 300:
                IdempotencyRecord.objects.create(user=user, key=key, request_hash=request_hash,
                                                 status_code=status, body=body)
    except IntegrityError:
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is None:
            raise
        return (*_replay(record, request_hash), True)
    return status, body, False


def purge_idempotency_records(*, now: Any=None) -> int:
    """Delete stored answers older than IDEMPOTENCY_TTL (for a periodic task)."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_TTL
    return IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()[0]


# ------------------------------------------------------------------------------------------------
# Reads
# ------------------------------------------------------------------------------------------------

def _filings(user: Viewer) -> Any:
    return (Filing.objects.visible_to(user)
            .select_related("enterprise", "period", "county", "city")
            .prefetch_related("products"))


def filing_list(*, user: Viewer, period: Period | None = None, status: str = "", region: Region | None = None) -> Any:
    """The filings the user may see, newest period first; ``region`` (already scoped) narrows to a subtree."""
    qs = _filings(user)
    if period is not None:
        qs = qs.filter(period_id=period.pk)
    if status:
        qs = qs.filter(status=status)
    if region is not None:
        qs = within(qs, region)
    return qs.order_by("-period__year", "-period__month", "region_path", "enterprise__credit_code", "id")


def approved_filings(*, user: Viewer, region: Region, period: Period) -> Any:
    """A region's approved filings of a period, for another system to take over in bulk (ordered by id)."""
    return (within(_filings(user), region).filter(period_id=period.pk, status=FilingStatus.APPROVED)
            .order_by("id"))


def visible_region(*, user: Viewer, code: str) -> Region | None:
    """The region with this code if the user may see it (unknown and foreign look the same: None)."""
    return Region.objects.visible_to(user).filter(code=str(code).strip()).first()
