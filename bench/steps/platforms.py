"""Service records per second through the platforms' API (POST /api/v1/platforms/<id>/service-records/).

A county platform's own system (its token, ``services.create_platform_system``) pushes batches of 1,000 valid
records — enterprises of the registry, the ten areas, dated this quarter, each with the platform's own record id
— then pushes the first batch again (the idempotent re-push: unchanged, no duplicate). Only the requests are
timed; building and encoding the bodies is the other system's work.
"""

from __future__ import annotations

import json
import time

from django.test import Client
from django.utils import timezone

from bench.registry import Context, step
from platforms import services
from platforms.models import Platform, PlatformKind, ServiceRecord
from platforms.rules import ServiceArea
from portal.audit.context import origin
from portal.audit.models import AuditEntry
from portal.core.db import analyze
from portal.enterprises.models import Enterprise

BATCH_SIZE = 1000
RECORDS = 20000


@step("platform_records_api_per_s", order=420, needs=("generate_enterprises_s",))
def platform_records_api(ctx: Context) -> None:
    """Service records per second through the API (batches of 1,000, token of the platform's own system)."""
    county = ctx.counties[0]
    platform = Platform.objects.create(name="压测县级综合窗口平台", kind=PlatformKind.COUNTY, region=county,
                                       operator_name="压测运营单位")
    with origin("cli"):
        _user, token = services.create_platform_system(platform=platform, name="bench-platform")
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    codes = list(Enterprise.objects.order_by("id").values_list("credit_code", flat=True)[:RECORDS])
    day = timezone.localdate().isoformat()
    areas = ServiceArea.values
    items = [{"external_id": f"B-{i:07d}", "credit_code": codes[i % len(codes)], "area": areas[i % len(areas)],
              "served_on": day, "charging": "free", "description": "压测服务记录"} for i in range(RECORDS)]
    bodies = [json.dumps({"items": items[s:s + BATCH_SIZE]}, ensure_ascii=False).encode()
              for s in range(0, len(items), BATCH_SIZE)]
    path = f"/api/v1/platforms/{platform.pk}/service-records/"
    accepted, seconds = 0, 0.0
    for body in bodies:
        started = time.perf_counter()
        response = client.post(path, data=body, content_type="application/json")
        seconds += time.perf_counter() - started
        if response.status_code != 200:
            raise AssertionError(f"POST {path} answered {response.status_code}: {response.content[:500]!r}")
        summary = response.json()
        accepted += summary["created"] + summary["updated"]
        if summary["rejected"]:
            ctx.note("platform_records_api_per_s", f"{summary['rejected']} rejected, e.g. "
                     f"{[r for r in summary['results'] if r['outcome'] == 'rejected'][:1]}")
    again = client.post(path, data=bodies[0], content_type="application/json").json()
    assert again["unchanged"] == len(json.loads(bodies[0])["items"]), again
    assert ServiceRecord.objects.filter(platform=platform).count() == accepted
    analyze(ServiceRecord, AuditEntry)
    ctx.record("platform_records_api", accepted)
    ctx.record("platform_records_api_s", seconds)
    ctx.record("platform_records_api_per_s", accepted / seconds if seconds else 0.0)
