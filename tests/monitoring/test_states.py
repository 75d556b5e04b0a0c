"""The filing's state table and the acts that follow it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from monitoring import services, states
from monitoring.models import Filing, FilingEvent, FilingStatus
from portal.audit.models import AuditEntry
from portal.core.exceptions import Conflict

from .helpers import open_period, valid_data

pytestmark = pytest.mark.django_db
A, S = FilingEvent.Action, FilingStatus


def test_the_table_allows_exactly_the_documented_moves():
    assert states.next_status(None, A.SUBMIT) == S.SUBMITTED
    assert states.next_status(S.RETURNED, A.SUBMIT) == S.SUBMITTED
    assert states.next_status(S.SUBMITTED, A.WITHDRAW) == S.DRAFT
    assert states.next_status(S.APPROVED, A.UNLOCK) == S.RETURNED
    for status, act in [(S.APPROVED, A.SUBMIT), (S.APPROVED, A.WITHDRAW), (S.DRAFT, A.APPROVE),
                        (S.RETURNED, A.APPROVE), (S.DRAFT, A.WITHDRAW), (None, A.APPROVE)]:
        with pytest.raises(Conflict):
            states.next_status(status, act)
    # Every status the API documents is reachable, and nothing leads out of the table.
    assert {to for to in states.TRANSITIONS.values()} == set(S.values)


def _submitted(world):
    period = open_period()
    return services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period,
                             data=valid_data(), submit=True).filing


def test_an_unreviewed_submission_is_withdrawn_to_draft_and_recorded(world):
    filing = _submitted(world)
    services.withdraw_filing(actor=world.users["enterprise"], filing=filing)
    filing.refresh_from_db()
    assert filing.status == S.DRAFT and filing.first_submitted_at is not None  # timeliness kept
    assert filing.events.filter(action=A.WITHDRAW).count() == 1
    assert AuditEntry.objects.filter(object_id=str(filing.pk), note="企业撤回报送").exists()
    # Submitted again: a new version.
    again = services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=filing.period,
                              data=valid_data(), submit=True).filing
    assert again.status == S.SUBMITTED and again.version == filing.version + 1


def test_withdrawal_is_refused_after_review_and_to_anyone_but_the_enterprise(world):
    filing = _submitted(world)
    with pytest.raises(PermissionDenied):
        services.withdraw_filing(actor=world.users["county"], filing=filing)
    with pytest.raises(PermissionDenied):
        services.withdraw_filing(actor=world.users["other_enterprise"], filing=filing)
    services.approve_filing(actor=world.users["county"], filing=filing)
    with pytest.raises(Conflict):
        services.withdraw_filing(actor=world.users["enterprise"], filing=filing)
    assert Filing.objects.get(pk=filing.pk).status == S.APPROVED


def test_a_period_closes_at_its_review_deadline_without_the_job(world):
    filing = _submitted(world)
    period = filing.period
    period.review_deadline = timezone.localdate() - timedelta(days=1)
    period.enterprise_deadline = period.review_deadline - timedelta(days=2)
    period.save()
    assert period.locked_at is None and period.is_closed()
    changed = valid_data(revenue=valid_data()["revenue"] + 1)
    with pytest.raises(Conflict, match="已锁定"):
        services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period, data=changed,
                          submit=True)
    # An unlock reopens this filing only.
    services.unlock_filing(actor=world.users["city"], filing=filing, reason="补正数据")
    out = services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period, data=changed,
                            submit=True)
    assert out.outcome == "updated"


def test_unlock_is_for_what_only_an_unlock_opens(world, login):
    filing = _submitted(world)
    services.return_filing(actor=world.users["county"], filing=filing, reason="补充数据")
    # Returned in an open period: the enterprise corrects it itself; no unlock form, and the act is refused.
    client = login(world.users["city"])
    page = client.get(reverse("monitoring:filing_detail", args=[filing.pk])).content.decode()
    assert "解锁(允许企业更正)" not in page
    with pytest.raises(Conflict, match="无需解锁"):
        services.unlock_filing(actor=world.users["city"], filing=filing, reason="再次解锁")
    assert not Filing.objects.get(pk=filing.pk).events.filter(action=A.UNLOCK).exists()


def test_the_analysis_drill_down_links_name_the_region_by_code(world, login):
    filing = _submitted(world)
    client = login(world.users["city"])
    html = client.get(reverse("monitoring:analysis"), {"by": "region"}).content.decode()
    assert f"region={world.haian.code}" in html and f"region={world.haian.pk}\"" not in html
    follow = client.get(reverse("monitoring:analysis"), {"by": "region", "region": world.haian.code})
    assert follow.status_code == 200 and filing.enterprise.region.name in follow.content.decode()
