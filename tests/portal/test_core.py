"""The portal pages: home, dashboard per role, care mode, accessible markup, language switch."""

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from portal.notices.models import NoticeKind
from tests import factories as f

pytestmark = pytest.mark.django_db


# -- home -----------------------------------------------------------------------------------------
def test_home_has_login_box_and_three_columns_with_more_links(client, django_assert_max_num_queries):
    f.NoticeFactory(kind=NoticeKind.NEWS, title="培训会召开")
    f.NoticeFactory(kind=NoticeKind.NOTICE, title="关于做好月报填报的通知", body="请于13日前填报。")
    f.NoticeFactory(kind=NoticeKind.POLICY, title="中小企业促进条例")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("core:home"))
    text = response.content.decode()
    for label in ("用户登录", "资讯", "通知公告", "法律法规", "培训会召开", "关于做好月报填报的通知", "中小企业促进条例"):
        assert label in text, label
    for kind in ("news", "notice", "policy"):
        assert f'href="{reverse("notices:list")}?kind={kind}">更多' in text
    assert 'action="/accounts/login/"' in text
    assert "autofocus" not in text  # the skip link stays the first stop on the home page


def test_home_headline_is_the_latest_notice(client):
    f.NoticeFactory(kind=NoticeKind.NOTICE, title="较早的通知", published_at=timezone.now() - timedelta(days=3))
    f.NoticeFactory(kind=NoticeKind.NOTICE, title="最新的通知", body="正文摘要")
    text = client.get(reverse("core:home")).content.decode()
    headline = text[text.index('id="headline-title"'):text.index('id="quick-title"')]
    assert "最新的通知" in headline and "较早的通知" not in headline


def test_home_for_a_logged_in_user_offers_the_dashboard(world, login):
    text = login(world.users["county"]).get(reverse("core:home")).content.decode()
    assert "进入工作台" in text and "县级主管部门" in text
    assert 'name="password"' not in text


def test_columns_show_eight_items_each(client):
    for i in range(10):
        f.NoticeFactory(kind=NoticeKind.NEWS, title=f"资讯第{i}条", published_at=timezone.now() - timedelta(hours=i))
    text = client.get(reverse("core:home")).content.decode()
    assert "资讯第7条" in text and "资讯第8条" not in text


# -- accessible markup ----------------------------------------------------------------------------
@pytest.mark.parametrize("url_name", ["core:home", "notices:list", "accounts:login", "accounts:register",
                                      "accounts:password_reset"])
def test_pages_have_landmarks_skip_link_and_labels(client, world, url_name):
    text = client.get(reverse(url_name)).content.decode()
    assert re.search(r'<html lang="zh-CN">', text)
    assert '<a class="skip-link" href="#main">' in text and '<main id="main"' in text
    assert "<header" in text and "<footer" in text and '<nav class="main-nav" aria-label=' in text
    # every visible input, select and textarea has a label
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"', text)
    assert ids
    for field_id in ids:
        assert f'for="{field_id}"' in text, field_id


def test_focus_is_visible_in_the_stylesheet():
    css = open(finders.find("css/portal.css"), encoding="utf-8").read()
    assert ":focus-visible" in css and "outline: 3px solid" in css
    assert "body.care-mode" in css and ".skip-link:focus" in css


# -- care mode ------------------------------------------------------------------------------------
def test_care_mode_toggles_with_a_cookie(client):
    assert 'class=""' in client.get(reverse("core:home")).content.decode()
    response = client.post(reverse("core:care_mode"), {"next": reverse("notices:list")})
    assert response.status_code == 302 and response["Location"] == reverse("notices:list")
    assert client.cookies["care_mode"].value == "1"
    text = client.get(reverse("core:home")).content.decode()
    assert '<body class="care-mode"' in text and "标准版" in text
    client.post(reverse("core:care_mode"), {"next": "/"})
    assert '<body class="care-mode"' not in client.get(reverse("core:home")).content.decode()


def test_care_mode_never_redirects_off_site(client):
    response = client.post(reverse("core:care_mode"), {"next": "https://evil.example.com/"})
    assert response["Location"] == "/"
    assert client.get(reverse("core:care_mode")).status_code == 405


# -- dashboard per role ---------------------------------------------------------------------------
EXPECTED = {
    "province": ("省级主管部门", "待发布的草稿"),
    "city": ("市级主管部门", "辖区内待县级审核的注册申请"),
    "county": ("县级主管部门", "待审核的企业注册申请"),
    "enterprise": ("企业信息员", "请完善信息员的手机号码和电子邮箱"),
    "platform_operator": ("服务平台运营单位", "最新通知公告"),
    "base_manager": ("创业基地管理机构", "最新通知公告"),
    "system_admin": ("系统管理员", "新建账号"),
    "security_admin": ("安全管理员", "待分配角色的账号"),
    "audit_admin": ("审计管理员", "审计日志"),
    "no_role": ("未分配角色", "请联系安全管理员"),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_what_needs_doing(world, login, role, django_assert_max_num_queries):
    f.NoticeFactory(title="最新一条通知")
    f.NoticeFactory(title="待发布", is_published=False)
    client = login(world.users[role])
    with django_assert_max_num_queries(30):
        response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    text = response.content.decode()
    label, todo = EXPECTED[role]
    assert re.search(rf'data-testid="role">{label}<', text), role
    assert todo in text, role
    assert "密码剩余有效天数" in text  # password age applies to every account, one without a role too


def test_drafts_waiting_are_counted_for_province_staff(world, login):
    for _n in range(3):
        f.NoticeFactory(is_published=False)
    text = login(world.users["province"]).get(reverse("core:dashboard")).content.decode()
    assert re.search(r'status=draft">待发布的草稿</a>\s*<span class="badge warn">3</span>', text)


def test_pending_registrations_are_counted_for_the_county(world, login):
    f.RegistrationFactory(region=world.haian)
    f.RegistrationFactory(region=world.rugao)
    text = login(world.users["county"]).get(reverse("core:dashboard")).content.decode()
    assert re.search(r'待审核的企业注册申请</a>\s*<span class="badge warn">1</span>', text)


def test_password_expiry_is_announced_ahead(world, login, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = world.users["city"]
    user.password_changed_at = timezone.now() - timedelta(days=80)
    user.save()
    text = login(user).get(reverse("core:dashboard")).content.decode()
    assert re.search(r'密码剩余有效天数[^<]*</a>\s*<span class="badge warn">9</span>', text)


def test_dashboard_needs_login(client):
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# -- language -------------------------------------------------------------------------------------
def test_language_switch_to_english_and_back(client):
    f.NoticeFactory(kind=NoticeKind.NEWS)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    text = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in text
    for word in ("Notices", "News", "Laws and Regulations", "More", "Log in", "Care mode"):
        assert word in text, word
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    text = client.get(reverse("core:home")).content.decode()
    assert '<html lang="zh-CN">' in text and "通知公告" in text
