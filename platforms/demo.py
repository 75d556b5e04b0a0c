"""The platforms' part of the demo province (registered with portal.core.registry)."""

from portal.accounts.scoping import grant_object
from portal.regions.models import Region

from .models import Platform, PlatformKind


def load(*, users: dict) -> None:
    platform = Platform.objects.create(name="南通市中小企业公共服务平台", kind=PlatformKind.CITY,
                                       region=Region.objects.get(code="320600"), operator_name="南通市中小企业服务中心")
    if "pingtai" in users:
        grant_object(users["pingtai"], platform)
