"""The questionnaire and rating engine: questionnaires and their questions, campaigns (a questionnaire sent to
a sample or a list of enterprises about a subject), one invitation per member, one response per invitation.

The engine knows nothing of what is rated: a campaign names its purpose ("platforms.satisfaction") and its
subject (kind, id, label) as opaque values the calling app reads back."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import InRegion, Named, ScopedQuerySet, Through

from . import rules


class Questionnaire(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        CLOSED = "closed", _("已停用")

    key = models.SlugField(_("标识"), max_length=60, null=True, blank=True, unique=True)
    title = models.CharField(_("问卷名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("所属地区"), on_delete=models.PROTECT,
                               related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    # Officials read the questionnaires of their subtree and of the levels above (a county uses the
    # province's); changes are the province's (Scope.may_design_questionnaires), asked by the services.
    tenancy = InRegion("region_path", officials_only=True, ancestors=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        ordering = ["-updated_at", "-id"]

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE5 = "scale5", _("五级满意度")
        SINGLE = "single", _("单选")
        MULTIPLE = "multiple", _("多选")
        NUMBER = "number", _("数值")
        TEXT = "text", _("文字")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    text = models.CharField(_("题目"), max_length=300)
    kind = models.CharField(_("题型"), max_length=10, choices=Kind.choices, default=Kind.SCALE5)
    options = models.JSONField(_("选项"), default=list, blank=True)  # single / multiple: a list of labels
    required = models.BooleanField(_("必答"), default=True)
    help_text = models.CharField(_("填写说明"), max_length=300, blank=True)
    min_value = models.DecimalField(_("最小值"), max_digits=18, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("最大值"), max_digits=18, decimal_places=4, null=True, blank=True)

    tenancy = Through("questionnaire")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("问卷题目")
        verbose_name_plural = _("问卷题目")
        ordering = ["questionnaire", "order", "id"]

    def __str__(self):
        return self.text

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"

    def choices(self) -> list[tuple]:
        if self.kind == self.Kind.SCALE5:
            return [(str(v), label) for v, label in rules.SCALE5]
        return [(o, o) for o in self.options or []]


class Campaign(models.Model):
    """A questionnaire sent, for a window of days, to a drawn sample or a list of enterprises about a subject."""

    questionnaire = models.ForeignKey(Questionnaire, verbose_name=_("问卷"), on_delete=models.PROTECT,
                                      related_name="campaigns")
    title = models.CharField(_("调查名称"), max_length=200)
    purpose = models.CharField(_("用途"), max_length=60, db_index=True)  # "platforms.satisfaction", ...
    subject_kind = models.CharField(_("评价对象类型"), max_length=60, blank=True)
    subject_id = models.CharField(_("评价对象编号"), max_length=64, blank=True)
    subject_label = models.CharField(_("评价对象"), max_length=200, blank=True)
    period_label = models.CharField(_("期间"), max_length=40, blank=True)
    asker = models.CharField(_("发起单位"), max_length=200, blank=True)
    opens = models.DateField(_("开始日期"))
    closes = models.DateField(_("截止日期"))
    region = models.ForeignKey("regions.Region", verbose_name=_("所属地区"), on_delete=models.PROTECT,
                               related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    created_by = models.ForeignKey("accounts.User", verbose_name=_("发起人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    threshold = models.DecimalField(_("满意率达标线"), max_digits=5, decimal_places=4,
                                    default=rules.DEFAULT_SATISFIED_THRESHOLD)
    # The draw, so it can be shown and replayed: share asked, seed, sizes (population before the draw).
    sample_fraction = models.DecimalField(_("抽样比例"), max_digits=5, decimal_places=4, null=True, blank=True)
    sample_seed = models.CharField(_("抽样种子"), max_length=64, blank=True)
    population_size = models.PositiveIntegerField(_("总体数"), default=0)
    sample_size = models.PositiveIntegerField(_("样本数"), default=0)

    tenancy = Named("campaigns")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("问卷调查")
        verbose_name_plural = _("问卷调查")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(opens__lte=models.F("closes")),
                                              name="campaign_opens_before_closes")]

    def __str__(self):
        return self.title

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.opens <= today <= self.closes


class Invitation(models.Model):
    """One member of a campaign: a registry enterprise (its officers answer in their accounts) or an outside
    contact (who answers through the one-time link only). The link's token is never stored: it is derived
    from ``token_salt`` and the secret key when sent, and looked up by its SHA-256 (``token_hash``)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    contact_name = models.CharField(_("联系人或单位"), max_length=200, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    token_salt = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    link_sent_at = models.DateTimeField(_("链接发送时间"), null=True, blank=True)
    expires = models.DateField(_("链接有效期至"))
    answered_at = models.DateTimeField(_("填写时间"), null=True, blank=True)
    verified = models.BooleanField(_("已核验"), default=False)

    tenancy = Named("invitations")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("问卷邀请")
        verbose_name_plural = _("问卷邀请")
        ordering = ["campaign", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "enterprise"], condition=Q(enterprise__isnull=False),
                                               name="one_invitation_per_enterprise")]

    def __str__(self):
        return self.enterprise.name if self.enterprise_id else self.contact_name

    @property
    def name(self) -> str:
        return str(self)


class Response(models.Model):
    class Channel(models.TextChoices):
        ACCOUNT = "account", _("企业账号")
        LINK = "link", _("一次性链接")

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    answers = models.JSONField(_("答案"), default=dict, blank=True)  # {"<question id>": value}, validated by the service
    channel = models.CharField(_("填写方式"), max_length=10, choices=Channel.choices)
    answered_by = models.ForeignKey("accounts.User", verbose_name=_("填写人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    verified = models.BooleanField(_("已核验"), default=False)
    created_at = models.DateTimeField(_("填写时间"), default=timezone.now)

    tenancy = Through("invitation")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("问卷答卷")
        verbose_name_plural = _("问卷答卷")

    def __str__(self):
        return f"{self.invitation} {self.created_at:%Y-%m-%d}"
