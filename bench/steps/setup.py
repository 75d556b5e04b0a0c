"""Set-up steps: migrate the fresh database, build the synthetic province and its officials."""

from django.core.management import call_command
from django.db import transaction

from bench.registry import Context, step
from portal.accounts.models import Role, User
from portal.audit.context import origin
from portal.core.db import analyze
from portal.regions.models import Region, RegionLevel
from portal.regions.services import DATA_DIR, load_region_tree

# Cities of the Jiangsu tree that the shipped data leaves without counties get this many synthetic
# county-level units (codes 3203 91..99 etc., marked as non-GB codes), so that every city has some.
SYNTHETIC_CODE_START = 91


@step("migrate_s", order=0)
def migrate(ctx: Context) -> None:
    """Apply every migration to the empty benchmark database."""
    call_command("migrate", verbosity=0, interactive=False)


@step("build_province_s", order=10)
def build_province(ctx: Context) -> None:
    """Jiangsu from portal/regions/data plus synthetic counties; a province and a county official."""

    with origin("cli"), transaction.atomic():
        load_region_tree(DATA_DIR / "jiangsu.json")
        for city in Region.objects.filter(level=RegionLevel.CITY).order_by("code"):
            if city.children.exists():
                continue
            for i in range(ctx.counties_per_city):
                Region.objects.create(
                    code=f"{city.code[:4]}{SYNTHETIC_CODE_START + i:02d}", name=f"{city.name[:-1]}测试{i + 1}区",
                    level=RegionLevel.COUNTY, parent=city, official_code=False, sort_order=100 + i,
                )
        ctx.province = Region.objects.get(code="32")
        ctx.counties = list(Region.objects.counties().select_related("parent").order_by("path"))
        county = Region.objects.get(code="320685")  # 海安市, as in the demo
        ctx.users["province"] = User.objects.create(
            username="bench_sheng", full_name="省厅 基准", role=Role.OFFICIAL, region=ctx.province)
        ctx.users["county"] = User.objects.create(
            username="bench_haian", full_name="海安市 基准", role=Role.OFFICIAL, region=county)
    analyze(Region, User)  # as after every preparation: later plans know the tree
    ctx.record("counties", len(ctx.counties))
