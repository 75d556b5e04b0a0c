"""Choices of rows come through the user's scope by themselves: forms (ScopedForm) and API serializers
(ScopedModelSerializer) offer and accept only what the acting user may read."""

import importlib
import pkgutil

import pytest
from django import forms
from django.urls import reverse
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from monitoring.models import Filing
from portal.core.api import ScopedModelSerializer, ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from portal.core.forms import ScopedForm, ScopedModelChoiceField, unscoped
from portal.regions.models import Region
from tests import factories as f

PACKAGES = ("portal", "monitoring", "platforms", "incubators", "upscaling")


def _project_modules():
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            leaf = info.name.rsplit(".", 1)[-1]
            if leaf in {"forms", "views", "api"} or leaf.endswith(("_views", "_forms")):
                importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _ours(cls) -> bool:
    return cls.__module__.split(".")[0] in PACKAGES


def test_every_form_offering_rows_is_scoped():
    """Admin forms are the system administrator's reference-data tools (the admin site has its own
    permissions, tests/security/test_admin.py); every other form offering rows is a ScopedForm."""
    _project_modules()
    offenders = []
    for form in {c for c in _subclasses(forms.BaseForm) if _ours(c) and not c.__module__.endswith(".admin")}:
        for name, field in form.base_fields.items():
            if (isinstance(field, forms.ModelChoiceField) and not getattr(field, "unscoped_reason", None)
                    and not issubclass(form, ScopedForm)):
                offenders.append(f"{form.__module__}.{form.__qualname__}.{name}")
    assert not offenders, "model choice fields outside a ScopedForm (or mark them unscoped(reason=...)):\n" + \
        "\n".join(sorted(offenders))


def test_every_model_serializer_is_scoped():
    _project_modules()
    classes = {c for c in _subclasses(serializers.ModelSerializer) if _ours(c)}
    assert classes, "the walk found the project's serializers"
    plain = sorted(f"{c.__module__}.{c.__qualname__}" for c in classes if not issubclass(c, ScopedModelSerializer))
    assert not plain, "model serializers must derive from ScopedModelSerializer:\n" + "\n".join(plain)
    related = sorted(
        f"{c.__module__}.{c.__qualname__}.{name}" for c in classes for name, field in c._declared_fields.items()
        if isinstance(field, serializers.RelatedField) and not field.read_only
        and not isinstance(field, ScopedPrimaryKeyRelatedField | ScopedSlugRelatedField))
    assert not related, "writable related fields must be scoped:\n" + "\n".join(related)


def test_the_enterprise_form_refuses_a_county_outside_the_officials_scope(world, login):
    client = login(world.users["county"])
    before = world.e_haian.region_id
    response = client.post(reverse("enterprises:edit", args=[world.e_haian.pk]), {
        "credit_code": world.e_haian.credit_code, "name": world.e_haian.name,
        "region": world.jiangning.pk, "industry": world.e_haian.industry_id,
        "employees": 10, "revenue": "100", "assets": "100", "monitored_from": "2024-01-01"})
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    world.e_haian.refresh_from_db()
    assert world.e_haian.region_id == before
    offered = {r.pk for r in response.context["form"].fields["region"].queryset}
    assert world.haian.pk in offered and world.jiangning.pk not in offered and world.rugao.pk not in offered


def test_the_registry_filter_offers_only_regions_in_scope(world, login):
    response = login(world.users["city"]).get(reverse("enterprises:list"))
    offered = {r.pk for r in response.context["form"].fields["region"].queryset}
    assert {world.nantong.pk, world.haian.pk, world.rugao.pk} <= offered
    assert not offered & {world.nanjing.pk, world.jiangning.pk, world.province.pk}


def test_the_summary_export_refuses_a_region_outside_scope(world, login):
    f.PeriodFactory()
    client = login(world.users["county"])
    page = client.get(reverse("monitoring:exports"))
    assert page.status_code == 200
    offered = {r.code for r in page.context["form"].fields["region"].queryset}
    assert offered == {world.haian.code}
    response = client.post(reverse("monitoring:exports"), {"period": page.context["form"].initial["period"],
                                                           "region": world.jiangning.code})
    assert response.status_code == 200 and "region" in response.context["form"].errors


@pytest.mark.parametrize("role, sees_other", [("county", False), ("province", True)])
def test_a_related_field_accepts_only_rows_the_user_reads(world, role, sees_other):
    class ProbeSerializer(ScopedModelSerializer):
        class Meta:
            model = Filing
            fields = ("enterprise",)

    request = APIRequestFactory().get("/")
    request.user = world.users[role]
    own = ProbeSerializer(data={"enterprise": world.e_haian.pk}, context={"request": request})
    other = ProbeSerializer(data={"enterprise": world.e_jiangning.pk}, context={"request": request})
    assert own.is_valid(), own.errors
    assert other.is_valid() is sees_other
    if not sees_other:
        assert "enterprise" in other.errors
    no_request = ProbeSerializer(data={"enterprise": world.e_haian.pk})
    assert not no_request.is_valid()


def test_a_scoped_form_narrows_any_row_choice_by_itself(world):
    class Probe(ScopedForm):
        region = ScopedModelChoiceField(Region, order_by=("path",))
        anywhere = unscoped(forms.ModelChoiceField(queryset=Region.objects.all()), reason="probe")
        late = forms.ModelChoiceField(queryset=None)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["late"].queryset = Region.objects.all()  # set after the base init: still narrowed

    form = Probe({"region": world.jiangning.pk, "anywhere": world.jiangning.pk, "late": world.jiangning.pk},
                 user=world.users["city"])
    assert not form.is_valid()
    assert set(form.errors) == {"region", "late"}
    assert {r.pk for r in form.fields["region"].queryset} == {world.nantong.pk, world.haian.pk, world.rugao.pk}
    assert Probe({"region": world.haian.pk, "anywhere": world.jiangning.pk, "late": world.rugao.pk},
                 user=world.users["city"]).is_valid()
    # An information officer reads the region of their own enterprise only.
    assert Probe({"region": world.haian.pk, "anywhere": world.haian.pk, "late": world.haian.pk},
                 user=world.users["enterprise"]).is_valid()
    assert not Probe({"region": world.rugao.pk, "anywhere": world.haian.pk, "late": world.haian.pk},
                     user=world.users["enterprise"]).is_valid()
