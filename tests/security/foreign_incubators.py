"""Startup-base pages with arguments: for each role of the `world`, a base (or its tenant) it may NOT reach.

Officials read their subtree's bases, the base manager the base granted to them (world.base, 海安), nobody else
any base. The import job's id belongs to its uploader only (a foreign base is refused first).
"""

from datetime import date

from incubators.models import StartupBase, Tenant
from tests import factories as f

from ._objects import Own, memo

# Which base each role may not reach: None for the province (it reads every base).
OUTSIDE = {
    "province": None,
    "city": "jiangning",
    "other_city": "haian",
    "county": "rugao",
    "other_county": "haian",
    "base_manager": "rugao",
}


def _base(world, county_name) -> StartupBase:
    if county_name == "haian":
        return world.base
    county = getattr(world, county_name)
    return memo(world, ("base", county.code), lambda: f.StartupBaseFactory(region=county, name=f"{county.name}基地"))


def _tenant(world, base) -> Tenant:
    return memo(world, ("tenant", base.pk), lambda: Tenant.objects.create(
        base=base, credit_code=f.next_credit_code(), name=f"{base.name}入孵企业", entered_on=date(2025, 1, 1)))


def _foreign_base(world, role):
    name = OUTSIDE.get(role, "haian")
    return None if name is None else _base(world, name)


def _pk(world, role):
    base = _foreign_base(world, role)
    return None if base is None else {"pk": base.pk}


def _check(world, role):
    base = _foreign_base(world, role)
    return None if base is None else {"pk": base.pk, "year": 2026}


def _job(world, role):
    base = _foreign_base(world, role)
    return None if base is None else {"pk": base.pk, "task_id": "not-a-job"}


def _tenant_pk(world, role):
    base = _foreign_base(world, role)
    return None if base is None else {"pk": _tenant(world, base).pk}


FOREIGN = {
    "incubators:detail": _pk,
    "incubators:edit": _pk,
    "incubators:status": _pk,
    "incubators:visit": _pk,
    "incubators:target": _pk,
    "incubators:tenant_create": _pk,
    "incubators:tenant_import": _pk,
    "incubators:tenant_export": _pk,
    "incubators:import_job": _job,
    "incubators:self_check": _check,
    "incubators:tenant": _tenant_pk,
}

POST_DATA = {
    "incubators:edit": lambda world, role: {"name": "改名", "manager_name": "x"},
    "incubators:status": lambda world, role: {"status": "delisted", "on": "2026-01-01", "reason": "测试"},
    "incubators:visit": lambda world, role: {"visited_on": "2026-01-05", "visitor": "局长", "notes": "检查"},
    "incubators:target": lambda world, role: {"revenue": "1", "taxes": "1", "tenants": "1", "employees": "1",
                                              "graduates": "1"},
    "incubators:tenant_create": lambda world, role: {"credit_code": f.next_credit_code(), "name": "新企业",
                                                     "entered_on": "2026-01-01"},
    "incubators:tenant": lambda world, role: {"act": "tenant", "credit_code": f.next_credit_code(), "name": "改",
                                              "entered_on": "2026-01-01"},
    "incubators:self_check": lambda world, role: {"problems": "x", "measures": "y"},
}


def _visit_data():
    return {"visited_on": "2026-01-05", "visitor": "局长", "notes": "检查"}


OWN = {
    "incubators:detail": lambda world: [Own("base_manager", {"pk": world.base.pk}, world.base.name),
                                        Own("county", {"pk": world.base.pk}, world.base.name),
                                        Own("province", {"pk": _base(world, "jiangning").pk}, "江宁区基地")],
    "incubators:edit": lambda world: [Own("city", {"pk": world.base.pk}, method="post", status=302,
                                          data={"name": "改名基地", "manager_name": "新机构"})],
    "incubators:status": lambda world: [Own("city", {"pk": world.base.pk}, method="post", status=302,
                                            data={"status": "rectifying", "on": "2026-01-01", "reason": "整改"})],
    "incubators:visit": lambda world: [Own("county", {"pk": world.base.pk}, method="post", status=302,
                                           data=_visit_data())],
    "incubators:target": lambda world: [Own("county", {"pk": world.base.pk}, method="post", status=302,
                                            data=POST_DATA["incubators:target"](world, "county"))],
    "incubators:tenant_create": lambda world: [
        Own("base_manager", {"pk": world.base.pk}, "新增入孵企业"),
        Own("base_manager", {"pk": world.base.pk}, method="post", status=302,
            data={"credit_code": f.next_credit_code(), "name": "新企业", "entered_on": "2026-01-01"})],
    "incubators:tenant_import": lambda world: [Own("base_manager", {"pk": world.base.pk}, "批量导入入孵企业")],
    "incubators:tenant_export": lambda world: [Own("base_manager", {"pk": world.base.pk}, world.base.name)],
    "incubators:self_check": lambda world: [Own("base_manager", {"pk": world.base.pk, "year": 2026}, world.base.name)],
    "incubators:tenant": lambda world: [Own("base_manager", {"pk": _tenant(world, world.base).pk}, "入孵企业")],
}
