"""The platforms' part of the demo province (registered with portal.core.registry): Nantong's city platform,
two cluster platforms and its ten county platforms, their recognitions, one operator replacement, two years
of service records (some to enterprises outside the registry) and activities, honours gained after service.

``pingtai`` operates the city platform (and so reads the city's cluster and county platforms); ``pingtai_haian``
operates 海安's county platform. This quarter is left half-entered, and a file with two bad rows waits in the
demo's description for pingtai to fix. History is bulk-inserted (valid data, dated in closed quarters, which no
service would accept); the acts of the registry go through the services."""

import random
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.accounts.scoping import grant_object, within
from portal.enterprises.credit_code import make_code
from portal.enterprises.models import HONOUR_FLAGS, Enterprise, Honour, HonourKind, HonourLevel
from portal.regions.models import Region

from . import services
from .models import Activity, OperatorTerm, Platform, PlatformKind, Recognition, ServiceRecord
from .rules import ActivityKind, Channel, Charging, RecognitionLevel, ServiceArea

PASSWORD = "Jsu@Demo2026"
RECORDS_PER_PLATFORM = 260  # over two years, 13 platforms: about 3,400 records


def _platforms(nantong: Region) -> list[Platform]:
    counties = list(Region.objects.filter(parent=nantong).order_by("sort_order", "code"))
    rows = [Platform(name="南通市中小企业公共服务平台", kind=PlatformKind.CITY, region=nantong,
                     operator_name="南通市中小企业服务中心"),
            Platform(name="南通家纺产业集群窗口平台", kind=PlatformKind.CLUSTER, region=counties[-4 % len(counties)],
                     operator_name="南通家纺城服务有限公司"),
            Platform(name="南通船舶海工产业集群窗口平台", kind=PlatformKind.CLUSTER, region=counties[0],
                     operator_name="南通船舶海工产业服务中心")]
    rows += [Platform(name=f"{c.name}中小企业综合服务平台", kind=PlatformKind.COUNTY, region=c,
                      operator_name=f"{c.name}中小企业服务中心") for c in counties]
    Platform.objects.bulk_create(rows)
    platforms = list(within(Platform.objects.all(), nantong).order_by("id"))
    OperatorTerm.objects.bulk_create([OperatorTerm(platform=p, operator_name=p.operator_name,
                                                   started_on=date(2021, 1, 1)) for p in platforms])
    return platforms


def _records(platforms: list[Platform], enterprises: list[Enterprise], today: date, rng: random.Random) -> list:
    start = date(today.year - 1, 1, 1)
    span = (services.first_open_day(today) - start).days  # history: closed quarters only
    rows = []
    outsiders = [(make_code(f"91320600MA2DWB{i:03d}"), f"南通外来示范企业{i}号有限公司") for i in range(40)]
    for p in platforms:
        local = [e for e in enterprises if e.region_path.startswith(p.region.path)] or enterprises
        for i in range(RECORDS_PER_PLATFORM):
            served = start + timedelta(days=rng.randrange(span))
            if rng.random() < 0.1:
                code, name, ent = *rng.choice(outsiders), None
            else:
                ent = rng.choice(local)
                code, name = ent.credit_code, ent.name
            rows.append(ServiceRecord(platform=p, credit_code=code, enterprise=ent, enterprise_name=name,
                                      area=rng.choice(ServiceArea.values), served_on=served,
                                      charging=Charging.FREE if rng.random() < 0.7 else Charging.PAID,
                                      description="示范服务记录", external_id=f"P{p.pk}-{i:05d}",
                                      channel=rng.choice(Channel.values)))
        # This quarter, half entered: pingtai has the rest to do.
        for i in range(rng.randrange(5, 15)):
            ent = rng.choice(local)
            rows.append(ServiceRecord(platform=p, credit_code=ent.credit_code, enterprise=ent, enterprise_name=ent.name,
                                      area=rng.choice(ServiceArea.values),
                                      served_on=max(services.quarter_start(today), today - timedelta(days=i)),
                                      charging=Charging.FREE, description="本季度服务", channel=Channel.WEB))
    ServiceRecord.objects.bulk_create(rows, batch_size=2000)
    return rows


def _activities(platforms: list[Platform], today: date, rng: random.Random) -> None:
    start = date(today.year - 1, 1, 1)
    span = (today - start).days
    Activity.objects.bulk_create([
        Activity(platform=p, kind=rng.choice(ActivityKind.values), happened_on=start + timedelta(days=rng.randrange(span)),
                 title=f"{p.name}活动{i + 1}", link=f"https://example.cn/platform/{p.pk}/{i + 1}")
        for p in platforms for i in range(rng.randrange(20, 40))], batch_size=2000)


def _honours(records: list, rng: random.Random, today: date) -> None:
    """Some served enterprises gained an honour after their first service (the service results)."""
    first: dict[int, date] = {}
    for r in records:
        if r.enterprise_id and (r.enterprise_id not in first or r.served_on < first[r.enterprise_id]):
            first[r.enterprise_id] = r.served_on
    chosen = rng.sample(sorted(first), k=min(40, len(first)))
    honours = []
    for pk in chosen:
        kind = rng.choice([HonourKind.SPECIALIZED, HonourKind.SPECIALIZED, HonourKind.LITTLE_GIANT,
                           HonourKind.SINGLE_CHAMPION])
        granted = min(today, first[pk] + timedelta(days=rng.randrange(20, 200)))
        honours.append(Honour(enterprise_id=pk, kind=kind, granted_on=granted, document_no=f"苏工信中小〔{granted.year}〕{pk}号",
                              level=HonourLevel.NATIONAL if kind != HonourKind.SPECIALIZED else HonourLevel.PROVINCIAL))
    Honour.objects.bulk_create(honours)
    for kind, flag in HONOUR_FLAGS.items():
        Enterprise.objects.filter(pk__in=[h.enterprise_id for h in honours if h.kind == kind]).update(**{flag: True})


def load(*, users: dict) -> None:
    nantong = Region.objects.get(code="320600")
    today = timezone.localdate()
    rng = random.Random(2026)  # noqa: S311 - demo data, reproducible
    platforms = _platforms(nantong)
    city = platforms[0]
    enterprises = list(within(Enterprise.objects.all(), nantong).only(
        "id", "credit_code", "name", "region_path"))
    if enterprises:
        records = _records(platforms, enterprises, today, rng)
        _honours(records, rng, today)
    _activities(platforms, today, rng)
    official = users.get("nantong")
    Recognition.objects.bulk_create([
        Recognition(platform=city, level=RecognitionLevel.NATIONAL, recognised_by="工业和信息化部",
                    granted_on=today - timedelta(days=3 * 365 - 60), valid_until=today + timedelta(days=60),
                    document_no="工信部企业函〔2023〕示范"),
        Recognition(platform=platforms[1], level=RecognitionLevel.PROVINCIAL, recognised_by="江苏省工业和信息化厅",
                    granted_on=today - timedelta(days=400), valid_until=today + timedelta(days=700)),
    ])
    county = next(p for p in platforms if p.kind == PlatformKind.COUNTY and p.region.code == "320623")
    if official is not None:
        services.replace_operator(actor=official, platform=county, operator_name="如东县企业服务有限公司",
                                  on=today - timedelta(days=200), reason="原运营单位连续两年排名末位,按评价办法更换")
    if "pingtai" in users:
        grant_object(users["pingtai"], city)
    haian = next(p for p in platforms if p.kind == PlatformKind.COUNTY and p.region.code == "320685")
    operator = User.objects.create(username="pingtai_haian", full_name="海安平台 许运营", role=Role.PLATFORM_OPERATOR,
                                   email="pingtai_haian@demo.example.cn", password=make_password(PASSWORD))
    grant_object(operator, haian)
