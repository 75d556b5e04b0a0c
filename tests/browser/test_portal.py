"""The portal in a real browser: login per role, home columns, care mode, language, registration approval."""

import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import EnterpriseRegistration, User
from portal.notices.models import NoticeKind
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLE_LABELS = {
    "prov": "省级主管部门",
    "nantong": "市级主管部门",
    "haian": "县级主管部门",
    "qiye": "企业信息员",
    "pingtai": "服务平台运营单位",
    "jidi": "创业基地管理机构",
    "sysadmin": "系统管理员",
    "secadmin": "安全管理员",
    "auditor": "审计管理员",
    "nobody": "未分配角色",
}


def sign_in(page, live_server, username, password=f.PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def sign_out(page):
    page.get_by_role("button", name="退出").click()


def test_each_role_logs_in_and_sees_its_dashboard(world, live_server, page):
    for username, label in ROLE_LABELS.items():
        sign_in(page, live_server, username)
        expect(page.get_by_role("heading", name="工作台")).to_be_visible()
        expect(page.get_by_test_id("role")).to_have_text(label)
        expect(page.get_by_test_id("whoami")).to_contain_text(label)
        sign_out(page)
        expect(page.get_by_role("heading", name="用户登录")).to_be_visible()


def test_home_page_columns_and_login_box(world, live_server, page):
    f.NoticeFactory(kind=NoticeKind.NEWS, title="全省监测工作培训会召开")
    f.NoticeFactory(kind=NoticeKind.NOTICE, title="关于做好11月监测数据填报工作的通知")
    f.NoticeFactory(kind=NoticeKind.POLICY, title="中小企业划型标准规定")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url)
    for kind, label, title in (("news", "资讯", "全省监测工作培训会召开"),
                               ("notice", "通知公告", "关于做好11月监测数据填报工作的通知"),
                               ("policy", "法律法规", "中小企业划型标准规定")):
        column = page.get_by_test_id(f"column-{kind}")
        expect(column.get_by_role("heading", name=label)).to_be_visible()
        expect(column.get_by_role("link", name=title)).to_be_visible()
        expect(column.get_by_role("link", name=re.compile("更多"))).to_have_attribute("href", f"/notices/?kind={kind}")
    expect(page.get_by_role("heading", name="用户登录")).to_be_visible()
    page.screenshot(path="/tmp/portal-home.png", full_page=True)
    # "更多" opens the column's list
    page.get_by_test_id("column-policy").get_by_role("link", name=re.compile("更多")).click()
    expect(page.get_by_role("link", name=re.compile("中小企业划型标准规定"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("全省监测工作培训会召开"))).to_have_count(0)
    # log in from the home page's box
    page.goto(live_server.url)
    page.locator(".login-box").get_by_label("用户名").fill("prov")
    page.locator(".login-box").get_by_label("密码").fill(f.PASSWORD)
    page.locator(".login-box").get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("role")).to_have_text("省级主管部门")
    page.screenshot(path="/tmp/portal-dashboard.png", full_page=True)


def test_keyboard_reaches_the_skip_link_first_and_focus_is_visible(world, live_server, page):
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    assert skip.evaluate("el => el.getBoundingClientRect().left >= 0")
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
    assert page.evaluate("() => document.documentElement.lang") == "zh-CN"
    assert page.locator("header").count() == 1 and page.locator("main").count() == 1 and page.locator("footer").count() == 1


def test_care_mode_enlarges_the_text(world, live_server, page):
    page.goto(live_server.url)
    body = page.locator("body")
    normal = float(body.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
    expect(body).not_to_have_class(re.compile("care-mode"))
    page.get_by_role("button", name="关怀版").click()
    expect(body).to_have_class(re.compile("care-mode"))
    large = float(body.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
    assert large >= normal + 4
    page.screenshot(path="/tmp/portal-care-mode.png")
    # it stays on while browsing, and can be switched off
    page.get_by_role("link", name="资讯公告", exact=True).click()
    expect(body).to_have_class(re.compile("care-mode"))
    page.get_by_role("button", name="标准版").click()
    expect(body).not_to_have_class(re.compile("care-mode"))


def test_language_switch_to_english(world, live_server, page):
    f.NoticeFactory(kind=NoticeKind.NOTICE)
    page.goto(live_server.url)
    page.get_by_label("语言").select_option("en")
    page.locator("#lang-submit").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("column-notice").get_by_role("heading", name="Notices")).to_be_visible()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Language").select_option("zh-hans")
    page.locator("#lang-submit").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_test_id("column-notice").get_by_role("heading", name="通知公告")).to_be_visible()


def test_enterprise_registers_and_its_county_approves(world, live_server, page):
    code = f.next_credit_code()
    page.goto(live_server.url)
    page.get_by_role("link", name="企业注册").first.click()
    page.get_by_label("统一社会信用代码").fill(code)
    page.get_by_label("企业名称").fill("海安浏览器测试有限公司")
    page.get_by_label("所在县(市、区)").select_option(label="南通市 · 海安市")
    page.get_by_label("所属行业").select_option(index=1)
    page.get_by_label("信息员姓名").fill("孙信息员")
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_label("电子邮箱").fill("sun@example.cn")
    page.get_by_label("登录名").fill("haian_browser")
    page.locator("#id_password1").fill("Liulan#Qi2026")
    page.get_by_label("确认密码").fill("Liulan#Qi2026")
    page.get_by_role("button", name="提交注册申请").click()
    expect(page.get_by_role("heading", name="注册申请已提交")).to_be_visible()
    assert EnterpriseRegistration.objects.get(credit_code=code).status == "pending"

    # Another county's official does not see it.
    sign_in(page, live_server, "rugao")
    page.goto(f"{live_server.url}/accounts/registrations/")
    expect(page.get_by_text("海安浏览器测试有限公司")).to_have_count(0)
    sign_out(page)

    # The county official finds it from the dashboard and approves it.
    sign_in(page, live_server, "haian")
    page.get_by_role("link", name="待审核的企业注册申请").click()
    row = page.get_by_role("row", name=re.compile("海安浏览器测试有限公司"))
    row.get_by_role("link", name="审核").click()
    page.get_by_label("通过").check()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("已处理注册申请")).to_be_visible()
    sign_out(page)

    # The new information officer logs in.
    assert User.objects.get(username="haian_browser").enterprise.credit_code == code
    sign_in(page, live_server, "haian_browser", "Liulan#Qi2026")
    expect(page.get_by_test_id("role")).to_have_text("企业信息员")
