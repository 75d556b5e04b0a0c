"""Writes of the shared plumbing: a user's own API token, and configuration saved in the Django admin.

Each function owns its transaction and its audit row. Token keys never enter the audit trail.
"""
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from portal.accounts.middleware import password_expired
from portal.accounts.models import Role, User
from portal.audit import services as audit
from portal.audit.models import AuditEntry


def _user_region_path(user: User) -> str:
    if user.region_id and user.region is not None:
        return user.region.path
    if user.enterprise_id and user.enterprise is not None:
        return user.enterprise.region_path
    return ""


def _token_repr(user: User) -> str:
    return _("%(user)s 的 API 令牌") % {"user": user.get_username()}


@transaction.atomic
def issue_api_token(*, user: User) -> Token:
    """Create the user's API token, replacing (and so revoking) any previous one."""
    if not user.is_active or user.role == Role.NONE:
        raise PermissionDenied(_("未分配角色的账号不能申请 API 令牌。"))
    if password_expired(user):
        raise PermissionDenied(_("密码已过期,请先修改密码再申请 API 令牌。"))
    replaced = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    audit.record(
        actor=user, action=AuditEntry.Action.CREATE, model="authtoken.Token", object_id=str(user.pk),
        object_repr=_token_repr(user), region_path=_user_region_path(user), enterprise_id=user.enterprise_id,
        note=_("重新生成,原令牌已作废") if replaced else "",
    )
    return token


@transaction.atomic
def revoke_api_token(*, user: User) -> bool:
    """Delete the user's API token. Returns whether there was one."""
    deleted = Token.objects.filter(user=user).delete()[0] > 0
    if deleted:
        audit.record(
            actor=user, action=AuditEntry.Action.DELETE, model="authtoken.Token", object_id=str(user.pk),
            object_repr=_token_repr(user), region_path=_user_region_path(user), enterprise_id=user.enterprise_id,
        )
    return deleted


# -- configuration edited in the Django admin (system administrator only) --------------------------
def _admin_snapshot(obj: Any, fields: Any) -> dict:
    return {name: getattr(obj, name, None) for name in fields}


@transaction.atomic
def save_admin_object(*, actor: Any, obj: Any, changed_fields: Any=(), created: bool) -> None:
    """Save a configuration object edited in the admin and record who changed what."""
    if actor.role != Role.SYSTEM_ADMIN:
        raise PermissionDenied(_("只有系统管理员可以修改系统配置。"))
    fields = [f.name for f in obj._meta.concrete_fields if not f.primary_key]
    before = {}
    if not created:
        old = type(obj)._base_manager.filter(pk=obj.pk).first()
        before = _admin_snapshot(old, fields) if old is not None else {}
    obj.save()
    after = _admin_snapshot(obj, changed_fields or fields)
    audit.record(
        actor=actor, action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE, obj=obj,
        changes=audit.diff({k: before.get(k) for k in after} if not created else {}, after),
        note=_("系统配置(管理后台)"),
    )


@transaction.atomic
def delete_admin_object(*, actor: Any, obj: Any) -> None:
    if actor.role != Role.SYSTEM_ADMIN:
        raise PermissionDenied(_("只有系统管理员可以修改系统配置。"))
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, obj=obj, note=_("系统配置(管理后台)"))
    obj.delete()
