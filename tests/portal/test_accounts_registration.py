"""Enterprise self-registration, decided by the official of its own county; accounts opened by officials."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from portal.accounts import services
from portal.accounts.models import EnterpriseRegistration, Role, User
from portal.audit.models import AuditEntry
from portal.enterprises.models import Enterprise, Industry
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "Qiye#Zhuce2026"


def registration_data(world, **overrides):
    data = {
        "credit_code": f.next_credit_code(), "name": "海安新注册科技有限公司", "region": world.haian.pk,
        "industry": Industry.objects.get(code="34").pk, "contact_name": "钱信息员", "contact_phone": "13812345678",
        "email": "qian@example.cn", "username": "haian_new", "password1": PASSWORD, "password2": PASSWORD,
    }
    return {**data, **overrides}


def register(client, world, **overrides) -> EnterpriseRegistration:
    data = registration_data(world, **overrides)
    response = client.post(reverse("accounts:register"), data)
    assert response.status_code == 200
    assert "注册申请已提交" in response.content.decode(), response.content.decode()
    return EnterpriseRegistration.objects.get(credit_code=data["credit_code"])


def decide(client, registration, approve: bool, reason: str = ""):
    return client.post(reverse("accounts:registration_decide", args=[registration.pk]),
                       {"approve": "1" if approve else "0", "reason": reason})


def test_registration_form_is_public_and_checks_the_credit_code(client, world):
    assert client.get(reverse("accounts:register")).status_code == 200
    code = f.next_credit_code()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post(reverse("accounts:register"), registration_data(world, credit_code=wrong))
    assert response.status_code == 200
    assert "校验位错误" in response.content.decode()
    assert not EnterpriseRegistration.objects.exists()


def test_enterprise_that_already_has_an_account_is_sent_to_password_reset(client, world):
    response = client.post(reverse("accounts:register"),
                           registration_data(world, credit_code=world.e_haian.credit_code))
    assert "该企业已开通账号" in response.content.decode()


def test_registration_refuses_weak_password_and_mismatch(client, world):
    text = client.post(reverse("accounts:register"),
                       registration_data(world, password1="abc", password2="abc")).content.decode()
    assert "密码太短" in text
    text = client.post(reverse("accounts:register"),
                       registration_data(world, password2="Other#Pass2026")).content.decode()
    assert "两次输入的密码不一致" in text
    assert not EnterpriseRegistration.objects.exists()


def test_second_pending_registration_for_the_same_code_is_refused(client, world):
    registration = register(client, world)
    response = client.post(reverse("accounts:register"),
                           registration_data(world, credit_code=registration.credit_code, username="another"))
    assert "已有待审核的注册申请" in response.content.decode()


def test_approval_by_its_county_creates_enterprise_and_account(client, world, login,
                                                               django_capture_on_commit_callbacks):
    registration = register(client, world)
    county = login(world.users["county"])
    listing = county.get(reverse("accounts:registrations")).content.decode()
    assert registration.name in listing
    assert county.get(reverse("accounts:registration_decide", args=[registration.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(county, registration, approve=True)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == EnterpriseRegistration.Status.APPROVED
    assert registration.decided_by == world.users["county"]
    enterprise = Enterprise.objects.get(credit_code=registration.credit_code)
    assert enterprise.region == world.haian
    user = User.objects.get(username="haian_new")
    assert (user.role, user.enterprise) == (Role.ENTERPRISE, enterprise)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.APPROVE, object_id=str(registration.pk)).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["qian@example.cn"]
    assert "审核通过" in mail.outbox[0].body
    # The new information officer logs in with the password chosen at registration.
    officer = Client()
    response = officer.post(reverse("accounts:login"), {"username": "haian_new", "password": PASSWORD})
    assert response.status_code == 302
    dashboard = officer.get(reverse("core:dashboard")).content.decode()
    assert "企业信息员" in dashboard


def test_approval_links_an_enterprise_already_in_the_registry(client, world, login):
    listed = f.EnterpriseFactory(region=world.haian)  # in the registry, no account yet
    registration = register(client, world, credit_code=listed.credit_code)
    decide(login(world.users["county"]), registration, approve=True)
    assert Enterprise.objects.filter(credit_code=listed.credit_code).count() == 1
    assert User.objects.get(username="haian_new").enterprise == listed


def test_enterprise_registered_in_another_county_cannot_be_approved_here(client, world, login):
    elsewhere = f.EnterpriseFactory(region=world.rugao)
    registration = register(client, world, credit_code=elsewhere.credit_code)
    response = decide(login(world.users["county"]), registration, approve=True)
    assert response.status_code == 200
    assert "已登记在其他地区" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == EnterpriseRegistration.Status.PENDING
    assert not User.objects.filter(username="haian_new").exists()


def test_rejection_requires_a_reason(client, world, login, django_capture_on_commit_callbacks):
    registration = register(client, world)
    county = login(world.users["county"])
    response = decide(county, registration, approve=False, reason="  ")
    assert response.status_code == 200
    assert "驳回时须填写理由" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == EnterpriseRegistration.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        assert decide(county, registration, approve=False, reason="非本县企业").status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.reason) == (EnterpriseRegistration.Status.REJECTED, "非本县企业")
    assert not User.objects.filter(username="haian_new").exists()
    assert not Enterprise.objects.filter(credit_code=registration.credit_code).exists()
    assert "非本县企业" in mail.outbox[0].body
    # decided once: a second decision is refused
    assert decide(county, registration, approve=True).status_code == 200
    assert not User.objects.filter(username="haian_new").exists()


@pytest.mark.parametrize("role", ["other_county", "city", "other_city", "province", "enterprise", "system_admin",
                                  "security_admin", "audit_admin", "no_role"])
def test_nobody_else_decides(client, world, login, role):
    registration = register(client, world)
    other = login(world.users[role])
    assert other.get(reverse("accounts:registration_decide", args=[registration.pk])).status_code in (403, 404)
    assert decide(other, registration, approve=True).status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        services.decide_registration(actor=world.users[role], registration=registration, approve=True)
    registration.refresh_from_db()
    assert registration.status == EnterpriseRegistration.Status.PENDING


def test_city_sees_the_queue_of_its_counties_but_cannot_decide(client, world, login):
    registration = register(client, world)
    text = login(world.users["city"]).get(reverse("accounts:registrations")).content.decode()
    assert registration.name in text
    assert reverse("accounts:registration_decide", args=[registration.pk]) not in text
    assert registration.name not in login(world.users["other_city"]).get(
        reverse("accounts:registrations")).content.decode()
    assert login(world.users["enterprise"]).get(reverse("accounts:registrations")).status_code == 403


# -- officials open accounts for enterprises of their region (the form is on the enterprise page) -----
def test_county_official_opens_an_account_for_its_enterprise(world):
    user = services.create_enterprise_account(actor=world.users["county"], enterprise=world.e_haian,
                                              username="haian_officer", password=PASSWORD, full_name="周信息员")
    assert (user.role, user.enterprise, user.is_active) == (Role.ENTERPRISE, world.e_haian, True)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(user.pk),
                                     enterprise_id=world.e_haian.pk).exists()
    # First login leads to the password change page.
    client = Client()
    client.post(reverse("accounts:login"), {"username": "haian_officer", "password": PASSWORD})
    response = client.get(reverse("core:dashboard"))
    assert response["Location"] == reverse("accounts:password_change")


def test_city_official_opens_accounts_in_its_counties(world):
    user = services.create_enterprise_account(actor=world.users["city"], enterprise=world.e_rugao,
                                              username="rugao_officer", password=PASSWORD)
    assert user.enterprise == world.e_rugao


@pytest.mark.parametrize("role", ["other_county", "other_city", "enterprise", "system_admin", "security_admin",
                                  "audit_admin", "platform_operator"])
def test_others_cannot_open_accounts_for_the_enterprise(world, role):
    with pytest.raises(PermissionDenied):
        services.create_enterprise_account(actor=world.users[role], enterprise=world.e_haian,
                                           username="intruder", password=PASSWORD)
    assert not User.objects.filter(username="intruder").exists()


def test_enterprise_account_needs_a_strong_password_and_a_free_name(world):
    with pytest.raises(ValidationError):
        services.create_enterprise_account(actor=world.users["county"], enterprise=world.e_haian,
                                           username="haian_officer", password="12345678")
    with pytest.raises(ValidationError) as exc:
        services.create_enterprise_account(actor=world.users["county"], enterprise=world.e_haian,
                                           username="QIYE", password=PASSWORD)
    assert "该登录名已被使用" in str(exc.value)


def test_registration_list_query_count(world, login, django_assert_max_num_queries):
    for _n in range(25):
        f.RegistrationFactory(region=world.haian)
    client = login(world.users["county"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:registrations"))
    assert response.status_code == 200 and response.content.decode().count("注册企业") >= 25
