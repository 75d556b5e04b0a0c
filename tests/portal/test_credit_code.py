"""Unified social credit code (GB 32100-2015): the check character, length and charset, in the create form."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.enterprises.credit_code import validate_credit_code
from portal.enterprises.models import Enterprise, Industry

pytestmark = pytest.mark.django_db

# Written here from the standard, independently of portal.enterprises.credit_code.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 3^i mod 31: 1, 3, 9, 27, 19, 26, ...

# Codes of real enterprises, as printed on their business licences.
REAL_CODES = ["914403001922038216", "91350100M000100Y43", "91110000600037341L"]


def check_char(body: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def with_check(body: str) -> str:
    return body + check_char(body)


def wrong_check(code: str) -> str:
    wrong = next(ch for ch in "0A1B" if ch != code[17])
    return code[:17] + wrong


def test_weights_are_the_standards():
    assert WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert check_char(code[:17]) == code[17]
    assert validate_credit_code(code) == code


@pytest.mark.parametrize("body", ["91320685MA1X0000A", "12320000466002715", "9232068500000001H", "5132060000000001P"])
def test_codes_built_with_their_check_character_are_valid(body):
    code = with_check(body)
    assert validate_credit_code(code.lower()) == code  # lower case and blanks are forgiven
    assert validate_credit_code(f"  {code} ") == code


@pytest.mark.parametrize("code", REAL_CODES)
def test_wrong_check_character_names_the_expected_one(code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(wrong_check(code))
    assert f"第18位应为“{code[17]}”" in exc.value.messages[0]


@pytest.mark.parametrize("code,length", [("91320685MA1X0000", 16), ("914403001922038216X", 19), ("", 0)])
def test_bad_length(code, length):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.messages == [f"统一社会信用代码应为18位,当前为{length}位。"]


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letters(letter):
    code = "91320685MA1X0000A" + "0"
    bad = code[:10] + letter + code[11:]
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(bad)
    message = exc.value.messages[0]
    assert letter in message and "不使用 I、O、S、V、Z" in message


def _create_data(world, code):
    return {
        "credit_code": code, "name": "南通新登记企业有限公司", "region": world.haian.pk,
        "industry": Industry.objects.get(code="34").pk, "employees": 30, "revenue": "500", "assets": "400",
        "contact_name": "王五", "contact_phone": "13900000000",
    }


def test_create_form_shows_the_check_character_message(world, login):
    client = login(world.users["county"])
    good = with_check("91320685MA1X0000A")
    response = client.post(reverse("enterprises:create"), _create_data(world, wrong_check(good)))
    assert response.status_code == 200
    errors = response.context["form"].errors["credit_code"]
    assert errors == [f"统一社会信用代码校验位错误:第18位应为“{good[17]}”,请核对后重新输入。"]
    assert f"第18位应为“{good[17]}”" in response.content.decode()
    assert not Enterprise.objects.filter(name="南通新登记企业有限公司").exists()


def test_create_form_reports_length_and_letters(world, login):
    client = login(world.users["county"])
    response = client.post(reverse("enterprises:create"), _create_data(world, "91320685"))
    assert response.context["form"].errors["credit_code"] == ["统一社会信用代码应为18位,当前为8位。"]
    response = client.post(reverse("enterprises:create"), _create_data(world, "91320685MA1X0000OS"))
    assert "不允许的字符:O、S" in response.context["form"].errors["credit_code"][0]


def test_create_form_accepts_a_valid_code_in_lower_case(world, login):
    client = login(world.users["county"])
    code = with_check("91320685MA1X0000A")
    response = client.post(reverse("enterprises:create"), _create_data(world, code.lower()))
    assert response.status_code == 302
    assert Enterprise.objects.get(name="南通新登记企业有限公司").credit_code == code


def test_a_code_already_registered_is_refused(world, login):
    client = login(world.users["county"])
    response = client.post(reverse("enterprises:create"), _create_data(world, world.e_rugao.credit_code))
    assert response.context["form"].errors["credit_code"] == ["该统一社会信用代码已登记。"]
