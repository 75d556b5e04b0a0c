"""Writes of the unlock requests: an enterprise asks to reopen a report that only an unlock opens (approved,
or its period closed), with a reason; an official who may unlock it (a level above the county,
``Scope.may_unlock``) approves it, which unlocks the report (``monitoring.services.unlock_report``), or refuses
it with a reason. Each act is audited; the officials are told of a request and the enterprise of the answer
through portal.notifications."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from monitoring import services as filing_services
from monitoring import states
from monitoring.models import Filing, Period
from monitoring.reminders import services as notices
from monitoring.unlocks.models import UnlockRequest
from portal.accounts.models import Role, User
from portal.accounts.scoping import scope_for
from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.core.exceptions import Conflict
from portal.enterprises.models import Enterprise

MAX_REASON = 2000


def _reason(text: str, *, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    if len(text) > MAX_REASON:
        raise ValidationError({field: _("理由不能超过 %(n)d 个字。") % {"n": MAX_REASON}})
    return text


def _deciders(enterprise: Enterprise) -> list[int]:
    """The regions whose officials are asked: the enterprise's city (the level above its county), or the
    province where the city has no active official."""
    city = enterprise.region.parent
    if city is None:
        return []
    if User.objects.filter(role=Role.OFFICIAL, is_active=True, region=city).exists() or city.parent_id is None:
        return [city.pk]
    return [city.parent_id]


@transaction.atomic
def request_unlock(*, actor: Any, enterprise: Enterprise, period: Period, reason: str) -> UnlockRequest:
    """The enterprise asks to reopen its report of ``period`` (a saved Period). Only for a report that only an
    unlock opens; one request waits at a time."""
    scope = scope_for(actor)
    if not (scope.is_enterprise and scope.may_file_for(enterprise)):
        raise PermissionDenied(_("只有企业本身可以申请解锁本企业的报表。"))
    reason = _reason(reason, field="reason", message=_("申请解锁须填写理由。"))
    filing = Filing.objects.select_for_update().filter(enterprise=enterprise, period=period).first()
    if not states.situation(filing, period).needs_unlock:
        raise Conflict(_("该报表企业仍可自行修改或撤回,无需申请解锁。"))
    if UnlockRequest.objects.filter(enterprise=enterprise, period=period, status=UnlockRequest.Status.PENDING).exists():
        raise Conflict(_("已提交解锁申请,正在等待处理。"))
    try:
        with transaction.atomic():
            unlock = UnlockRequest.objects.create(
                enterprise=enterprise, period=period, reason=reason, requested_by=actor, requested_at=timezone.now(),
                region_path=filing.region_path if filing else enterprise.region_path,
                filing_status=filing.status if filing else "")
    except IntegrityError:  # the same request sent twice at once
        raise Conflict(_("已提交解锁申请,正在等待处理。")) from None
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=unlock, region_path=unlock.region_path,
                 enterprise_id=enterprise.pk, object_repr=f"{enterprise.name} {period.year}年{period.month}月 解锁申请", note=reason,
                 changes={"status": [None, unlock.status]})
    with translation.override(settings.LANGUAGE_CODE):  # the officials read the portal's language
        body = _("%(name)s申请解锁%(period)s的月度监测报表(当前状态:%(status)s)。申请理由:%(reason)s。"
                 "请在“解锁申请”中同意或不同意。") % {
            "name": enterprise.name, "period": period, "reason": reason,
            "status": states.situation(filing, period).label}
        notices.officials_notice(region_ids=_deciders(enterprise),
                                 title=_("%(name)s申请解锁%(period)s报表") % {"name": enterprise.name, "period": period},
                                 body=body, link=reverse("monitoring:unlock_requests"), key=f"unlock-request:{unlock.pk}")
    return unlock


def unlock_term() -> str:
    """How long an unlock lasts, as the enterprise and the officials are told. It has no end date: the report
    stays open to its enterprise (``Filing.reopened``, a closed period included) until it is approved again;
    an approved report needs a new unlock."""
    return _("解锁不设期限:报表再次审核通过之前,企业可随时修改、撤回并重新报送;再次审核通过后如需更正,须重新申请解锁。")


def _decide(actor: Any, unlock: UnlockRequest, *, status: str, action: str,
            act: Callable[[UnlockRequest], str], tell: Callable[[UnlockRequest], tuple[str, str]]) -> UnlockRequest:
    """The one path of a decision on a request: lock it, check it is still pending and ``actor`` may decide it,
    run ``act`` (which returns the decision's reason: the unlock itself for an approval, the refusal's reason
    checked), record the answer, audit it and tell the enterprise (``tell`` gives the notice's title and body,
    in the portal's language)."""
    unlock = (UnlockRequest.objects.select_for_update().select_related("enterprise", "enterprise__region", "period")
              .get(pk=unlock.pk))
    if not scope_for(actor).may_unlock(unlock):
        raise PermissionDenied(_("只有市级或省级主管部门可以处理解锁申请。"))
    if unlock.status != UnlockRequest.Status.PENDING:
        raise Conflict(_("该解锁申请已处理。"))
    reason = act(unlock)
    unlock.status, unlock.decided_by, unlock.decided_at = status, actor, timezone.now()
    unlock.decision_reason = reason
    unlock.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit.record(actor=actor, action=action, obj=unlock, region_path=unlock.region_path,
                 enterprise_id=unlock.enterprise_id, object_repr=f"{unlock.enterprise.name} {unlock.period.year}年{unlock.period.month}月 解锁申请",
                 note=reason, changes={"status": [UnlockRequest.Status.PENDING, unlock.status]})
    with translation.override(settings.LANGUAGE_CODE):  # the enterprise reads the portal's language
        title, body = tell(unlock)
        notices.enterprise_notice(enterprise=unlock.enterprise, title=title, body=body,
                                  link=reverse("monitoring:file", args=[unlock.period]),
                                  key=f"unlock-request:{unlock.pk}:{unlock.status}")
    return unlock


@transaction.atomic
def approve_unlock_request(*, actor: Any, unlock: UnlockRequest, note: str = "") -> UnlockRequest:
    """Unlock the report the request is about (the unlock is recorded on the filing with the reason) and
    answer the request; the enterprise is told, with how long the unlock lasts and a link to the month's form."""
    note = (note or "").strip()[:MAX_REASON]

    def unlock_it(unlock: UnlockRequest) -> str:
        reason = note or _("同意企业解锁申请:%(reason)s") % {"reason": unlock.reason}
        try:
            filing_services.unlock_report(actor=actor, enterprise=unlock.enterprise, period=unlock.period,
                                          reason=reason)
        except Conflict:
            raise Conflict(_("该报表企业已可自行更正,无需解锁;请选择“不同意”并说明。")) from None
        return note

    def tell(unlock: UnlockRequest) -> tuple[str, str]:
        return (_("%(period)s报表已解锁") % {"period": unlock.period},
                _("%(name)s:贵企业%(period)s月度监测报表的解锁申请已获同意,报表已解锁,请更正后重新报送。%(term)s%(note)s") % {
                    "name": unlock.enterprise.name, "period": unlock.period, "term": unlock_term(),
                    "note": _("处理意见:%(note)s。") % {"note": note} if note else ""})

    return _decide(actor, unlock, status=UnlockRequest.Status.APPROVED, action=AuditEntry.Action.APPROVE,
                   act=unlock_it, tell=tell)


@transaction.atomic
def refuse_unlock_request(*, actor: Any, unlock: UnlockRequest, reason: str) -> UnlockRequest:
    """Refuse the request with a required reason; the report stays as it is and the enterprise is told why."""

    def refuse(_unlock: UnlockRequest) -> str:
        return _reason(reason, field="reason", message=_("不同意解锁时须填写理由。"))

    def tell(unlock: UnlockRequest) -> tuple[str, str]:
        return (_("%(period)s报表解锁申请未获同意") % {"period": unlock.period},
                _("%(name)s:贵企业%(period)s月度监测报表的解锁申请未获同意。理由:%(reason)s。") % {
                    "name": unlock.enterprise.name, "period": unlock.period, "reason": unlock.decision_reason})

    return _decide(actor, unlock, status=UnlockRequest.Status.REFUSED, action=AuditEntry.Action.REJECT,
                   act=refuse, tell=tell)
