"""Tenancy, decided and applied in one place.

``scope_for(user)`` decides once what a user may see and change: a region subtree (officials, exchange
systems), one enterprise (information officers), granted objects (platform operators, base managers), or
nothing (anonymous users, users without a role; the three administrators see accounts, roles or the audit
trail, never business data). ``Scope.system()`` is the scheduled jobs acting for the province as a whole.

Each model declares *how* its rows are scoped with a class attribute ``tenancy`` (one of the rules below)
and takes its manager from :class:`ScopedQuerySet`; ``Model.objects.visible_to(user)`` and
``changeable_by(user)`` apply that declaration. Nobody writes a ``visible_to`` body or a path filter by hand:
a subtree a user picked is narrowed with :func:`within`. Permission questions are named predicates of the
scope (``scope.may_review(filing)``...), asked by services, views and templates alike.

Rules:
- :class:`InRegion` rows that carry a region path (their own, or through a relation); officials and
  exchange systems read their subtree, an information officer the rows of their enterprise;
- :class:`Granted` platforms and bases: officials by region, operators/managers by object grant;
- :class:`Owned` rows that belong to one user (an inbox, an export, a tracked job);
- :class:`Through` rows read with their parent (a filing's products and events);
- :class:`Calendar` reference data every signed-in user may read (periods); :class:`Public` anyone;
- :class:`Named` a rule of its own, written here (accounts, the audit trail, notices);
- :class:`Internal` bookkeeping that no user lists (sessions, deliveries, stored API answers).

History follows the enterprise: the rows of an enterprise in scope are readable with it wherever it was
registered when they were written (``FilingQuerySet.history_visible_to``; the year-on-year figures need it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar, cast

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Case, CharField, Q, QuerySet, Value, When
from guardian.shortcuts import assign_perm, get_objects_for_user, get_users_with_perms, remove_perm

from portal.core import registry

from .roles import Role

# A queryset keeps its own class (and its methods) through the scope's filters.
QS = TypeVar("QS", bound=QuerySet)

if TYPE_CHECKING:
    from django.db.models import Model

PROVINCE, CITY, COUNTY = 1, 2, 3  # RegionLevel, without importing the regions' models


# ------------------------------------------------------------------------------------------------
# The scope: who is this, and the named questions asked of it
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    user: Any
    region_path: str | None = None  # subtree prefix for officials and exchange systems
    region_level: int | None = None
    enterprise_id: int | None = None  # the one enterprise of an information officer
    acting_system: bool = False  # the scheduled jobs, for the whole province

    @classmethod
    def system(cls, province_path: str) -> Scope:
        """The portal itself acting (reminders, bulletins, period locking): reads the whole tree below
        ``province_path``, is no official for pages, files nothing."""
        return cls(user=_System(), region_path=province_path, region_level=PROVINCE, acting_system=True)

    # -- who is this -------------------------------------------------------------------------
    @property
    def role(self) -> str:
        return getattr(self.user, "role", Role.NONE) if self.user.is_authenticated else Role.NONE

    @property
    def has_region(self) -> bool:
        """Reads the data of a region subtree: officials, exchange systems and the system acting."""
        return self.region_path is not None

    @property
    def is_official(self) -> bool:
        """A province/city/county official: pages, registrations, the audit trail, notices."""
        return self.region_path is not None and self.role == Role.OFFICIAL and not self.acting_system

    @property
    def is_exchange(self) -> bool:
        return self.region_path is not None and self.role == Role.EXCHANGE

    @property
    def is_enterprise(self) -> bool:
        return self.enterprise_id is not None

    @property
    def is_province(self) -> bool:
        """An official of the province (or the system acting for it)."""
        return self.has_region and self.region_level == PROVINCE and (self.is_official or self.acting_system)

    @property
    def is_city(self) -> bool:
        return self.is_official and self.region_level == CITY

    @property
    def is_county(self) -> bool:
        return self.is_official and self.region_level == COUNTY

    @property
    def is_everything(self) -> bool:
        """Reads the whole province: no filter to apply."""
        return self.has_region and self.region_level == PROVINCE

    # -- regions -----------------------------------------------------------------------------
    def path_in_scope(self, path: str) -> bool:
        return self.region_path is not None and path.startswith(self.region_path)  # has_region, spelled out

    def region_in_scope(self, region: Any) -> bool:
        return region is not None and self.path_in_scope(region.path)

    # -- named predicates: the permission questions services, views and templates ask ---------
    def may_file_for(self, enterprise: Any) -> bool:
        """File an enterprise's report: its own officer, an official of its region (on its behalf, 代报) or the
        region's exchange system."""
        if self.is_enterprise:
            return enterprise.id == self.enterprise_id
        return (self.is_official or self.is_exchange) and self.path_in_scope(enterprise.region_path)

    def files_on_behalf(self) -> bool:
        """A filing by this scope is 代报 (an official filing for the enterprise)."""
        return self.is_official

    def may_review(self, filing: Any) -> bool:
        """Approve or return a filing: an official whose subtree holds it."""
        return self.is_official and self.path_in_scope(filing.region_path)

    def may_unlock(self, filing: Any) -> bool:
        """Reopen an approved or locked filing: a level above the county (city, province) over it."""
        return self.is_official and not self.is_county and self.path_in_scope(filing.region_path)

    @property
    def may_unlock_filings(self) -> bool:
        return self.is_official and not self.is_county

    @property
    def may_set_upscaling_targets(self) -> bool:
        """Set the counties' yearly 列规纳统 targets: the city (or the province), never a county itself."""
        return self.is_official and not self.is_county

    @property
    def may_report_up(self) -> bool:
        """Report the region's period up to the level above: a county to its city, a city to the province."""
        return self.is_county or self.is_city

    def may_return_batch(self, report: Any) -> bool:
        """Return a region's reported batch: an official of a level above that region, over it (a city or the
        province a county's, the province a city's)."""
        return (self.is_official and not self.is_county and self.region_in_scope(report.region)
                and report.region.level > (self.region_level or 0))

    def may_remind_filers(self, region: Any) -> bool:
        """Remind the enterprises of ``region`` that have not filed (催报), now: an official over that region."""
        return self.is_official and self.region_in_scope(region)

    @property
    def may_adjust_deadlines(self) -> bool:
        return self.is_official and self.is_province

    @property
    def may_manage_notices(self) -> bool:
        """Write, publish and withdraw notices and bulletins: province staff."""
        return self.is_official and self.is_province

    can_manage_notices = may_manage_notices  # the name the notices pages use

    @property
    def may_upload_analysis_reports(self) -> bool:
        """Cities and counties upload their quarterly analysis report."""
        return self.is_official and self.region_level in (CITY, COUNTY)

    @property
    def may_see_schedule(self) -> bool:
        """The jobs page: province staff and the system administrator (who edits the schedule in the admin)."""
        return self.role == Role.SYSTEM_ADMIN or (self.is_official and self.is_province)

    def may_manage_honours(self, enterprise: Any) -> bool:
        """Record or revoke an enterprise's dated honours: an official whose subtree holds the enterprise."""
        return self.is_official and self.path_in_scope(enterprise.region_path)

    def compiled_paths(self, model: Any) -> list[str]:
        """Region paths of ``model``'s objects this operator reads to compile them (``Granted(compiles=...)``)."""
        rule = tenancy_of(model)
        return rule.compiled_paths(self, model) if isinstance(rule, Granted) else []

    def may_compile(self, model: Any, region: Any) -> bool:
        """Compile and score the objects of ``model`` in ``region`` for the level above: the operator of a
        compiling object (the city platform) over that region. Platforms ask ``may_compile_platforms``."""
        return region is not None and any(region.path.startswith(p) for p in self.compiled_paths(model))

    # -- startup bases (incubators) ---------------------------------------------------------------
    @property
    def may_manage_bases(self) -> bool:
        """Keep the registry of startup bases (level, status and its history): the city or the province."""
        return self.is_official and self.region_level in (PROVINCE, CITY)

    def may_set_county_targets(self, region: Any) -> bool:
        """Set a county's yearly base targets (附表一): an official of the city (or province) above it."""
        return self.may_manage_bases and region is not None and region.path != self.region_path \
            and self.region_in_scope(region)

    def may_set_base_targets(self, base: Any) -> bool:
        """Set a base's yearly targets: the county bureau of the base's county."""
        return self.is_county and self.region_in_scope(base.region)

    def may_file_self_check(self, base: Any) -> bool:
        """File a base's self-check (自查表) to the city: the county bureau of the base's county."""
        return self.is_county and self.region_in_scope(base.region)

    def may_record_visit(self, base: Any) -> bool:
        """Record a supervision visit (每旬督查) at a base: the county bureau of the base's county."""
        return self.is_county and self.region_in_scope(base.region)

    def may_decide_registration(self, registration: Any) -> bool:
        """Only the official of the registration's own county decides it."""
        return self.is_county and registration.region_id == self.user.region_id

    # -- applying a model's declaration --------------------------------------------------------
    def visible(self, qs: QS) -> QS:
        return tenancy_of(qs.model).view(self, qs)

    def changeable(self, qs: QS) -> QS:
        return tenancy_of(qs.model).change(self, qs)

    def with_history(self, qs: QS) -> QS:
        """The one named exception: history follows the enterprise. The rows of every enterprise in scope,
        wherever it was registered when they were written (a moved enterprise compares with its own past)."""
        rule = tenancy_of(qs.model)
        if not isinstance(rule, InRegion) or not rule.history:
            raise ImproperlyConfigured(f"{qs.model._meta.label} declares no history")
        if self.is_everything:
            return qs
        related = qs.model._meta.get_field(rule.history).related_model
        return qs.filter(**{f"{rule.history}__in": self.visible(related._default_manager.all())})

    # Old spellings kept for the callers that read a scope directly.
    def enterprises(self, qs: QS) -> QS:
        return self.visible(qs)

    def changeable_enterprises(self, qs: QS) -> QS:
        return self.changeable(qs)

    @property
    def may_unlock_accounts(self) -> bool:
        """Lifting login lockouts (of a user name from an address, or of an address): the security
        administrator only, who watches logins; never the system or audit administrator (三员分立)."""
        return self.role == Role.SECURITY_ADMIN

    @property
    def may_grant_objects(self) -> bool:
        """Granting a platform to its operator or a base to its manager (and revoking it): the security
        administrator only, who gives roles (三员分立)."""
        return self.role == Role.SECURITY_ADMIN

    # -- questionnaires (portal.questionnaires) ------------------------------------------------------
    @property
    def may_design_questionnaires(self) -> bool:
        """Write and edit questionnaires (the built-in satisfaction questionnaire included): province staff."""
        return self.is_official and self.is_province

    def may_start_campaign(self, region: Any) -> bool:
        """Send a questionnaire to enterprises for ``region``: an official over it, or the portal acting by itself
        (the quarterly satisfaction sample)."""
        return (self.is_official or self.acting_system) and self.region_in_scope(region)

    def campaigns(self, qs: QS) -> QS:
        """Questionnaire campaigns: officials (and the system) their subtree's; anyone else the ones they started."""
        if self.is_everything and (self.is_official or self.acting_system):
            return qs
        if self.is_official or self.acting_system:
            return qs.filter(region_path__startswith=self.region_path)
        if self.user.is_authenticated and self.user.pk is not None:
            return qs.filter(created_by_id=self.user.pk)
        return qs.none()

    def invitations(self, qs: QS) -> QS:
        """Invitations to answer: an officer those of their enterprise; whoever reads a campaign, its invitations."""
        if self.is_enterprise:
            return qs.filter(enterprise_id=self.enterprise_id)
        if self.is_everything and (self.is_official or self.acting_system):
            return qs
        if self.is_official or self.acting_system:
            return qs.filter(campaign__region_path__startswith=self.region_path)
        if self.user.is_authenticated and self.user.pk is not None:
            return qs.filter(campaign__created_by_id=self.user.pk)
        return qs.none()

    def registrations(self, qs: QS) -> QS:
        return self.visible(qs)

    def decidable_registrations(self, qs: QS) -> QS:
        if self.is_county:
            return qs.filter(region_id=self.user.region_id)
        return qs.none()

    # -- the named rules (Named(...) declarations) ----------------------------------------------
    def users(self, qs: QS) -> QS:
        if self.role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN) or self.acting_system:
            return qs  # the accounts' managers; the system reaches every user to notify them
        if self.is_official:
            return qs.filter(Q(region__path__startswith=self.region_path)
                             | Q(enterprise__region_path__startswith=self.region_path))
        if self.user.is_authenticated and self.user.pk is not None:
            return qs.filter(pk=self.user.pk)
        return qs.none()

    def audit_entries(self, qs: QS) -> QS:
        if self.role == Role.AUDIT_ADMIN:
            return qs
        if self.is_official:
            return qs.filter(region_path__startswith=self.region_path).exclude(region_path="")
        return qs.none()

    def task_runs(self, qs: QS) -> QS:
        """Runs of the jobs: everyone sees the runs they queued; the schedule's readers see every run."""
        if self.may_see_schedule:
            return qs
        if self.user.is_authenticated and self.user.pk is not None:
            return qs.filter(args__owner=self.user.pk)
        return qs.none()

    def lockouts(self, qs: QS) -> QS:
        """Login lockouts: the security administrator, who lifts them."""
        return qs if self.may_unlock_accounts else qs.none()

    def notices(self, qs: QS) -> QS:
        """Published notices are public; drafts are seen by the province staff who manage them."""
        if self.may_manage_notices:
            return qs
        # NoticeQuerySet.published(); not imported here, which would tie scoping to the notices' models.
        return cast(QS, qs.published())  # type: ignore[attr-defined]

    # -- the scorecard core (portal.scorecards) ----------------------------------------------------
    def scorecard_subjects(self, qs: QS) -> QS:
        """Rows about one scorecard subject (sheets, results, consequences, objections; they carry
        ``subject_kind``, ``subject_id`` and ``region_path``): officials their subtree; operators, managers and
        officers the subjects their app shows them (its adapter's ``subjects(viewer)``: their own, and those
        they score)."""
        if self.is_official:
            return qs if self.is_everything else qs.filter(region_path__startswith=self.region_path)
        if self.role not in (Role.PLATFORM_OPERATOR, Role.BASE_MANAGER, Role.ENTERPRISE):
            return qs.none()
        condition = Q(pk__in=[])
        for adapter in registry.scorecard_subjects():
            condition |= Q(subject_kind=adapter.key, subject_id__in=adapter.subjects(self.user).values("pk"))
        return qs.filter(condition)

    def scorecard_schemes(self, qs: QS) -> QS:
        """Schemes: officials those of their region, above it (the rules they are scored by) and below it; the
        others the schemes they have a score sheet in."""
        if self.is_official:
            codes = [c for c in (self.region_path or "").split(".") if c]
            above = [".".join(codes[:i]) + "." for i in range(1, len(codes))]
            return qs.filter(Q(region__path__startswith=self.region_path) | Q(region__path__in=above))
        sheets = qs.model._meta.get_field("rounds").related_model._meta.get_field("sheets").related_model
        return qs.filter(pk__in=self.scorecard_subjects(sheets._default_manager.all()).values("round__scheme_id"))

    def scorecard_schemes_changeable(self, qs: QS) -> QS:
        """The evaluating authority edits its schemes: officials of the scheme's region or above it."""
        if not self.is_official:
            return qs.none()
        return qs.filter(region__path__startswith=self.region_path)

    def may_edit_scheme(self, scheme: Any) -> bool:
        return self.is_official and self.path_in_scope(scheme.region.path)


def scope_for(user: Any) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope(user=_Anonymous())
    if isinstance(user, _System):
        return Scope.system(user.province_path) if user.province_path else Scope(user=_Anonymous())
    role = user.role
    if role in (Role.OFFICIAL, Role.EXCHANGE) and user.region_id:
        # An exchange system (a region's own monitoring system, API only) sees what its region's officials see.
        return Scope(user=user, region_path=user.region.path, region_level=user.region.level)
    if role == Role.ENTERPRISE and user.enterprise_id:
        return Scope(user=user, enterprise_id=user.enterprise_id)
    return Scope(user=user)


class _Anonymous:
    is_authenticated = False
    is_active = False
    role = Role.NONE
    pk = None


class Viewer(Protocol):
    """Whom a read is for: a user (signed in or anonymous: ``request.user``) or the portal acting by itself
    (``system_viewer``). Selectors and services take one and ask ``scope_for`` what it may read."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def pk(self) -> Any: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def role(self) -> Any: ...

    @property
    def region(self) -> Any: ...

    @property
    def region_id(self) -> Any: ...

    @property
    def enterprise_id(self) -> Any: ...


class _System:
    """The portal acting by itself (scheduled jobs): a viewer for selectors, never a person."""

    is_authenticated = True
    is_active = True
    role = Role.NONE
    pk = None
    enterprise_id = None
    enterprise = None
    username = "system"
    full_name = "系统"

    def __init__(self, province: Any=None) -> None:
        self.region = province
        self.region_id = getattr(province, "pk", None)
        self.province_path = getattr(province, "path", "")

    def get_full_name(self) -> str:
        return self.full_name


def system_viewer(province: Any) -> _System:
    """A viewer to pass to selectors when the portal acts by itself for the province (``Scope.system``):
    it reads the province's whole tree and is no official (it decides, files and publishes nothing)."""
    return _System(province)


# ------------------------------------------------------------------------------------------------
# The rules a model declares
# ------------------------------------------------------------------------------------------------

class Rule:
    """How a model's rows are scoped. ``view`` answers visible_to, ``change`` changeable_by."""

    path: str | None = None  # the region-path lookup, for within()

    def view(self, scope: Scope, qs: QS) -> QS:
        raise NotImplementedError

    def change(self, scope: Scope, qs: QS) -> QS:
        """Nothing is changeable unless the rule says how: a model opts in by its rule's own ``change``."""
        return qs.none()


class InRegion(Rule):
    """Rows that carry a region path.

    ``path``: the lookup of the path (``region_path`` on the row, ``region__path`` through a relation);
    ``enterprise``: the lookup of the row's enterprise id, for an information officer (None: officers see none);
    ``officials_only``: exchange systems and officers read none (registrations, analysis reports);
    ``ancestors``: officials also read the rows of the regions above theirs (bulletins of the levels above);
    ``changeable``: those who read a row may change it (else ``changeable_by`` gives nothing);
    ``exchange_changes``: exchange systems too;
    ``history``: the foreign key to the enterprise whose history these rows are (``Scope.with_history``).
    """

    def __init__(self, path: str = "region_path", *, enterprise: str | None = None, officials_only: bool = False,
                 ancestors: bool = False, changeable: bool = False, exchange_changes: bool = False,
                 history: str | None = None) -> None:
        self.path = path
        self.changeable = changeable
        self.history = history
        self.enterprise = enterprise
        self.officials_only = officials_only
        self.ancestors = ancestors
        self.exchange_changes = exchange_changes

    def view(self, scope: Scope, qs: QS) -> QS:
        if scope.region_path is not None and (scope.is_official or scope.acting_system or not self.officials_only):
            if scope.is_everything and not self.ancestors:
                return qs  # the province: everything, no filter
            condition = Q(**{f"{self.path}__startswith": scope.region_path})
            if self.ancestors:
                codes = [c for c in scope.region_path.split(".") if c]
                condition |= Q(**{f"{self.path}__in": [".".join(codes[:i]) + "." for i in range(1, len(codes))]})
            return qs.filter(condition)
        if scope.is_enterprise and self.enterprise and not self.officials_only:
            return qs.filter(**{self.enterprise: scope.enterprise_id})
        return qs.none()

    def change(self, scope: Scope, qs: QS) -> QS:
        if not self.changeable or scope.acting_system or (scope.is_exchange and not self.exchange_changes):
            return qs.none()
        return self.view(scope, qs)


class Granted(Rule):
    """Objects granted to operators/managers (django-guardian); officials read them by region.

    ``compiles``: a filter naming the granted objects whose holder also *reads* (never changes) every object of
    the same model in that object's region subtree — the city platform's operator compiles and scores its
    city's cluster and county platforms (seed 001 四.1). ``Scope.compiled_paths`` / ``may_compile`` ask it.
    ``via``: the rows belong to a granted object (a base's tenants, targets, visits): the foreign key to it.
    Officials read them by ``path`` (through the relation, e.g. ``base__region__path``, or a copied path);
    operators/managers read the rows whose ``via`` object is granted to them. A row whose ``via`` is empty
    (a county's own target) is read by officials only.
    """

    def __init__(self, perm: str, path: str = "region__path", *, compiles: dict | None = None,
                 via: str | None = None) -> None:
        self.perm = perm
        self.path = path
        self.compiles = compiles
        self.via = via

    def granted(self, scope: Scope, qs: QS) -> QS:
        if scope.role in (Role.PLATFORM_OPERATOR, Role.BASE_MANAGER):
            if self.via:
                parent = qs.model._meta.get_field(self.via).related_model
                granted = get_objects_for_user(scope.user, self.perm, klass=parent, accept_global_perms=False)
                return qs.filter(**{f"{self.via}__in": granted.values("pk")})
            # guardian filters ``klass`` itself: the queryset keeps its class, the stub says plain QuerySet
            return cast(QS, get_objects_for_user(scope.user, self.perm, klass=qs, accept_global_perms=False))
        return qs.none()

    def compiled_paths(self, scope: Scope, model: Any) -> list[str]:
        """The region paths whose objects ``scope`` reads to compile them (empty for most users)."""
        if not self.compiles or scope.role not in (Role.PLATFORM_OPERATOR, Role.BASE_MANAGER):
            return []
        granted = self.granted(scope, model._default_manager.all()).filter(**self.compiles)
        return sorted(set(granted.values_list(self.path, flat=True)))

    def view(self, scope: Scope, qs: QS) -> QS:
        if scope.is_official:
            return qs.filter(**{f"{self.path}__startswith": scope.region_path})
        granted = self.granted(scope, qs)
        paths = self.compiled_paths(scope, qs.model)
        if not paths:
            return granted
        condition = Q(pk__in=granted.values("pk"))
        for prefix in paths:
            condition |= Q(**{f"{self.path}__startswith": prefix})
        return qs.filter(condition)

    def change(self, scope: Scope, qs: QS) -> QS:
        if scope.is_official:
            return self.view(scope, qs)
        return self.granted(scope, qs)  # the operator/manager granted it; compiling reads only


class Owned(Rule):
    """Rows that belong to one user: ``field`` holds the user's id."""

    def __init__(self, field: str) -> None:
        self.field = field

    def view(self, scope: Scope, qs: QS) -> QS:
        if scope.user.is_authenticated and scope.user.pk is not None:
            return qs.filter(**{self.field: scope.user.pk})
        return qs.none()

    def change(self, scope: Scope, qs: QS) -> QS:
        return self.view(scope, qs)


class Through(Rule):
    """Rows read with their parent (``parent`` is the foreign key's name)."""

    def __init__(self, parent: str) -> None:
        self.parent = parent

    def _parent_qs(self, qs: QuerySet) -> QuerySet:
        return qs.model._meta.get_field(self.parent).related_model._default_manager.all()

    def view(self, scope: Scope, qs: QS) -> QS:
        return qs.filter(**{f"{self.parent}__in": scope.visible(self._parent_qs(qs))})

    def change(self, scope: Scope, qs: QS) -> QS:
        return qs.filter(**{f"{self.parent}__in": scope.changeable(self._parent_qs(qs))})


class Calendar(Rule):
    """Reference data of the work (periods): every signed-in user reads it; changes are services' own checks."""

    def view(self, scope: Scope, qs: QS) -> QS:
        return qs if scope.user.is_authenticated else qs.none()

    def change(self, scope: Scope, qs: QS) -> QS:
        return qs if scope.may_adjust_deadlines else qs.none()


class Public(Rule):
    """Reference data anyone may read (industries, the size standard); nobody changes it through a page."""

    def view(self, scope: Scope, qs: QS) -> QS:
        return qs

    def change(self, scope: Scope, qs: QS) -> QS:
        return qs.none()


class Named(Rule):
    """A rule of its own, a method of :class:`Scope` (``users``, ``audit_entries``, ``notices``)."""

    def __init__(self, method: str, *, change: str | None = None) -> None:
        self.method = method
        self.change_method = change

    def view(self, scope: Scope, qs: QS) -> QS:
        return getattr(scope, self.method)(qs)

    def change(self, scope: Scope, qs: QS) -> QS:
        if self.change_method:
            return getattr(scope, self.change_method)(qs)
        return qs.none()


class Internal(Rule):
    """Bookkeeping no user lists (sessions, deliveries, stored API answers): read and written by services."""

    def view(self, scope: Scope, qs: QS) -> QS:
        return qs.none()


def tenancy_of(model: type[Model]) -> Rule:
    rule = getattr(model, "tenancy", None)
    if not isinstance(rule, Rule):
        raise ImproperlyConfigured(f"{model._meta.label} declares no tenancy (see portal.accounts.scoping)")
    return rule


class ScopedQuerySet(models.QuerySet):
    """The base of every model's queryset: ``visible_to`` / ``changeable_by`` apply the model's declaration."""

    def visible_to(self, user: Any) -> Self:
        return scope_for(user).visible(self)

    def changeable_by(self, user: Any) -> Self:
        return scope_for(user).changeable(self)

    def history_visible_to(self, user: Any) -> Self:
        return scope_for(user).with_history(self)


def within(qs: QS, region: Any) -> QS:
    """Narrow ``qs`` (already scoped) to ``region``'s subtree, by the path its model declares."""
    rule = tenancy_of(qs.model)
    if rule.path is None:
        raise ImproperlyConfigured(f"{qs.model._meta.label} is not scoped by region")
    return qs.filter(**{f"{rule.path}__startswith": region.path})


def subtree_case(path: str, regions: Any, output_field: Any = None) -> Any:
    """A CASE that names, for a row with region path ``path``, which of ``regions`` holds it (its code)."""
    return Case(*[When(**{f"{path}__startswith": r.path}, then=Value(r.code)) for r in regions],
                default=Value(""), output_field=output_field or CharField())


# ------------------------------------------------------------------------------------------------
# Object grants (platforms, bases): read and written only here
# ------------------------------------------------------------------------------------------------

def grant_object(user: Any, obj: Any) -> None:
    """Bind a platform operator or base manager to their object (view and change)."""
    label = obj._meta.model_name
    for action in ("view", "change"):
        assign_perm(f"{obj._meta.app_label}.{action}_{label}", user, obj)


def revoke_object(user: Any, obj: Any) -> None:
    label = obj._meta.model_name
    for action in ("view", "change"):
        remove_perm(f"{obj._meta.app_label}.{action}_{label}", user, obj)


def grantable_rows(actor: Any, model: Any) -> QuerySet:
    """The rows of a grantable model (``portal.core.registry``) the security administrator may grant: all of
    them, for their names only; nobody else gets any."""
    rows = model._default_manager.all()
    return rows if scope_for(actor).may_grant_objects else rows.none()


def granted_rows(user: Any, model: Any) -> QuerySet:
    """The rows of ``model`` granted to ``user`` (their own grants, never through a global permission)."""
    return get_objects_for_user(user, f"{model._meta.app_label}.view_{model._meta.model_name}",
                                klass=model, accept_global_perms=False)


def granted_users(obj: Any) -> QuerySet:
    """The users ``obj`` is granted to (its operators/managers, by their own grants): whom its reminders reach."""
    users = get_users_with_perms(obj, only_with_perms_in=[f"view_{obj._meta.model_name}"], with_group_users=False)
    return cast(QuerySet, users)  # a queryset unless attach_perms=True


def is_granted(user: Any, obj: Any) -> bool:
    return granted_rows(user, type(obj)).filter(pk=obj.pk).exists()


def grantees(obj: Any) -> QuerySet:
    """The users an object is granted to (its operators or managers), to notify them."""
    return cast(QuerySet, get_users_with_perms(obj, only_with_perms_in=[f"view_{obj._meta.model_name}"],
                                               with_group_users=False))
