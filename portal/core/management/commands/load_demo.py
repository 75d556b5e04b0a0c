"""Load the demo province (Jiangsu) once: regions, quotas, users of every role, enterprises, notices."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from portal.accounts.models import EnterpriseRegistration, Role, User
from portal.audit.context import origin
from portal.core import registry
from portal.enterprises.credit_code import make_code
from portal.enterprises.models import Enterprise, Industry
from portal.enterprises.synthetic import generate_enterprises
from portal.notices.models import Notice, NoticeKind
from portal.regions.models import Region, RegionLevel, RegionQuota
from portal.regions.services import DATA_DIR, load_region_tree

DEMO_PASSWORD = "Jsu@Demo2026"

# (username, role, region code or None, full name, what they are)
DEMO_USERS = [
    ("sheng", Role.OFFICIAL, "32", "省厅 孙统计", "省级主管部门(省厅)"),
    ("nantong", Role.OFFICIAL, "320600", "南通市 周科长", "市级主管部门(南通市工信局)"),
    ("haian", Role.OFFICIAL, "320685", "海安市 吴审核", "县级主管部门(海安市)"),
    ("rugao", Role.OFFICIAL, "320682", "如皋市 郑审核", "县级主管部门(如皋市)"),
    ("nanjing", Role.OFFICIAL, "320100", "南京市 冯科长", "市级主管部门(南京市)"),
    ("qiye", Role.ENTERPRISE, None, "海安企业 陈信息员", "企业信息员(海安市一家监测企业)"),
    ("pingtai", Role.PLATFORM_OPERATOR, None, "平台 卫运营", "服务平台运营单位"),
    ("jidi", Role.BASE_MANAGER, None, "基地 蒋主任", "创业基地管理机构"),
    ("sysadmin", Role.SYSTEM_ADMIN, None, "系统管理员", "系统管理员(账号、配置)"),
    ("secadmin", Role.SECURITY_ADMIN, None, "安全管理员", "安全管理员(角色、授权)"),
    ("auditor", Role.AUDIT_ADMIN, None, "审计管理员", "审计管理员(只读审计日志)"),
]

NOTICES = [
    (NoticeKind.NOTICE, "关于做好2026年11月中小企业运行监测数据填报工作的通知",
     "各设区市工信局:请督促监测企业于12月13日前完成11月报表填报,各地于12月15日前完成审核上报。"),
    (NoticeKind.NOTICE, "2026年第三季度各地监测企业报送情况通报",
     "第三季度全省监测企业按时报送率总体稳定,请报送率排名靠后的地区加强督促。"),
    (NoticeKind.NOTICE, "关于开展2026年度中小企业公共服务平台评价工作的通知",
     "各服务平台请于12月10日前提交年度工作总结。"),
    (NoticeKind.NEWS, "全省中小企业运行监测工作培训会在南京召开", "培训围绕新版监测平台的填报、审核与数据交换接口展开。"),
    (NoticeKind.NEWS, "南通市小微工业企业列规增收工作取得阶段性成效", "前三季度全市新增规上工业企业数量稳步增长。"),
    (NoticeKind.NEWS, "专精特新“小巨人”企业培育工作推进会召开", "会议部署了下一阶段梯度培育工作。"),
    (NoticeKind.POLICY, "中小企业划型标准规定(工信部联企业〔2011〕300号)",
     "根据企业从业人员、营业收入、资产总额等指标,结合行业特点划分为中型、小型、微型三种类型。"),
    (NoticeKind.POLICY, "江苏省中小企业促进条例",
     "省中小企业行政管理部门会同省统计部门建立健全中小企业统计监测体系。"),
    (NoticeKind.POLICY, "关于进一步做好小微企业运行监测工作的通知",
     "监测企业应在每月13日前填写上报报表,市、县(市)审核后于每月15日前上报。"),
]

DRAFT_NOTICE = ("关于开展2027年度监测企业调整工作的通知(草稿)",
                "各设区市工信局:请根据2027年度监测企业数量分配表,做好监测企业的调整和补充工作。")


class Command(BaseCommand):
    help = "Load the demo province (Jiangsu) with users of every role. Does nothing if already loaded."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=600)

    def handle(self, *args, **options):
        if User.objects.filter(username="sheng").exists():
            self.stdout.write("Demo data already loaded.")
        else:
            with origin("cli"), transaction.atomic():
                self._load(options["enterprises"])
            self.stdout.write(self.style.SUCCESS("Demo province loaded."))
        self.print_logins()

    def _load(self, n_enterprises: int):
        load_region_tree(DATA_DIR / "jiangsu.json")
        year = timezone.localdate().year
        # Every county of the cities the shipped tree gives counties takes part, 南通's twice as many (its
        # officials are the demo's). Cities without counties in the tree have no monitored enterprise and no
        # quota: they are not taking part, shown "—" on the status pages, bulletins and analysis.
        cities = Region.objects.filter(level=RegionLevel.CITY, children__isnull=False).distinct()
        counties = list(Region.objects.filter(parent__in=cities).select_related("parent").order_by("path"))
        nantong = [c for c in counties if c.parent.code == "320600"]
        generate_enterprises(n_enterprises, counties=nantong + counties)
        self._quotas(year)

        haian = Region.objects.get(code="320685")
        enterprise = Enterprise.objects.filter(region=haian).order_by("id").first()
        users = {}
        for username, role, region_code, full_name, _what in DEMO_USERS:
            user = User(
                username=username, full_name=full_name, role=role, email=f"{username}@demo.example.cn",
                region=Region.objects.get(code=region_code) if region_code else None,
                enterprise=enterprise if role == Role.ENTERPRISE else None,
                is_staff=role == Role.SYSTEM_ADMIN,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            users[username] = user
        now = timezone.now()
        author = User.objects.get(username="sheng")
        Notice.objects.bulk_create([
            Notice(kind=kind, title=title, body=body, source="省工业和信息化厅", author=author,
                   published_at=now - timedelta(days=3 * i))
            for i, (kind, title, body) in enumerate(NOTICES)
        ])
        # Something waiting on two dashboards: a draft for the province, a registration for 海安.
        Notice.objects.create(kind=NoticeKind.NOTICE, title=DRAFT_NOTICE[0], body=DRAFT_NOTICE[1],
                              source="省工业和信息化厅", author=author, is_published=False)
        EnterpriseRegistration.objects.create(
            credit_code=make_code("91320685MA1DEM201"), name="海安市示范精密机械有限公司", region=haian,
            industry=Industry.objects.get(code="34"), contact_name="钱信息员", contact_phone="13812345678",
            email="qian@demo.example.cn", username="haian_jixie", password_hash=make_password(DEMO_PASSWORD))
        # Each domain app's part of the demo (portal.core.registry): its platforms, bases, filings...
        for loader in registry.demo_loaders():
            loader.load(users=users)

    def _quotas(self, year: int) -> None:
        """Each region's quota a little above the enterprises it monitors (rounded up to tens), the province's
        its cities' sum; regions without monitored enterprises get none."""
        monitored = Enterprise.objects.filter(monitored_from__isnull=False)
        quotas = {}
        for level, key in ((RegionLevel.COUNTY, "region_id"), (RegionLevel.CITY, "region__parent_id")):
            for row in monitored.values(key).annotate(n=Count("id")).order_by():
                quotas[row[key]] = (level, -(-row["n"] * 11 // 100) * 10)
        province = Region.objects.get(level=RegionLevel.PROVINCE)
        quotas[province.pk] = (RegionLevel.PROVINCE, sum(q for lvl, q in quotas.values() if lvl == RegionLevel.CITY))
        RegionQuota.objects.bulk_create([RegionQuota(region_id=pk, year=year, quota=quota)
                                         for pk, (_level, quota) in quotas.items()])

    def print_logins(self):
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for username, _role, _region, _name, what in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {what}")
