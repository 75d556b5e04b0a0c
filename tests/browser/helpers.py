"""What browser tests share: signing in through the login form, as a person would, and measuring a page's
accessibility with axe-core.

``assert_accessible(page)`` — call it on any page a test has open (after its content is there):

    from tests.browser.helpers import assert_accessible, sign_in

    sign_in(page, live_server, "haian")
    page.goto(f"{live_server.url}/platforms/")
    assert_accessible(page)

It injects axe-core (``tests/browser/vendor/axe.min.js``, vendored so the suite needs no network; see
``tests/browser/vendor/README.md`` for the version and how to update it), runs it over the whole document
with the WCAG 2.0/2.1/2.2 A and AA rules and axe's best practices (landmarks, empty table headers, unique
ids, ...), and fails with one line per violation: rule, impact, help text, the offending elements' selectors.
``axe_violations(page)`` returns the same lines without failing, for a test that visits many pages and reports
them all at once (tests/browser/test_accessibility.py). Test care mode (关怀版) too: press the 关怀版 button of
the top bar first (``switch_care_mode(page)``), the mode is kept for the session.
"""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

CARE_MODE = re.compile(r"\bcare-mode\b")
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
# The WCAG 2.x success criteria at levels A and AA, and axe's best practices (the top bar inside a landmark,
# no empty <th>, one <h1>, ...): the portal promises both.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def switch_care_mode(page: Page, on: bool = True) -> None:
    """Press the top bar's 关怀版 / 标准版 button unless the page is already in the wanted mode."""
    if ("care-mode" in (page.locator("body").get_attribute("class") or "")) != on:
        page.locator("#care-mode-toggle").click()
    if on:
        expect(page.locator("body")).to_have_class(CARE_MODE)
    else:
        expect(page.locator("body")).not_to_have_class(CARE_MODE)


def axe_violations(page: Page) -> list[str]:
    """axe-core's violations on the open page, one readable line each (empty when there are none)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           targets: v.nodes.map(n => n.target.join(' '))}));
        }""",
        AXE_TAGS,
    )
    path = page.url.split("/", 3)[-1]
    return [
        f"/{path}: {v['id']} ({v['impact']}) {v['help']} -> {', '.join(v['targets'][:5])}"
        + (f" (+{len(v['targets']) - 5} more)" if len(v["targets"]) > 5 else "")
        for v in result
    ]


def assert_accessible(page: Page) -> None:
    """Fail, with every violation listed, unless axe-core finds the open page accessible."""
    violations = axe_violations(page)
    assert not violations, "axe-core found accessibility violations:\n" + "\n".join(violations)
