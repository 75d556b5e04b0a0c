"""The English interface: every label of the portal itself is English once a user chose English.

Each role of the `world` (with every kind of object, tests/security/full_world.py) opens the main pages with
the language cookie set to English; after the data shown on them is taken out of the HTML (names of regions,
enterprises, people and products, notices, stored titles and messages: what people entered), no Chinese
character may remain. The data values are removed one by one, never by pattern, so a label that happens to sit
next to a name is still checked.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from incubators.models import StartupBase
from monitoring.exports import services as export_services
from monitoring.models import ExportJob, FilingEvent, FilingProduct
from platforms.models import Platform
from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.bulletins.models import Bulletin
from portal.core.periods import month_label, quarter_label
from portal.enterprises.models import Enterprise
from portal.notices.models import Notice
from portal.notifications.models import Notification
from portal.regions.models import Region
from tests import factories as f
from tests.security.full_world import populate

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")
# A label run into its value ("Status:Approved"): Chinese typesetting left in English.
UNSPACED = re.compile(r">[^<>]*?[A-Za-z]\)?:[A-Za-z][^<>]*")
# The language menu names each language in itself: its Chinese option is marked lang="zh-CN".
CHINESE_OPTION = re.compile(r'<option value="zh-hans" lang="zh-CN"[^>]*>简体中文</option>')


def _data_values(world) -> list[str]:
    """What people entered and the portal shows as it was entered, longest first."""
    values: set[str] = set()
    values |= set(Region.objects.values_list("name", flat=True))
    for e in Enterprise.objects.all():
        values |= {e.name, e.address, e.contact_name}
    values |= set(FilingProduct.objects.values_list("name", flat=True))
    values |= set(FilingProduct.objects.values_list("unit", flat=True))
    values |= set(FilingEvent.objects.values_list("actor_name", flat=True))
    for n in Notice.objects.all():
        values |= {n.title, n.body, n.source}
    values |= set(Platform.objects.values_list("name", flat=True))
    values |= set(StartupBase.objects.values_list("name", flat=True))
    for b in Bulletin.objects.all():
        values |= {b.title}
    for m in Notification.objects.all():
        values |= {m.title, m.body}
    for u in User.objects.all():
        values |= {u.get_full_name(), u.first_name, u.last_name, str(u)}
    values |= set(AuditEntry.objects.values_list("object_repr", flat=True))
    for report in world.reports.values():
        values |= {report.title, report.original_name}
    for job in world.jobs.values():
        values.add(job.params.get("region_name", ""))
    values |= {"合计"}  # the stored bulletin rows' total line (a figure's name kept with the figures)
    return sorted((v for v in values if v and CJK.search(v)), key=len, reverse=True)


def _chinese_left(html: str, data: list[str]) -> list[str]:
    html = CHINESE_OPTION.sub("", html)
    for value in data:
        html = html.replace(value, "")
    return sorted(set(CJK.findall(html)))


def _english(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def full(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    populate(world)
    filing = world.filings["e_haian"]
    world.period_code = f"{filing.period.year:04d}-{filing.period.month:02d}"
    f.NoticeFactory(title="关于开展监测工作的通知", body="各市工业和信息化局:请按时报送。")
    world.notice = f.NoticeFactory(title="政策解读", body="正文")
    return world


def _pages(world) -> dict[str, list[str]]:
    """Role → the URLs of the pages that role works in."""
    filing = world.filings["e_haian"]
    bulletin = world.bulletins["nantong"]
    common = [reverse("core:home"), reverse("core:dashboard"), reverse("notices:list"),
              reverse("notices:detail", args=[world.notice.pk]), reverse("notifications:inbox"),
              reverse("notifications:detail", args=[world.messages["province"].pk]),
              reverse("notifications:preferences"), reverse("accounts:profile"), reverse("accounts:password_change"),
              "/no-such-page/"]
    official = [reverse("monitoring:review_queue"), reverse("monitoring:filing_detail", args=[filing.pk]),
                reverse("monitoring:status"), reverse("monitoring:analysis"), reverse("monitoring:periods"),
                reverse("bulletins:list"), reverse("bulletins:detail", args=[bulletin.pk]),
                reverse("enterprises:list"), reverse("enterprises:detail", args=[world.e_haian.pk]),
                reverse("regions:overview"), reverse("monitoring:reports"), reverse("monitoring:exports"),
                reverse("monitoring:unlock_requests"), reverse("accounts:registrations")]
    return {
        "province": common + official + [reverse("notices:manage"), reverse("notices:create")],
        "city": common + official,
        "county": common + official,
        "enterprise": [reverse("monitoring:my_filings"), reverse("monitoring:file", args=[world.period_code]),
                       reverse("monitoring:filing_detail", args=[filing.pk]), reverse("enterprises:detail", args=[world.e_haian.pk]),
                       reverse("core:dashboard"), reverse("notifications:inbox"), reverse("accounts:profile")],
        "security_admin": [reverse("core:dashboard"), reverse("accounts:users"), reverse("accounts:lockouts"),
                           reverse("accounts:user_grants", args=[world.users["platform_operator"].pk])],
        "system_admin": [reverse("core:dashboard"), reverse("accounts:users"), reverse("notifications:jobs")],
        "audit_admin": [reverse("core:dashboard"), reverse("audit:list")],
        "platform_operator": [reverse("core:dashboard")],
        "base_manager": [reverse("core:dashboard")],
    }


ANONYMOUS = ("core:home", "accounts:login", "accounts:register", "accounts:password_reset", "notices:list")


def test_every_main_page_is_english_outside_the_data(full):
    messages = [m.pk for m in Notification.objects.filter(recipient__in=full.users.values())]
    assert messages
    data = _data_values(full)
    faults: dict[str, list[str]] = {}
    for role, urls in _pages(full).items():
        user = full.users[role]
        client = _english(user)
        for url in urls:
            if "/notifications/" in url and url.rstrip("/").split("/")[-1].isdigit():
                url = reverse("notifications:detail", args=[full.messages[role].pk])
            response = client.get(url)
            assert response.status_code in (200, 403, 404), (role, url, response.status_code)
            html = response.content.decode()
            left = _chinese_left(html, data) + UNSPACED.findall(html)
            if left:
                faults[f"{role} {url}"] = left
    anonymous = _english()
    for name in ANONYMOUS:
        left = _chinese_left(anonymous.get(reverse(name)).content.decode(), data)
        if left:
            faults[f"anonymous {name}"] = left
    assert not faults, "\n".join(f"{page}: {' '.join(left)}" for page, left in faults.items())


def test_language_menu_names_each_language_in_itself(client):
    for language in ("zh-hans", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        html = client.get(reverse("core:home")).content.decode()
        assert ">简体中文</option>" in html and ">English</option>" in html
        assert "英语" not in html and ">Simplified Chinese<" not in html


def test_a_label_and_its_value_are_spaced_in_english(full):
    filing = full.filings["e_haian"]
    html = _english(full.users["county"]).get(reverse("monitoring:filing_detail", args=[filing.pk])).content.decode()
    assert 'Status: <b data-testid="filing-status">' in html
    assert not re.search(r">[^<>]*[A-Za-z]\)?:[A-Za-z]", html)
    chinese = Client()
    chinese.force_login(full.users["county"], backend="django.contrib.auth.backends.ModelBackend")
    html = chinese.get(reverse("monitoring:filing_detail", args=[filing.pk])).content.decode()
    assert '状态:<b data-testid="filing-status">' in html


def test_periods_and_industries_are_named_in_english(full):
    with translation.override("en"):
        assert (month_label(2026, 11), quarter_label(2026, 3)) == ("November 2026", "Q3 2026")
        assert str(full.e_haian.industry).endswith(full.e_haian.industry.name_en)
    with translation.override("zh-hans"):
        assert (month_label(2026, 11), quarter_label(2026, 3)) == ("2026年11月", "2026年第3季度")
        assert str(full.e_haian.industry).endswith(full.e_haian.industry.name)


def test_the_chosen_language_follows_the_user_to_the_next_sign_in(world):
    user = world.users["county"]
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.language == "en"
    elsewhere = Client()  # another browser: no cookie, a Chinese browser
    elsewhere.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    html = elsewhere.get(reverse("core:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = elsewhere.get(reverse("core:dashboard")).content.decode()
    assert '<html lang="zh-CN">' in html


def test_an_unknown_language_changes_nothing(world):
    user = world.users["county"]
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(reverse("set_language"), {"language": "xx", "next": "/"}).status_code in (302, 204)
    user.refresh_from_db()
    assert user.language == ""


def test_a_summary_workbook_asked_for_in_english_has_english_labels(world, settings, tmp_path,
                                                                   django_capture_on_commit_callbacks):
    """The workbook is built later by a worker (no request language): the job keeps the asker's language."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    period = f.PeriodFactory()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        job = export_services.request_summary_export(actor=world.users["city"], period=period, region=world.nantong)
    assert job.params["language"] == "en"
    job.refresh_from_db()
    with job.file.open("rb") as fh:
        names = load_workbook(fh, read_only=True).sheetnames
    assert names and not any(CJK.search(name) for name in names), names
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        job = export_services.request_summary_export(actor=world.users["city"], period=period, region=world.nantong)
    job.refresh_from_db()
    with job.file.open("rb") as fh:
        assert any(CJK.search(name) for name in load_workbook(fh, read_only=True).sheetnames)
    # a worker runs in the default language: the job's own language still decides
    job.params["language"] = "en"
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.PENDING, params=job.params)
    with translation.override("zh-hans"):
        job = export_services.build_summary_export(job_id=job.pk)
    with job.file.open("rb") as fh:
        assert not any(CJK.search(name) for name in load_workbook(fh, read_only=True).sheetnames)
