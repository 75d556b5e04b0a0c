"""Factories for every model of the project's apps (``FACTORIES`` maps each model to its factory, and
tests/test_factories.py fails on a model without one). Data that has rules (enterprises, a filing's copy
of its enterprise's region, a period's deadlines) is derived the way the services derive it."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from incubators.models import (
    GrowthPlan,
    PlanNote,
    SelfCheck,
    SelfCheckItem,
    SelfCheckRound,
    StartupBase,
    StatusChange,
    Target,
    Tenant,
    TenantFigures,
    Visit,
)
from monitoring import periods
from monitoring.bulletins.services import KIND as REPORTING_BULLETIN
from monitoring.bulletins.services import Row, title_of
from monitoring.models import (
    AnalysisReport,
    ExportJob,
    Filing,
    FilingEvent,
    FilingProduct,
    FilingStatus,
    IdempotencyRecord,
    Period,
    RegionReport,
    UnlockRequest,
)
from monitoring.reminders.models import Chase
from platforms.models import Activity, OperatorTerm, Platform, PlatformKind, Recognition, ServiceRecord
from portal.accounts.models import AddressLockout, EnterpriseRegistration, Role, User, UserSession
from portal.audit.models import AuditEntry
from portal.bulletins.models import Bulletin
from portal.bulletins.workbook import workbook as bulletin_workbook
from portal.core import registry
from portal.enterprises.credit_code import make_code
from portal.enterprises.models import (
    Enterprise,
    Honour,
    HonourKind,
    Industry,
    SizeClass,
    SizeStandard,
    SizeThreshold,
)
from portal.enterprises.standards import Classifier, current_standard
from portal.notices.models import Notice, NoticeKind
from portal.notifications.models import Channel, Delivery, Notification, Preference, TaskRun
from portal.questionnaires import services as questionnaire_services
from portal.questionnaires.models import Campaign, Invitation, Question, Questionnaire, Response
from portal.regions.models import Region, RegionLevel, RegionQuota
from portal.scorecards import models as sc
from upscaling.models import ColumnMapping, CountyTarget, DispatchNote, MonthlySales, PoolEntry

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
    parent = factory.LazyFunction(lambda: city())


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


class HonourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Honour

    enterprise = factory.SubFactory("tests.factories.EnterpriseFactory")
    kind = HonourKind.SPECIALIZED
    level = "provincial"
    granted_on = date(2025, 6, 1)


class RecognitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recognition

    platform = factory.SubFactory(PlatformFactory)
    level = "provincial"
    recognised_by = "江苏省工业和信息化厅"
    granted_on = date(2025, 1, 1)
    valid_until = date(2028, 1, 1)


class OperatorTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OperatorTerm

    platform = factory.SubFactory(PlatformFactory)
    operator_name = "运营单位"
    started_on = date(2022, 1, 1)


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceRecord

    platform = factory.SubFactory(PlatformFactory)
    credit_code = factory.LazyFunction(lambda: next_credit_code())
    enterprise_name = factory.Sequence(lambda n: f"服务对象{n}有限公司")
    area = "testing"
    served_on = factory.LazyFunction(timezone.localdate)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    platform = factory.SubFactory(PlatformFactory)
    kind = "news"
    happened_on = factory.LazyFunction(timezone.localdate)
    title = factory.Sequence(lambda n: f"平台活动{n}")
    link = "https://example.cn/news/1"


class StartupBaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StartupBase

    name = factory.Sequence(lambda n: f"创业基地{n}")
    region = factory.LazyFunction(county)
    manager_name = "管理机构"


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant

    base = factory.SubFactory(StartupBaseFactory)
    credit_code = factory.LazyFunction(lambda: next_credit_code())
    name = factory.Sequence(lambda n: f"入孵企业{n}")
    entered_on = date(2025, 1, 1)


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    base = factory.SubFactory(StartupBaseFactory)
    new_status = "listed"
    on = date(2025, 1, 1)
    reason = "列入名录"


class GrowthPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrowthPlan

    tenant = factory.SubFactory(TenantFactory)
    responsible = "责任人"


class PlanNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanNote

    plan = factory.SubFactory(GrowthPlanFactory)
    on = date(2026, 1, 5)
    text = "进展"


class TenantFiguresFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TenantFigures

    tenant = factory.SubFactory(TenantFactory)
    year = 2026
    quarter = 1
    revenue = Decimal("100")
    taxes = Decimal("5")
    employees = 10


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    year = 2026
    base = factory.SubFactory(StartupBaseFactory)
    region = factory.LazyAttribute(lambda o: o.base.region)
    region_path = factory.LazyAttribute(lambda o: o.region.path)
    revenue = Decimal("1000")


class SelfCheckRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfCheckRound
        django_get_or_create = ("year",)

    year = 2026
    due_on = date(2026, 5, 30)


class SelfCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfCheck

    base = factory.SubFactory(StartupBaseFactory)
    year = 2026


class SelfCheckItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfCheckItem

    check_form = factory.SubFactory(SelfCheckFactory)
    key = "department"
    present = True
    evidence = "有"


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    base = factory.SubFactory(StartupBaseFactory)
    visited_on = date(2026, 1, 5)
    visitor = "局长"
    notes = "检查"


# -- reference data ----------------------------------------------------------------------------------
class IndustryFactory(factory.django.DjangoModelFactory):
    """An industry outside GB/T 4754 (the migrations load the real ones; tests take those by code)."""

    class Meta:
        model = Industry
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"Z{n:03d}")
    name = factory.Sequence(lambda n: f"测试行业{n}")
    size_category = "industry"
    is_industrial = True


class SizeStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SizeStandard
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-{n}")
    title = factory.Sequence(lambda n: f"测试划型标准{n}")
    effective_from = date(2011, 6, 18)


class SizeThresholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SizeThreshold

    standard = factory.SubFactory(SizeStandardFactory)
    category = "industry"
    category_label = "工业"
    size_class = SizeClass.MEDIUM
    min_employees = 300
    min_revenue = Decimal("2000")


# -- accounts' bookkeeping ------------------------------------------------------------------------------
class UserSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserSession

    user = factory.SubFactory(UserFactory)
    session_key = factory.Sequence(lambda n: f"session{n:032d}")


class AddressLockoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AddressLockout

    ip_address = factory.Sequence(lambda n: f"10.0.{n // 250 % 250}.{n % 250 + 1}")
    failures = 20
    locked_until = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=30))


# -- notifications ----------------------------------------------------------------------------------------
class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    key = factory.Sequence(lambda n: f"test:{n}")
    title = factory.Sequence(lambda n: f"消息{n}")
    body = "消息正文"


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    notification = factory.SubFactory(NotificationFactory)
    channel = Channel.EMAIL
    address = factory.LazyAttribute(lambda o: o.notification.recipient.email if o.notification.recipient_id
                                    else "contact@example.cn")


class PreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Preference

    user = factory.SubFactory(UserFactory)


class TaskRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskRun

    task = "portal.bulletins.tasks.generate_bulletins"
    task_id = factory.Sequence(lambda n: f"task-{n}")


# -- monitoring -------------------------------------------------------------------------------------------
def _last_ended_month():
    today = timezone.localdate()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


class PeriodFactory(factory.django.DjangoModelFactory):
    """The month that ended last, with the deadlines of settings (FILING_/REVIEW_DEADLINE_DAY of the next
    month), as monitoring.periods.get_period makes them."""

    class Meta:
        model = Period
        django_get_or_create = ("year", "month")

    year = factory.LazyFunction(lambda: _last_ended_month()[0])
    month = factory.LazyFunction(lambda: _last_ended_month()[1])
    enterprise_deadline = factory.LazyAttribute(lambda o: periods.default_deadlines(o.year, o.month)[0])
    review_deadline = factory.LazyAttribute(lambda o: periods.default_deadlines(o.year, o.month)[1])


class FilingFactory(factory.django.DjangoModelFactory):
    """A submitted filing; where it counts (county, city, region path, size, industry) is copied from its
    enterprise, as the filing services do."""

    class Meta:
        model = Filing

    enterprise = factory.SubFactory(EnterpriseFactory)
    period = factory.SubFactory(PeriodFactory)
    county = factory.LazyAttribute(lambda o: o.enterprise.region)
    city = factory.LazyAttribute(lambda o: o.enterprise.region.parent)
    region_path = factory.LazyAttribute(lambda o: o.enterprise.region_path)
    size_class = factory.LazyAttribute(lambda o: o.enterprise.size_class)
    industry_code = factory.LazyAttribute(lambda o: o.enterprise.industry.code)
    status = FilingStatus.SUBMITTED
    version = 1
    first_submitted_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.LazyAttribute(lambda o: o.first_submitted_at)
    on_time = factory.LazyAttribute(lambda o: periods.lateness(o.period.enterprise_deadline, o.first_submitted_at)[0])
    days_late = factory.LazyAttribute(lambda o: periods.lateness(o.period.enterprise_deadline, o.first_submitted_at)[1])
    revenue = Decimal("1200.0")
    employees = 120


class FilingProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FilingProduct

    filing = factory.SubFactory(FilingFactory)
    position = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"产品{n}")
    unit = "件"
    production = Decimal("1000")
    sales = Decimal("900")
    inventory = Decimal("300")


class FilingEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FilingEvent

    filing = factory.SubFactory(FilingFactory)
    action = FilingEvent.Action.SUBMIT
    version = factory.LazyAttribute(lambda o: o.filing.version)
    actor = None
    actor_name = "测试"
    channel = "web"


class RegionReportFactory(factory.django.DjangoModelFactory):
    """A county's report of a period up to its city, made now, on time unless the period says otherwise."""

    class Meta:
        model = RegionReport

    region = factory.LazyFunction(county)
    period = factory.SubFactory(PeriodFactory)
    status = RegionReport.Status.REPORTED
    first_reported_at = factory.LazyFunction(timezone.now)
    reported_at = factory.LazyAttribute(lambda o: o.first_reported_at)
    on_time = factory.LazyAttribute(lambda o: periods.lateness(o.period.review_deadline, o.first_reported_at)[0])
    days_late = factory.LazyAttribute(lambda o: periods.lateness(o.period.review_deadline, o.first_reported_at)[1])
    reported_by = factory.LazyAttribute(lambda o: official(o.region))


class ChaseFactory(factory.django.DjangoModelFactory):
    """An official's 催报 of an enterprise today, by an official of its county."""

    class Meta:
        model = Chase

    enterprise = factory.SubFactory(EnterpriseFactory)
    period = factory.SubFactory(PeriodFactory)
    region_path = factory.LazyAttribute(lambda o: o.enterprise.region_path)
    day = factory.LazyFunction(timezone.localdate)
    at = factory.LazyFunction(timezone.now)
    by = factory.LazyAttribute(lambda o: official(o.enterprise.region))


class BulletinFactory(factory.django.DjangoModelFactory):
    """A published reporting bulletin of a region: a row per child region (figures as the bulletin service
    writes them, all zero) and its workbook as the service writes it."""

    class Meta:
        model = Bulletin
        skip_postgeneration_save = True
        exclude = ("year", "quarter")

    year = 2025
    quarter = 4
    kind = REPORTING_BULLETIN
    region = factory.LazyFunction(lambda: county().parent)  # a city with one county
    period = factory.LazyAttribute(lambda o: f"{o.year}-Q{o.quarter}")
    title = factory.LazyAttribute(lambda o: title_of(o.region, o.year, o.quarter))
    status = Bulletin.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    figures = factory.LazyAttribute(lambda o: _bulletin_rows(o.region))
    totals = factory.LazyAttribute(lambda o: {**Row(code=o.region.code, name="合计").as_dict(), "rank": None})

    @factory.post_generation
    def workbook(obj, create, extracted, **kwargs):
        obj.file.save(f"bulletin-{obj.region.code}-{obj.period}.xlsx",
                      ContentFile(bulletin_workbook(obj, registry.bulletin_kind(obj.kind))), save=create)


def _bulletin_rows(region: Region) -> list[dict]:
    return [Row(code=child.code, name=child.name, rank=i).as_dict()
            for i, child in enumerate(region.children.order_by("code"), 1)]


class AnalysisReportFactory(factory.django.DjangoModelFactory):
    """An uploaded quarterly analysis report (a small PDF stand-in in MEDIA_ROOT)."""

    class Meta:
        model = AnalysisReport

    region = factory.LazyFunction(county)
    year = 2025
    quarter = 4
    title = factory.LazyAttribute(lambda o: f"{o.region.name}{o.year}年第{o.quarter}季度监测分析")
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name=f"report-{o.region.code}.pdf"))
    original_name = factory.LazyAttribute(lambda o: f"{o.title}.pdf")
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.content))
    uploaded_by = factory.LazyAttribute(lambda o: official(o.region))

    class Params:
        content = b"%PDF-1.4 test report"


class ExportJobFactory(factory.django.DjangoModelFactory):
    """A queued summary export of the owner's region for the last ended month."""

    class Meta:
        model = ExportJob

    owner = factory.LazyFunction(lambda: official(city()))
    kind = "summary"
    params = factory.LazyAttribute(lambda o: {
        "year": _last_ended_month()[0], "month": _last_ended_month()[1],
        "region": o.owner.region.code if o.owner.region_id else "32",
        "region_name": o.owner.region.name if o.owner.region_id else "江苏省"})


class IdempotencyRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdempotencyRecord

    key = factory.Sequence(lambda n: f"key-{n}")
    user = factory.LazyFunction(lambda: UserFactory(role=Role.EXCHANGE, region=province()))
    request_hash = "0" * 64
    status_code = 200
    body = factory.LazyFunction(lambda: {"ok": True})


class UnlockRequestFactory(factory.django.DjangoModelFactory):
    """An enterprise's pending request to unlock its approved report of the last ended month."""

    class Meta:
        model = UnlockRequest

    enterprise = factory.SubFactory(EnterpriseFactory)
    period = factory.SubFactory(PeriodFactory)
    region_path = factory.LazyAttribute(lambda o: o.enterprise.region_path)
    reason = "数据录入有误,需更正"
    filing_status = FilingStatus.APPROVED
    requested_by = factory.LazyAttribute(lambda o: officer(o.enterprise))
    requested_at = factory.LazyFunction(timezone.now)


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    title = factory.Sequence(lambda n: f"问卷{n}")
    region = factory.LazyFunction(province)
    region_path = factory.LazyAttribute(lambda o: o.region.path)
    status = Questionnaire.Status.PUBLISHED


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"题目{n}")
    kind = Question.Kind.SCALE5


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    title = factory.Sequence(lambda n: f"问卷调查{n}")
    purpose = "test.survey"
    opens = factory.LazyFunction(timezone.localdate)
    closes = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    region = factory.LazyFunction(lambda: county())
    region_path = factory.LazyAttribute(lambda o: o.region.path)
    asker = factory.LazyAttribute(lambda o: o.region.name)


def _salt(n: int) -> str:
    return f"{n:032x}"


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation of a registry enterprise; its link token is ``questionnaire_services.link_token(token_salt)``."""

    class Meta:
        model = Invitation

    campaign = factory.SubFactory(CampaignFactory)
    enterprise = factory.SubFactory("tests.factories.EnterpriseFactory")
    token_salt = factory.Sequence(_salt)
    token_hash = factory.LazyAttribute(lambda o: questionnaire_services.token_hash(
        questionnaire_services.link_token(o.token_salt)))
    expires = factory.LazyAttribute(lambda o: o.campaign.closes)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    invitation = factory.SubFactory(InvitationFactory, answered_at=factory.LazyFunction(timezone.now), verified=True)
    answers = factory.LazyFunction(dict)
    channel = Response.Channel.ACCOUNT
    verified = True

class CountyTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountyTarget

    region = factory.LazyFunction(county)
    region_path = factory.LazyAttribute(lambda o: o.region.path)
    year = 2026
    new_enterprises = 130


class PoolEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoolEntry

    enterprise = factory.SubFactory(EnterpriseFactory)
    region_path = factory.LazyAttribute(lambda o: o.enterprise.region_path)
    on_tax_list = True


class MonthlySalesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlySales

    enterprise = factory.SubFactory(EnterpriseFactory)
    region_path = factory.LazyAttribute(lambda o: o.enterprise.region_path)
    year = 2026
    month = 1
    sales = Decimal("150")
    source = "tax"


class DispatchNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DispatchNote

    entry = factory.SubFactory(PoolEntryFactory)
    problems = "产能不足"
    responsible = "张三"
    follow_up_on = date(2026, 12, 31)


class ColumnMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ColumnMapping

    region = factory.LazyFunction(county)
    region_path = factory.LazyAttribute(lambda o: o.region.path)
    kind = "tax"
    mapping = factory.LazyFunction(lambda: {"credit_code": "纳税人识别号"})

# Every concrete model of the project's apps -> its factory (tests/test_factories.py keeps this complete).

# -- the scorecard core (portal.scorecards): subjects are enterprises of the test adapter ("testing.enterprise")
class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sc.Scheme

    kind = "testing.enterprise"
    year = factory.Sequence(lambda n: 2000 + n % 900)
    title = factory.LazyAttribute(lambda o: f"{o.year}年度企业考核")
    region = factory.LazyFunction(lambda: county().parent)


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sc.Part

    scheme = factory.SubFactory(SchemeFactory)
    name = "考核"
    weight = Decimal("100")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sc.Indicator

    part = factory.SubFactory(PartFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    name = "工作质量"
    weight = Decimal("100")
    rubric = "按工作质量评分"


class ScoreTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sc.Target

    indicator = factory.SubFactory(IndicatorFactory, method=sc.Indicator.Method.COMPUTED, metric="employees")
    subject_type = "std"
    value = Decimal("100")


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sc.Round

    scheme = factory.SubFactory(SchemeFactory)
    name = "年评价"
    weight = Decimal("100")


class ScorerRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sc.ScorerRule

    scheme = factory.SubFactory(SchemeFactory)
    subject_type = "std"
    scorer = "city_official"
    label = "市级评分"


class ClassRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sc.ClassRule

    scheme = factory.SubFactory(SchemeFactory)
    label = "一类"
    min_score = Decimal("80")


class ConsequenceRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sc.ConsequenceRule

    scheme = factory.SubFactory(SchemeFactory)
    kind = sc.ConsequenceRule.Kind.LAST
    action = "yellow_card"
    label = "黄牌警告"


class _SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        exclude = ("enterprise",)

    enterprise = factory.SubFactory(EnterpriseFactory)
    subject_kind = "testing.enterprise"
    subject_id = factory.LazyAttribute(lambda o: o.enterprise.pk)
    subject_name = factory.LazyAttribute(lambda o: o.enterprise.name)
    subject_type = "std"
    region_path = factory.LazyAttribute(lambda o: o.enterprise.region_path)


class SheetFactory(_SubjectFactory):
    class Meta:
        model = sc.Sheet

    round = factory.SubFactory(RoundFactory)


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sc.Entry

    sheet = factory.SubFactory(SheetFactory)
    indicator = factory.SubFactory(IndicatorFactory, part__scheme=factory.SelfAttribute("...sheet.round.scheme"))


class ResultFactory(_SubjectFactory):
    class Meta:
        model = sc.Result

    scheme = factory.SubFactory(SchemeFactory)
    total = Decimal("80.00")
    rank = 1


class ConsequenceFactory(_SubjectFactory):
    class Meta:
        model = sc.Consequence

    rule = factory.SubFactory(ConsequenceRuleFactory)
    result = factory.SubFactory(ResultFactory, scheme=factory.SelfAttribute("..rule.scheme"),
                                enterprise=factory.SelfAttribute("..enterprise"))
    year = factory.LazyAttribute(lambda o: o.rule.scheme.year)


class ObjectionFactory(_SubjectFactory):
    class Meta:
        model = sc.Objection

    entry = factory.SubFactory(EntryFactory, sheet__enterprise=factory.SelfAttribute("...enterprise"))
    raised_by = factory.LazyAttribute(lambda o: officer(o.enterprise))
    text = "材料漏计"
    deadline = factory.LazyFunction(timezone.localdate)

FACTORIES = {
    sc.Scheme: SchemeFactory,
    sc.Part: PartFactory,
    sc.Indicator: IndicatorFactory,
    sc.Target: ScoreTargetFactory,
    sc.Round: RoundFactory,
    sc.ScorerRule: ScorerRuleFactory,
    sc.ClassRule: ClassRuleFactory,
    sc.ConsequenceRule: ConsequenceRuleFactory,
    sc.Sheet: SheetFactory,
    sc.Entry: EntryFactory,
    sc.Result: ResultFactory,
    sc.Consequence: ConsequenceFactory,
    sc.Objection: ObjectionFactory,
    CountyTarget: CountyTargetFactory,
    PoolEntry: PoolEntryFactory,
    MonthlySales: MonthlySalesFactory,
    DispatchNote: DispatchNoteFactory,
    ColumnMapping: ColumnMappingFactory,
    Region: RegionFactory,
    RegionQuota: QuotaFactory,
    User: UserFactory,
    EnterpriseRegistration: RegistrationFactory,
    UserSession: UserSessionFactory,
    AddressLockout: AddressLockoutFactory,
    Industry: IndustryFactory,
    SizeStandard: SizeStandardFactory,
    SizeThreshold: SizeThresholdFactory,
    Enterprise: EnterpriseFactory,
    Notice: NoticeFactory,
    AuditEntry: AuditEntryFactory,
    Notification: NotificationFactory,
    Delivery: DeliveryFactory,
    Preference: PreferenceFactory,
    TaskRun: TaskRunFactory,
    Period: PeriodFactory,
    Filing: FilingFactory,
    FilingProduct: FilingProductFactory,
    FilingEvent: FilingEventFactory,
    RegionReport: RegionReportFactory,
    Chase: ChaseFactory,
    Bulletin: BulletinFactory,
    AnalysisReport: AnalysisReportFactory,
    ExportJob: ExportJobFactory,
    IdempotencyRecord: IdempotencyRecordFactory,
    UnlockRequest: UnlockRequestFactory,
    Platform: PlatformFactory,
    StartupBase: StartupBaseFactory,
    Questionnaire: QuestionnaireFactory,
    Question: QuestionFactory,
    Campaign: CampaignFactory,
    Invitation: InvitationFactory,
    Response: ResponseFactory,
    Honour: HonourFactory,
    Recognition: RecognitionFactory,
    OperatorTerm: OperatorTermFactory,
    ServiceRecord: ServiceRecordFactory,
    Activity: ActivityFactory,
    Tenant: TenantFactory,
    StatusChange: StatusChangeFactory,
    GrowthPlan: GrowthPlanFactory,
    PlanNote: PlanNoteFactory,
    TenantFigures: TenantFiguresFactory,
    Target: TargetFactory,
    SelfCheckRound: SelfCheckRoundFactory,
    SelfCheck: SelfCheckFactory,
    SelfCheckItem: SelfCheckItemFactory,
    Visit: VisitFactory,
}
