"""AG Grid only where a grid is (dash_app/factory.MonitorDash, assets/ag_grid_loader.js): a page
without a grid never fetches dash_ag_grid's 1.3 MB bundle (nor, on any page, dash_table's
loader); a grid page opened directly, or reached inside the app from a page without one, draws
its grid; the bundle is fetched once for every grid after it; and if it cannot be fetched the
page says so in words. The Returns list and the Performance table are plain tables
(layouts/returns_home.py, layouts/performance.py): no grid. The administration's targets page
is the grid page these tests use."""

from __future__ import annotations

import pytest

from tests.helpers.browser import OVERVIEW_CHART, reveal, sign_in, start

pytestmark = pytest.mark.browser

BUNDLE = "/dash_ag_grid/dash_ag_grid."
CHUNK = "/dash_ag_grid/async-community."
RETURNS_ROW = "#returns-body a.returns-link"
PERF_ROW = "#perf-body tr"
TARGETS = "/admin/targets"
TARGETS_GRID = "#adm-tgt-grid .ag-root-wrapper"


def _fetched(dash_duo, part: str) -> int:
    """How many times this page (since it was loaded) fetched a file whose address has `part`."""
    return dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes(arguments[0])).length", part)


def _script_tags(dash_duo, part: str) -> int:
    return dash_duo.driver.execute_script(
        "return [...document.scripts].filter(s => s.src.includes(arguments[0])).length", part)


def test_a_page_without_a_grid_does_not_load_ag_grid(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    reveal(dash_duo, OVERVIEW_CHART)
    dash_duo.wait_for_element("#overview-chart .main-svg")
    for path, ready in (("/priorities", "#page h1"), ("/submissions", "#page h1"),
                        ("/returns", RETURNS_ROW), ("/performance", PERF_ROW)):
        dash_duo.driver.get(dash_duo.server.url + path)
        dash_duo.wait_for_element(ready)
        assert (_fetched(dash_duo, BUNDLE), _fetched(dash_duo, CHUNK)) == (0, 0), path
        assert _script_tags(dash_duo, BUNDLE) == 0, path
        # Nor dash_table's loader, which Dash 4 adds to every page (the app has no DataTable).
        assert _fetched(dash_duo, "/dash_table/") == 0, path
    # The stand-in namespace is there for Dash to resolve, and says no grid is drawn.
    assert dash_duo.driver.execute_script("return typeof window.dash_ag_grid.AgGrid") == "function"
    assert dash_duo.get_logs() == []


def test_a_grid_page_opened_directly_draws_its_grid(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + TARGETS)
    dash_duo.wait_for_element(TARGETS_GRID)
    assert (_fetched(dash_duo, BUNDLE), _fetched(dash_duo, CHUNK)) == (1, 1)
    # Its API is reachable through the namespace.
    assert dash_duo.driver.execute_script(
        "return typeof dash_ag_grid.getApi('adm-tgt-grid').getDisplayedRowCount()") == "number"
    assert dash_duo.get_logs() == []


def test_grid_pages_reached_inside_the_app_draw_their_grids(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    assert _fetched(dash_duo, BUNDLE) == 0
    # The Returns list, inside the app: its table, and still no grid fetched.
    dash_duo.find_element('#main-nav a[href="/returns"]').click()  # no page load: Dash draws it
    dash_duo.wait_for_element(RETURNS_ROW)
    assert _fetched(dash_duo, BUNDLE) == 0
    # The Performance table, inside the app: a plain table too.
    dash_duo.find_element('#main-nav a[href="/performance"]').click()
    dash_duo.wait_for_element(PERF_ROW)
    assert _fetched(dash_duo, BUNDLE) == 0
    # A grid page: the bundle fetched as it is reached.
    _to_targets(dash_duo)
    assert (_fetched(dash_duo, BUNDLE), _fetched(dash_duo, CHUNK)) == (1, 1)
    # Away and back again: the grid drawn again with the bundle already there.
    dash_duo.find_element('#main-nav a[href="/returns"]').click()
    dash_duo.wait_for_element(RETURNS_ROW)
    _to_targets(dash_duo)
    assert (_fetched(dash_duo, BUNDLE), _fetched(dash_duo, CHUNK)) == (1, 1)
    assert dash_duo.get_logs() == []


def _to_targets(dash_duo) -> None:
    """The targets page inside the app: the menu's Admin, then its Targets link."""
    dash_duo.find_element('#main-nav a[href="/admin"]').click()
    dash_duo.wait_for_element(f'#page a[href="{TARGETS}"]').click()
    dash_duo.wait_for_element(TARGETS_GRID)


def test_a_grid_that_cannot_load_says_so(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    # As if the connection dropped: the bundle's address answers nothing.
    dash_duo.driver.execute_cdp_cmd("Network.enable", {})
    dash_duo.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*dash_ag_grid.v*"]})
    dash_duo.find_element('#main-nav a[href="/admin"]').click()
    dash_duo.wait_for_element(f'#page a[href="{TARGETS}"]').click()
    alert = dash_duo.wait_for_element("#page [role=alert]")
    assert "could not be loaded" in alert.text and "reload the page" in alert.text
    # The rest of the page stands: its heading.
    assert dash_duo.find_element("#page h1").text
