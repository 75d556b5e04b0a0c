"""The seed's tables as data (江苏省中小企业公共服务平台评价办法, seed 001): service areas, activity kinds,
recognition validity, how long a quarter stays open for its records, the annual summary's due day."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceArea(models.TextChoices):
    """The ten service areas of a window platform (seed 001, 服务成效)."""

    CONSULTING = "consulting", _("咨询管理")
    TESTING = "testing", _("检验检测")
    SHARED_MANUFACTURING = "shared_mfg", _("共享制造")
    PROPERTY_RIGHTS = "property_rights", _("产权交易")
    TALENT = "talent", _("人才招引")
    UPSCALING = "upscaling", _("升规入统")
    PROJECT_FUNDS = "project_funds", _("争资引项")
    INNOVATION = "innovation", _("技术创新")
    FINANCING = "financing", _("融资担保")
    LISTING = "listing", _("上市辅导")


class ActivityKind(models.TextChoices):
    """The routine work groups counted per quarter (平台活跃度 and the others)."""

    NOTICE = "notice", _("通知公告/政策解读发布")
    NEWS = "news", _("原创新闻")
    DEMAND = "demand", _("企业需求发布到省网络平台")
    ONLINE = "online", _("线上服务(网站、公众号)")
    COORDINATION = "coordination", _("与主管部门及其他平台协同")
    CULTIVATION = "cultivation", _("培育服务机构")
    HONOUR = "honour", _("获得荣誉")


class Charging(models.TextChoices):
    FREE = "free", _("公益")
    PAID = "paid", _("收费")


class Channel(models.TextChoices):
    WEB = "web", _("网页录入")
    IMPORT = "import", _("批量导入")
    API = "api", _("接口推送")


class RecognitionLevel(models.TextChoices):
    NATIONAL = "national", _("国家级示范")
    PROVINCIAL = "provincial", _("省级示范")
    CITY = "city", _("市级示范")


# A demonstration recognition holds three years (national practice), re-reviewed before it lapses.
RECOGNITION_YEARS = 3
REREVIEW_REMINDER_DAYS = 90
# A quarter's records may be added, changed and deleted until this many days after the quarter ends (the
# city platform compiles the quarterly bulletin from them afterwards).
RECORD_GRACE_DAYS = 10
# The annual work summary (年度工作总结) is due on this day of December.
ANNUAL_SUMMARY_DUE = (12, 10)
# The honours that count as a service result (服务成效): 专精特新, 小巨人, 单项冠军.
RESULT_HONOURS = ("specialized", "little_giant", "single_champion")
MAX_BATCH = 1000
