"""The scorecard core: weighted schemes scored in rounds, ranked, classed and followed by consequences.

One engine for every kind of subject (service platforms, startup bases, 亩均 grading): a subject is a row of a
domain app, named here by its adapter's key (``subject_kind``, "platforms.platform") and its primary key
(``subject_id``); the app tells the core about its subjects through an adapter (adapters.py) registered in
``portal.core.registry``. The core imports no domain app.

Scheme → Part → Indicator (a tree; computed, rated or bonus leaves) → Target (per subject type);
Scheme → Round → Sheet (one subject) → Entry (one leaf); Scheme → Result (annual total, rank, class);
ScorerRule, ClassRule, ConsequenceRule are the scheme's rules as data; Consequence and Objection are
followed up. Rows about a subject carry a copy of its region path for tenancy.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import Named, ScopedQuerySet, Through
from portal.core.files import RandomName

W = {"max_digits": 7, "decimal_places": 2}  # weights and points: 99,999.99 at most


class Scheme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("已启用")

    class RankWithin(models.TextChoices):
        TYPE = "type", _("按类型分别排名")
        KIND = "kind", _("全部对象统一排名")

    class ClassMode(models.TextChoices):
        CUTOFF = "cutoff", _("按分数线")
        PERCENTILE = "percentile", _("按名次百分比")

    kind = models.CharField(_("考核对象"), max_length=64)  # the adapter's key
    year = models.PositiveIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2999)])
    title = models.CharField(_("名称"), max_length=200)
    region = models.ForeignKey("regions.Region", verbose_name=_("考核单位所在地区"), on_delete=models.PROTECT,
                               related_name="+")
    objection_days = models.PositiveIntegerField(_("异议期(日历日)"), default=7,
                                                 validators=[MinValueValidator(1), MaxValueValidator(90)])
    bonus_cap = models.DecimalField(_("加分上限"), default=Decimal("0"), validators=[MinValueValidator(0)], **W)
    rank_within = models.CharField(_("排名范围"), max_length=8, choices=RankWithin.choices, default=RankWithin.TYPE)
    class_mode = models.CharField(_("分类方式"), max_length=16, choices=ClassMode.choices, default=ClassMode.CUTOFF)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)

    tenancy = Named("scorecard_schemes", change="scorecard_schemes_changeable")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="one_scheme_per_kind_year")]

    def __str__(self):
        return self.title


class Part(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(_("名称"), max_length=100)
    weight = models.DecimalField(_("权重"), validators=[MinValueValidator(0)], **W)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    tenancy = Through("scheme")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核部分")
        verbose_name_plural = _("考核部分")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    class Method(models.TextChoices):
        COMPUTED = "computed", _("数据计算")
        RATED = "rated", _("评分")
        BONUS = "bonus", _("加分项")

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField(_("编号"), max_length=16)
    name = models.CharField(_("指标"), max_length=200)
    weight = models.DecimalField(_("分值"), validators=[MinValueValidator(0)], **W)
    method = models.CharField(_("评分方式"), max_length=8, choices=Method.choices, default=Method.RATED)
    metric = models.CharField(_("计算指标"), max_length=64, blank=True)
    cap = models.DecimalField(_("完成率上限"), max_digits=4, decimal_places=2, default=Decimal("1.00"),
                              validators=[MinValueValidator(0)])
    rubric = models.TextField(_("评分标准"), blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    tenancy = Through("part")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    subject_type = models.CharField(_("对象类型"), max_length=32)
    value = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])

    tenancy = Through("indicator")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("目标值")
        verbose_name_plural = _("目标值")
        constraints = [models.UniqueConstraint(fields=["indicator", "subject_type"], name="one_target_per_type")]

    def __str__(self):
        return f"{self.subject_type}: {self.value}"


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("未开始")
        SCORING = "scoring", _("评分中")
        REVIEW = "review", _("待审核")
        PUBLISHED = "published", _("已发布")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("名称"), max_length=100)
    weight = models.DecimalField(_("权重"), validators=[MinValueValidator(0)], **W)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    starts = models.DateField(_("开始日期"), null=True, blank=True)
    ends = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    tenancy = Through("scheme")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核轮次")
        verbose_name_plural = _("考核轮次")
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.scheme} · {self.name}"

    @property
    def frozen(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ScorerRule(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="scorer_rules")
    subject_type = models.CharField(_("对象类型"), max_length=32)
    scorer = models.CharField(_("评分人"), max_length=64)  # a key the adapter resolves (may_score)
    label = models.CharField(_("说明"), max_length=100)

    tenancy = Through("scheme")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评分关系")
        verbose_name_plural = _("评分关系")
        ordering = ["subject_type", "pk"]

    def __str__(self):
        return self.label


class ClassRule(models.Model):
    """A class (一类/二类/三类, A/B/C): score at least ``min_score`` (cut-off mode), or within the top
    ``min_score`` per cent of the ranking (percentile mode); the first matching in ``order`` wins."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="class_rules")
    label = models.CharField(_("类别"), max_length=32)
    min_score = models.DecimalField(_("分数线或百分比"), validators=[MinValueValidator(0)], **W)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    tenancy = Through("scheme")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("分类规则")
        verbose_name_plural = _("分类规则")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label


class ConsequenceRule(models.Model):
    class Kind(models.TextChoices):
        TOP_N = "top_n", _("前N名")
        LAST = "last", _("末位")
        CLASS_CONSECUTIVE = "class_consecutive", _("连续N年为某类")
        LAST_CONSECUTIVE = "last_consecutive", _("连续N年末位")

    class Approval(models.TextChoices):
        NONE = "none", _("无需审批")
        CITY = "city", _("市级审批")
        PROVINCE = "province", _("省级审批")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="consequence_rules")
    kind = models.CharField(_("规则"), max_length=20, choices=Kind.choices)
    n = models.PositiveIntegerField(_("名次数"), default=1)
    class_label = models.CharField(_("类别"), max_length=32, blank=True)
    years = models.PositiveIntegerField(_("连续年数"), default=1)
    subject_types = models.JSONField(_("适用类型"), default=list, blank=True)  # [] = every type
    min_group = models.PositiveIntegerField(_("最少对象数"), default=2)
    action = models.CharField(_("处理"), max_length=64)  # a key the app interprets (yellow_card, ...)
    label = models.CharField(_("名称"), max_length=100)
    approval = models.CharField(_("审批层级"), max_length=10, choices=Approval.choices, default=Approval.NONE)
    due_days = models.PositiveIntegerField(_("整改期限(天)"), default=30)

    tenancy = Through("scheme")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("结果运用规则")
        verbose_name_plural = _("结果运用规则")
        ordering = ["pk"]

    def __str__(self):
        return self.label


class SubjectRow(models.Model):
    """Columns every row about one subject carries: the scoping rule ``Scope.scorecard_subjects`` reads them."""

    subject_kind = models.CharField(_("考核对象类别"), max_length=64)
    subject_id = models.BigIntegerField(_("考核对象"))
    subject_name = models.CharField(_("考核对象名称"), max_length=200)
    subject_type = models.CharField(_("对象类型"), max_length=32)
    region_path = models.CharField(_("地区"), max_length=64, db_index=True)

    tenancy = Named("scorecard_subjects")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class Sheet(SubjectRow):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="sheets")
    total = models.DecimalField(_("得分"), default=Decimal("0"), **W)
    bonus = models.DecimalField(_("加分"), default=Decimal("0"), **W)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        ordering = ["subject_type", "subject_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "subject_kind", "subject_id"],
                                               name="one_sheet_per_round_subject")]

    def __str__(self):
        return f"{self.subject_name} · {self.round.name}"


class Entry(models.Model):
    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2, null=True, blank=True)
    rating = models.DecimalField(_("评分"), max_digits=5, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(0), MaxValueValidator(100)])
    basis = models.TextField(_("评分依据"), blank=True)
    source = models.CharField(_("数据来源"), max_length=300, blank=True)
    rated_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(_("评分时间"), null=True, blank=True)
    points = models.DecimalField(_("得分"), default=Decimal("0"), **W)

    tenancy = Through("sheet")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        constraints = [models.UniqueConstraint(fields=["sheet", "indicator"], name="one_entry_per_indicator")]

    def __str__(self):
        return f"{self.sheet.subject_name} · {self.indicator}"


class Result(SubjectRow):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="results")
    total = models.DecimalField(_("年度得分"), default=Decimal("0"), **W)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    tied = models.BooleanField(_("并列"), default=False)
    last = models.BooleanField(_("末位"), default=False)
    group_size = models.PositiveIntegerField(_("同组对象数"), default=0)
    class_label = models.CharField(_("类别"), max_length=32, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["subject_type", "rank", "subject_name"]
        constraints = [models.UniqueConstraint(fields=["scheme", "subject_kind", "subject_id"],
                                               name="one_result_per_scheme_subject")]

    def __str__(self):
        return f"{self.subject_name} · {self.scheme.year}"


class Consequence(SubjectRow):
    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        ANSWERED = "answered", _("已答复")
        CLOSED = "closed", _("已办结")
        PROPOSED = "proposed", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")
        WITHDRAWN = "withdrawn", _("已撤销")

    rule = models.ForeignKey(ConsequenceRule, on_delete=models.PROTECT, related_name="consequences")
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="consequences")
    year = models.PositiveIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    due = models.DateField(_("期限"), null=True, blank=True)
    answer = models.TextField(_("整改情况"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("产生时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("结果运用")
        verbose_name_plural = _("结果运用")
        ordering = ["-year", "subject_name", "pk"]

    def __str__(self):
        return f"{self.subject_name} · {self.rule.label}"


class Objection(SubjectRow):
    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("未采纳")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="objections")
    raised_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    text = models.TextField(_("异议内容"))
    evidence = models.FileField(_("证明材料"), upload_to=RandomName("scorecards"), blank=True)
    evidence_name = models.CharField(_("材料文件名"), max_length=200, blank=True)
    deadline = models.DateField(_("异议截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    old_points = models.DecimalField(_("原得分"), null=True, blank=True, **W)
    new_points = models.DecimalField(_("新得分"), null=True, blank=True, **W)

    class Meta:
        verbose_name = _("成绩异议")
        verbose_name_plural = _("成绩异议")
        ordering = ["-raised_at", "pk"]

    def __str__(self):
        return f"{self.subject_name} · {self.entry.indicator.name}"
