"""The deadlines page (/monitoring/periods/): filled date inputs, any open or coming month, deadlines within 60
days after the month's end and in order, a clear message, nothing written on a refusal. The clock is frozen on
10 November 2026: October is being filed (open), September is closed, November to January are coming."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from monitoring.models import Period
from portal.audit.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]

URL = reverse("monitoring:periods")


def post(client, period: str, enterprise: str, review: str, **headers):
    return client.post(f"{URL}?period={period}", {"enterprise_deadline": enterprise, "review_deadline": review},
                       **headers)


def input_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert tag, name
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def test_the_inputs_show_the_months_deadlines_as_dates_the_browser_takes(world, login):
    page = login(world.users["province"]).get(URL).content.decode()
    # October is being filed: its default deadlines, spelled as a date input needs them in either language.
    assert input_value(page, "enterprise_deadline") == "2026-11-13"
    assert input_value(page, "review_deadline") == "2026-11-15"
    assert 'min="2026-11-01"' in page and 'max="2026-12-30"' in page
    with translation.override("en"):
        page = login(world.users["province"]).get(URL, {"period": "2026-12"},
                                                 HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Periods that can be adjusted" in page
    assert input_value(page, "enterprise_deadline") == "2027-01-13"
    assert input_value(page, "review_deadline") == "2027-01-15"
    assert not Period.objects.exists()  # showing the page opens nothing


def test_the_page_offers_every_open_or_coming_month_and_no_closed_one(world, login):
    Period.objects.create(year=2026, month=9, enterprise_deadline=date(2026, 10, 13),
                          review_deadline=date(2026, 10, 15))
    page = login(world.users["province"]).get(URL).content.decode()
    offered = re.search(r'data-testid="adjustable-periods">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r'\?period=([\d-]+)', offered) == ["2027-01", "2026-12", "2026-11", "2026-10"]
    page = login(world.users["province"]).get(URL, {"period": "2026-09"}).content.decode()
    assert "审核已截止或尚不能调整" in page and 'data-testid="deadline-form"' not in page


@pytest.mark.parametrize("period", ["2026-10", "2026-11", "2027-01"])
def test_an_open_or_coming_month_is_adjusted_and_audited(world, login, period):
    year, month = (int(x) for x in period.split("-"))
    first = date(year + month // 12, month % 12 + 1, 20)
    response = post(login(world.users["province"]), period, first.isoformat(), first.replace(day=25).isoformat())
    assert response.status_code == 302 and response["Location"].endswith(f"?period={period}")
    row = Period.objects.get(year=year, month=month)
    assert (row.enterprise_deadline, row.review_deadline) == (first, first.replace(day=25))
    entry = AuditEntry.objects.get(model="monitoring.Period", object_id=str(row.pk))
    assert entry.changes["review_deadline"][1] == first.replace(day=25).isoformat()


def refused(client, period, enterprise, review, field, message):
    before = AuditEntry.objects.filter(model="monitoring.Period").count()
    response = post(client, period, enterprise, review)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field]), errors
    assert message in response.content.decode()
    assert AuditEntry.objects.filter(model="monitoring.Period").count() == before
    return response


@pytest.mark.parametrize(("enterprise", "review", "field", "message"), [
    ("9999-12-31", "9999-12-31", "enterprise_deadline", "不能晚于 2026-12-30"),
    ("2026-11-13", "2027-01-05", "review_deadline", "不能晚于 2026-12-30"),
    ("2026-10-31", "2026-11-15", "enterprise_deadline", "须在2026年10月结束之后,即 2026-11-01 或以后"),
    ("2026-11-20", "2026-11-18", "review_deadline", "审核上报截止日不能早于企业报送截止日(2026-11-20)"),
    ("2026-11-13", "2026-11-09", "review_deadline", "不能调整到今天(2026-11-10)之前"),
])
def test_deadlines_out_of_bounds_or_order_are_refused_with_a_message_and_nothing_written(
        world, login, enterprise, review, field, message):
    refused(login(world.users["province"]), "2026-10", enterprise, review, field, message)
    assert not Period.objects.exists()  # the month was not even opened


def test_a_refusal_leaves_an_opened_month_as_it_was(world, login):
    row = Period.objects.create(year=2026, month=10, enterprise_deadline=date(2026, 11, 13),
                                review_deadline=date(2026, 11, 15))
    refused(login(world.users["province"]), "2026-10", "2026-11-20", "2026-11-16", "review_deadline",
            "不能早于企业报送截止日")
    row.refresh_from_db()
    assert (row.enterprise_deadline, row.review_deadline) == (date(2026, 11, 13), date(2026, 11, 15))


def test_an_unchanged_deadline_already_past_may_stay(world, login):
    """October's enterprise deadline (5 November) has passed and is kept; the review deadline can still move."""
    Period.objects.create(year=2026, month=10, enterprise_deadline=date(2026, 11, 5),
                          review_deadline=date(2026, 11, 15))
    assert post(login(world.users["province"]), "2026-10", "2026-11-05", "2026-11-20").status_code == 302
    assert Period.objects.get(year=2026, month=10).review_deadline == date(2026, 11, 20)


@pytest.mark.parametrize("period", ["2026-09", "2027-02", "2025-10"])
def test_a_closed_or_far_month_is_refused(world, login, period):
    Period.objects.create(year=2026, month=9, enterprise_deadline=date(2026, 10, 13),
                          review_deadline=date(2026, 10, 15))
    year, month = (int(x) for x in period.split("-"))
    nxt = date(year + month // 12, month % 12 + 1, 13)
    response = post(login(world.users["province"]), period, nxt.isoformat(), nxt.replace(day=15).isoformat())
    assert response.status_code == 200
    assert "审核已截止或尚不能调整" in " ".join(response.context["form"].non_field_errors())
    assert Period.objects.count() == 1 and not AuditEntry.objects.filter(model="monitoring.Period").exists()


def test_english_messages(world, login):
    with translation.override("en"):
        response = post(login(world.users["province"]), "2026-10", "9999-12-31", "9999-12-31",
                        HTTP_ACCEPT_LANGUAGE="en")
    text = " ".join(response.context["form"].errors["enterprise_deadline"])
    assert text == "The deadline cannot be later than 2026-12-30 (within 60 days after the end of 10/2026)."


def test_only_province_staff_adjust(world, login):
    for role in ("county", "city", "enterprise"):
        response = post(login(world.users[role]), "2026-10", "2026-11-20", "2026-11-25")
        assert response.status_code == 403
    assert not Period.objects.exists()
