"""Dashboard pages in headless Chromium: filters change figures, the URL carries them, a
reload restores them, and each data table matches its chart."""

import pytest
from selenium.webdriver.support.ui import Select

from tests.helpers.browser import OVERVIEW_CHART, reveal, sign_in, start, wait_for_address

pytestmark = pytest.mark.browser


def _chart_data(dash_duo, graph_id, trace=0):
    return dash_duo.driver.execute_script(
        f"const g = document.querySelector('#{graph_id} .js-plotly-plot');"
        f"return g && g.data ? g.data[{trace}] : null;")


def _signed_in(dash_duo, app, email="viewer@demo.local"):
    start(dash_duo, app)
    sign_in(dash_duo, email)
    dash_duo.wait_for_element("#overview-heading")


def test_overview_filters_and_tiles(dash_duo, browser_app):
    _signed_in(dash_duo, browser_app)
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    Select(dash_duo.find_element("#overview-year")).select_by_visible_text("2022/23")
    Select(dash_duo.find_element("#overview-priority")).select_by_visible_text("Domestic Abuse")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2022/23")
    dash_duo.wait_for_contains_text("#overview-tiles", "Domestic Abuse")
    rows = dash_duo.find_elements("#overview-data-table tbody tr")
    reveal(dash_duo, OVERVIEW_CHART)
    dash_duo.wait_for_element("#overview-chart .js-plotly-plot")
    assert len(rows) == 4
    assert len(_chart_data(dash_duo, "overview-chart")["y"]) == 4
    wait_for_address(dash_duo, "priority=")
    dash_duo.driver.refresh()
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2022/23")
    assert Select(dash_duo.find_element("#overview-priority")).first_selected_option.text == "Domestic Abuse"
    assert len(dash_duo.find_elements("#overview-data-table tbody tr")) == 4


def test_service_page_table_matches_chart(dash_duo, browser_app):
    _signed_in(dash_duo, browser_app)
    dash_duo.driver.get(dash_duo.server.url + "/service?id=2&year=2023/24")
    dash_duo.wait_for_contains_text("#service-name", "Children and young people")
    graph = dash_duo.wait_for_element("[id^='metric-'] .js-plotly-plot")
    graph_id = graph.find_element("xpath", "./ancestor::*[starts-with(@id,'metric-')][1]").get_attribute("id")
    bars = _chart_data(dash_duo, graph_id)["y"]
    table = dash_duo.find_element(f"#section-{graph_id} table")
    actuals = [r.find_elements("css selector", "td")[0].text for r in table.find_elements("css selector", "tbody tr")]
    assert [str(int(v)) for v in bars] == actuals
    Select(dash_duo.find_element("#service-year")).select_by_visible_text("2024/25")
    dash_duo.wait_for_contains_text("#service-body", "2024/25")
    wait_for_address(dash_duo, "year=2024%2F25")
    dash_duo.driver.refresh()
    dash_duo.wait_for_contains_text("#service-body", "2024/25")
    assert Select(dash_duo.find_element("#service-year")).first_selected_option.text == "2024/25"


def test_priorities_and_submissions_pages(dash_duo, browser_app):
    _signed_in(dash_duo, browser_app, "admin@demo.local")
    dash_duo.driver.get(dash_duo.server.url + "/priorities?year=2025/26&quarter=Q4")
    dash_duo.wait_for_contains_text("#priority-body", "County Lines")
    assert "No commissioned services report under this priority." in dash_duo.find_element("#priority-body").text
    Select(dash_duo.find_element("#priority-quarter")).select_by_visible_text("Q1")
    dash_duo.wait_for_element("#priority-body")
    dash_duo.driver.get(dash_duo.server.url + "/submissions?year=2026/27")
    dash_duo.wait_for_contains_text("#submissions-table", "Sanctuary scheme")
    rates = dash_duo.find_element("#submissions-rates").text
    assert "Completeness" in rates and "100%" in rates
    assert "Overdue" in dash_duo.find_element("#submissions-table").text


def test_print_stylesheet_and_offline_assets(dash_duo, browser_app):
    """Bootstrap is served from this app, once and before our CSS, so the print rules win:
    filters and navigation drop out, the page uses the paper's width."""
    _signed_in(dash_duo, browser_app)
    sheets = dash_duo.driver.execute_script(
        "return Array.from(document.styleSheets).map(s => s.href).filter(Boolean);")
    assert all(h.startswith(dash_duo.server.url) for h in sheets)
    names = [h.split("?")[0].rsplit("/", 1)[-1] for h in sheets]
    # Bootstrap first; the print rules (print.css) after monitor.css, so they win ties.
    assert names[0] == "bootstrap.min.css" and names.index("monitor.css") < names.index("print.css")
    dash_duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    styles = dash_duo.driver.execute_script(
        "return [getComputedStyle(document.querySelector('.filters')).display,"
        " getComputedStyle(document.querySelector('.monitor-header')).display,"
        " getComputedStyle(document.querySelector('main.container')).maxWidth];")
    assert styles == ["none", "none", "none"]
