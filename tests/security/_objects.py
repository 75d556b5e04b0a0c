"""Objects the foreign_*.py tables point at, made once per `world` (memoised on it)."""

from portal.audit import services as audit
from portal.audit.models import AuditEntry
from tests import factories as f


def memo(world, key, make):
    cache = world.__dict__.setdefault("_security_objects", {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


def registration(world, county):
    """A pending registration in ``county`` (one of world.haian, world.rugao, world.jiangning)."""
    return memo(world, ("registration", county.code), lambda: f.RegistrationFactory(region=county))


def draft_notice(world):
    return memo(world, "draft_notice", lambda: f.NoticeFactory(title="未发布的草稿通知", is_published=False))


def audit_row(world, enterprise):
    """An audit row about ``enterprise``, written by the audit service."""

    return memo(world, ("audit", enterprise.pk),
                lambda: audit.record(actor=None, action=AuditEntry.Action.UPDATE, obj=enterprise,
                                     enterprise_id=enterprise.pk))


# A user of the world that each role may not see (accounts pages): outside an official's subtree,
# another enterprise's officer, and for every other role someone else.
OUTSIDER = {
    "province": "system_admin",  # administrators belong to no region
    "city": "other_city",
    "other_city": "city",
    "county": "other_county",
    "other_county": "county",
    "enterprise": "other_enterprise",
    "other_enterprise": "enterprise",
}


def outsider(world, role):
    return world.users[OUTSIDER.get(role, "province")]


class Own:
    """A request the scoping matrix sends as a role that may reach the object, and what must come back.

    ``marker``: text the answer must contain (the object's own name, title, product...; a spreadsheet's cells
    count). A POST without a marker is an act: it must answer ``status`` and change the database, as a refused
    one must not; a POST with a marker is a read (a progress poll).
    """

    def __init__(self, role, kwargs, marker=None, *, method="get", data=None, status=200, query=None):
        assert marker or method == "post", "a GET must name the marker it expects"
        self.role, self.kwargs, self.marker = role, kwargs, marker
        self.method, self.data, self.status, self.query = method, data or {}, status, query or {}
