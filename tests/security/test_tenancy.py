"""The tenancy mechanism itself (portal/accounts/scoping.py): each kind of declaration, the system scope,
the named predicates, and the one named exception (history follows the enterprise)."""



import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from monitoring import services
from monitoring.models import Filing, FilingProduct, Period
from portal.accounts.scoping import Scope, scope_for, system_viewer, within
from portal.enterprises import services as enterprise_services
from portal.regions.models import Region
from tests.monitoring.helpers import past_period, valid_data

pytestmark = pytest.mark.frozen_clock


def _file(world, enterprise, period: Period):
    return services.file_one(actor=world.users["province"], enterprise=enterprise, period=period,
                             data=valid_data(), submit=True).filing


@pytest.fixture
def moved(world):
    """海安甲企业 filed last year in 海安, then moved to 江宁 (another city)."""
    last = past_period(timezone.localdate().year - 1, 6)
    old = _file(world, world.e_haian, last)
    enterprise_services.update_enterprise(actor=world.users["province"], enterprise=world.e_haian,
                                          data={"region": world.jiangning})
    world.e_haian.refresh_from_db()
    return old


def test_history_follows_the_enterprise(world, moved):
    assert world.e_haian.region_path == world.jiangning.path
    nanjing, nantong = world.users["other_city"], world.users["city"]
    # Filed in 海安: its old region reads it; the region it moved to does not, by the plain rule.
    assert Filing.objects.visible_to(nantong).filter(pk=moved.pk).exists()
    assert not Filing.objects.visible_to(nanjing).filter(pk=moved.pk).exists()
    # The named exception: the enterprise's own history is readable with it, wherever it filed.
    assert Filing.objects.history_visible_to(nanjing).filter(pk=moved.pk).exists()
    assert not Filing.objects.history_visible_to(nantong).filter(pk=moved.pk).exists()
    assert not Filing.objects.history_visible_to(world.users["other_enterprise"]).exists()


def test_each_rule_kind(world):
    period = past_period(timezone.localdate().year, 1)
    filing = _file(world, world.e_rugao, period)
    # InRegion with an enterprise: the officer of that enterprise, officials above it, nobody else.
    assert list(Filing.objects.visible_to(world.users["other_enterprise"])) == [filing]
    assert not Filing.objects.visible_to(world.users["enterprise"]).exists()
    assert not Filing.objects.visible_to(world.users["county"]).exists()  # 海安, not 如皋
    assert Filing.objects.visible_to(world.users["city"]).count() == 1
    # Through: products with their filing.
    assert FilingProduct.objects.visible_to(world.users["other_enterprise"]).count() == 1
    assert not FilingProduct.objects.visible_to(world.users["other_city"]).exists()
    # The administrators see no business data.
    for role in ("system_admin", "security_admin", "audit_admin", "no_role"):
        assert not Filing.objects.visible_to(world.users[role]).exists(), role
    # within() narrows by the declared path; Region.subtree uses it.
    assert within(Filing.objects.visible_to(world.users["province"]), world.nanjing).count() == 0
    assert set(Region.objects.visible_to(world.users["city"]).subtree(world.haian)) == {world.haian}


def test_the_system_scope_reads_everything_and_changes_nothing(world):
    period = past_period(timezone.localdate().year, 2)
    _file(world, world.e_jiangning, period)
    viewer = system_viewer(world.province)
    scope = scope_for(viewer)
    assert scope.acting_system and scope.is_province and not scope.is_official
    assert Filing.objects.visible_to(viewer).count() == 1
    assert not Filing.objects.changeable_by(viewer).exists()
    assert not scope.may_review(Filing.objects.get()) and not scope.may_manage_notices
    assert Scope.system(world.province.path).is_everything


def test_named_predicates_follow_the_level(world):
    province, city, county = (scope_for(world.users[k]) for k in ("province", "city", "county"))
    assert (province.is_province, city.is_city, county.is_county) == (True, True, True)
    assert county.may_report_up and city.may_report_up and not province.may_report_up
    assert city.may_unlock_filings and not county.may_unlock_filings
    assert province.may_adjust_deadlines and not city.may_adjust_deadlines
    assert city.may_upload_analysis_reports and not province.may_upload_analysis_reports
    exchange = Scope(user=world.users["county"], region_path=world.haian.path, region_level=3)
    assert exchange.may_file_for(world.e_haian) and not exchange.may_file_for(world.e_rugao)


CHANGEABLE = {  # the models whose rows someone may change through changeable_by, and why
    "enterprises.Enterprise": "officials their subtree's registry; an officer their own contacts",
    "monitoring.Filing": "the enterprise, officials on its behalf, the region's exchange system",
    "monitoring.FilingProduct": "with its filing", "monitoring.FilingEvent": "with its filing",
    "platforms.Platform": "officials of its region, its operator", "incubators.StartupBase": "idem, its manager",
    "notifications.Notification": "its recipient (read marks)", "notifications.Preference": "its user",
    "exports.ExportJob": "its owner", "exchange.IdempotencyRecord": "its user",
    "monitoring.ExportJob": "its owner", "monitoring.IdempotencyRecord": "its user",
    "monitoring.Period": "province staff adjust deadlines",
}


def test_changeable_by_gives_nothing_unless_a_model_opts_in(world):
    ours = [m for m in apps.get_models() if m.__module__.split(".")[0] in
            ("portal", "monitoring", "platforms", "incubators", "upscaling")]
    period = past_period(timezone.localdate().year, 3)
    _file(world, world.e_haian, period)
    users = [*world.users.values(), AnonymousUser(), system_viewer(world.province)]
    opened = {m._meta.label for m in ours for u in users if m.objects.changeable_by(u).exists()}
    assert opened <= set(CHANGEABLE), sorted(opened - set(CHANGEABLE))
    assert not any(m.objects.changeable_by(AnonymousUser()).exists() for m in ours)
    assert not any(m.objects.changeable_by(system_viewer(world.province)).exists() for m in ours)
