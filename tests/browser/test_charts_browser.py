"""Charts as drawn in headless Chromium at a phone's and a laptop's width: the trimmed
toolbar, the Overview's labels clear of the 100% line, and axe with nothing serious."""

import pytest

from tests.helpers.browser import OVERVIEW_CHART, axe_violations, reveal, serious, sign_in, start

pytestmark = pytest.mark.browser

TOOLBAR = ["Download plot as a PNG", "Reset axes"]


def _size(dash_duo, width: int) -> None:
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})


def _toolbars(dash_duo) -> list[list[str]]:
    return dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('.js-plotly-plot .modebar')].map(m =>"
        " [...m.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('data-title')))")


@pytest.mark.parametrize("width", [390, 1366])
def test_charts_are_trimmed_labelled_clear_and_accessible(dash_duo, browser_app, width):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    _size(dash_duo, width)
    try:
        dash_duo.driver.get(dash_duo.server.url + "/?year=2025/26&quarter=Q3")
        dash_duo.wait_for_text_to_equal("#overview-heading", "Q3 2025/26")
        reveal(dash_duo, OVERVIEW_CHART)
        dash_duo.wait_for_element("#overview-chart .bartext")
        assert _toolbars(dash_duo) == [TOOLBAR]
        # No label (on a bar, or the word of a service without a figure) straddles the
        # dashed 100% line (the chart's one shape).
        line, labels = dash_duo.driver.execute_script(
            "const l = document.querySelector('#overview-chart .shapelayer path').getBoundingClientRect();"
            "const t = [...document.querySelectorAll("
            "  '#overview-chart .bartext, #overview-chart .annotation-text')].map(e => {"
            "  const r = e.getBoundingClientRect(); return [e.textContent, r.left, r.right]; });"
            "return [(l.left + l.right) / 2, t];")
        assert labels
        for text, left, right in labels:
            assert not (left < line < right), (text, left, right, line)
        # Nothing written on the chart runs off its edges (labels, words, the axis title).
        edges, written = dash_duo.driver.execute_script(
            "const c = document.querySelector('#overview-chart .main-svg').getBoundingClientRect();"
            "const t = [...document.querySelectorAll('#overview-chart .bartext, #overview-chart"
            "  .annotation-text, #overview-chart .xtitle, #overview-chart .ytick text')].map(e => {"
            "  const r = e.getBoundingClientRect(); return [e.textContent, r.left, r.right]; });"
            "return [[c.left, c.right], t];")
        for text, left, right in written:
            assert edges[0] - 0.5 <= left and right <= edges[1] + 0.5, (text, left, right, edges)
        # The target line is named at the bottom, not by the toolbar at the top.
        assert "Target (100%)" not in dash_duo.find_element("#overview-chart").text
        assert serious(axe_violations(dash_duo)) == []

        dash_duo.driver.get(dash_duo.server.url + "/service?id=1&year=2025/26")
        dash_duo.wait_for_element("#service-name")
        dash_duo.wait_for_element(".metric-section .js-plotly-plot .modebar")
        toolbars = _toolbars(dash_duo)
        assert toolbars and all(t == TOOLBAR for t in toolbars)
        assert serious(axe_violations(dash_duo)) == []
    finally:
        dash_duo.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
