"""Every write to accounts: registration, approval, account creation, roles, disabling, passwords."""

from datetime import timedelta
from importlib import import_module
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset as reset_lockout
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.core import registry
from portal.core.exceptions import Conflict
from portal.enterprises import services as enterprise_services
from portal.enterprises.credit_code import validate_credit_code
from portal.enterprises.models import Enterprise
from portal.enterprises.services import validate_industry
from portal.regions.models import Region

from .models import ADMIN_ROLES, AddressLockout, EnterpriseRegistration, Role, User, UserSession
from .scoping import grant_object, grantable_rows, is_granted, revoke_object, scope_for


def _username_free(username: str) -> None:
    if User.objects.filter(username__iexact=username).exists() or EnterpriseRegistration.objects.filter(
        username__iexact=username, status=EnterpriseRegistration.Status.PENDING
    ).exists():
        raise ValidationError({"username": _("该登录名已被使用。")})


@transaction.atomic
def register_enterprise(*, data: dict, password: str) -> EnterpriseRegistration:
    """Self-registration by credit code; waits for the county official's decision."""
    code = validate_credit_code(data["credit_code"])
    if EnterpriseRegistration.objects.filter(credit_code=code, status=EnterpriseRegistration.Status.PENDING).exists():
        raise ValidationError({"credit_code": _("该企业已有待审核的注册申请,请耐心等待县级主管部门审核。")})
    if User.objects.filter(enterprise__credit_code=code, is_active=True).exists():
        raise ValidationError({"credit_code": _("该企业已开通账号,如忘记密码请使用“找回密码”。")})
    if not data["region"].is_county:
        raise ValidationError({"region": _("请选择企业所在的县(市、区)。")})

    validate_industry(data["industry"])
    _username_free(data["username"])
    validate_password(password, User(username=data["username"], email=data.get("email", "")))
    registration = EnterpriseRegistration.objects.create(
        **{**data, "credit_code": code}, password_hash=make_password(password)
    )
    audit.record(
        actor=None, action=AuditEntry.Action.CREATE, obj=registration, region_path=registration.region.path,
        changes={"credit_code": [None, code], "name": [None, registration.name]},
    )
    return registration


@transaction.atomic
def decide_registration(*, actor: User, registration: EnterpriseRegistration, approve: bool, reason: str = "") -> User | None:
    scope = scope_for(actor)
    if actor.role != Role.OFFICIAL or not scope.decidable_registrations(
        EnterpriseRegistration.objects.filter(pk=registration.pk)
    ).exists():
        raise PermissionDenied(_("只有企业所在县(市、区)的主管部门可以审核该申请。"))
    registration = EnterpriseRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != EnterpriseRegistration.Status.PENDING:
        raise ValidationError(_("该申请已处理。"))
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("驳回时须填写理由。")})
    registration.status = (
        EnterpriseRegistration.Status.APPROVED if approve else EnterpriseRegistration.Status.REJECTED
    )
    registration.decided_by, registration.decided_at, registration.reason = actor, timezone.now(), reason.strip()
    registration.save()
    user = None
    if approve:

        enterprise = Enterprise.objects.filter(credit_code=registration.credit_code).first()
        if enterprise is None:
            enterprise = enterprise_services.create_enterprise(
                actor=actor,
                data={
                    "credit_code": registration.credit_code, "name": registration.name,
                    "region": registration.region, "industry": registration.industry,
                    "employees": 0, "revenue": 0, "assets": 0,
                    "contact_name": registration.contact_name, "contact_phone": registration.contact_phone,
                    "contact_email": registration.email,
                },
            )
        elif enterprise.region_id != registration.region_id:
            raise ValidationError(_("该企业已登记在其他地区,不能在本县开通账号。"))
        _username_free(registration.username)
        user = User.objects.create(
            username=registration.username, email=registration.email, full_name=registration.contact_name,
            phone=registration.contact_phone, role=Role.ENTERPRISE, enterprise=enterprise,
            password=registration.password_hash, password_changed_at=timezone.now(),
        )
    audit.record(
        actor=actor,
        action=AuditEntry.Action.APPROVE if approve else AuditEntry.Action.REJECT,
        obj=registration, region_path=registration.region.path, note=reason,
    )
    transaction.on_commit(lambda: _mail_registration_decision(registration))
    return user


def _mail_registration_decision(registration: EnterpriseRegistration) -> None:
    """Tell the applicant the outcome (the registration page promised it)."""
    if registration.status == EnterpriseRegistration.Status.APPROVED:
        subject = _("企业注册申请已通过")
        body = _("%(name)s:您的注册申请已由%(region)s主管部门审核通过,请使用登录名 %(username)s 登录平台填报。") % {
            "name": registration.name, "region": registration.region.name, "username": registration.username}
    else:
        subject = _("企业注册申请未通过")
        body = _("%(name)s:您的注册申请未通过%(region)s主管部门审核。理由:%(reason)s") % {
            "name": registration.name, "region": registration.region.name, "reason": registration.reason}
    send_mail(subject, body, None, [registration.email], fail_silently=True)


@transaction.atomic
def create_enterprise_account(*, actor: User, enterprise: Enterprise, username: str, password: str,
                              full_name: str = "", email: str = "", phone: str = "") -> User:
    """An official opens an account for an enterprise of their region."""
    if not actor.is_official or not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("只能为本地区的企业开通账号。"))
    _username_free(username)
    user = User(username=username, full_name=full_name, email=email, phone=phone, role=Role.ENTERPRISE,
                enterprise=enterprise)
    validate_password(password, user)
    user.set_password(password)
    # The officer must choose their own password at first login.
    user.password_changed_at = timezone.now() - timedelta(days=3650)
    user.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=user, region_path=enterprise.region_path,
                 enterprise_id=enterprise.pk, changes={"username": [None, username], "role": [None, user.role]})
    return user


@transaction.atomic
def create_account(*, actor: User, username: str, password: str, full_name: str = "", email: str = "") -> User:
    """The system administrator creates accounts; roles are given by the security administrator."""
    if actor.role != Role.SYSTEM_ADMIN:
        raise PermissionDenied(_("只有系统管理员可以创建账号。"))
    _username_free(username)
    user = User(username=username, full_name=full_name, email=email, role=Role.NONE)
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now() - timedelta(days=3650)
    user.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=user, changes={"username": [None, username]})
    return user


@transaction.atomic
def assign_role(*, actor: User, user: User, role: str, region: Region | None = None, enterprise: Enterprise | None = None,
                enterprise_code: str = "") -> User:
    """The security administrator gives a user their one role (and its region or enterprise).

    The enterprise of an information officer is given as an object or by its credit code.
    """
    if actor.role != Role.SECURITY_ADMIN:
        raise PermissionDenied(_("只有安全管理员可以分配角色。"))
    if user.pk == actor.pk:
        raise PermissionDenied(_("不能修改自己的角色(三员分立)。"))
    if role not in Role.values:
        raise ValidationError({"role": _("未知的角色。")})
    regional = role in (Role.OFFICIAL, Role.EXCHANGE)
    if regional and region is None:
        raise ValidationError({"region": _("主管部门人员须指定所属地区。")})
    code = (enterprise_code or "").strip().upper()
    if enterprise is None and code:
        enterprise = Enterprise.objects.filter(credit_code=code).first()
        if enterprise is None:
            raise ValidationError({"enterprise_code": _("未找到该统一社会信用代码对应的企业。")})
    if role == Role.ENTERPRISE and enterprise is None:
        raise ValidationError({"enterprise_code": _("企业信息员须指定所属企业。")})
    before = {"role": user.role, "region": user.region, "enterprise": user.enterprise}
    user.role = role
    user.region = region if regional else None
    user.enterprise = enterprise if role == Role.ENTERPRISE else None
    user.is_staff = role == Role.SYSTEM_ADMIN
    user.is_superuser = False
    user.save()
    _end_sessions(user)
    audit.record(actor=actor, action=AuditEntry.Action.GRANT, obj=user,
                 changes=audit.diff(before, {"role": user.role, "region": user.region, "enterprise": user.enterprise}))
    return user


def _end_sessions(user: User) -> int:
    """End every session and API token of the user: the sessions recorded at login, never a table scan."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store.delete(key)
    UserSession.objects.filter(user=user).delete()
    Token.objects.filter(user=user).delete()
    return len(keys)


def record_login(*, user: User, session_key: str | None) -> None:
    """Bookkeeping of a successful login: remember the session (so it can be ended) and audit it."""
    if session_key:
        UserSession.objects.filter(
            user=user, created_at__lt=timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
        ).delete()
        UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})
    audit.record(actor=user, action=AuditEntry.Action.LOGIN, obj=user, region_path=_region_path(user),
                 enterprise_id=user.enterprise_id)


def record_session(*, user: User, session_key: str | None, old_key: str | None = None) -> None:
    """A session changed its key (e.g. after a password change): keep following it."""
    if old_key:
        UserSession.objects.filter(session_key=old_key).delete()
    if session_key:
        UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def forget_session(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def _region_path(user: User) -> str:
    if user.region is not None:
        return user.region.path
    if user.enterprise is not None:
        return user.enterprise.region_path
    return ""


@transaction.atomic
def set_active(*, actor: User, user: User, active: bool) -> User:
    """Disable (ending every session and token) or re-enable an account."""
    allowed = actor.role == Role.SYSTEM_ADMIN or (
        actor.is_official and user.role == Role.ENTERPRISE and User.objects.visible_to(actor).filter(pk=user.pk).exists()
    )
    if not allowed or user.pk == actor.pk:
        raise PermissionDenied(_("无权停用或启用该账号。"))
    if user.role in ADMIN_ROLES and actor.role != Role.SYSTEM_ADMIN:
        raise PermissionDenied(_("无权停用或启用该账号。"))
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        _end_sessions(user)
    audit.record(actor=actor, action=AuditEntry.Action.DISABLE if not active else AuditEntry.Action.UPDATE,
                 obj=user, region_path=_region_path(user),
                 changes={"is_active": [not active, active]})
    return user


@transaction.atomic
def change_password(*, user: User, new_password: str) -> None:
    if user.check_password(new_password):
        raise ValidationError({"new_password1": _("新密码不能与当前密码相同。")})
    validate_password(new_password, user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    # A token made under the old password must not outlive it (the browser session is kept by the view).
    revoked = Token.objects.filter(user=user).delete()[0]
    audit.record(actor=user, action=AuditEntry.Action.UPDATE, obj=user, region_path=_region_path(user),
                 enterprise_id=user.enterprise_id, changes={"password": ["***", "***"]},
                 note=_("已吊销 API 令牌") if revoked else "")


@transaction.atomic
def reset_password(*, user: User, new_password: str) -> None:
    """Password reset by the emailed link: the owner of the mailbox also lifts a login lockout."""

    change_password(user=user, new_password=new_password)
    reset_lockout(username=user.get_username())


PROFILE_FIELDS = ("full_name", "phone", "email")


@transaction.atomic
def update_profile(*, user: User, data: dict) -> User:
    """A user keeps their own name and contact details current (role and region are not theirs to change)."""
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise PermissionDenied(_("只能修改本人的姓名和联系方式。"))
    before = audit.snapshot(user, PROFILE_FIELDS)
    for name, value in data.items():
        setattr(user, name, value.strip() if isinstance(value, str) else value)
    user.full_clean(exclude=["password", "username", "role", "region", "enterprise"])
    user.save(update_fields=list(data))
    changes = audit.diff(before, audit.snapshot(user, PROFILE_FIELDS))
    if changes:
        audit.record(actor=user, action=AuditEntry.Action.UPDATE, obj=user, region_path=_region_path(user),
                     enterprise_id=user.enterprise_id, changes=changes)
    return user


@transaction.atomic
def set_language(*, user: User, language: str) -> User:
    """A signed-in user chooses the interface language; it follows them to every browser they sign in on."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("不支持该语言。"))
    if user.language != language:
        before = user.language
        user.language = language
        user.save(update_fields=["language"])
        audit.record(actor=user, action=AuditEntry.Action.UPDATE, obj=user, region_path=_region_path(user),
                     enterprise_id=user.enterprise_id, changes={"language": [before, language]})
    return user


# -- login lockouts -----------------------------------------------------------------------------------
def _may_unlock(actor: User) -> None:
    if not scope_for(actor).may_unlock_accounts:
        raise PermissionDenied(_("只有安全管理员可以解除登录锁定。"))


@transaction.atomic
def release_account_lockout(*, actor: User, username: str, ip_address: str) -> int:
    """The security administrator lifts the lock of one user name from one address (django-axes' failed
    attempts of that pair are cleared). Returns the number of failures cleared."""

    _may_unlock(actor)
    if not username or not ip_address:
        raise ValidationError(_("请指定要解锁的登录名和来源地址。"))
    attempts = AccessAttempt.objects.select_for_update().filter(
        username=username, ip_address=ip_address, attempt_time__gte=timezone.now() - get_cool_off())
    failures = sum(attempts.values_list("failures_since_start", flat=True))
    if failures < settings.AXES_FAILURE_LIMIT:
        raise ValidationError(_("该锁定已解除或已过期。"))
    reset_lockout(ip=ip_address, username=username)
    user = User.objects.filter(username=username).select_related("region", "enterprise").first()
    note = _("解除登录名 %(username)s 在来源地址 %(ip)s 的登录锁定") % {"username": username, "ip": ip_address}
    if user is not None:
        audit.record(actor=actor, action=AuditEntry.Action.UNLOCK, obj=user, region_path=_region_path(user),
                     enterprise_id=user.enterprise_id, changes={"failures": [failures, 0]}, note=note)
    else:  # a guessed user name: the record names it, there is no account to point to
        audit.record(actor=actor, action=AuditEntry.Action.UNLOCK, model="axes.AccessAttempt",
                     object_repr=username, changes={"failures": [failures, 0]}, note=note)
    return failures


@transaction.atomic
def release_address_lockout(*, actor: User, ip_address: str) -> AddressLockout:
    """The security administrator lifts the lockout of an address (logins across user names); failures
    before the release no longer count towards the next one."""
    _may_unlock(actor)
    now = timezone.now()
    lockouts = list(AddressLockout.objects.select_for_update().active(now).filter(ip_address=ip_address)
                    .order_by("-locked_at"))
    if not lockouts:
        raise ValidationError(_("该锁定已解除或已过期。"))
    AddressLockout.objects.filter(pk__in=[lockout.pk for lockout in lockouts]).update(
        released_at=now, released_by=actor)
    lockout = lockouts[0]
    lockout.refresh_from_db()
    audit.record(actor=actor, action=AuditEntry.Action.UNLOCK, obj=lockout,
                 changes={"locked_until": [lockout.locked_until.isoformat(), now.isoformat()]},
                 note=_("解除来源地址 %(ip)s 的登录锁定") % {"ip": ip_address})
    return lockout


# ------------------------------------------------------------------------------------------------
# Exchange system accounts
# ------------------------------------------------------------------------------------------------

MAX_NAME = 60  # the audit channel is "api:<name>", at most 64 characters


@transaction.atomic
def create_exchange_system(*, name: str, region: Region, full_name: str = "") -> tuple[User, Token]:
    """The account of a region's own monitoring system: role ``exchange``, API only (no usable password).

    Its requests are recorded with channel ``api:<name>``. Returns the user and its new API token.
    """
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise ValidationError({"name": _("系统名称应为1至%(n)d个字符。") % {"n": MAX_NAME}})
    UnicodeUsernameValidator()(name)
    if User.objects.filter(username__iexact=name).exists():
        raise ValidationError({"name": _("该名称已被使用。")})
    user = User(username=name, full_name=full_name or _("%(region)s数据交换系统") % {"region": region.name},
                role=Role.EXCHANGE, region=region)
    user.set_unusable_password()
    user.save()
    audit.record(actor=None, action=AuditEntry.Action.CREATE, obj=user, region_path=region.path,
                 changes={"username": [None, name], "role": [None, Role.EXCHANGE], "region": [None, region.code]},
                 note=_("数据交换系统"))
    return user, issue_exchange_token(user=user)


@transaction.atomic
def issue_exchange_token(*, user: User) -> Token:
    """A new API token for an exchange system, replacing (and so revoking) its previous one."""
    if user.role != Role.EXCHANGE:
        raise ValidationError(_("该账号不是数据交换系统。"))
    replaced = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    audit.record(actor=None, action=AuditEntry.Action.CREATE, model="authtoken.Token", object_id=str(user.pk),
                 object_repr=_("%(user)s 的 API 令牌") % {"user": user.get_username()},
                 region_path=user.region.path if user.region is not None else "",
                 note=_("重新生成,原令牌已作废") if replaced else "")
    return token



# -- object grants (a platform to its operator, a base to its manager) ----------------------------------
def _grant_target(*, actor: User, user: User, target: str) -> Any:
    """The object named ``"<model label>:<pk>"`` that ``actor`` may grant to ``user``: only the security
    administrator, only an active user whose role the model is registered for (``registry.grantable_for_role``)."""
    if not scope_for(actor).may_grant_objects:
        raise PermissionDenied(_("只有安全管理员可以授予或撤销管理对象。"))
    label, _sep, pk = (target or "").partition(":")
    models_by_label = {g.model._meta.label: g.model for g in registry.grantable_for_role(user.role)}
    if not any(g.model._meta.label == label for g in registry.grantables()):
        raise ValidationError({"target": _("请选择要授予的对象。")})
    if label not in models_by_label:
        raise ValidationError({"target": _("该账号的角色(%(role)s)不能管理此类对象。") % {
            "role": user.get_role_display()}})
    if not user.is_active:
        raise ValidationError({"target": _("该账号已停用。")})
    obj = grantable_rows(actor, models_by_label[label]).filter(pk=pk).first() if pk.isdigit() else None
    if obj is None:
        raise ValidationError({"target": _("未找到要授予的对象。")})
    return obj


def _audit_grant(*, actor: User, user: User, obj: Any, granted: bool) -> None:
    names = {"user": user.username, "kind": obj._meta.verbose_name, "obj": str(obj)}
    audit.record(actor=actor, action=AuditEntry.Action.GRANT if granted else AuditEntry.Action.REVOKE, obj=obj,
                 changes={"grantee": [None, user.username] if granted else [user.username, None]},
                 note=(_("授予 %(user)s 管理%(kind)s「%(obj)s」") if granted
                       else _("撤销 %(user)s 对%(kind)s「%(obj)s」的管理")) % names)


@transaction.atomic
def grant_to(*, actor: User, user: User, target: str) -> Any:
    """The security administrator grants ``user`` (a platform operator, a base manager) the object named
    ``"<model label>:<pk>"``: they may then read and change it. Audited."""
    obj = _grant_target(actor=actor, user=user, target=target)
    if is_granted(user, obj):
        raise Conflict(_("%(user)s 已管理「%(obj)s」。") % {"user": user.username, "obj": obj})
    grant_object(user, obj)
    _audit_grant(actor=actor, user=user, obj=obj, granted=True)
    return obj


@transaction.atomic
def revoke_from(*, actor: User, user: User, target: str) -> Any:
    """The security administrator takes the object back from ``user``. Audited."""
    obj = _grant_target(actor=actor, user=user, target=target)
    if not is_granted(user, obj):
        raise Conflict(_("%(user)s 并未管理「%(obj)s」。") % {"user": user.username, "obj": obj})
    revoke_object(user, obj)
    _audit_grant(actor=actor, user=user, obj=obj, granted=False)
    return obj
