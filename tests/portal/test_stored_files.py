"""Stored files only through the scoped download (issue 11 §3): every kind of file, for every role and for
anonymous users; random stored names; MEDIA_ROOT not served, with DEBUG too."""

import importlib
import re
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.test import Client, override_settings
from django.urls import clear_url_caches, get_resolver, reverse
from django.views.static import serve

import portal.urls
from monitoring.bulletins import services as reporting
from monitoring.models import AnalysisReport, ExportJob
from portal.bulletins import services as bulletins
from portal.bulletins.models import Bulletin
from portal.core import files, registry
from portal.core.files import file_url
from tests import factories as f

pytestmark = pytest.mark.django_db

ROLES = ("province", "city", "other_city", "county", "other_county", "enterprise", "other_enterprise",
         "platform_operator", "base_manager", "system_admin", "security_admin", "audit_admin", "no_role")
WORKBOOK = b"PK\x03\x04 a workbook"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def stored(world, media):
    """One file of each kind, with who may download it (everyone else, anonymous users included, may not)."""
    job = f.ExportJobFactory(owner=world.users["city"], status=ExportJob.Status.DONE, progress=100,
                             params={"year": 2026, "month": 1, "region": "320600", "region_name": "南通市"})
    job.file.save("summary.xlsx", ContentFile(WORKBOOK))
    report = f.AnalysisReportFactory(region=world.haian, title="海安市2025年第4季度监测分析",
                                     original_name="海安分析.pdf", content=b"%PDF-1.4 haian")
    draft = f.BulletinFactory(region=world.province, year=2026, quarter=3, status=Bulletin.Status.DRAFT,
                              published_at=None)
    published = f.BulletinFactory(region=world.nantong, year=2025, quarter=4)
    return {
        "export": (job, {"city"}, "中小企业运行监测汇总表-南通市-2026-01.xlsx"),
        "analysis report": (report, {"province", "city", "county"}, "海安分析.pdf"),
        # The issue's probe: a draft province bulletin, for province staff only.
        "draft bulletin": (draft, {"province"}, "江苏省2026年第3季度"),
        "published bulletin": (published, {"province", "city", "county", "other_county"}, "南通市2025年第4季度"),
    }


def content_of(obj) -> bytes:
    with obj.file.open("rb") as handle:
        return handle.read()


@pytest.mark.parametrize("kind", ["export", "analysis report", "draft bulletin", "published bulletin"])
def test_each_kind_is_served_to_its_readers_and_404_to_everyone_else(kind, stored, world, login):
    obj, readers, name = stored[kind]
    url = file_url(obj)
    assert url == f"/files/{obj._meta.label_lower}/{obj.pk}/"
    expected = content_of(obj)
    missing = Client().get(reverse("core:stored_file", args=[obj._meta.label_lower, obj.pk + 1000]))
    assert missing.status_code == 404
    assert Client().get(url).status_code == 404, "anonymous"
    for role in ROLES:
        response = login(world.users[role]).get(url)
        if role not in readers:
            assert response.status_code == 404, role
            continue
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == expected
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;"), disposition
        assert quote(name) in disposition, (name, disposition)  # the readable name, not the stored one
        assert obj.file.name.rsplit("/", 1)[-1] not in disposition
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_content_types(stored, login, world):
    report = stored["analysis report"][0]
    assert login(world.users["county"]).get(file_url(report))["Content-Type"] == "application/pdf"
    job = stored["export"][0]
    assert login(world.users["city"]).get(file_url(job))["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_an_unfinished_export_and_a_missing_file_are_404(world, login, media):
    client = login(world.users["city"])
    running = f.ExportJobFactory(owner=world.users["city"], status=ExportJob.Status.RUNNING)
    running.file.save("x.xlsx", ContentFile(WORKBOOK))
    assert client.get(file_url(running)).status_code == 404
    gone = f.ExportJobFactory(owner=world.users["city"], status=ExportJob.Status.DONE)
    gone.file.save("y.xlsx", ContentFile(WORKBOOK))
    gone.file.storage.delete(gone.file.name)
    assert client.get(file_url(gone)).status_code == 404
    empty = f.ExportJobFactory(owner=world.users["city"], status=ExportJob.Status.DONE)
    assert client.get(file_url(empty)).status_code == 404


def test_unknown_kinds_and_other_methods(stored, world, login):
    client = login(world.users["province"])
    report = stored["analysis report"][0]
    for label in ("accounts.user", "monitoring.filing", "nothing", "monitoring.analysisreport.."):
        assert client.get(reverse("core:stored_file", args=[label, report.pk])).status_code == 404, label
    assert client.post(file_url(report)).status_code == 405
    assert client.head(file_url(report)).status_code == 200


def test_pages_link_the_scoped_download(stored, world, login):
    bulletin = stored["published bulletin"][0]
    page = login(world.users["city"]).get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
    assert f'href="{file_url(bulletin)}"' in page
    job = stored["export"][0]
    page = login(world.users["city"]).get(reverse("monitoring:exports")).content.decode()
    assert f'href="{file_url(job)}"' in page
    assert "/media/" not in page


# -- stored names ------------------------------------------------------------------------------------------
RANDOM_PATH = r"{prefix}/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.{ext}"


def test_stored_names_are_random(stored):
    for kind, prefix, ext in (("export", "exports", "xlsx"), ("analysis report", "analysis-reports", "pdf"),
                              ("draft bulletin", "bulletins", "xlsx")):
        name = stored[kind][0].file.name
        assert re.fullmatch(RANDOM_PATH.format(prefix=prefix, ext=ext), name), (kind, name)


def test_a_generated_bulletin_is_not_stored_under_its_region_and_quarter(world, media):
    bulletin, _outcome = bulletins.generate_bulletin(kind=bulletins.kind_of(reporting.KIND), region=world.province,
                                                     period="2025-Q4")
    assert re.fullmatch(RANDOM_PATH.format(prefix="bulletins", ext="xlsx"), bulletin.file.name), bulletin.file.name
    assert not [path.name for path in media.rglob("bulletin-*")]


def test_random_name_keeps_only_a_plain_extension():
    upload_to = files.RandomName("exports")
    assert re.fullmatch(r"exports/\d{4}/\d{2}/[0-9a-f]{32}\.xlsx", upload_to(None, "../../etc/汇总表.XLSX"))
    assert re.fullmatch(r"exports/\d{4}/\d{2}/[0-9a-f]{32}", upload_to(None, "name.x y"))
    assert upload_to(None, "a.pdf") != upload_to(None, "a.pdf")


def test_download_names_are_readable_and_safe():
    assert files.download_name("江苏省2026年第3季度通报", "bulletins/2026/11/ab.xlsx") == "江苏省2026年第3季度通报.xlsx"
    assert files.download_name('../a/b"c\r\n.pdf', "x/ab.pdf") == "a b c.pdf"
    assert files.download_name("报告.PDF", "x/ab.pdf") == "报告.pdf"
    assert files.download_name("///", "x/ab.pdf") == "download.pdf"


def test_guessable_names_already_stored_are_moved(world, media, login):
    """What the migration does with files stored before the names were random."""
    bulletin = f.BulletinFactory(region=world.province, year=2026, quarter=3)
    old = default_storage.save("bulletins/2026/bulletin-32-2026-Q3.xlsx", ContentFile(WORKBOOK))
    Bulletin.objects.filter(pk=bulletin.pk).update(file=old)
    missing = f.BulletinFactory(region=world.nantong, year=2026, quarter=3)
    Bulletin.objects.filter(pk=missing.pk).update(file="bulletins/2026/bulletin-3206-2026-Q3.xlsx")
    untouched = Bulletin.objects.get(pk=f.BulletinFactory(region=world.nanjing, year=2026, quarter=3).pk).file.name

    assert files.rename_guessable(Bulletin) == 1
    bulletin.refresh_from_db()
    assert re.fullmatch(RANDOM_PATH.format(prefix="bulletins", ext="xlsx"), bulletin.file.name)
    assert not default_storage.exists(old)
    assert content_of(bulletin) == WORKBOOK
    assert Bulletin.objects.get(pk=missing.pk).file.name == "bulletins/2026/bulletin-3206-2026-Q3.xlsx"
    assert Bulletin.objects.get(region=world.nanjing, period="2026-Q3").file.name == untouched
    response = login(world.users["province"]).get(file_url(bulletin))
    assert b"".join(response.streaming_content) == WORKBOOK


# -- one mechanism for every file ----------------------------------------------------------------------------
def test_every_model_with_a_file_is_registered_with_a_random_name():
    project = ("portal.", "monitoring.", "platforms.", "incubators.", "upscaling.")
    with_files = {(model._meta.label_lower, field.name)
                  for model in apps.get_models() if model.__module__.startswith(project)
                  for field in model._meta.get_fields() if isinstance(field, models.FileField)}
    assert with_files >= {("monitoring.exportjob", "file"), ("monitoring.analysisreport", "file"),
                          ("bulletins.bulletin", "file")}
    registered = {(entry.label, entry.field) for entry in registry.stored_files()}
    assert with_files <= registered, f"not registered with portal.core.registry.register_stored_file: " \
                                     f"{sorted(with_files - registered)}"
    for label, name in with_files:
        field = apps.get_model(label)._meta.get_field(name)
        assert isinstance(field.upload_to, files.RandomName), label


# -- MEDIA_ROOT is not served ------------------------------------------------------------------------------
@pytest.fixture
def debug_urls(settings):
    """The URLconf as it is built with DEBUG on (``make run``), restored afterwards."""
    with override_settings(DEBUG=True):
        importlib.reload(portal.urls)
        clear_url_caches()
        yield
    importlib.reload(portal.urls)
    clear_url_caches()


def _serves_media(resolver) -> list[str]:
    found = []
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            found += _serves_media(pattern)
        elif getattr(pattern, "callback", None) is serve:
            found.append(str(pattern.pattern))
    return found


@pytest.mark.parametrize("kind", ["export", "analysis report", "draft bulletin"])
def test_the_media_path_is_404_with_debug_too(kind, stored, world, login, debug_urls):
    obj = stored[kind][0]
    assert default_storage.exists(obj.file.name)
    media_url = f"/media/{obj.file.name}"
    assert Client().get(media_url).status_code == 404
    assert login(world.users["province"]).get(media_url).status_code == 404
    assert not _serves_media(get_resolver())


def test_the_media_path_is_404_for_the_guessable_name_of_the_issue(world, media, debug_urls):
    default_storage.save("bulletins/2026/bulletin-32-2026Q3.xlsx", ContentFile(WORKBOOK))
    assert Client().get("/media/bulletins/2026/bulletin-32-2026Q3.xlsx").status_code == 404


def test_registering_a_field_that_does_not_exist_fails_at_start_up():
    with pytest.raises(FieldDoesNotExist):
        registry.register_stored_file(AnalysisReport, field="attachment", filename=str)
    assert registry.stored_file("monitoring.analysisreport").field == "file"
