"""axe-core on every main page, as each demo role reaches it, in the standard version and in care mode (关怀版):
no violation of WCAG 2.x A/AA or of axe's best practices. One test per role, one browser context each: it signs
in once, walks its pages, switches to care mode and walks them again, then lists every violation at once.

Other apps' pages join by adding their paths to PAGES (or by calling ``assert_accessible(page)`` in their own
browser tests; see tests/browser/helpers.py)."""

import pytest
from playwright.sync_api import Page, expect

from monitoring import services
from tests import factories as f
from tests.browser.helpers import axe_violations, sign_in, switch_care_mode
from tests.monitoring.helpers import open_period, valid_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVERYONE = ["/", "/notices/", "/notices/{notice}/", "/no-such-page/"]
# The pages every signed-in user shares are walked fully by the roles that show most in them; the others
# walk their home page and dashboard (their own tiles, menus and panels) and their own pages.
SHARED = [*EVERYONE, "/notifications/", "/notifications/{notification}/", "/notifications/preferences/",
          "/accounts/profile/", "/accounts/password/"]
SIGNED_IN = ["/", "/dashboard/"]
OFFICIAL = [*SIGNED_IN, "/monitoring/review/?period={period}", "/monitoring/filings/{filing}/",
            "/monitoring/status/?period={period}", "/monitoring/analysis/?period={period}",
            "/monitoring/analysis/?period={period}&by=size", "/monitoring/review/report-up/?period={period}",
            "/monitoring/unlock-requests/", "/monitoring/exports/reports/", "/bulletins/", "/bulletins/{bulletin}/",
            "/enterprises/", "/enterprises/{enterprise}/", "/enterprises/import/", "/regions/",
            "/accounts/registrations/"]
PAGES = {
    "anonymous": ["/", "/notices/", "/notices/{notice}/", "/accounts/login/", "/accounts/register/",
                  "/accounts/password/reset/", "/no-such-page/"],
    "prov": [*OFFICIAL, "/monitoring/periods/", "/monitoring/exports/", "/monitoring/import/", "/notices/manage/",
             "/notices/manage/new/"],
    "nantong": [*OFFICIAL, "/monitoring/import/"],
    "haian": [*OFFICIAL, *SHARED[1:], "/monitoring/import/", "/monitoring/file/{period}/{other_enterprise}/"],
    "qiye": [*SHARED, "/dashboard/", "/monitoring/", "/monitoring/file/{draft}/", "/monitoring/file/{filed}/",
             "/enterprises/mine/", "/monitoring/status/"],  # the last one: the portal's 403 page
    "pingtai": SIGNED_IN,
    "jidi": SIGNED_IN,
    "sysadmin": [*SIGNED_IN, "/notifications/jobs/", "/accounts/users/"],
    "secadmin": [*SIGNED_IN, "/accounts/users/", "/accounts/users/new/", "/accounts/users/{operator}/grants/",
                 "/accounts/lockouts/"],
    "auditor": [*SIGNED_IN, "/audit/"],
}


def the_month(world) -> dict:
    """A month with something on every page: a submitted report with products to review, a draft to file, an
    earlier report filed, a bulletin, a notice, an inbox message for every user."""
    period, earlier, draft = open_period(), open_period(2), open_period(3)
    filed = services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=earlier,
                              data=valid_data(), submit=True).filing
    filing = services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period,
                               data=valid_data(revenue=1234567), submit=True).filing
    other = f.EnterpriseFactory(region=world.haian, name="海安戊企业")
    bulletin = f.BulletinFactory(region=world.nantong)
    notice = f.NoticeFactory()
    notifications = {name: f.NotificationFactory(recipient=user) for name, user in world.users.items()}
    code = f"{period.year}-{period.month:02d}"
    return {"period": code, "draft": f"{draft.year}-{draft.month:02d}", "filed": f"{earlier.year}-{earlier.month:02d}", "filing": filing.pk,
            "other_enterprise": other.pk, "enterprise": world.e_haian.pk, "bulletin": bulletin.pk,
            "notice": notice.pk, "operator": world.users["platform_operator"].pk, "notifications": notifications,
            "filed_pk": filed.pk}


def walk(page: Page, base: str, paths: list[str], values: dict) -> list[str]:
    found = []
    for path in paths:
        page.goto(base + path.format(**values))
        expect(page.locator("main#main")).to_be_attached()
        found += axe_violations(page)
        if path == "/monitoring/file/{draft}/":  # a product row added by the page's script is labelled too
            page.get_by_role("button", name="增加产品").click()
            found += axe_violations(page)
    return found


@pytest.mark.parametrize("who", list(PAGES))
def test_every_main_page_has_no_accessibility_violation_in_either_mode(world, live_server, page, who):
    values = the_month(world)
    usernames = {u.username: name for name, u in world.users.items()}
    if who != "anonymous":
        values["notification"] = values["notifications"][usernames[who]].pk
        sign_in(page, live_server, who)
    page.set_viewport_size({"width": 1366, "height": 900})
    found = walk(page, live_server.url, PAGES[who], values)
    switch_care_mode(page)
    found += [f"[关怀版] {line}" for line in walk(page, live_server.url, PAGES[who], values)]
    assert not found, f"axe-core found {len(found)} violation(s) for {who}:\n" + "\n".join(found)
