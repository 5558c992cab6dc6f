"""Pages that load without jumping (issue 17): the layout shift a reader sees while a page is
drawn, summed from the browser's own 'layout-shift' entries (the Layout Instability API, which
Lighthouse's Cumulative Layout Shift counts too), is at most 0.1 once the page is drawn. A
bound on what moved, never on how long anything took: every wait is for content."""

import pytest

from tests.helpers.browser import OVERVIEW_CHART, reveal, sign_in, start

pytestmark = pytest.mark.browser

# Registered before any page's own script runs, in every document the browser opens after it.
RECORD_SHIFTS = """
window.__layoutShift = {total: 0, moved: []};
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;  // a shift the reader caused is not counted
    window.__layoutShift.total += entry.value;
    window.__layoutShift.moved.push((entry.sources || []).map(s => s.node && (s.node.id
      || s.node.className || s.node.nodeName)).join(', ') + ': ' + entry.value.toFixed(4));
  }
}).observe({type: 'layout-shift', buffered: true});
"""

# The entries of the last frames reach the observer in a later task: wait two frames for them.
READ_SHIFTS = """
const done = arguments[arguments.length - 1];
requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => done(window.__layoutShift), 0)));
"""

GOAL = 0.1  # issue 17's bound on layout shift, the same as Lighthouse's "good"


def _record_shifts(dash_duo, width: int | None = None) -> None:
    if width:  # a phone's width, as tests/browser/test_form_errors_browser.py sets it
        dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": 844, "deviceScaleFactor": 1, "mobile": False})
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_SHIFTS})


def _shifted(dash_duo) -> dict:
    dash_duo.driver.set_script_timeout(30)
    return dash_duo.driver.execute_async_script(READ_SHIFTS)


def _wait_for_overview(dash_duo) -> None:
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    dash_duo.wait_for_element("#overview-tiles .service-tile")
    reveal(dash_duo, OVERVIEW_CHART)  # drawn as it nears the screen, in its held space
    dash_duo.wait_for_element("#overview-chart .main-svg")
    dash_duo.wait_for_element("#overview-data-table tbody tr")


@pytest.mark.parametrize("width", [None, 390])
def test_the_overview_does_not_jump_while_it_is_drawn(dash_duo, browser_app, width):
    start(dash_duo, browser_app)
    _record_shifts(dash_duo, width)
    sign_in(dash_duo, "admin@demo.local")  # lands on the Overview
    _wait_for_overview(dash_duo)
    shifted = _shifted(dash_duo)
    assert shifted["total"] <= GOAL, shifted["moved"]


def test_the_overview_holds_its_tiles_space_until_they_come(dash_duo, browser_app):
    """The space is held by the stylesheet for an empty tiles area (as it is before the view
    arrives): the chart and table below start a window's height down, where they end up."""
    start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    _wait_for_overview(dash_duo)
    held = dash_duo.driver.execute_script("""
        const tiles = document.getElementById('overview-tiles');
        const drawn = tiles.getBoundingClientRect().height;
        const empty = tiles.cloneNode(false);  // the same element, as it is before the view
        tiles.replaceWith(empty);
        const result = {drawn: drawn, empty: empty.getBoundingClientRect().height,
                        window: window.innerHeight,
                        heading: document.getElementById('overview-heading').getBoundingClientRect().height};
        empty.replaceWith(tiles);
        return result;""")
    assert held["empty"] >= held["window"]
    assert held["drawn"] >= held["window"]  # the demo's tiles fill more than the held space
    assert held["heading"] > 0


def test_a_service_page_holds_each_charts_height(dash_duo, browser_app):
    start(dash_duo, browser_app)
    _record_shifts(dash_duo)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    dash_duo.driver.get(dash_duo.server.url + "/service")
    dash_duo.wait_for_element(".chart-block .lazy-chart .main-svg")
    # The charts below the first screen are drawn as they come near it (assets/lazy_charts.js):
    # scroll down the page a screen at a time, as a reader would.
    dash_duo.driver.execute_script("""
        const step = () => { window.scrollBy(0, window.innerHeight / 2);
            if (window.scrollY + window.innerHeight < document.body.scrollHeight) setTimeout(step, 100); };
        step();""")
    dash_duo.wait_for_element("section.metric-section:last-of-type .lazy-chart .main-svg")
    charts = dash_duo.driver.execute_script("""
        return [...document.querySelectorAll('#service-body .lazy-chart')].map(g => [
            getComputedStyle(g).getPropertyValue('--chart-height').trim(),
            Math.round(g.getBoundingClientRect().height)]);""")
    assert charts
    # The held height is the drawn one: nothing below a chart moves when Plotly draws it.
    assert all(held == f"{drawn}px" for held, drawn in charts), charts
    shifted = _shifted(dash_duo)
    assert shifted["total"] <= GOAL, shifted["moved"]


@pytest.mark.parametrize("width", [None, 390])
def test_the_returns_list_does_not_jump_when_its_rows_come(dash_duo, browser_app, width):
    start(dash_duo, browser_app)
    _record_shifts(dash_duo, width)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    dash_duo.driver.get(dash_duo.server.url + "/returns")
    dash_duo.wait_for_element("#returns-body a.returns-link")
    dash_duo.wait_for_element("#returns-page-status")
    shifted = _shifted(dash_duo)
    assert shifted["total"] <= GOAL, shifted["moved"]


def test_the_performance_table_does_not_move_while_it_loads(dash_duo, browser_app):
    """The table comes drawn with the page, its heading and first page of rows with it
    (callbacks/router.render_performance), so nothing arrives later to push it down: with
    the CPU slowed as Lighthouse's phone profile slows it, the page does not shift. (With the
    grid, the heading came with a later request, and Lighthouse saw a shift of 0.26 until its
    line was held.)"""
    start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    _record_shifts(dash_duo)
    dash_duo.driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": 4})
    try:
        dash_duo.driver.get(dash_duo.server.url + "/performance")
        dash_duo.wait_for_text_to_equal("#perf-heading", "Q2 2026/27", timeout=60)
        dash_duo.wait_for_element("#perf-body tr", timeout=60)
        dash_duo.wait_for_element("#perf-page-status")
        shifted = _shifted(dash_duo)
    finally:
        dash_duo.driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": 1})
    assert shifted["total"] <= GOAL, shifted["moved"]
