"""Driving the app in headless Chromium through dash_duo: start it, sign in, sign out."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.config import DEMO_PASSWORD

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(dash_duo) -> list[dict]:
    """axe-core (vendored in tests/browser/vendor) run on the page as it is now."""
    axe = (Path(__file__).parent.parent / "browser" / "vendor" / "axe.min.js").read_text()
    dash_duo.driver.set_script_timeout(60)
    dash_duo.driver.execute_script(axe)
    return dash_duo.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(AXE_TAGS)}}}}})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))));")


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def start(dash_duo, app) -> str:
    """Start the app; the root redirects anonymous users, so don't wait on a Dash page yet."""
    # A free port, not dash's own count from 58050: two workers may each run browser tests.
    from tests.helpers.servers import free_port

    dash_duo.start_server(app, navigate=False, port=free_port())
    return dash_duo.server.url


def sign_in(dash_duo, email: str, password: str = DEMO_PASSWORD) -> None:
    dash_duo.driver.get(dash_duo.server.url + "/login")
    dash_duo.wait_for_element("#email").send_keys(email)
    dash_duo.find_element("#password").send_keys(password)
    dash_duo.find_element("#sign-in").click()


def sign_out(dash_duo) -> None:
    """The header's Sign out button: a POST with the CSRF token, back to the sign-in page."""
    from selenium.webdriver.common.keys import Keys

    button = dash_duo.wait_for_element("#sign-out")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.send_keys(Keys.ENTER)  # as a keyboard user would; the form posts
    dash_duo.wait_for_element("#sign-in")


def field(dash_duo, component_id: dict):
    """The element of a Dash component whose id is a dict (a pattern-matching id)."""
    from selenium.webdriver.common.by import By

    from layouts import ids

    return dash_duo.driver.find_element(By.XPATH, f"//*[@id='{ids.dom_id(component_id)}']")


def press(dash_duo, element) -> None:
    """Press a button with the keyboard, once it is scrolled into view."""
    from selenium.webdriver.common.keys import Keys

    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.send_keys(Keys.ENTER)


def reveal(dash_duo, selector: str) -> None:
    """Scroll `selector` into view: a part drawn only as it nears the screen (the service
    page's "Over the years", assets/service_trends.js; the charts, assets/lazy_charts.js)
    is then drawn."""
    element = dash_duo.wait_for_element(selector)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)


OVERVIEW_CHART = "#overview-chart[data-figure]"  # the Overview's chart, once its figure has come


def wait_for_page(dash_duo, ready: str) -> None:
    """Wait for what shows a page is drawn; a part drawn only as it nears the screen (the
    service page's "Over the years") is scrolled to first."""
    if ready.startswith("#service-trends"):
        # Once the year's figures are drawn above it: scrolled to before, the section would be
        # pushed far below the screen by them before it was seen there.
        dash_duo.wait_for_element("#service-name", timeout=60)
        reveal(dash_duo, "#service-trends")
    dash_duo.wait_for_element(ready, timeout=60)  # a loaded machine: content, not speed



def wait_for_address(dash_duo, words: str, timeout: float = 20) -> None:
    """Wait for the address bar to carry `words`. It follows a view's answer a moment after
    the page shows it: assets/navigation.js writes it once the view's record arrives."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(dash_duo.driver, timeout).until(lambda _: words in dash_duo.driver.current_url)
