"""Deadline reminders of the monthly monitoring (seed 000: enterprises file by the 13th, counties review and
report up by the 15th), computed set-based for the whole province and sent through portal.notifications.

Which days: counted from each period's own deadlines (``settings.FILING_REMINDER_DAYS_BEFORE_DEADLINE`` and
the others at the end of portal/settings.py), so a deadline that province staff move for a holiday moves its
reminders too. With the defaults: enterprises on the 10th and 12th, counties on the 13th, cities on the 16th,
a returned filing at once and again two days later.

Each reminder names the period, what is missing, the deadline and a link. Each has a key per recipient
(period and day, or filing and version), so running a reminder twice sends nothing twice.
"""
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring import periods, selectors
from monitoring.indicators import field_labels
from monitoring.models import Filing, FilingStatus, Period, RegionReport
from monitoring.reminders.models import Chase
from portal.accounts import scoping
from portal.accounts.models import Role, User
from portal.accounts.scoping import within
from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.core.db import analyze
from portal.core.exceptions import Conflict
from portal.enterprises.models import Enterprise
from portal.notifications import services as notifications
from portal.notifications.models import Notification, Preference
from portal.notifications.tasking import enqueue_on_commit
from portal.regions.models import Region, RegionLevel

OFFICER_FIELDS = ("id", "email", "phone", "notification_preference__email", "notification_preference__sms")


def system_viewer() -> Any:
    """The province's view of the data, for scheduled jobs that act for the province without a request:
    the explicit system scope of portal.accounts.scoping; every read still goes through ``visible_to``."""
    return scoping.system_viewer(Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").first())


def period_by_id(pk: int | None) -> Period | None:
    """For tasks, which carry ids: the period, or None for "the periods due today"."""
    return Period.objects.get(pk=pk) if pk else None


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _officer(row: dict) -> dict:
    return {"id": row["id"], "email": row["email"], "phone": row["phone"],
            "wants_email": row["notification_preference__email"], "wants_sms": row["notification_preference__sms"]}


def _official_messages(rows: Any, *, key: str, text: Any) -> Iterator[notifications.Message]:
    """One message per official row (dicts of OFFICER_FIELDS + region_id); ``text(row)`` gives (title, body, link)."""
    for row in rows:
        made = text(row)
        if made is None:
            continue
        title, body, link = made
        email, phone = notifications.personal_addresses(
            email=row["email"], phone=row["phone"], wants_email=row["notification_preference__email"],
            wants_sms=row["notification_preference__sms"])
        yield notifications.Message(recipient_id=row["id"], title=title, body=body, link=link, email=email,
                                    phone=phone, key=key)


def _officials_of(region_ids: Any) -> Any:
    return (User.objects.filter(role=Role.OFFICIAL, is_active=True, region_id__in=list(region_ids))
            .values(*OFFICER_FIELDS, "region_id").order_by("id"))


def _merge(total: dict, counts: dict) -> dict:
    for k, v in counts.items():
        total[k] = total.get(k, 0) + v
    return total


# ------------------------------------------------------------------------------------------------
# Enterprises that have not submitted (10th and 12th)
# ------------------------------------------------------------------------------------------------

def filing_reminder_periods(today: date) -> list[Period]:
    days = {today + timedelta(days=d) for d in settings.FILING_REMINDER_DAYS_BEFORE_DEADLINE}
    return list(Period.objects.filter(enterprise_deadline__in=days, locked_at__isnull=True))


def late_officers(*, period: Period, viewer: User | None = None, region: Region | None = None) -> Any:
    """The information officers of the enterprises expected in ``period`` that have not submitted, in ``region``
    (the status page's ``not_filed``), with their enterprise's contacts and whether a draft exists; for an
    official's 催报, which narrows it to the enterprises it chased (a bounded id list). The scheduled reminder
    over the whole province reads ``late_filers`` instead, which does not depend on the planner's statistics."""
    viewer = viewer or system_viewer()
    region = region or viewer.region
    if region is None:
        return User.objects.none()
    late = selectors.not_filed(user=viewer, period=period, region=region)
    draft = Filing.objects.visible_to(viewer).filter(period=period, enterprise_id=OuterRef("enterprise_id"),
                                                   status=FilingStatus.DRAFT)
    return (User.objects.visible_to(viewer).filter(role=Role.ENTERPRISE, is_active=True, enterprise_id__in=late.values("pk"))
            .annotate(has_draft=Exists(draft))
            .values(*OFFICER_FIELDS, "enterprise_id", "enterprise__name", "enterprise__contact_email",
                    "enterprise__contact_phone", "has_draft")
            .order_by("enterprise_id", "id"))


def late_contacts(*, period: Period, viewer: User | None = None, region: Region | None = None) -> Any:
    """The enterprises expected in ``period`` that have not submitted and that nobody logs in for (no active
    information officer): their monitoring contacts, and whether a draft exists, all regions (or ``region``'s)
    in one query."""
    viewer = viewer or system_viewer()
    region = region or viewer.region
    if region is None:
        return Enterprise.objects.none()
    officers = User.objects.visible_to(viewer).filter(role=Role.ENTERPRISE, is_active=True, enterprise_id=OuterRef("pk"))
    draft = Filing.objects.visible_to(viewer).filter(period=period, enterprise_id=OuterRef("pk"), status=FilingStatus.DRAFT)
    return (selectors.not_filed(user=viewer, period=period, region=region).filter(~Exists(officers))
            .annotate(has_draft=Exists(draft))
            .values("id", "name", "contact_email", "contact_phone", "has_draft").order_by("id"))
def _preferences() -> dict[int, tuple[bool, bool]]:
    """{user id: (wants email, wants SMS)} of the users who saved their notification preferences (the others
    have the defaults: email yes, SMS no)."""
    return {user_id: (email, sms) for user_id, email, sms in Preference.objects.values_list("user_id", "email", "sms")}


def late_filers(*, period: Period, viewer: User | None = None) -> Iterator[tuple[tuple, list[dict]]]:
    """Every enterprise expected in ``period`` that has not submitted it, all regions, in enterprise order: its
    (id, name, contact email, contact phone) and its active information officers (dicts of id, email, phone,
    wants_email, wants_sms, lowest id first; an empty list for an enterprise nobody logs in for).

    Set-based without a join for the database to plan: single-table reads — the period's submitted enterprises,
    the saved preferences, the expected enterprises and the officers, both streamed in enterprise order — merged
    here in one pass, as a merge join would. Written as SQL anti-joins (enterprises NOT EXISTS a submitted
    filing, NOT EXISTS an officer) or semi-joins, PostgreSQL may plan them as a nested loop that reads one table
    once per row of the other, which it does when the statistics still say a table is nearly empty because its
    rows were just bulk-written and not yet analysed (autovacuum off, a retried run, an import followed by a
    reminder, a restore): minutes instead of a second at 100,000 enterprises."""
    viewer = viewer or system_viewer()
    if viewer.region is None:
        return
    submitted = set(Filing.objects.visible_to(viewer).filter(period_id=period.pk).submitted()
                    .values_list("enterprise_id", flat=True))
    wants = _preferences()
    enterprises = (within(selectors.expected_enterprises(user=viewer, period=period), viewer.region)
                   .values_list("id", "name", "contact_email", "contact_phone").order_by("id").iterator(chunk_size=5000))
    officers = (User.objects.visible_to(viewer).filter(role=Role.ENTERPRISE, is_active=True, enterprise__isnull=False)
                .values_list("enterprise_id", "id", "email", "phone").order_by("enterprise_id", "id")
                .iterator(chunk_size=5000))
    officer = next(officers, None)
    for enterprise in enterprises:
        group = []
        while officer is not None and officer[0] <= enterprise[0]:
            if officer[0] == enterprise[0]:
                email, sms = wants.get(officer[1], (None, None))
                group.append({"id": officer[1], "email": officer[2], "phone": officer[3], "wants_email": email,
                              "wants_sms": sms})
            officer = next(officers, None)
        if enterprise[0] not in submitted:
            yield enterprise, group


def drafting(*, period: Period, viewer: User | None = None) -> set[int]:
    """The enterprises with a draft of ``period`` (the reminder names a saved draft), read once rather than by a
    subquery per late enterprise."""
    viewer = viewer or system_viewer()
    return set(Filing.objects.visible_to(viewer).filter(period_id=period.pk, status=FilingStatus.DRAFT)
               .values_list("enterprise_id", flat=True))


def _filing_text(*, period: Period, today: date) -> Any:
    """(title, link, text(name, has_draft)) of the late filer's reminder."""
    link = reverse("monitoring:file", args=[period])
    title = _("%(period)s监测报表尚未报送") % {"period": period}
    missing = {True: _("已保存草稿,尚未报送"), False: _("尚未填报")}
    body = _("%(name)s:贵企业%(period)s的月度监测报表(主要经济指标、主要产品产销存、月度调查问卷)%(missing)s。"
             "报送截止日为%(deadline)s(还有 %(days)d 天),请按时登录平台填报并报送。")
    fixed = {"period": str(period), "deadline": _day(period.enterprise_deadline),
             "days": (period.enterprise_deadline - today).days}

    no_account = _("贵企业尚未开通平台账号:请在平台“企业注册”开通,或联系所在县(市、区)主管部门代为报送。")

    def text(name: str, has_draft: Any, account: bool = True) -> str:
        message = body % {**fixed, "name": name, "missing": missing[bool(has_draft)]}
        return message if account else f"{message}{no_account}"

    return title, link, text


def _filing_messages(late: Any, *, period: Period, today: date, key: str, drafts: set[int],
                     alone: list[tuple]) -> Iterator[notifications.Message]:
    """The messages to the late enterprises' officers (and their contacts); the enterprises without an officer
    are put aside in ``alone`` for :func:`_contact_messages`."""
    title, link, text = _filing_text(period=period, today=today)
    for enterprise, officers in late:
        if not officers:
            alone.append(enterprise)
            continue
        eid, name, contact_email, contact_phone = enterprise
        yield from notifications.enterprise_messages(
            officers, contact_email=contact_email, contact_phone=contact_phone, title=title,
            body=text(name, eid in drafts), link=link, key=key)


def _contact_messages(alone: list[tuple], *, period: Period, today: date, key: str, drafts: set[int],
                      counts: dict) -> Iterator[notifications.Message]:
    """One message per enterprise without an account, to its contact's email and phone (as far as
    ENTERPRISE_CONTACT_CHANNELS allows); one with neither is counted in ``counts["unreachable"]``."""
    title, link, text = _filing_text(period=period, today=today)
    channels = settings.ENTERPRISE_CONTACT_CHANNELS
    for eid, name, contact_email, contact_phone in alone:
        email = (contact_email or "") if "email" in channels else ""
        phone = (contact_phone or "") if "sms" in channels else ""
        if not (email or phone):
            counts["unreachable"] = counts.get("unreachable", 0) + 1
            continue
        yield notifications.Message(recipient_id=None, enterprise_id=eid, title=title,
                                    body=text(name, eid in drafts, account=False), link=link, email=email,
                                    phone=phone, key=key)


def remind_late_filers(*, today: date | None = None, period: Period | None = None, queue: bool = True) -> dict:
    """Remind every enterprise that has not submitted a period whose deadline is a reminder day away
    (or ``period``, whatever the day). Set-based; notifications written and deliveries queued in batches.

    Enterprises nobody logs in for are reminded through their monitoring contact alone (email and SMS, no
    inbox): counted as ``contacts`` (new such messages); those without a contact address as ``unreachable``."""
    today = today or timezone.localdate()
    counts: dict = {"periods": 0}
    viewer = system_viewer()
    if period is None:  # the daily run opens the month being filed, so its deadlines exist to remind of
        periods.open_filing_period(today)
    for p in ([period] if period else filing_reminder_periods(today)):
        key = f"reminder:filing:{periods.code(p)}:{today.isoformat()}"
        drafts = drafting(period=p, viewer=viewer)
        alone: list[tuple] = []  # the late enterprises nobody logs in for, filled by the officers' pass
        reached = notifications.notify_many(
            messages=_filing_messages(late_filers(period=p, viewer=viewer), period=p, today=today, key=key,
                                      drafts=drafts, alone=alone), queue=queue)
        _merge(counts, reached)
        # Thousands of inbox rows were just written, and the table is read next (which of the contacts' messages
        # exist already, for a retried run; the deliveries' batches): analysed first, not a minute later.
        analyze(Notification, rows=reached["created"])
        counts.setdefault("unreachable", 0)
        contacted = notifications.notify_many(
            messages=_contact_messages(alone, period=p, today=today, key=key, drafts=drafts, counts=counts),
            queue=queue)
        _merge(counts, {"contacts": contacted["created"], "queued": contacted["queued"],
                        "batches": contacted["batches"]})
        counts["periods"] += 1
    return counts


# ------------------------------------------------------------------------------------------------
# Counties with submissions waiting for review (13th)
# ------------------------------------------------------------------------------------------------

def review_reminder_periods(today: date) -> list[Period]:
    days = {today - timedelta(days=d) for d in settings.REVIEW_REMINDER_DAYS_AFTER_FILING_DEADLINE}
    return list(Period.objects.filter(enterprise_deadline__in=days, locked_at__isnull=True))


def remind_pending_reviews(*, today: date | None = None, period: Period | None = None) -> dict:
    today = today or timezone.localdate()
    viewer = system_viewer()
    counts: dict = {"periods": 0}
    for p in ([period] if period else review_reminder_periods(today)):
        waiting = dict(Filing.objects.visible_to(viewer).filter(period=p, status=FilingStatus.SUBMITTED)
                       .values("county_id").annotate(n=Count("id")).values_list("county_id", "n").order_by())
        if not waiting:
            counts["periods"] += 1
            continue
        expected = dict(selectors.expected_enterprises(user=viewer, period=p).filter(region_id__in=list(waiting))
                        .values("region_id").annotate(n=Count("id")).values_list("region_id", "n").order_by())
        submitted = dict(Filing.objects.visible_to(viewer).submitted().filter(period=p, county_id__in=list(waiting))
                         .values("county_id").annotate(n=Count("id")).values_list("county_id", "n").order_by())
        names = dict(Region.objects.filter(pk__in=list(waiting)).values_list("pk", "name"))
        link = reverse("monitoring:review_queue") + f"?period={periods.code(p)}"
        key = f"reminder:review:{periods.code(p)}:{today.isoformat()}"

        def text(row: Any, p: Any=p, link: Any=link, waiting: Any=waiting, expected: Any=expected, submitted: Any=submitted, names: Any=names) -> Any:
            n = waiting.get(row["region_id"], 0)
            if not n:
                return None
            not_filed = max(expected.get(row["region_id"], 0) - submitted.get(row["region_id"], 0), 0)
            extra = _(",另有 %(m)d 家企业尚未报送") % {"m": not_filed} if not_filed else ""
            body = _("%(county)s:%(period)s还有 %(n)d 份企业报表待审核%(extra)s。审核上报截止日为%(deadline)s,"
                     "请及时审核并向市级主管部门上报。") % {
                "county": names.get(row["region_id"], ""), "period": p, "n": n, "extra": extra,
                "deadline": _day(p.review_deadline)}
            return _("%(period)s有 %(n)d 份报表待审核") % {"period": p, "n": n}, body, link

        _merge(counts, notifications.notify_many(messages=_official_messages(_officials_of(waiting), key=key,
                                                                             text=text)))
        counts["periods"] += 1
    return counts


# ------------------------------------------------------------------------------------------------
# Cities about counties that have not reported up (16th)
# ------------------------------------------------------------------------------------------------

def report_up_reminder_periods(today: date) -> list[Period]:
    days = {today - timedelta(days=d) for d in settings.REPORT_UP_REMINDER_DAYS_AFTER_REVIEW_DEADLINE}
    return list(Period.objects.filter(review_deadline__in=days))


def unreported_counties(*, period: Period, viewer: User | None = None) -> dict[int, list[Region]]:
    """{city id: [counties with monitored enterprises in the period that have not reported up]} (three queries)."""
    viewer = viewer or system_viewer()
    with_enterprises = set(selectors.expected_enterprises(user=viewer, period=period)
                           .values_list("region_id", flat=True).distinct().order_by())
    reported = set(RegionReport.objects.visible_to(viewer).filter(period=period, status=RegionReport.Status.REPORTED)
                   .values_list("region_id", flat=True))
    out: dict[int, list[Region]] = {}
    for county in (Region.objects.visible_to(viewer).filter(level=RegionLevel.COUNTY, pk__in=with_enterprises)
                   .exclude(pk__in=reported).order_by("sort_order", "code")):
        out.setdefault(cast(int, county.parent_id), []).append(county)  # a county's parent: its city
    return out


def remind_unreported_counties(*, today: date | None = None, period: Period | None = None) -> dict:
    today = today or timezone.localdate()
    counts: dict = {"periods": 0}
    for p in ([period] if period else report_up_reminder_periods(today)):
        missing = unreported_counties(period=p)
        counts["periods"] += 1
        if not missing:
            continue
        names = dict(Region.objects.filter(pk__in=list(missing)).values_list("pk", "name"))
        link = reverse("monitoring:status") + f"?period={periods.code(p)}"
        key = f"reminder:report-up:{periods.code(p)}:{today.isoformat()}"

        def text(row: Any, p: Any=p, link: Any=link, missing: Any=missing, names: Any=names) -> Any:
            counties = missing.get(row["region_id"])
            if not counties:
                return None
            body = _("%(city)s:以下县(市、区)%(period)s数据尚未上报:%(counties)s。审核上报截止日为%(deadline)s,"
                     "请督促尽快审核上报。") % {
                "city": names.get(row["region_id"], ""), "period": p, "counties": "、".join(c.name for c in counties),
                "deadline": _day(p.review_deadline)}
            return _("%(period)s有 %(n)d 个县(市、区)尚未上报") % {"period": p, "n": len(counties)}, body, link

        _merge(counts, notifications.notify_many(messages=_official_messages(_officials_of(missing), key=key,
                                                                             text=text)))
    return counts


# ------------------------------------------------------------------------------------------------
# A region's report returned by the level above: its officials are told at once
# ------------------------------------------------------------------------------------------------

def notify_returned_report(report: RegionReport) -> dict:
    """Called by services.return_report inside its transaction: an inbox message (and email/SMS by preference)
    to each official of the returned region, once per return."""
    region, p = report.region, report.period
    link = reverse("monitoring:review_queue") + f"?period={periods.code(p)}"
    by = report.returned_by.region.name if report.returned_by and report.returned_by.region else ""
    title = _("%(period)s上报被退回") % {"period": p}
    body = _("%(region)s:贵单位%(period)s的上报已被%(by)s退回。退回理由:%(reason)s。请处理后重新上报。") % {
        "region": region.name, "period": p, "by": by, "reason": report.return_reason}
    key = f"report-returned:{report.pk}:{report.returned_at.isoformat() if report.returned_at else ''}"
    return notifications.notify_many(messages=_official_messages(
        _officials_of([region.pk]), key=key, text=lambda row: (title, body, link)))


# ------------------------------------------------------------------------------------------------
# 催报: an official reminds the enterprises that have not filed, now (at most once a day per enterprise)
# ------------------------------------------------------------------------------------------------

def _chase_text(*, period: Period, region: Region, today: date) -> Any:
    link = reverse("monitoring:file", args=[period])
    title = _("催报:%(period)s监测报表尚未报送") % {"period": period}
    missing = {True: _("已保存草稿,尚未报送"), False: _("尚未填报")}
    passed = period.enterprise_deadline < today
    when = (_("报送截止日%(deadline)s已过,请立即登录平台填报并报送。") if passed
            else _("报送截止日为%(deadline)s,请尽快登录平台填报并报送。")) % {"deadline": _day(period.enterprise_deadline)}
    no_account = _("贵企业尚未开通平台账号:请在平台“企业注册”开通,或联系所在县(市、区)主管部门代为报送。")

    def text(name: str, has_draft: Any, account: bool = True) -> str:
        message = _("%(name)s:%(region)s主管部门提醒,贵企业%(period)s的月度监测报表%(missing)s。%(when)s") % {
            "name": name, "region": region.name, "period": period, "missing": missing[bool(has_draft)], "when": when}
        return message if account else f"{message}{no_account}"

    return title, link, text


def _chase_messages(officers: Any, contacts: Any, *, period: Period, region: Region, today: date,
                    counts: dict) -> Iterator[notifications.Message]:
    title, link, text = _chase_text(period=period, region=region, today=today)
    group: list[dict] = []
    for row in [*officers, None]:
        if group and (row is None or row["enterprise_id"] != group[0]["enterprise_id"]):
            first = group[0]
            yield from notifications.enterprise_messages(
                [_officer(r) for r in group], contact_email=first["enterprise__contact_email"],
                contact_phone=first["enterprise__contact_phone"], title=title,
                body=text(first["enterprise__name"], first["has_draft"]), link=link)
            group = []
        if row is not None:
            group.append(row)
    channels = settings.ENTERPRISE_CONTACT_CHANNELS
    for row in contacts:
        email = (row["contact_email"] or "") if "email" in channels else ""
        phone = (row["contact_phone"] or "") if "sms" in channels else ""
        if not (email or phone):
            counts["unreachable"] += 1
            continue
        yield notifications.Message(recipient_id=None, enterprise_id=row["id"], title=title, link=link,
                                    body=text(row["name"], row["has_draft"], account=False), email=email, phone=phone)


def chase_unfiled(*, actor: User, period: Period, region: Region) -> dict:
    """催报: remind every enterprise of ``region`` that has not submitted ``period``, now — its information
    officers (inbox, email/SMS by preference) and its monitoring contact, or the contact alone when nobody logs
    in for it. An enterprise already reminded today (by anyone) is skipped: at most one 催报 a day each. Each
    one is recorded (``Chase``) and audited. Returns counts: chased, skipped (already today), messages,
    unreachable (no account and no contact address)."""
    if not scoping.scope_for(actor).may_remind_filers(region):
        raise PermissionDenied(_("只能催报本地区的企业。"))
    today = timezone.localdate()
    if not periods.is_open(period, today):
        raise ValidationError(_("%(period)s尚未结束,不能催报。") % {"period": period})
    if period.is_closed(today):
        raise Conflict(_("%(period)s已锁定,不能再催报。") % {"period": period})
    counts = {"chased": 0, "skipped": 0, "messages": 0, "unreachable": 0}
    with transaction.atomic():
        period = periods.opened(period)  # a write for the month: its row, if nobody has opened it yet
        late = selectors.not_filed(user=actor, period=period, region=region)
        done = Chase.objects.visible_to(actor).filter(enterprise_id=OuterRef("pk"), day=today)
        todo = dict(late.filter(~Exists(done)).values_list("id", "region_path"))
        counts["skipped"] = late.filter(Exists(done)).count()
        if not todo:
            return counts
        now = timezone.now()
        Chase.objects.bulk_create([Chase(enterprise_id=pk, period=period, region_path=path, day=today, at=now, by=actor)
                                   for pk, path in todo.items()], ignore_conflicts=True)
        # Ours are those written now by the actor: another official's 催报 at the same moment wins its rows.
        ids = list(Chase.objects.filter(enterprise_id__in=list(todo), day=today, at=now, by=actor)
                   .values_list("enterprise_id", flat=True))
        counts["chased"], counts["skipped"] = len(ids), counts["skipped"] + len(todo) - len(ids)
        names = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "name"))
        audit.record_many(audit.entry(actor=actor, action=AuditEntry.Action.CREATE, model="monitoring.Chase",
                                      object_id=str(pk), object_repr=f"{names.get(pk, pk)} {period.year}年{period.month}月 催报",
                                      region_path=todo[pk], enterprise_id=pk, note=_("催报"))
                          for pk in ids)
        officers = late_officers(period=period, viewer=actor, region=region).filter(enterprise_id__in=ids)
        contacts = late_contacts(period=period, viewer=actor, region=region).filter(id__in=ids)
        sent = notifications.notify_many(
            key=f"chase:{periods.code(period)}:{today.isoformat()}",
            messages=_chase_messages(officers, contacts, period=period, region=region, today=today, counts=counts))
        counts["messages"] = sent["created"]
    return counts


# ------------------------------------------------------------------------------------------------
# Returned filings: at once, and again after two days if still returned
# ------------------------------------------------------------------------------------------------

def _field_labels(codes: Any) -> str:
    labels = field_labels()
    return "、".join(str(labels.get(c, c)) for c in codes)


def _returned_messages(filings: Any, *, again: bool) -> Iterator[notifications.Message]:
    filings = list(filings)
    officers: dict[int, list[dict]] = {}
    for row in (User.objects.filter(role=Role.ENTERPRISE, is_active=True,
                                    enterprise_id__in=list({f.enterprise_id for f in filings}))
                .values(*OFFICER_FIELDS, "enterprise_id").order_by("enterprise_id", "id")):
        officers.setdefault(row["enterprise_id"], []).append(_officer(row))
    today = timezone.localdate()
    for f in filings:
        group = officers.get(f.enterprise_id)
        if not group:
            continue
        p = f.period
        fields = _("需修改:%(fields)s。") % {"fields": _field_labels(f.return_fields)} if f.return_fields else ""
        deadline = (_("请在%(deadline)s前修改后重新报送。") % {"deadline": _day(p.enterprise_deadline)}
                    if p.enterprise_deadline >= today else _("报送截止日%(deadline)s已过,请尽快修改后重新报送。") % {
                        "deadline": _day(p.enterprise_deadline)})
        body = _("%(name)s:贵企业%(period)s的月度监测报表已被%(county)s退回。退回理由:%(reason)s。%(fields)s%(deadline)s") % {
            "name": f.enterprise.name, "period": p, "county": f.county.name, "reason": f.return_reason,
            "fields": fields, "deadline": deadline}
        if again:
            title = _("%(period)s监测报表退回后尚未重新报送") % {"period": p}
            key = f"returned-again:{f.pk}:v{f.returned_version}"
        else:
            title = _("%(period)s监测报表被退回,请修改后重新报送") % {"period": p}
            key = f"returned:{f.pk}:v{f.returned_version}"
        yield from notifications.enterprise_messages(
            group, contact_email=f.enterprise.contact_email, contact_phone=f.enterprise.contact_phone, title=title,
            body=body, link=reverse("monitoring:file", args=[p]), key=key)


def _returned(qs: Any) -> Any:
    return qs.filter(status=FilingStatus.RETURNED).select_related("enterprise", "period", "county").only(
        "id", "enterprise_id", "period_id", "county_id", "return_reason", "return_fields", "returned_version",
        "reviewed_at", "enterprise__name", "enterprise__contact_email", "enterprise__contact_phone",
        "period__year", "period__month", "period__enterprise_deadline", "county__name")


def remind_returned_filing(*, filing_id: int, version: int) -> dict:
    """The reminder sent when a filing is returned (queued by services.return_filing on commit). Nothing when
    the filing has moved on (resubmitted, or returned again as a later version)."""
    filings = list(_returned(Filing.objects.filter(pk=filing_id, returned_version=version)))
    return notifications.notify_many(messages=_returned_messages(filings, again=False))


# ------------------------------------------------------------------------------------------------
# Notices to an enterprise about its report (approved, unlocked, unlock refused) and to the officials who
# may unlock a report about an enterprise's request
# ------------------------------------------------------------------------------------------------

def enterprise_notice(*, enterprise: Enterprise, title: str, body: str, link: str, key: str) -> dict:
    """One message to each information officer of ``enterprise`` (and its monitoring contact), once per key."""
    group = [_officer(row) for row in User.objects.filter(role=Role.ENTERPRISE, is_active=True, enterprise=enterprise)
             .values(*OFFICER_FIELDS).order_by("id")]
    if not group:
        return {"messages": 0, "created": 0, "queued": 0, "batches": 0}
    return notifications.notify(key=key, messages=notifications.enterprise_messages(
        group, contact_email=enterprise.contact_email, contact_phone=enterprise.contact_phone, title=title,
        body=body, link=link, key=key))


def notify_filing_approved(*, filing_id: int, version: int) -> dict:
    """The enterprise is told its report was approved (queued by services.approve_filing on commit). Nothing
    when the filing has moved on since (unlocked, or a later version)."""
    filing = (Filing.objects.filter(pk=filing_id, version=version, status=FilingStatus.APPROVED)
              .select_related("enterprise", "period", "county").first())
    if filing is None:
        return {"messages": 0, "created": 0}
    p = filing.period
    body = _("%(name)s:贵企业%(period)s的月度监测报表(第 %(version)d 版)已由%(county)s审核通过。"
             "如需更正,请在报表页面申请解锁。") % {
        "name": filing.enterprise.name, "period": p, "version": filing.version, "county": filing.county.name}
    return enterprise_notice(enterprise=filing.enterprise, title=_("%(period)s监测报表已审核通过") % {"period": p},
                             body=body, link=reverse("monitoring:file", args=[p]),
                             key=f"approved:{filing.pk}:v{filing.version}")


def schedule_approved_notice(filing: Filing) -> None:
    """Called by services.approve_filing: tell the enterprise once the approval is committed."""
    enqueue_on_commit("monitoring.tasks.notify_filing_approved", filing_id=filing.pk, version=filing.version)


def officials_notice(*, region_ids: list[int], title: str, body: str, link: str, key: str) -> dict:
    """One message to each active official of the regions ``region_ids``, once per key."""
    return notifications.notify(key=key, messages=_official_messages(
        _officials_of(region_ids), key=key, text=lambda row: (title, body, link)))


def remind_returned_filings(*, today: date | None = None) -> dict:
    """Filings returned RETURNED_REMINDER_AFTER_DAYS days ago or earlier (by the local calendar) and still
    returned, in a period still open: reminded once more (once per returned version)."""
    today = today or timezone.localdate()
    last_day = today - timedelta(days=settings.RETURNED_REMINDER_AFTER_DAYS)
    cutoff = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())
    qs = _returned(Filing.objects.filter(reviewed_at__lt=cutoff)
                   .filter(Q(period__locked_at__isnull=True) | Q(reopened=True)))
    return notifications.notify_many(messages=_returned_messages(qs, again=True))


def schedule_returned_reminder(filing: Filing) -> None:
    """Called by services.return_filing: remind the enterprise once the return is committed."""
    enqueue_on_commit("monitoring.tasks.remind_returned_filing", filing_id=filing.pk, version=filing.returned_version)
