"""Every write to accounts: registration, approval, account creation, roles, disabling, passwords."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.enterprises.credit_code import validate_credit_code
from portal.enterprises.models import Enterprise

from .models import ADMIN_ROLES, EnterpriseRegistration, Role, User
from .scoping import scope_for


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
    if not scope.decidable_registrations(EnterpriseRegistration.objects.filter(pk=registration.pk)).exists():
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
        from portal.enterprises import services as enterprise_services

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
    return user


@transaction.atomic
def create_enterprise_account(*, actor: User, enterprise: Enterprise, username: str, password: str,
                              full_name: str = "", email: str = "", phone: str = "") -> User:
    """An official opens an account for an enterprise of their region."""
    if not scope_for(actor).is_official or not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("只能为本地区的企业开通账号。"))
    _username_free(username)
    user = User(username=username, full_name=full_name, email=email, phone=phone, role=Role.ENTERPRISE,
                enterprise=enterprise)
    validate_password(password, user)
    user.set_password(password)
    # The officer must choose their own password at first login.
    user.password_changed_at = timezone.now() - timezone.timedelta(days=3650)
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
    user.password_changed_at = timezone.now() - timezone.timedelta(days=3650)
    user.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=user, changes={"username": [None, username]})
    return user


@transaction.atomic
def assign_role(*, actor: User, user: User, role: str, region=None, enterprise=None) -> User:
    """The security administrator gives a user their one role (and its region or enterprise)."""
    if actor.role != Role.SECURITY_ADMIN:
        raise PermissionDenied(_("只有安全管理员可以分配角色。"))
    if user.pk == actor.pk:
        raise PermissionDenied(_("不能修改自己的角色(三员分立)。"))
    if role == Role.OFFICIAL and region is None:
        raise ValidationError({"region": _("主管部门人员须指定所属地区。")})
    if role == Role.ENTERPRISE and enterprise is None:
        raise ValidationError({"enterprise": _("企业信息员须指定所属企业。")})
    before = {"role": user.role, "region": user.region, "enterprise": user.enterprise}
    user.role = role
    user.region = region if role == Role.OFFICIAL else None
    user.enterprise = enterprise if role == Role.ENTERPRISE else None
    user.is_staff = role == Role.SYSTEM_ADMIN
    user.is_superuser = False
    user.save()
    _end_sessions(user)
    audit.record(actor=actor, action=AuditEntry.Action.GRANT, obj=user,
                 changes=audit.diff(before, {"role": user.role, "region": user.region, "enterprise": user.enterprise}))
    return user


def _end_sessions(user: User) -> int:
    """Delete every session of the user (sessions hold the user id in their encoded data)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gte=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    Token.objects.filter(user=user).delete()
    return ended


@transaction.atomic
def set_active(*, actor: User, user: User, active: bool) -> User:
    """Disable (ending every session and token) or re-enable an account."""
    scope = scope_for(actor)
    allowed = actor.role == Role.SYSTEM_ADMIN or (
        scope.is_official and user.role == Role.ENTERPRISE and User.objects.visible_to(actor).filter(pk=user.pk).exists()
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
                 obj=user, region_path=getattr(user.region, "path", "") or getattr(user.enterprise, "region_path", ""),
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
    audit.record(actor=user, action=AuditEntry.Action.UPDATE, obj=user, changes={"password": ["***", "***"]})
