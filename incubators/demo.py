"""The startup bases' part of the demo province (registered with portal.core.registry)."""

from portal.accounts.scoping import grant_object
from portal.regions.models import Region

from .models import StartupBase


def load(*, users: dict) -> None:
    base = StartupBase.objects.create(name="海安市小企业创业基地", region=Region.objects.get(code="320685"),
                                      manager_name="海安市创业服务中心")
    if "jidi" in users:
        grant_object(users["jidi"], base)
