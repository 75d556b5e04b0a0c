"""The quarterly reporting bulletin: a region with nothing expected gets no bulletin of its own (the run says which
were skipped, on the page and in the managers' notice) and stays "—", unranked, in its parent's; each region's
six-digit GB/T 2260 code stands beside its name in the workbook and on the printable page."""

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from portal.bulletins import services as bulletins
from portal.bulletins import tasks
from portal.bulletins.models import Bulletin
from portal.bulletins.templatetags.bulletin_tags import cell
from portal.notifications.models import Notification
from tests import factories as f

from .test_bulletins import KIND, PERIOD, QUARTER, YEAR, committed, eager_celery, quarter  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery"), pytest.mark.frozen_clock]


@pytest.fixture
def empty_city(quarter):  # noqa: F811
    """A city with a county but no monitored enterprise: nothing expected, no quota."""
    suzhou = f.city("320500", "苏州市")
    f.county("320581", "常熟市", "320500", "苏州市")
    return suzhou


def test_a_city_with_nothing_expected_is_skipped_and_named(quarter, empty_city, login, committed):  # noqa: F811
    world = quarter
    counts = bulletins.generate_all(kind=KIND, period=PERIOD)
    assert counts["created"] == 3 and counts["skipped"] == ["苏州市"]
    assert not Bulletin.objects.filter(region=empty_city).exists()
    assert "苏州市" in bulletins.describe_run(counts) and "本季度没有应报的监测企业" in bulletins.describe_run(counts)
    # The province's bulletin still lists it, unranked, with no rate, as the status page does.
    province = Bulletin.objects.get(region=world.province)
    suzhou = next(r for r in province.figures if r["name"] == "苏州市")
    assert (suzhou["expected"], suzhou["rate"], suzhou["rank"]) == (0, None, None)
    # Generated from the page: the finished job's message names it.
    client = login(world.users["province"])
    response = committed(client.post, reverse("bulletins:generate"), {"kind": KIND.key, "period": PERIOD})
    status = client.get(reverse("bulletins:job", args=[response["Location"].split("?job=")[1]])).json()
    assert status["state"] == "done" and "苏州市" in status["message"] and "南通市" not in status["message"]


def test_the_scheduled_run_tells_the_managers_which_were_skipped(quarter, empty_city, settings):  # noqa: F811
    world = quarter
    settings.BULLETIN_DAY_AFTER_QUARTER = 20
    day = date(YEAR + (1 if QUARTER == 4 else 0), 1 if QUARTER == 4 else 3 * QUARTER + 1, 20)
    assert day < timezone.localdate()
    result = tasks.generate_due_bulletins.delay(today=day.isoformat()).get()
    assert result[KIND.key]["skipped"] == ["苏州市"]
    note = Notification.objects.get(recipient=world.users["province"])
    assert "苏州市" in note.body and "本季度没有应报的监测企业" in note.body


def test_each_region_has_its_six_digit_code_beside_its_name(quarter, login):  # noqa: F811
    world = quarter
    bulletin, _outcome = bulletins.generate_bulletin(kind=KIND, region=world.province, period=PERIOD)
    codes = {r["name"]: r["gb_code"] for r in bulletin.figures}
    assert codes == {"南通市": "320600", "南京市": "320100"}
    assert bulletin.totals["gb_code"] == "320000"  # the province's 32, written as GB/T 2260 writes it
    sheet = openpyxl.load_workbook(io.BytesIO(bulletin.file.read())).active
    header = [c.value for c in sheet[4]]
    assert header[:3] == ["排名", "地区", "区划代码"]
    rows = {sheet.cell(r, 2).value: sheet.cell(r, 3) for r in range(5, sheet.max_row + 1) if sheet.cell(r, 2).value}
    assert rows["南通市"].value == "320600" and rows["南通市"].data_type == "s"
    assert rows["合计"].value == "320000"
    page = login(world.users["province"]).get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
    assert "区划代码" in page and ">320600<" in page and ">320000<" in page


def test_bulletin_cells_are_grouped_in_every_language():
    """The printed bulletin groups thousands whatever the page's language (zh-hans has no grouping of its own)."""
    class Column:
        def __init__(self, key, kind):
            self.key, self.kind = key, kind

    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert cell({"n": 1701}, Column("n", "int")) == "1,701"
            assert cell({"x": 12345.67}, Column("x", "float")) == "12,345.7"
            assert cell({"r": 95.26}, Column("r", "pct")) == "95.3%"
            assert cell({}, Column("n", "int")) == "—"
