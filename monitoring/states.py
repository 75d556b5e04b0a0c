"""The filing's life as one table: which act moves a filing from which status to which.

    (none) ──save──► draft ──submit──► submitted ──approve──► approved
                      ▲  ▲               │   │ ▲                  │
                      │  └───withdraw────┘   │ └──submit──┐       │ unlock (a level above the county)
                      │                      return        │       ▼
                      └──────save──────── returned ─────submit─── returned

A plain table rather than a state-machine library: the filing core writes whole batches with
``bulk_update`` (an API batch of 1,000), which per-instance transition methods would bypass; here every
path — the form, the API, the county's import, the reviewer — asks the same table.

Closing is not a status: a period closes when its review deadline passes (``Period.is_closed``), whether or
not the scheduled job has run, and a filing of a closed period reopens only through an unlock (``reopened``);
an unlock of a month never filed opens it as an empty draft. What the enterprise may do with a month now
(edit, withdraw, ask for an unlock) is ``situation`` below.
A resubmission is ``submit`` from ``returned``: the status values the API documents stay the same.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from monitoring.models import FilingEvent, FilingStatus
from portal.core.exceptions import Conflict

Act = FilingEvent.Action
S = FilingStatus

TRANSITIONS: dict[tuple[str | None, str], str] = {
    (None, Act.SAVE): S.DRAFT,
    (None, Act.SUBMIT): S.SUBMITTED,
    (S.DRAFT, Act.SAVE): S.DRAFT,
    (S.DRAFT, Act.SUBMIT): S.SUBMITTED,
    (S.RETURNED, Act.SAVE): S.RETURNED,  # a correction in progress stays returned until it is submitted
    (S.RETURNED, Act.SUBMIT): S.SUBMITTED,  # a resubmission
    (S.SUBMITTED, Act.SUBMIT): S.SUBMITTED,  # corrected before anyone reviewed it: a new version
    (S.SUBMITTED, Act.WITHDRAW): S.DRAFT,  # the enterprise takes an unreviewed submission back
    (S.SUBMITTED, Act.RETURN): S.RETURNED,
    (S.SUBMITTED, Act.APPROVE): S.APPROVED,
    (S.APPROVED, Act.UNLOCK): S.RETURNED,  # reopened with the unlocking level's reason
    (S.SUBMITTED, Act.UNLOCK): S.SUBMITTED,  # a closed period reopened for this filing
    (S.RETURNED, Act.UNLOCK): S.RETURNED,
    (S.DRAFT, Act.UNLOCK): S.DRAFT,
    (None, Act.UNLOCK): S.DRAFT,  # a closed month the enterprise never filed, opened for it as an empty draft
}

# Why an act is refused, by the status it meets (the default: the status named).
REFUSALS: dict[tuple[str | None, str], str | Promise] = {
    (S.APPROVED, Act.SAVE): _("该报表已审核通过,不能再修改;如需更正请联系上级主管部门解锁。"),
    (S.APPROVED, Act.SUBMIT): _("该报表已审核通过,不能再修改;如需更正请联系上级主管部门解锁。"),
    (S.SUBMITTED, Act.SAVE): _("报表已报送,修改后请直接重新报送。"),
}


def is_noop(status: str | None, act: str) -> bool:
    """The act leaves the status as it is (the same content sent again is then "unchanged"); saving a draft
    over a submission is one too, for the same content."""
    return TRANSITIONS.get((status, act)) == status or (status, act) == (S.SUBMITTED, Act.SAVE)


def allowed(status: str | None, act: str) -> bool:
    return (status, act) in TRANSITIONS


def next_status(status: str | None, act: str) -> str:
    """The status ``act`` leads to from ``status``; Conflict (with the reason) when the table has no such move."""
    try:
        return TRANSITIONS[(status, act)]
    except KeyError:
        reason = REFUSALS.get((status, act))
        if reason is None:
            reason = _("该报表当前状态为“%(status)s”,不能%(act)s。") % {
                "status": S(status).label if status else _("未填报"), "act": Act(act).label}
        raise Conflict(str(reason)) from None


# ------------------------------------------------------------------------------------------------
# Where an enterprise's report of one month stands, for the enterprise's own pages
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Situation:
    """One month's report as its enterprise meets it, derived from the filing's status, the period's deadlines
    and the unlock record (``Filing.reopened``), never from whether a scheduled job has run.

    ``closed``: the review deadline has passed (or the period was locked) and no unlock reopened the report;
    ``overdue``: never submitted and the filing deadline has passed, the period still open (filing is still
    possible; the lateness is recorded when it is first submitted)."""

    status: str | None
    closed: bool
    overdue: bool
    reopened: bool = False

    @property
    def editable(self) -> bool:
        """The form takes input: nothing filed yet, a draft or a returned report, in a period still open."""
        return self.status in (None, S.DRAFT, S.RETURNED) and not self.closed

    @property
    def may_withdraw(self) -> bool:
        """A submission nobody has reviewed yet, in a period still open (``services.withdraw_filing``)."""
        return self.status == S.SUBMITTED and not self.closed

    @property
    def needs_unlock(self) -> bool:
        """Only an unlock lets the enterprise change it: approved, or its period closed."""
        return self.status == S.APPROVED or self.closed

    @property
    def unlocked(self) -> bool:
        """Opened again by an unlock and not yet approved again: the enterprise may correct and re-submit it."""
        return self.reopened and not self.needs_unlock

    @property
    def filed(self) -> bool:
        return self.status in (S.SUBMITTED, S.APPROVED)

    @property
    def label(self) -> str:
        if self.status is None:
            return str(_("未填报"))
        return str(S(self.status).label)

    @property
    def level(self) -> str:
        """The badge's colour: ok (approved), err (returned, or closed without a submission), warn otherwise."""
        if self.status == S.APPROVED:
            return "ok"
        if self.status == S.RETURNED or (self.closed and not self.filed):
            return "err"
        return "warn"

    @property
    def flag(self) -> str:
        """The second badge: 已锁定 for a closed period, 已逾期 for a report still missing after the deadline."""
        if self.closed:
            return str(_("已锁定"))
        if self.overdue:
            return str(_("已逾期"))
        return ""


def situation(filing: Any, period: Any, today: date | None = None) -> Situation:
    """Where ``filing`` (or None: nothing saved yet) of ``period`` stands for its enterprise on ``today``."""
    today = today or timezone.localdate()
    status = filing.status if filing is not None else None
    reopened = filing is not None and filing.reopened
    closed = period.is_closed(today) and not reopened
    never_submitted = filing is None or filing.first_submitted_at is None  # timeliness is recorded once
    overdue = not closed and never_submitted and status in (None, S.DRAFT) and today > period.enterprise_deadline
    return Situation(status=status, closed=closed, overdue=overdue, reopened=reopened)


# ------------------------------------------------------------------------------------------------
# Timeliness: how a filed report's first submission stood against the filing deadline
# ------------------------------------------------------------------------------------------------

FILED = (S.SUBMITTED, S.RETURNED, S.APPROVED)  # in the hands of the reviewers, or reviewed: counted as 已报


@dataclass(frozen=True)
class Timeliness:
    label: str
    level: str  # the badge's colour: ok (on time), err (late)


def timeliness(filing: Any) -> Timeliness | None:
    """The one wording of a report's timeliness (按时报送 / 迟报 n 天) wherever its status is shown: the
    enterprise's pages, the review queue and page. Only a filed report has one: a draft — never submitted, or a
    submission the enterprise withdrew — is not filed, so it shows none, though the timeliness of its first
    submission stays recorded (``on_time``, never recomputed) for when it is submitted again."""
    if filing is None or filing.status not in FILED or filing.on_time is None:
        return None
    if filing.on_time:
        return Timeliness(label=str(_("按时报送")), level="ok")
    days = filing.days_late or 0
    return Timeliness(label=ngettext("迟报 %(n)d 天", "迟报 %(n)d 天", days) % {"n": days}, level="err")
