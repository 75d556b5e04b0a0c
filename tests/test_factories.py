"""Every concrete model of the project's apps has a factory, and each factory makes a valid row."""

import pytest
from django.apps import apps

from tests import factories as f

PROJECT_PACKAGES = ("portal.", "monitoring.", "platforms.", "incubators.", "upscaling.")


def project_models():
    return [m for m in apps.get_models()
            if m.__module__.startswith(PROJECT_PACKAGES) and not m._meta.abstract and not m._meta.proxy]


def test_every_model_has_a_factory():
    missing = sorted(m._meta.label for m in project_models() if m not in f.FACTORIES)
    assert not missing, f"models without a factory in tests/factories.py (add one and list it in FACTORIES): {missing}"
    stale = sorted(m._meta.label for m in f.FACTORIES if m not in project_models())
    assert not stale, f"FACTORIES lists models that are not the project's: {stale}"
    wrong = sorted(m._meta.label for m, factory in f.FACTORIES.items() if factory._meta.model is not m)
    assert not wrong, f"FACTORIES maps these models to another model's factory: {wrong}"


@pytest.mark.django_db
@pytest.mark.parametrize("model", sorted(f.FACTORIES, key=lambda m: m._meta.label), ids=lambda m: m._meta.label)
def test_each_factory_makes_a_valid_row(model, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    obj = f.FACTORIES[model]()
    obj.refresh_from_db()
    unset = [fld.name for fld in model._meta.concrete_fields if fld.null and getattr(obj, fld.attname) is None]
    obj.full_clean(exclude=unset, validate_unique=False, validate_constraints=True)
    assert model._base_manager.filter(pk=obj.pk).exists()


@pytest.mark.django_db
def test_a_filing_counts_where_its_enterprise_is():
    enterprise = f.EnterpriseFactory(region=f.county("320682", "如皋市"))
    filing = f.FilingFactory(enterprise=enterprise)
    assert (filing.county.code, filing.city.code, filing.region_path) == ("320682", "320600", "32.320600.320682.")
    assert (filing.size_class, filing.industry_code) == (enterprise.size_class, enterprise.industry.code)


@pytest.mark.django_db
def test_a_period_has_the_settings_deadlines_of_the_next_month(settings):
    settings.FILING_DEADLINE_DAY, settings.REVIEW_DEADLINE_DAY = 11, 14
    december = f.PeriodFactory(year=2025, month=12)
    assert (str(december.enterprise_deadline), str(december.review_deadline)) == ("2026-01-11", "2026-01-14")
