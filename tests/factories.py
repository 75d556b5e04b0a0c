"""Factories for every model. Data that has rules (enterprises) is made through the services' helpers."""

import itertools
from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from incubators.models import StartupBase
from platforms.models import Platform, PlatformKind
from portal.accounts.models import EnterpriseRegistration, Role, User
from portal.audit.models import AuditEntry
from portal.enterprises.credit_code import make_code
from portal.enterprises.models import Enterprise, Industry
from portal.enterprises.standards import Classifier, current_standard
from portal.notices.models import Notice, NoticeKind
from portal.regions.models import Region, RegionLevel, RegionQuota

PASSWORD = "Test@Passw0rd!"
_codes = itertools.count(1)


def next_credit_code(area: str = "320685") -> str:
    return make_code(f"91{area}{next(_codes):09d}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"99{n:04d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = RegionLevel.COUNTY
    parent = None


def province() -> Region:
    return RegionFactory(code="32", name="江苏省", level=RegionLevel.PROVINCE, parent=None)


def city(code="320600", name="南通市") -> Region:
    return RegionFactory(code=code, name=name, level=RegionLevel.CITY, parent=province())


def county(code="320685", name="海安市", city_code="320600", city_name="南通市") -> Region:
    return RegionFactory(code=code, name=name, level=RegionLevel.COUNTY, parent=city(city_code, city_name))


class QuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionQuota

    region = factory.LazyFunction(county)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    quota = 50


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.LazyFunction(next_credit_code)
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    region = factory.LazyFunction(county)
    region_path = factory.LazyAttribute(lambda o: o.region.path)
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="34"))
    employees = 50
    revenue = Decimal("1000")
    assets = Decimal("800")
    size_standard = factory.LazyFunction(current_standard)
    size_class = factory.LazyAttribute(
        lambda o: Classifier(o.size_standard).classify(
            o.industry.size_category, employees=o.employees, revenue=o.revenue, assets=o.assets)
    )
    monitored_from = date(2025, 1, 1)
    contact_name = "张三"
    contact_phone = "13800000000"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    role = Role.NONE
    password_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save()


def official(region: Region, **kwargs) -> User:
    return UserFactory(role=Role.OFFICIAL, region=region, **kwargs)


def officer(enterprise: Enterprise, **kwargs) -> User:
    return UserFactory(role=Role.ENTERPRISE, enterprise=enterprise, **kwargs)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseRegistration

    credit_code = factory.LazyFunction(next_credit_code)
    name = factory.Sequence(lambda n: f"注册企业{n}有限公司")
    region = factory.LazyFunction(county)
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="34"))
    contact_name = "李四"
    contact_phone = "13900000000"
    email = "lisi@example.cn"
    username = factory.Sequence(lambda n: f"reg{n}")
    password_hash = "!"


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    kind = NoticeKind.NOTICE
    title = factory.Sequence(lambda n: f"通知{n}")
    body = "正文"
    source = "省工业和信息化厅"


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    actor_name = "system"
    channel = "test"
    action = AuditEntry.Action.UPDATE
    model = "enterprises.Enterprise"
    object_repr = "x"


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform

    name = factory.Sequence(lambda n: f"服务平台{n}")
    kind = PlatformKind.COUNTY
    region = factory.LazyFunction(county)
    operator_name = "运营单位"


class StartupBaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StartupBase

    name = factory.Sequence(lambda n: f"创业基地{n}")
    region = factory.LazyFunction(county)
    manager_name = "管理机构"
