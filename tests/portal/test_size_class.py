"""Size class at every boundary of every industry category, through the official's edit form.

The thresholds below are copied by hand from the table in DOMAIN.md §2 (工信部联企业〔2011〕300号),
not read from the JSON data file, so that a wrong number in the data shows up here.
Amounts are in 10k yuan (万元). A class needs *all* its bounds; below every small bound is micro.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from portal.enterprises.models import Enterprise, Industry

pytestmark = pytest.mark.django_db

E, R, A = "employees", "revenue", "assets"

# category: (industry codes of that category, {class: {dimension: lower bound}}). Every category is tried
# through more than one code where the industry table draws it from several places (工业 from B, C and D;
# 交通运输业 from G's divisions and group 591; 仓储业 from groups 592–599; 其他未列明行业 from the rest of
# 房地产业 as well as whole sections).
TABLE = {
    "农林牧渔业": (("A", "05"), {"large": {R: 20000}, "medium": {R: 500}, "small": {R: 50}}),
    "工业": (("34", "06", "44"), {"large": {E: 1000, R: 40000}, "medium": {E: 300, R: 2000},
                                  "small": {E: 20, R: 300}}),
    "建筑业": (("E", "47"), {"large": {R: 80000, A: 80000}, "medium": {R: 6000, A: 5000},
                           "small": {R: 300, A: 300}}),
    "批发业": (("51",), {"large": {E: 200, R: 40000}, "medium": {E: 20, R: 5000}, "small": {E: 5, R: 1000}}),
    "零售业": (("52",), {"large": {E: 300, R: 20000}, "medium": {E: 50, R: 500}, "small": {E: 10, R: 100}}),
    "交通运输业": (("54", "591"), {"large": {E: 1000, R: 30000}, "medium": {E: 300, R: 3000},
                                   "small": {E: 20, R: 200}}),
    "仓储业": (("592", "599"), {"large": {E: 200, R: 30000}, "medium": {E: 100, R: 1000},
                               "small": {E: 20, R: 100}}),
    "邮政业": (("60",), {"large": {E: 1000, R: 30000}, "medium": {E: 300, R: 2000}, "small": {E: 20, R: 100}}),
    "住宿业": (("61",), {"large": {E: 300, R: 10000}, "medium": {E: 100, R: 2000}, "small": {E: 10, R: 100}}),
    "餐饮业": (("62",), {"large": {E: 300, R: 10000}, "medium": {E: 100, R: 2000}, "small": {E: 10, R: 100}}),
    "信息传输业": (("63", "64"), {"large": {E: 2000, R: 100000}, "medium": {E: 100, R: 1000},
                                  "small": {E: 10, R: 100}}),
    "软件和信息技术服务业": (("65",), {"large": {E: 300, R: 10000}, "medium": {E: 100, R: 1000},
                                       "small": {E: 10, R: 50}}),
    "房地产开发经营": (("701",), {"large": {R: 200000, A: 10000}, "medium": {R: 1000, A: 5000},
                                  "small": {R: 100, A: 2000}}),
    "物业管理": (("702",), {"large": {E: 1000, R: 5000}, "medium": {E: 300, R: 1000}, "small": {E: 100, R: 500}}),
    "租赁和商务服务业": (("72",), {"large": {E: 300, A: 120000}, "medium": {E: 100, A: 8000},
                                   "small": {E: 10, A: 100}}),
    "其他未列明行业": (("M", "703", "709"), {"large": {E: 300}, "medium": {E: 100}, "small": {E: 10}}),
}
CASES = [(category, code) for category, (codes, _bounds) in TABLE.items() for code in codes]
ORDER = ("large", "medium", "small", "micro")


def boundary_cases(bounds: dict) -> list[tuple[str, dict, str]]:
    """(description, inputs, expected class): each class's lower bound met exactly, then each bound missed by 1."""
    cases = []
    for i, size_class in enumerate(ORDER[:3]):
        at = {E: 0, R: Decimal(0), A: Decimal(0), **bounds[size_class]}
        cases.append((f"{size_class} at its bounds", at, size_class))
        for dim in bounds[size_class]:
            below = {**at, dim: at[dim] - 1}
            cases.append((f"{size_class} with {dim} = bound - 1", below, ORDER[i + 1]))
    cases.append(("nothing at all", {E: 0, R: Decimal(0), A: Decimal(0)}, "micro"))
    return cases


def _post_data(enterprise, industry, inputs):
    return {
        "credit_code": enterprise.credit_code, "name": enterprise.name, "region": enterprise.region_id,
        "industry": industry.pk, "employees": inputs[E], "revenue": inputs[R], "assets": inputs[A],
        "monitored_from": "2025-01-01", "monitored_until": "", "contact_name": "张三",
        "contact_phone": "13800000000", "contact_email": "", "address": "",
    }


@pytest.mark.parametrize(("category", "code"), CASES)
def test_size_class_at_every_boundary(world, login, category, code):
    bounds = TABLE[category][1]
    industry = Industry.objects.get(code=code)
    client = login(world.users["county"])
    enterprise = world.e_haian
    url = reverse("enterprises:edit", args=[enterprise.pk])
    for description, inputs, expected in boundary_cases(bounds):
        response = client.post(url, _post_data(enterprise, industry, inputs))
        assert response.status_code == 302, (category, code, description, response.content.decode()[:2000])
        enterprise.refresh_from_db()
        assert enterprise.size_class == expected, f"{category} ({code}): {description} {inputs} -> {enterprise.size_class}"


def test_the_detail_page_names_the_class_and_the_standard(world, login):
    client = login(world.users["county"])
    industry = Industry.objects.get(code="34")
    url = reverse("enterprises:edit", args=[world.e_haian.pk])
    client.post(url, _post_data(world.e_haian, industry, {E: 300, R: Decimal(2000), A: Decimal(0)}))
    page = client.get(reverse("enterprises:detail", args=[world.e_haian.pk])).content.decode()
    assert "中型" in page
    assert "工信部联企业〔2011〕300号" in page
    assert "从业人员 ≥ 300 人且营业收入 ≥ 2000 万元" in page


def test_size_class_typed_into_the_form_is_ignored(world, login):
    client = login(world.users["county"])
    industry = Industry.objects.get(code="34")
    data = {**_post_data(world.e_haian, industry, {E: 5, R: Decimal(10), A: Decimal(0)}), "size_class": "large"}
    assert client.post(reverse("enterprises:edit", args=[world.e_haian.pk]), data).status_code == 302
    assert Enterprise.objects.get(pk=world.e_haian.pk).size_class == "micro"
