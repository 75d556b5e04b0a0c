"""Every read of the enterprise registry that a page, export or panel shows. All start from visible_to."""
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Count, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.accounts.scoping import scope_for, within
from portal.audit.models import AuditEntry
from portal.core.i18n import in_language
from portal.regions.models import Region

from .models import HONOUR_FIELDS, Enterprise, Honour, Industry, SizeClass, SizeThreshold
from .standards import current_standard, finer_industries

# The honours a list can be filtered by: the model's flags plus 规上.
HONOUR_FILTERS = ("above_designated_size", *HONOUR_FIELDS)
MISSING_CONTACT = Q(contact_name="") | Q(contact_phone="")


def monitored_q(day: Any) -> Q:
    """Monitored on ``day``: monitored_from <= day and (no end, or the end not before day)."""
    return Q(monitored_from__isnull=False, monitored_from__lte=day) & (
        Q(monitored_until__isnull=True) | Q(monitored_until__gte=day)
    )


@dataclass(frozen=True)
class EnterpriseFilter:
    region: Region | None = None
    size_class: str = ""
    industry: Industry | None = None
    honour: str = ""
    monitored: bool | None = None
    missing_contact: bool = False
    q: str = ""


def enterprise_list(*, user: User, filters: EnterpriseFilter | None = None) -> Any:
    """The registry as the user may see it, filtered. Two queries a page (count + rows), whatever the size."""
    filters = filters or EnterpriseFilter()
    qs = _with_monitored(Enterprise.objects.visible_to(user).select_related("region", "industry"))
    if filters.region is not None:
        qs = within(qs, filters.region)
    if filters.size_class:
        qs = qs.filter(size_class=filters.size_class)
    if filters.industry is not None:
        ind = filters.industry
        qs = qs.filter(Q(industry=ind) | Q(industry__parent=ind) | Q(industry__parent__parent=ind))
    if filters.honour in HONOUR_FILTERS:
        qs = qs.filter(**{filters.honour: True})
    if filters.monitored is not None:
        cond = monitored_q(timezone.localdate())
        qs = qs.filter(cond) if filters.monitored else qs.exclude(cond)
    if filters.missing_contact:
        qs = qs.filter(MISSING_CONTACT)
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__istartswith=q.upper()))
    return qs.order_by("region_path", "name", "id")


def enterprise_for_view(*, user: User, pk: int) -> Enterprise | None:
    """One enterprise the user may see, or None (missing and forbidden look alike)."""
    qs = Enterprise.objects.visible_to(user).select_related("region", "region__parent", "industry", "size_standard")
    return _with_monitored(qs).filter(pk=pk).first()


def _with_monitored(qs: Any) -> Any:
    return qs.annotate(is_monitored=Case(When(monitored_q(timezone.localdate()), then=Value(True)),
                                         default=Value(False), output_field=BooleanField()))


def registry_role(*, user: User) -> str | None:
    """'official' (their subtree), 'enterprise' (their own) or None (no registry at all)."""
    scope = scope_for(user)
    return "official" if scope.is_official else "enterprise" if scope.is_enterprise else None


def enterprise_for_change(*, user: User, pk: int) -> Enterprise | None:
    return Enterprise.objects.changeable_by(user).select_related("region", "industry").filter(pk=pk).first()


def own_enterprise_id(*, user: User) -> int | None:
    """The enterprise of an information officer, None for everyone else."""
    return scope_for(user).enterprise_id


def county_choices(*, user: User) -> Any:
    """Counties an official may register an enterprise in: the county-level units of their subtree."""
    if not scope_for(user).is_official:
        return Region.objects.none()
    return Region.objects.visible_to(user).counties().select_related("parent").order_by("path")


def region_filter_choices(*, user: User) -> Any:
    """Regions a list can be narrowed to: every city and county the user sees (officials only)."""
    if not scope_for(user).is_official:
        return Region.objects.none()
    return Region.objects.visible_to(user).order_by("path")


def industry_choices() -> Any:
    """Industries are public reference data (GB/T 4754), not tenant data."""
    return Industry.objects.order_by("code")


def size_basis(enterprise: Enterprise) -> dict:
    """Which standard and which category of it derived the size class, as plain data for the page.

    ``applies`` is False for an industry the standard does not class; ``finer`` lists the codes to file
    instead when the enterprise's code spans several categories (its size class then awaits a finer code).
    """
    industry = enterprise.industry
    basis = {"standard": enterprise.size_standard, "category_label": "", "lines": [],
             "applies": not industry.outside_standard, "finer": []}
    if industry.spans_categories:
        basis["finer"] = finer_industries(industry, Industry.objects.all())
        return basis
    if industry.outside_standard:
        return basis
    rows = list(SizeThreshold.objects.filter(standard_id=enterprise.size_standard_id,
                                             category=industry.size_category))
    thresholds = {t.size_class: t for t in rows}
    labels = dict(SizeClass.choices)
    lines = []
    for size_class in (SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL):
        t = thresholds.get(size_class.value)
        if t is not None:
            lines.append({"size_class": size_class.value, "label": labels[size_class.value],
                          "text": _describe(t)})
    if lines:
        lines.append({"size_class": SizeClass.MICRO.value, "label": labels[SizeClass.MICRO.value],
                      "text": _("未达到小型企业标准")})
    basis["lines"] = lines
    basis["category_label"] = in_language(rows[0].category_label, rows[0].category_label_en) if rows else ""
    return basis


def category_labels() -> dict[str, str]:
    """The current standard's category names (批发业, 零售业, …) by key; empty while none is loaded."""
    try:
        standard = current_standard()
    except LookupError:
        return {}
    rows = SizeThreshold.objects.filter(standard=standard).values_list("category", "category_label", "category_label_en")
    return {category: in_language(label, english) for category, label, english in rows}


def coarse_industry_count() -> int:
    """Enterprises of the whole registry filed under a code spanning several size categories (command line)."""
    return Enterprise.objects.filter(industry__size_category=Industry.SPANS_CATEGORIES).count()


def _describe(t: SizeThreshold) -> str:
    parts = []
    if t.min_employees is not None:
        parts.append(_("从业人员 ≥ %(n)s 人") % {"n": t.min_employees})
    if t.min_revenue is not None:
        parts.append(_("营业收入 ≥ %(n)s 万元") % {"n": _plain_number(t.min_revenue)})
    if t.min_assets is not None:
        parts.append(_("资产总额 ≥ %(n)s 万元") % {"n": _plain_number(t.min_assets)})
    return _("且").join(parts)


def _plain_number(value: Any) -> str:
    return format(value.normalize(), "f")


def enterprise_accounts(*, user: User, enterprise: Enterprise) -> Any:
    """The information officers' accounts of an enterprise, as far as the user may see accounts."""
    if not scope_for(user).is_official:
        return User.objects.none()
    return User.objects.visible_to(user).filter(enterprise=enterprise).order_by("username")


def enterprise_history(*, user: User, enterprise: Enterprise, limit: int = 10) -> list:
    """The latest audit rows about the enterprise that the user may read."""
    return list(AuditEntry.objects.visible_to(user).filter(enterprise_id=enterprise.pk)[:limit])


def registry_counts(*, user: User) -> dict:
    """Counts for the dashboard panel: one aggregate query."""
    return Enterprise.objects.visible_to(user).aggregate(
        total=Count("id"), missing_contact=Count("id", filter=MISSING_CONTACT))


def import_template_regions(*, user: User) -> Any:
    return county_choices(user=user)


def honours_granted(*, enterprise_ids: Any = None, kinds: Any, after: Any = None, before: Any = None,
                    credit_code: Any = None) -> Any:
    """Dated honours of ``kinds`` granted to ``enterprise_ids`` (a list or a subquery; or the enterprise of
    ``credit_code``) within (after, before]
    — honours without a date never count. Not revoked by the end of the window. A queryset, so a caller joins
    it set-based (the service platforms' results: honours granted after an enterprise was first served)."""
    qs = Honour.objects.filter(kind__in=list(kinds), granted_on__isnull=False)
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=enterprise_ids)
    if credit_code is not None:  # a value or an OuterRef: the enterprise by its code (records keep the code)
        qs = qs.filter(enterprise__credit_code=credit_code)
    if after is not None:
        qs = qs.filter(granted_on__gt=after)
    if before is not None:
        qs = qs.filter(granted_on__lte=before)
        qs = qs.filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=before))
    return qs


def enterprise_honours(*, user: Any, enterprise: Enterprise) -> list:
    """The enterprise's honour records (current first, then revoked), as the registry page lists them."""
    return list(Honour.objects.visible_to(user).filter(enterprise=enterprise)
                .order_by(F("revoked_on").desc(nulls_first=True), "kind", F("granted_on").desc(nulls_last=True)))


def honour_for_change(*, user: Any, enterprise: Enterprise, pk: int) -> Honour | None:
    """One honour record of ``enterprise`` that ``user`` may revoke (an official over it), else None."""
    if not scope_for(user).may_manage_honours(enterprise):
        return None
    return Honour.objects.visible_to(user).filter(enterprise=enterprise, pk=pk).select_related("enterprise").first()
