"""The upscaling work: the pool import (band, matching, de-duplication, scoping), the projection, the funnel's
gross and net figures, the traffic light, and the pages through real requests."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from portal.enterprises.models import Enterprise, SizeClass
from tests import factories as f
from upscaling import figures, imports, services
from upscaling.models import ColumnMapping, CountyTarget, MonthlySales, PoolEntry, Screening, Stage
from upscaling.projection import project

TAX_HEADER = ["纳税人识别号", "纳税人名称", "主管税务机关所在地", "应税销售收入", "备注"]
TAX_MAPPING = {"credit_code": "纳税人识别号", "name": "纳税人名称", "county": "主管税务机关所在地",
               "sales": "应税销售收入", "industry": ""}


def xlsx(header, rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    buf = BytesIO()
    book.save(buf)
    return SimpleUploadedFile("list.xlsx", buf.getvalue())


def tax_import(user, rows, dry_run=False):
    return imports.import_list(actor=user, kind="tax", fileobj=xlsx(TAX_HEADER, rows), mapping=TAX_MAPPING,
                               year=2025, dry_run=dry_run)


def test_the_band_at_its_boundaries(world):
    codes = [f.next_credit_code() for _ in range(4)]
    result = tax_import(world.users["county"], [
        [codes[0], "甲", "海安市", 4_999_999], [codes[1], "乙", "海安市", 5_000_000],
        [codes[2], "丙", "320685", 19_999_999], [codes[3], "丁", "海安市", 20_000_000]])
    assert result.ok, result.errors
    assert result.created == 2 and result.outside_band == 2
    pooled = set(PoolEntry.objects.values_list("enterprise__credit_code", flat=True))
    assert pooled == {codes[1], codes[2]}
    new = Enterprise.objects.get(credit_code=codes[1])
    assert new.size_class == SizeClass.UNKNOWN and new.employees is None and new.monitored_from is None
    assert PoolEntry.objects.get(enterprise=new).base_sales == Decimal("500.00")
    assert ColumnMapping.objects.get(kind="tax").mapping == TAX_MAPPING  # remembered for the next list


def test_matching_and_deduplication_by_credit_code(world):
    county = world.users["county"]
    code = f.next_credit_code()
    result = tax_import(county, [[world.e_haian.credit_code, "海安甲企业", "海安市", 8_000_000],
                                 [code, "新企业", "海安市", 9_000_000], [code, "新企业(重复)", "海安市", 9_500_000]])
    assert result.ok and result.registered == 1 and result.duplicates == 1 and result.created == 2
    stats = imports.import_list(
        actor=county, kind="stats", year=2025,
        fileobj=xlsx(["信用代码", "名称", "地区", "退统年份"], [[code, "新企业", "海安市", 2023]]),
        mapping={"credit_code": "信用代码", "name": "名称", "county": "地区", "left_year": "退统年份", "industry": ""})
    assert stats.ok and stats.updated == 1 and stats.created == 0
    entry = PoolEntry.objects.get(enterprise__credit_code=code)
    assert entry.on_tax_list and entry.on_stats_list and entry.left_stats_year == 2023
    assert Enterprise.objects.filter(credit_code=code).count() == 1
    assert PoolEntry.objects.get(enterprise=world.e_haian).enterprise.size_class != SizeClass.UNKNOWN


def test_a_county_imports_only_its_own_rows(world):
    rows = [[f.next_credit_code(), "甲", "海安市", 6_000_000], [f.next_credit_code(), "乙", "如皋市", 6_000_000],
            [world.e_rugao.credit_code, "如皋乙企业", "海安市", 7_000_000]]
    result = tax_import(world.users["county"], rows)
    assert not result.ok and PoolEntry.objects.count() == 0 and not ColumnMapping.objects.exists()
    assert any("第3行" in e for e in result.errors) and any("第4行" in e for e in result.errors)
    assert not any("第2行" in e for e in result.errors)
    city = tax_import(world.users["city"], rows[:2])
    assert city.ok and city.created == 2


def test_projection_against_a_hand_computed_case():
    last = np.array([[100.0] * 12, [100.0] * 12, [np.nan] * 12])
    this = np.array([[150.0] * 3 + [np.nan] * 9, [200.0] * 3 + [np.nan] * 9, [250.0, 250.0, 250.0] + [np.nan] * 9])
    out = project(this, last, 3)
    # 1: YTD 450, trend 450/300 = 1.5, rest 9 × 100 × 1.5 = 1,350 → 1,800, 200 short of the line.
    assert out.loc[0, "projected"] == pytest.approx(1800) and out.loc[0, "cross_month"] == 0
    assert out.loc[0, "distance"] == pytest.approx(200)
    # 2: trend 2 → 600 + 1,800 = 2,400; cumulative 600 + 200k reaches 2,000 at k = 7: October.
    assert out.loc[1, "projected"] == pytest.approx(2400) and out.loc[1, "cross_month"] == 10
    # 3: no last year: the run rate 250 a month → 3,000, crossing in August (8 × 250 = 2,000).
    assert out.loc[2, "projected"] == pytest.approx(3000) and out.loc[2, "cross_month"] == 8


def _pooled(enterprise, **kw):
    return PoolEntry.objects.create(enterprise=enterprise, region_path=enterprise.region_path,
                                    screening=Screening.IN_POOL, tier=0, tier_year=2026, **kw)


def test_gross_and_net_with_a_leaver(world):
    county = world.users["county"]
    full = ["profit_statement", "vat_return", "site_photos", "pledge", "history"]
    a = _pooled(world.e_haian, stage=Stage.APPLYING, materials=full)
    b = _pooled(f.EnterpriseFactory(region=world.haian), stage=Stage.APPLYING)
    services.move(actor=county, entry=a, stage=Stage.ENTERED, on=date(2026, 3, 1))
    with pytest.raises(Exception, match="材料"):
        services.move(actor=county, entry=b, stage=Stage.ENTERED)
    b.materials, b.stage, b.entered_on = full, Stage.ENTERED, date(2025, 6, 1)
    b.save()
    services.move(actor=county, entry=b, stage=Stage.LEFT, on=date(2026, 5, 1))
    CountyTarget.objects.create(region=world.haian, region_path=world.haian.path, year=2026, new_enterprises=4)
    rows, total = figures.progress(viewer=world.users["city"], year=2026, on=date(2026, 7, 1))
    haian = next(r for r in rows if r.name == "海安市")
    assert (haian.gross, haian.leavers, haian.net, haian.progress) == (1, 1, 0, 25.0)
    assert figures.new_above_size(viewer=county, region=world.haian, year=2026) == 1
    assert figures.net_new_above_size(viewer=county, region=world.haian, year=2026) == 0


@pytest.mark.parametrize(("progress", "elapsed", "light"), [
    (50.0, 50.0, "green"), (40.0, 50.0, "amber"), (39.9, 50.0, "red"), (None, 50.0, "")])
def test_traffic_light_boundaries(progress, elapsed, light):
    assert figures.light(progress, elapsed) == light


def test_a_county_sees_and_changes_only_its_pool(world, login):
    mine = _pooled(world.e_haian)
    theirs = _pooled(world.e_rugao)
    county = login(world.users["county"])
    page = county.get(reverse("upscaling:pool")).content.decode()
    assert "海安甲企业" in page and "如皋乙企业" not in page
    assert county.get(reverse("upscaling:entry", args=[theirs.pk])).status_code == 404
    county.post(reverse("upscaling:screen", args=[theirs.pk]), {"tier": "", "reason": "不符合"})
    theirs.refresh_from_db()
    assert theirs.screening == Screening.IN_POOL
    county.post(reverse("upscaling:screen", args=[mine.pk]), {"tier": "", "reason": "主营非工业"})
    mine.refresh_from_db()
    assert mine.screening == Screening.OUT and mine.out_reason == "主营非工业"
    for user in ("enterprise", "other_city", "platform_operator"):
        assert login(world.users[user]).get(reverse("upscaling:entry", args=[mine.pk])).status_code in (403, 404)
    assert "海安甲企业" not in login(world.users["other_city"]).get(reverse("upscaling:pool")).content.decode()


def test_targets_are_set_by_the_city_only(world, login):
    url = reverse("upscaling:targets") + "?year=2026"
    data = {"region": world.haian.pk, "new_enterprises": "130", "new_output": "43.33"}
    assert login(world.users["county"]).post(url, data).status_code == 403
    login(world.users["other_city"]).post(url, data)
    assert not CountyTarget.objects.exists()
    login(world.users["city"]).post(url, data)
    assert CountyTarget.objects.get(region=world.haian, year=2026).new_enterprises == 130


def test_monitored_enterprise_months_are_not_typed_twice(world):
    entry = _pooled(world.e_haian)
    with pytest.raises(Exception, match="月报"):
        services.record_month(actor=world.users["county"], entry=entry, year=2026, month=1, sales=Decimal(10),
                              taxes=Decimal(1), monitored=True)
    assert not MonthlySales.objects.exists()


def test_pages_answer_with_bounded_queries(world, login, django_assert_max_num_queries):
    for i in range(5):
        e = f.EnterpriseFactory(region=world.haian, monitored_from=None)
        entry = _pooled(e)
        MonthlySales.objects.bulk_create([MonthlySales(enterprise=e, region_path=e.region_path, year=y, month=m,
                                                       sales=Decimal(100 + i), source="tax")
                                          for y in (2025, 2026) for m in range(1, 13)])
    city = login(world.users["city"])
    for name in ("index", "pool", "analysis", "targets"):
        with django_assert_max_num_queries(20):
            assert city.get(reverse(f"upscaling:{name}")).status_code == 200
    for kind in ("quarter", "half", "annual"):
        assert city.get(reverse("upscaling:report", args=[kind])).status_code == 200
    response = city.get(reverse("upscaling:report", args=["annual"]) + "?format=xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert city.get(reverse("upscaling:entry", args=[entry.pk])).status_code == 200
    assert city.get(reverse("upscaling:analysis") + "?year=abc&month=99").status_code == 200


def test_the_import_pages_map_preview_and_import(world, login):
    county = login(world.users["county"])
    upload = xlsx(TAX_HEADER, [[f.next_credit_code(), "甲", "海安市", 6_000_000]])
    response = county.post(reverse("upscaling:import_upload", args=["tax"]), {"file": upload, "year": "2025"})
    assert response.status_code == 302
    mapping = {k: v for k, v in TAX_MAPPING.items()}
    preview = county.post(reverse("upscaling:import_map", args=["tax"]), {**mapping, "act": "preview"})
    assert preview.status_code == 200 and "预览结果" in preview.content.decode() and not PoolEntry.objects.exists()
    done = county.post(reverse("upscaling:import_map", args=["tax"]), {**mapping, "act": "import"})
    assert done.status_code == 302 and PoolEntry.objects.count() == 1


def test_a_large_list_is_imported_by_a_job_only_its_uploader_follows(world, login, settings,
                                                                    django_capture_on_commit_callbacks):
    settings.IMPORT_INLINE_MAX_ROWS = 1
    county = login(world.users["county"])
    rows = [[f.next_credit_code(), f"企业{i}", "海安市", 6_000_000 + i] for i in range(3)]
    county.post(reverse("upscaling:import_upload", args=["tax"]), {"file": xlsx(TAX_HEADER, rows), "year": "2025"})
    with django_capture_on_commit_callbacks(execute=True):
        response = county.post(reverse("upscaling:import_map", args=["tax"]), {**TAX_MAPPING, "act": "import"})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    assert PoolEntry.objects.count() == 3  # eager in tests: done by now
    page = county.get(response["Location"])
    assert page.status_code == 200 and "导入完成" in page.content.decode()
    assert login(world.users["other_county"]).get(response["Location"]).status_code == 404


def test_reward_basis_counts_this_years_crossers_taxes_against_last_year(world, login):
    _pooled(world.e_haian, stage=Stage.ENTERED, entered_on=date(2026, 4, 1))
    _pooled(world.e_rugao, stage=Stage.ENTERED, entered_on=date(2026, 4, 1))
    MonthlySales.objects.bulk_create([
        MonthlySales(enterprise=e, region_path=e.region_path, year=y, month=1, sales=Decimal(100), taxes=t, source="tax")
        for e in (world.e_haian, world.e_rugao) for y, t in ((2025, Decimal(3)), (2026, Decimal(10)))])
    rows = {r.name: r for r in figures.reward_basis(viewer=world.users["county"], year=2026)}
    assert list(rows) == ["海安市"] and rows["海安市"].new_contribution == Decimal(7)
    city = login(world.users["city"])
    assert "如皋市" in city.get(reverse("upscaling:reward") + "?year=2026").content.decode()
    assert city.get(reverse("upscaling:reward") + "?year=2026&format=xlsx").content[:2] == b"PK"
    assert "如皋市" not in login(world.users["county"]).get(reverse("upscaling:reward")).content.decode()


def test_the_pool_list_shows_each_entrys_current_tier(world, login):
    """The row's tier control starts on the entry's own tier: saving a row unchanged never takes it out."""
    entry = _pooled(world.e_haian)
    entry.tier = 1
    entry.save()
    page = login(world.users["county"]).get(reverse("upscaling:pool")).content.decode()
    select = page.split(f'id="tier-{entry.pk}"')[1].split("</select>")[0]
    assert '<option value="1" selected>' in select and '<option value="" selected>' not in select
