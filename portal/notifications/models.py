"""The in-site inbox, channel preferences, one row per logical send (so nothing is sent twice),
and the record of every scheduled run."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import Internal, Named, Owned, ScopedQuerySet


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class NotificationQuerySet(ScopedQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in a user's inbox (``recipient``), or, for an enterprise nobody logs in for, a message to its
    monitoring contact (``enterprise``, no recipient): in no inbox, sent only by email/SMS to the contact."""

    recipient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="notifications",
                                  null=True, blank=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+",
                                   null=True, blank=True)
    # A unique key per logical message (e.g. "reminder:filing:2026-10:day10:<enterprise id>"): a retried or
    # duplicated task run finds it and sends nothing twice.
    key = models.CharField(max_length=160)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    tenancy = Owned("recipient_id")
    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_key"),
            models.UniqueConstraint(fields=["enterprise", "key"], condition=Q(recipient__isnull=True),
                                    name="one_contact_notification_per_key"),
            models.CheckConstraint(condition=Q(recipient__isnull=False) | Q(enterprise__isnull=False),
                                   name="notification_has_recipient_or_enterprise"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title


class Delivery(models.Model):
    """One message over one outside channel (email, SMS), sent at most once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    address = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    tenancy = Internal()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_channel")]

    def __str__(self):
        return f"{self.channel} {self.address}"


class Preference(models.Model):
    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="notification_preference")
    email = models.BooleanField(_("电子邮件"), default=True)
    sms = models.BooleanField(_("短信"), default=False)

    tenancy = Owned("user_id")
    objects = ScopedQuerySet.as_manager()

    def __str__(self):
        return str(self.user_id)


class TaskRun(models.Model):
    """Every scheduled or queued job run: started, finished, outcome, counts."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("运行中")
        OK = "ok", _("成功")
        FAILED = "failed", _("失败")
        RETRY = "retry", _("待重试")

    task = models.CharField(_("任务"), max_length=120)
    task_id = models.CharField(max_length=64, blank=True)
    args = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(_("开始"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=8, choices=Outcome.choices, default=Outcome.RUNNING)
    counts = models.JSONField(_("计数"), default=dict, blank=True)
    error = models.TextField(blank=True)

    tenancy = Named("task_runs")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务运行记录")
        verbose_name_plural = _("任务运行记录")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.task} {self.started_at:%Y-%m-%d %H:%M}"
