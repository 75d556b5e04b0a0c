"""Writes to the region tree and quotas."""
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit import services as audit
from portal.audit.models import AuditEntry

from .models import Region, RegionLevel, RegionQuota

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def load_region_tree(path: Path) -> int:
    """Create or update a province's tree from a JSON file (codes are the keys)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    count = 0

    def upsert(code: Any, name: Any, level: Any, parent: Any, official: Any, order: Any) -> Any:
        nonlocal count
        region, _created = Region.objects.update_or_create(
            code=code,
            defaults={"name": name, "level": level, "parent": parent, "official_code": official, "sort_order": order},
        )
        count += 1
        return region

    province = upsert(data["province"]["code"], data["province"]["name"], RegionLevel.PROVINCE, None, True, 0)
    for i, city in enumerate(data["cities"]):
        c = upsert(city["code"], city["name"], RegionLevel.CITY, province, True, i)
        for j, county in enumerate(city["counties"]):
            upsert(county["code"], county["name"], RegionLevel.COUNTY, c, county.get("official", True), j)
    return count


@transaction.atomic
def set_quota(*, actor: Any, region: Region, year: int, quota: int) -> RegionQuota:
    """Province staff set the yearly quota of monitored enterprises for a region."""
    if not (getattr(actor, "is_province_official", False)):
        raise PermissionDenied(_("只有省级主管部门可以设定监测企业配额。"))
    if quota < 0:
        raise ValidationError({"quota": _("配额不能为负数。")})
    before = RegionQuota.objects.filter(region=region, year=year).values_list("quota", flat=True).first()
    obj, _created = RegionQuota.objects.update_or_create(region=region, year=year, defaults={"quota": quota})
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=obj, region_path=region.path,
                 changes={"quota": [before, quota]}, note=str(year))
    return obj
