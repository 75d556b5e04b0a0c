"""Tenancy, decided in one place.

``scope_for(user)`` answers: which region subtree, which enterprise and which granted objects may
this user see, and which may they change? Every model's ``visible_to(user)`` / ``changeable_by(user)``
delegates here, and views, API viewsets, exports and tasks start from those querysets.

Rules:
- province/city/county officials: their region and everything below it, never a sibling;
- enterprise information officers: their own enterprise only;
- platform operators, base managers: the objects granted to them (django-guardian);
- exchange systems (a region's own monitoring system, API only): their region's subtree;
- the system administrator manages accounts, the security administrator roles and grants, the audit
  administrator reads the audit trail. None of the three sees business data.
- anonymous users and users without a role: nothing.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from .models import Role


@dataclass(frozen=True)
class Scope:
    user: object
    region_path: str | None = None  # subtree prefix for officials
    enterprise_id: int | None = None  # the one enterprise of an information officer

    # -- who is this -------------------------------------------------------------------------
    @property
    def role(self) -> str:
        return getattr(self.user, "role", Role.NONE) if self.user.is_authenticated else Role.NONE

    @property
    def has_region(self) -> bool:
        """Reads the data of a region subtree: officials and exchange systems."""
        return self.region_path is not None

    @property
    def is_official(self) -> bool:
        """A province/city/county official: pages, registrations, the audit trail, notices."""
        return self.region_path is not None and self.role == Role.OFFICIAL

    @property
    def is_exchange(self) -> bool:
        return self.region_path is not None and self.role == Role.EXCHANGE

    @property
    def is_enterprise(self) -> bool:
        return self.enterprise_id is not None

    # -- regions -----------------------------------------------------------------------------
    def regions(self, qs: QuerySet) -> QuerySet:
        if self.has_region:
            return qs.filter(path__startswith=self.region_path)
        if self.is_enterprise:
            return qs.filter(enterprises__id=self.enterprise_id)
        return qs.none()

    def region_in_scope(self, region) -> bool:
        return self.has_region and region.path.startswith(self.region_path)

    # -- enterprises -------------------------------------------------------------------------
    def enterprises(self, qs: QuerySet) -> QuerySet:
        if self.has_region:
            if self.region_path.count(".") == 1:  # the province: everything, no filter
                return qs
            return qs.filter(region_path__startswith=self.region_path)
        if self.is_enterprise:
            return qs.filter(pk=self.enterprise_id)
        return qs.none()

    def changeable_enterprises(self, qs: QuerySet) -> QuerySet:
        """Officials maintain their subtree's registry; an officer may update their own contacts.
        Exchange systems read the registry but never change it."""
        if self.is_exchange:
            return qs.none()
        return self.enterprises(qs)

    def rows_by_region_path(self, qs: QuerySet, field: str = "region_path") -> QuerySet:
        """For models that carry a denormalised region path (filings, audit rows...)."""
        if self.has_region:
            return qs.filter(**{f"{field}__startswith": self.region_path})
        return qs.none()

    # -- users -------------------------------------------------------------------------------
    def users(self, qs: QuerySet) -> QuerySet:
        if self.role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
            return qs
        if self.is_official:
            return qs.filter(
                Q(region__path__startswith=self.region_path)
                | Q(enterprise__region_path__startswith=self.region_path)
            )
        if self.user.is_authenticated:
            return qs.filter(pk=self.user.pk)
        return qs.none()

    @property
    def may_unlock_accounts(self) -> bool:
        """Lifting login lockouts (of a user name from an address, or of an address): the security
        administrator only, who watches logins; never the system or audit administrator (三员分立)."""
        return self.role == Role.SECURITY_ADMIN

    def registrations(self, qs: QuerySet) -> QuerySet:
        if self.is_official:
            return qs.filter(region__path__startswith=self.region_path)
        return qs.none()

    def decidable_registrations(self, qs: QuerySet) -> QuerySet:
        """Only the official of the registration's own county decides it."""
        if self.is_official and self.user.region.is_county:
            return qs.filter(region_id=self.user.region_id)
        return qs.none()

    # -- audit -------------------------------------------------------------------------------
    def audit_entries(self, qs: QuerySet) -> QuerySet:
        if self.role == Role.AUDIT_ADMIN:
            return qs
        if self.is_official:
            return qs.filter(region_path__startswith=self.region_path).exclude(region_path="")
        return qs.none()

    # -- notices -----------------------------------------------------------------------------
    def notices(self, qs: QuerySet) -> QuerySet:
        """Published notices are public; drafts are seen by the province staff who manage them."""
        if self.can_manage_notices:
            return qs
        return qs.published()

    @property
    def can_manage_notices(self) -> bool:
        return self.is_official and self.region_path.count(".") == 1

    # -- object grants (platforms, bases) ----------------------------------------------------
    def granted_objects(self, qs: QuerySet, perm: str) -> QuerySet:
        if self.is_official:
            return qs.filter(region__path__startswith=self.region_path)
        if self.role in (Role.PLATFORM_OPERATOR, Role.BASE_MANAGER):
            return get_objects_for_user(self.user, perm, klass=qs, accept_global_perms=False)
        return qs.none()


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope(user=_Anonymous())
    role = user.role
    if role in (Role.OFFICIAL, Role.EXCHANGE) and user.region_id:
        # An exchange system (a region's own monitoring system, API only) sees what its region's officials see.
        return Scope(user=user, region_path=user.region.path)
    if role == Role.ENTERPRISE and user.enterprise_id:
        return Scope(user=user, enterprise_id=user.enterprise_id)
    return Scope(user=user)


class _Anonymous:
    is_authenticated = False
    role = Role.NONE
    pk = None


def grant_object(user, obj) -> None:
    """Bind a platform operator or base manager to their object (view and change)."""
    label = obj._meta.model_name
    for action in ("view", "change"):
        assign_perm(f"{obj._meta.app_label}.{action}_{label}", user, obj)


def revoke_object(user, obj) -> None:
    label = obj._meta.model_name
    for action in ("view", "change"):
        remove_perm(f"{obj._meta.app_label}.{action}_{label}", user, obj)
