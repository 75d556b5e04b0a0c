from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import Named, ScopedQuerySet


class NoticeKind(models.TextChoices):
    NEWS = "news", _("资讯")
    NOTICE = "notice", _("通知公告")
    POLICY = "policy", _("法律法规")


class NoticeQuerySet(ScopedQuerySet):
    def published(self):
        return self.filter(is_published=True, published_at__lte=timezone.now())

class Notice(models.Model):
    kind = models.CharField(_("栏目"), max_length=16, choices=NoticeKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    body = models.TextField(_("正文"))
    is_published = models.BooleanField(_("已发布"), default=True)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now, db_index=True)
    author = models.ForeignKey("accounts.User", verbose_name=_("发布人"), null=True, on_delete=models.SET_NULL)
    views = models.PositiveIntegerField(_("浏览次数"), default=0)

    tenancy = Named("notices")
    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("资讯公告")
        verbose_name_plural = _("资讯公告")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["kind", "-published_at"], name="notice_kind_date")]

    def __str__(self):
        return self.title

    @property
    def state(self) -> str:
        """draft, scheduled (published with a future time) or published."""
        if not self.is_published:
            return "draft"
        return "scheduled" if self.published_at > timezone.now() else "published"
