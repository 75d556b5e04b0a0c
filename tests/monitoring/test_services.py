"""The filing core through its services: the rules every channel (form, API, import) shares."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from monitoring import selectors, services
from monitoring.models import Filing, FilingEvent, FilingStatus, RegionReport
from portal.audit.models import AuditEntry
from portal.core.exceptions import Conflict

from .helpers import open_period, past_period, valid_data

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]


def submit(world, data, period, user=None, enterprise=None):
    return services.file_one(actor=user or world.users["enterprise"], enterprise=enterprise or world.e_haian,
                             period=period, data=data, submit=True)


def test_submission_records_status_version_timeliness_and_audit(world):
    period = open_period()
    out = submit(world, valid_data(), period)
    filing = Filing.objects.get(pk=out.filing.pk)
    assert out.outcome == "created"
    assert filing.status == FilingStatus.SUBMITTED and filing.version == 1
    assert filing.on_time is True and filing.days_late == 0
    assert filing.county_id == world.haian.id and filing.city_id == world.nantong.id
    assert filing.products.count() == 1
    assert FilingEvent.objects.filter(filing=filing, action="submit", version=1).exists()
    assert AuditEntry.objects.filter(model="monitoring.Filing", object_id=str(filing.pk)).count() == 1


def test_missing_and_negative_values_are_hard_errors(world):
    period = open_period()
    with pytest.raises(ValidationError) as exc:
        submit(world, valid_data(revenue=None, taxes=Decimal("-1")), period)
    errors = exc.value.message_dict
    assert "请填写营业收入。" in errors["revenue"]
    assert "应交税金总额不能为负数。" in errors["taxes"]
    assert not Filing.objects.exists()


def test_profit_may_be_negative(world):
    out = submit(world, valid_data(total_profit=Decimal("-50")), open_period())
    assert out.filing.total_profit == Decimal("-50")


def test_year_to_date_flow_cannot_shrink_within_the_year(world):
    year = timezone.localdate().year - 1
    previous, current = past_period(year, 5), past_period(year, 6)
    submit(world, valid_data(revenue=Decimal("1000")), previous)
    with pytest.raises(ValidationError) as exc:
        submit(world, valid_data(revenue=Decimal("999")), current)
    assert "不能小于上月累计值" in exc.value.message_dict["revenue"][0]


def test_soft_warning_needs_an_explanation_then_is_kept(world):
    period = open_period()
    data = valid_data(total_profit=Decimal("2000"))  # profit above revenue
    with pytest.raises(ValidationError) as exc:
        submit(world, data, period)
    assert "explanations.profit_over_revenue" in exc.value.message_dict
    data["explanations"] = {"profit_over_revenue": "本月收到大额投资收益"}
    out = submit(world, data, period)
    assert out.filing.warnings[0]["code"] == "profit_over_revenue"
    assert out.filing.explanations == {"profit_over_revenue": "本月收到大额投资收益"}


def test_same_content_twice_changes_nothing(world):
    period = open_period()
    submit(world, valid_data(), period)
    again = submit(world, valid_data(), period)
    assert again.outcome == "unchanged"
    assert Filing.objects.get().version == 1
    assert FilingEvent.objects.filter(action="submit").count() == 1


def test_late_submission_records_days_late_once(world):
    period = open_period()
    period.enterprise_deadline = timezone.localdate() - timedelta(days=3)
    period.save()
    out = submit(world, valid_data(), period)
    assert out.filing.on_time is False and out.filing.days_late == 3
    world.users["county"].refresh_from_db()
    services.return_filing(actor=world.users["county"], filing=out.filing, reason="营业成本有误", fields=["operating_cost"])
    period.enterprise_deadline = timezone.localdate() + timedelta(days=3)
    period.save()
    submit(world, valid_data(operating_cost=Decimal("950")), period)
    filing = Filing.objects.get()
    assert filing.on_time is False and filing.days_late == 3  # never overwritten by the resubmission


def test_return_resubmit_shows_what_changed_then_approve(world):
    period = open_period()
    out = submit(world, valid_data(), period)
    with pytest.raises(ValidationError):
        services.return_filing(actor=world.users["county"], filing=out.filing, reason="  ")
    services.return_filing(actor=world.users["county"], filing=out.filing, reason="营业成本有误",
                           fields=["operating_cost"])
    submit(world, valid_data(operating_cost=Decimal("950")), period)
    filing = Filing.objects.get()
    assert filing.version == 2 and filing.status == FilingStatus.SUBMITTED
    changes = selectors.changes_since_return(filing=filing)
    assert [(c["field"], c["before"], c["after"]) for c in changes] == [("operating_cost", "900", "950")]
    services.approve_filing(actor=world.users["county"], filing=filing)
    assert Filing.objects.get().status == FilingStatus.APPROVED
    with pytest.raises(Conflict):
        submit(world, valid_data(operating_cost=Decimal("960")), period)


def test_another_county_cannot_review_and_enterprise_cannot_file_for_another(world):
    period = open_period()
    out = submit(world, valid_data(), period)
    with pytest.raises(PermissionDenied):
        services.approve_filing(actor=world.users["other_county"], filing=out.filing)
    with pytest.raises(PermissionDenied):
        submit(world, valid_data(), period, enterprise=world.e_rugao)
    with pytest.raises(PermissionDenied):
        submit(world, valid_data(), period, user=world.users["other_county"])


def test_county_files_on_behalf_recorded_as_such(world):
    out = submit(world, valid_data(), open_period(), user=world.users["county"])
    assert out.filing.on_behalf is True
    assert FilingEvent.objects.get().on_behalf is True


def test_locked_period_refuses_until_a_higher_level_unlocks(world):
    period = open_period()
    out = submit(world, valid_data(), period)
    services.approve_filing(actor=world.users["county"], filing=out.filing)
    period.review_deadline = timezone.localdate() - timedelta(days=1)
    period.enterprise_deadline = timezone.localdate() - timedelta(days=2)
    period.save()
    assert services.lock_due_periods() == [period]
    assert services.lock_due_periods() == []  # idempotent
    period.refresh_from_db()
    with pytest.raises(Conflict):
        submit(world, valid_data(employees=121), period)
    with pytest.raises(PermissionDenied):
        services.unlock_filing(actor=world.users["county"], filing=out.filing, reason="更正")
    with pytest.raises(ValidationError):
        services.unlock_filing(actor=world.users["city"], filing=out.filing, reason="")
    services.unlock_filing(actor=world.users["city"], filing=out.filing, reason="企业申请更正从业人员")
    period.refresh_from_db()
    out = submit(world, valid_data(employees=121), period)
    assert out.filing.version == 2 and out.filing.status == FilingStatus.SUBMITTED
    assert FilingEvent.objects.filter(action="unlock", reason="企业申请更正从业人员").exists()


def test_county_reports_up_after_review_and_city_returns(world):
    period = open_period()
    out = submit(world, valid_data(), period)
    with pytest.raises(ValidationError):
        services.report_up(actor=world.users["county"], period=period, confirmed=True)
    services.approve_filing(actor=world.users["county"], filing=out.filing)
    report = services.report_up(actor=world.users["county"], period=period)
    assert report.on_time is True
    with pytest.raises(PermissionDenied):
        services.return_report(actor=world.users["other_city"], report=report, reason="x")
    services.return_report(actor=world.users["city"], report=report, reason="请核实海安数据")
    assert RegionReport.objects.get().status == RegionReport.Status.RETURNED
    again = services.report_up(actor=world.users["county"], period=period)
    assert again.first_reported_at == report.first_reported_at


def test_status_by_child_counts(world):
    period = open_period()
    submit(world, valid_data(), period)
    region, rows = selectors.status_by_child(user=world.users["city"], period=period)
    by_name = {r.region.name: r for r in rows}
    assert by_name["海安市"].expected == 1 and by_name["海安市"].submitted == 1 and by_name["海安市"].rate == 100.0
    assert by_name["如皋市"].expected == 1 and by_name["如皋市"].not_submitted == 1
    _region, foreign = selectors.status_by_child(user=world.users["other_city"], period=period, region=world.nantong)
    assert foreign == []
