"""Periods are read both ways and written one way (2026-01, 2026-Q3), and reads never write a period."""

import json
import re
from datetime import timedelta

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from monitoring import periods, services
from monitoring.bulletins import services as bulletins
from monitoring.exports import services as export_services
from monitoring.models import ExportJob, Filing, Period
from monitoring.reminders import services as reminders
from monitoring.reports import services as reports
from portal.accounts import services as account_services
from portal.bulletins import services as bulletin_services
from portal.bulletins.models import Bulletin
from portal.core import registry
from portal.core.periods import Month

from .helpers import open_period, past_period, valid_data
from .test_views import form_post

pytestmark = pytest.mark.django_db

OLD_SPELLING = re.compile(r"period=\d{4}-\d(?!\d)|/file/\d{4}/\d{1,2}/|quarter=\d{4}-\d(?!\d)")


def hrefs(response) -> list[str]:
    return re.findall(r'(?:href|action|value)="([^"]*)"', response.content.decode())


def assert_one_spelling(response):
    """Every link, form action and option the page writes spells months 2026-01 and quarters 2026-Q3 (the
    page's own address, echoed as the language and care-mode switches' ``next``, is the caller's)."""
    echoed = response.wsgi_request.get_full_path()
    old = [h for h in hrefs(response) if OLD_SPELLING.search(h) and h.replace("&amp;", "&") != echoed]
    assert not old, old


def exchange_client(world):
    _user, token = account_services.create_exchange_system(name="haian-sys", region=world.haian)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def march():
    """A month before October of an ended year, so that 2025-3 and 2025-03 differ."""
    return past_period(timezone.localdate().year - 1, 3)


# -- reads never write -----------------------------------------------------------------------------------
def test_pages_and_the_api_of_a_month_without_a_period_write_none(world, login):
    filing_month = periods.filing_month()
    other = Month(filing_month.year - 1, 5)
    province, county = login(world.users["province"]), login(world.users["county"])
    enterprise = login(world.users["enterprise"])
    system = exchange_client(world)
    assert not Period.objects.exists()
    for query in ({}, {"period": filing_month.code}, {"period": f"{other.year}-{other.month}"}, {"period": "junk"}):
        for client, name in ((province, "monitoring:status"), (county, "monitoring:status"),
                             (county, "monitoring:review_queue"), (province, "monitoring:analysis"),
                             (county, "monitoring:import"), (province, "monitoring:exports")):
            response = client.get(reverse(name), query)
            assert response.status_code == 200, (name, query)
            assert_one_spelling(response)
    for client, url in ((enterprise, reverse("monitoring:my_filings")), (enterprise, reverse("core:dashboard")),
                        (province, reverse("core:dashboard")), (county, reverse("core:dashboard")),
                        (enterprise, reverse("monitoring:file", args=[other])),
                        (county, reverse("monitoring:file_on_behalf", args=[other, world.e_haian.pk])),
                        (province, reverse("monitoring:periods")), (province, reverse("bulletins:list")),
                        (county, reverse("monitoring:reports"))):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_one_spelling(response)
    for params in ({"period": other.code}, {"period": f"{other.year}-{other.month}"}):
        assert system.get(reverse("monitoring_api:filings-status"), params).status_code == 200
        assert system.get(reverse("monitoring_api:filings"), params).status_code == 200
        assert system.get(reverse("monitoring_api:region-approved-filings", kwargs={"code": "320685"}),
                          params).status_code == 200
    assert system.get(reverse("monitoring_api:filings")).status_code == 200
    assert not Period.objects.exists()


def test_a_month_without_a_period_shows_its_expected_enterprises_and_default_deadlines(world, login):
    world.e_haian.monitored_from = timezone.localdate() - timedelta(days=800)
    world.e_haian.save()
    month = periods.filing_month()
    response = login(world.users["county"]).get(reverse("monitoring:status"), {"period": month.code})
    assert response.status_code == 200 and "海安甲企业" in response.content.decode()  # not filed yet
    page = login(world.users["enterprise"]).get(reverse("monitoring:my_filings")).content.decode()
    deadline = periods.default_deadlines(*month)[0]
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in page
    assert f'href="/monitoring/file/{month.code}/"' in page
    assert not Period.objects.exists()


def test_writes_open_the_period(world, login):
    month = periods.filing_month()
    response = login(world.users["enterprise"]).post(reverse("monitoring:file", args=[month]), form_post(valid_data()))
    assert response.status_code == 302
    period = Period.objects.get()
    assert (period.year, period.month) == month and Filing.objects.get().period == period
    assert (period.enterprise_deadline, period.review_deadline) == periods.default_deadlines(*month)


def test_the_api_files_for_a_month_nobody_opened_and_reads_both_spellings(world):
    system = exchange_client(world)
    month = periods.filing_month()
    body = {"credit_code": world.e_haian.credit_code, "period": f"{month.year}-{month.month}", "submit": True}
    data = json.loads(json.dumps(valid_data(), cls=DjangoJSONEncoder))
    response = system.post(reverse("monitoring_api:filings"), {**body, **data}, format="json")
    assert response.status_code == 201 and response.json()["period"] == month.code
    assert Period.objects.count() == 1
    for spelling in (month.code, f"{month.year}-{month.month}"):
        answer = system.get(reverse("monitoring_api:filings"), {"period": spelling}).json()
        assert [r["period"] for r in answer["results"]] == [month.code]
        status = system.get(reverse("monitoring_api:filings-status"), {"period": spelling}).json()
        assert status["period"] == month.code


@pytest.mark.parametrize(("value", "message"), [
    ("2026/01", "报告期格式应为“年-月”,例如 2026-01。"), ("202601", "报告期格式应为"), ("2026-13", "不存在"),
    ("1999-01", "不存在"), ("", "报告期格式应为"), ("2999-01", "不存在"),
])
def test_the_api_answers_a_bad_period_400_on_the_field(world, value, message):
    system = exchange_client(world)
    for url in (reverse("monitoring_api:filings-status"), reverse("monitoring_api:filings"),
                reverse("monitoring_api:region-approved-filings", kwargs={"code": "320685"})):
        response = system.get(url, {"period": value})
        if value == "" and url == reverse("monitoring_api:filings"):
            assert response.status_code == 200  # no period: every month
            continue
        assert response.status_code == 400, url
        assert message in response.json()["period"][0], url
    posted = system.post(reverse("monitoring_api:filings"), {"credit_code": world.e_haian.credit_code,
                                                             "period": value}, format="json")
    assert posted.status_code == 400 and message in posted.json()["errors"]["period"][0]
    assert not Period.objects.exists()


# -- pages read both spellings and write one ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["monitoring:status", "monitoring:review_queue", "monitoring:analysis",
                                  "monitoring:import"])
def test_pages_read_both_spellings_and_write_one(world, login, name):
    period = march()
    open_period()
    client = login(world.users["county"])
    for spelling in (f"{period.year}-3", f"{period.year}-03"):
        response = client.get(reverse(name), {"period": spelling})
        assert response.status_code == 200
        assert_one_spelling(response)
        text = response.content.decode()
        if name != "monitoring:import":
            assert f'<option value="{period.year}-03" selected>' in text
        if name in ("monitoring:status", "monitoring:import", "monitoring:review_queue"):
            assert f"period={period.year}-03" in text


def test_redirects_and_reminders_write_the_one_spelling(world, login):
    period = march()
    county = login(world.users["county"])
    filing = services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period,
                               data=valid_data(), submit=True).filing
    response = county.post(reverse("monitoring:bulk_approve") + f"?period={period.year}-3", {"filing": [filing.pk]})
    assert response["Location"] == f"/monitoring/review/?period={period.year}-03"
    response = county.post(reverse("monitoring:report_up") + f"?period={period.year}-3")
    assert response["Location"] == f"/monitoring/review/?period={period.year}-03"
    template = county.get(reverse("monitoring:import"), {"period": f"{period.year}-3", "template": "1"})
    assert template["Content-Disposition"].endswith(f"-{period.year}-03.xlsx")
    assert reminders._filing_text(period=period, today=timezone.localdate())[1] == f"/monitoring/file/{period.year}-03/"


def test_old_file_links_redirect_to_the_one_spelling(world, login):
    period = march()
    client = login(world.users["enterprise"])
    response = client.get(f"/monitoring/file/{period.year}/3/")
    assert response.status_code == 301 and response["Location"] == f"/monitoring/file/{period.year}-03/"
    assert client.get(f"/monitoring/file/{period.year}-3/").status_code == 200
    assert client.get(f"/monitoring/file/{period.year}/13/").status_code == 404
    assert client.get(f"/monitoring/file/{period.year}-13/").status_code == 404
    future = timezone.localdate() + timedelta(days=40)
    assert client.get(f"/monitoring/file/{future.year}-{future.month:02d}/").status_code == 404


def test_the_daily_reminder_opens_the_month_being_filed(world):
    reminders.remind_late_filers()
    period = Period.objects.get()
    assert (period.year, period.month) == periods.filing_month()


# -- exports -------------------------------------------------------------------------------------------------
def test_the_export_form_reads_both_spellings_and_names_the_file_in_one(world, login,
                                                                       django_capture_on_commit_callbacks, settings,
                                                                       tmp_path):
    settings.MEDIA_ROOT = tmp_path
    period = march()
    client = login(world.users["province"])
    page = client.get(reverse("monitoring:exports"))
    assert f'<option value="{period.year}-03"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:exports"), {"period": f"{period.year}-3", "region": "32"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and (job.params["year"], job.params["month"]) == (period.year, 3)
    assert export_services.download_name(job) == f"中小企业运行监测汇总表-江苏省-{period.year}-03.xlsx"
    response = client.post(reverse("monitoring:exports"), {"period": f"{period.year + 5}-01", "region": "32"})
    assert response.status_code == 200 and "请选择列表中的报告期" in response.content.decode()


# -- quarters --------------------------------------------------------------------------------------------------
def test_reports_read_both_quarter_spellings_and_write_one(world, login):
    year, quarter = reports.last_ended_quarter(timezone.localdate())
    client = login(world.users["city"])
    for spelling in (f"{year}-{quarter}", f"{year}-Q{quarter}"):
        response = client.get(reverse("monitoring:reports"), {"quarter": spelling})
        assert response.status_code == 200
        assert_one_spelling(response)
        assert f'<option value="{year}-Q{quarter}" selected>' in response.content.decode()


def test_bulletins_offer_and_read_the_one_quarter_spelling(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    year, quarter = bulletins.previous_quarter(timezone.localdate())
    client = login(world.users["province"])
    page = client.get(reverse("bulletins:list"))
    assert f'<option value="{year}-Q{quarter}">' in page.content.decode()
    assert_one_spelling(page)
    response = client.post(reverse("bulletins:generate"), {"kind": bulletins.KIND, "period": "junk"}, follow=True)
    assert "季度格式应为" in response.content.decode() and not Bulletin.objects.exists()
    bulletin, _outcome = bulletin_services.generate_bulletin(kind=registry.bulletin_kind(bulletins.KIND),
                                                             region=world.province, period=f"{year}-{quarter}")
    assert bulletin.period == f"{year}-Q{quarter}"
    # Stored under a random name (portal.core.files.RandomName): no period spelling to get wrong there.
    assert re.fullmatch(r"bulletins/\d{4}/\d{2}/[0-9a-f]{32}\.xlsx", bulletin.file.name), bulletin.file.name
    assert not Period.objects.exists()  # the figures of three months nobody opened: read, not written
