"""Routes with arguments of the monitoring data-exchange API (monitoring/api_urls.py), for the scoping matrix.

Each callable returns the kwargs of an object the role may NOT see, or None when the role sees them all.
"""
from monitoring import services

from ._objects import Own

# A region outside each role's scope: a sibling city or county, or any region for roles without one.
_FOREIGN_REGION = {
    "province": None,
    "city": "320100",  # 南京市, the other city
    "other_city": "320600",
    "county": "320682",  # 如皋市, the sibling county
    "other_county": "320685",
    "enterprise": "320682",  # an enterprise sees its own county only
    "other_enterprise": "320685",
}


def _region(world, role):
    code = _FOREIGN_REGION.get(role, "320685")  # roles without a region see none
    return None if code is None else {"code": code}


FOREIGN = {
    "monitoring_api:region-approved-filings": _region,
}


def _own_approved(world):
    """The county approves its enterprise's filing; the county and its city then read it by region."""

    filing = world.filings["e_haian"]
    if filing.status != "approved":
        services.approve_filing(actor=world.users["county"], filing=filing)
    period = f"{world.period.year}-{world.period.month:02d}"
    return [Own(role, {"code": code}, world.e_haian.credit_code, query={"period": period})
            for role, code in (("county", "320685"), ("city", "320685"), ("province", "320600"))]


OWN = {"monitoring_api:region-approved-filings": _own_approved}
