"""Users and roles.

Every user holds exactly one role (a single column, so nobody can hold two of the three separated
administrator roles). Officials are bound to a region, information officers to one enterprise;
platform operators and base managers get object grants through django-guardian.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import InRegion, Internal, Named, ScopedQuerySet
from portal.regions.models import RegionLevel

from .roles import ADMIN_ROLES, Role  # noqa: F401  (Role is imported from here across the project)


class PortalUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.NONE)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所属地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)
    # The interface language the user chose (a code of settings.LANGUAGES); empty: the browser's or the
    # cookie's. Applied on every request of the signed-in user (accounts.middleware.UserLanguageMiddleware).
    language = models.CharField(_("界面语言"), max_length=16, blank=True, default="")

    tenancy = Named("users")
    objects = PortalUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="official_has_region",
                condition=~Q(role="official") | Q(region__isnull=False),
            ),
            models.CheckConstraint(
                name="exchange_system_has_region",
                condition=~Q(role="exchange") | Q(region__isnull=False),
            ),
            models.CheckConstraint(
                name="enterprise_officer_has_enterprise",
                condition=~Q(role="enterprise") | Q(enterprise__isnull=False),
            ),
            models.CheckConstraint(
                name="admins_are_not_superusers",
                condition=~Q(role__in=["system_admin", "security_admin", "audit_admin"]) | Q(is_superuser=False),
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_official(self) -> bool:
        return self.role == Role.OFFICIAL and self.region_id is not None

    @property
    def is_province_official(self) -> bool:
        return self.is_official and self.region.level == RegionLevel.PROVINCE

    @property
    def is_county_official(self) -> bool:
        return self.is_official and self.region.level == RegionLevel.COUNTY

    @property
    def role_label(self) -> str:
        if self.is_official:
            return {
                RegionLevel.PROVINCE: _("省级主管部门"),
                RegionLevel.CITY: _("市级主管部门"),
                RegionLevel.COUNTY: _("县级主管部门"),
            }[self.region.level]
        return self.get_role_display()


class EnterpriseRegistration(models.Model):
    """An enterprise's request for an account, decided by the official of its county."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已驳回")

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("企业名称"), max_length=128)
    region = models.ForeignKey("regions.Region", verbose_name=_("所在县(市、区)"), on_delete=models.PROTECT)
    industry = models.ForeignKey("enterprises.Industry", verbose_name=_("所属行业"), on_delete=models.PROTECT)
    contact_name = models.CharField(_("联系人"), max_length=64)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    email = models.EmailField(_("电子邮箱"))
    username = models.CharField(_("登录名"), max_length=150)
    password_hash = models.CharField(max_length=128, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.TextField(_("审核意见"), blank=True)

    tenancy = InRegion("region__path", officials_only=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业注册申请")
        verbose_name_plural = _("企业注册申请")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=Q(status="pending"), name="one_pending_registration_per_code"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.credit_code})"


class UserSession(models.Model):
    """The sessions a user holds, written on login, so ending them never scans the session table.

    Bookkeeping only (filled by the ``user_logged_in`` signal): disabling an account, changing its role
    or resetting its password ends exactly these sessions. Rows of sessions that expired on their own
    are pruned when the user next logs in.
    """

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(_("会话"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("登录时间"), default=timezone.now)

    tenancy = Internal()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        indexes = [models.Index(fields=["user", "created_at"], name="user_session_user")]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class AddressLockoutQuerySet(ScopedQuerySet):
    def active(self, at=None):
        """Lockouts in force at ``at`` (now): neither expired nor released."""
        return self.filter(released_at__isnull=True, locked_until__gt=at or timezone.now())


class AddressLockout(models.Model):
    """Logins from one client address refused for a while, after too many failures across user names.

    Written by portal.accounts.lockout when an address reaches LOGIN_ADDRESS_FAILURE_LIMIT failures within
    LOGIN_ADDRESS_WINDOW; lifted by time (LOGIN_ADDRESS_LOCKOUT) or by the security administrator. The
    rows stay as the record of each lockout and who lifted it. (Locks of one user name from one address
    are django-axes' AccessAttempt rows.)
    """

    ip_address = models.GenericIPAddressField(_("来源地址"))
    failures = models.PositiveIntegerField(_("失败次数"))
    locked_at = models.DateTimeField(_("锁定时间"), default=timezone.now)
    locked_until = models.DateTimeField(_("锁定至"))
    released_at = models.DateTimeField(_("解锁时间"), null=True, blank=True)
    released_by = models.ForeignKey(
        User, verbose_name=_("解锁人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    tenancy = Named("lockouts")
    objects = AddressLockoutQuerySet.as_manager()

    class Meta:
        verbose_name = _("登录地址锁定")
        verbose_name_plural = _("登录地址锁定")
        ordering = ["-locked_at"]
        indexes = [models.Index(fields=["ip_address", "locked_at"], name="address_lockout_ip")]

    def __str__(self):
        return self.ip_address

    @property
    def ended_at(self):
        """When the lockout stopped refusing logins (or will): its expiry, or its release if earlier."""
        if self.released_at and self.released_at < self.locked_until:
            return self.released_at
        return self.locked_until
