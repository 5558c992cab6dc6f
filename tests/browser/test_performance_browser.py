"""The performance table page: the grid, its filters, and an XLSX downloaded by the browser."""

import pytest
from openpyxl import load_workbook
from selenium.webdriver.support.ui import Select, WebDriverWait

from models.reporting.performance import COLUMNS
from models.rules.rag import look_of
from tests.helpers.browser import axe_violations, serious, sign_in, start

pytestmark = pytest.mark.browser


def test_grid_and_xlsx_download(dash_duo, browser_app, tmp_path):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/performance?year=2025/26&quarter=Q3")
    dash_duo.wait_for_text_to_equal("#perf-heading", "Q3 2025/26")
    dash_duo.wait_for_element("#perf-grid .ag-row")
    grid_text = dash_duo.find_element("#perf-grid").text
    assert "Pupils reached" in grid_text and "Anti-Social Behaviour (ASB)" not in grid_text
    # Priority and Provider repeat on every row: hidden until the reader asks for them.
    dash_duo.find_element("#perf-show-groups").click()
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.execute_script(
        "return dash_ag_grid.getApi('perf-grid').getColumn('Priority').isVisible()"))
    dash_duo.driver.execute_script("dash_ag_grid.getApi('perf-grid').ensureColumnVisible('Priority')")
    dash_duo.wait_for_contains_text("#perf-grid", "Anti-Social Behaviour (ASB)")
    # Each RAG cell carries the class of its word (models.rules.rag), from the grid's rules.
    dash_duo.driver.execute_script("dash_ag_grid.getApi('perf-grid').ensureColumnVisible('RAG')")
    dash_duo.wait_for_element('#perf-grid .ag-cell[col-id="RAG"]')
    cells = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#perf-grid .ag-cell[col-id=\"RAG\"]')]"
        ".map(c => [c.textContent.trim(), c.className])")
    judged = [(word, classes) for word, classes in cells if word]
    assert judged
    for word, classes in judged:
        assert look_of(word).tone in classes.split(), (word, classes)
    Select(dash_duo.find_element("#perf-quarter")).select_by_visible_text("Whole year")
    dash_duo.wait_for_text_to_equal("#perf-heading", "The whole of 2025/26")
    assert "quarter=year" in dash_duo.driver.current_url
    # The XLSX is built as a background job and arrives through the page's download.
    dash_duo.driver.execute_cdp_cmd("Page.setDownloadBehavior",
                                    {"behavior": "allow", "downloadPath": str(tmp_path)})
    dash_duo.find_element("#perf-xlsx").click()
    name = "cwp-performance-2025-26-year.xlsx"
    dash_duo.wait_for_text_to_equal(
        "#perf-job-result", f"The Excel workbook is ready: {name} is in your downloads.", timeout=60)
    WebDriverWait(dash_duo.driver, 30).until(lambda _: (tmp_path / name).exists())
    workbook = load_workbook(tmp_path / name)
    assert [c.value for c in workbook["Performance"][1]] == COLUMNS
    assert workbook["Performance"].max_row > 40


def _box(dash_duo, selector: str) -> dict:
    return dash_duo.driver.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {left: r.left, right: r.right};", selector)


def test_on_a_phone_the_grid_leads_with_service_and_rag(dash_duo, browser_app):
    """At 390 px: Service and Metric pinned left and RAG beside them, all inside the viewport;
    one line per row; the page scrolls, not a box inside it; axe finds nothing serious."""
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": False})
    try:
        dash_duo.driver.get(dash_duo.server.url + "/performance?year=2025/26&quarter=Q3")
        dash_duo.wait_for_element('#perf-grid .ag-row .ag-cell[col-id="RAG"]')
        width = dash_duo.driver.execute_script("return window.innerWidth")
        assert width == 390
        pinned = dash_duo.driver.execute_script(
            "return [...document.querySelectorAll('#perf-grid .ag-pinned-left-header .ag-header-cell')]"
            ".map(c => c.getAttribute('col-id'))")
        assert pinned == ["Service", "Metric"]
        for column in ("Service", "Metric", "RAG"):
            box = _box(dash_duo, f'#perf-grid .ag-header-cell[col-id="{column}"]')
            assert 0 <= box["left"] and box["right"] <= width, (column, box)
            cell = _box(dash_duo, f'#perf-grid .ag-row .ag-cell[col-id="{column}"]')
            assert 0 <= cell["left"] and cell["right"] <= width, (column, cell)
        heights = dash_duo.driver.execute_script(
            "return [...document.querySelectorAll('#perf-grid .ag-center-cols-container .ag-row')]"
            ".map(r => r.getBoundingClientRect().height)")
        assert heights and set(heights) == {40}
        # domLayout autoHeight: the grid's body is as tall as its rows, nothing to scroll inside.
        trapped = dash_duo.driver.execute_script(
            "const v = document.querySelector('#perf-grid .ag-body-viewport');"
            "return v.scrollHeight > v.clientHeight + 1")
        assert not trapped
        # The full text of a cut-short cell is its tooltip.
        assert serious(axe_violations(dash_duo)) == []
        # Turned to a wider screen, Metric gets room for its names; back again, narrow again.
        narrow = _box(dash_duo, '#perf-grid .ag-header-cell[col-id="Metric"]')
        for screen, wide in ((1024, True), (390, False)):
            dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": screen, "height": 844, "deviceScaleFactor": 1, "mobile": False})
            WebDriverWait(dash_duo.driver, 10).until(lambda d, wide=wide: (d.execute_script(
                "return dash_ag_grid.getApi('perf-grid').getColumn('Metric').getActualWidth()")
                == 260) == wide)
        back = _box(dash_duo, '#perf-grid .ag-header-cell[col-id="Metric"]')
        assert back["right"] - back["left"] == narrow["right"] - narrow["left"] < 260
    finally:
        dash_duo.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_cut_short_cell_shows_its_full_text_to_the_keyboard(dash_duo, browser_app):
    """The tooltip with a long name opens under a mouse pointer only; a cell reached with the
    keyboard shows its whole text in place (assets/monitor.css)."""
    from selenium.webdriver.common.keys import Keys

    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/performance?year=2025/26&quarter=Q3")
    dash_duo.wait_for_element('#perf-grid .ag-cell[col-id="Metric"]')
    cut = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#perf-grid .ag-cell[col-id=\"Metric\"] .ag-cell-value')]"
        ".findIndex(v => v.scrollWidth > v.clientWidth + 1)")
    assert cut > 0, "no Metric cell is cut short at this width"
    # Focus the cell above it through the grid's own keyboard handling, then move down.
    dash_duo.driver.execute_script(
        f"dash_ag_grid.getApi('perf-grid').setFocusedCell({cut - 1}, 'Metric')")
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "ag-cell-focus" in d.execute_script(
        "return document.activeElement.className"))
    whole = dash_duo.driver.execute_script(
        "const c = document.activeElement, v = c.querySelector('.ag-cell-value');"
        " return [c.getAttribute('col-id'), getComputedStyle(v).whiteSpace,"
        " v.scrollWidth <= v.clientWidth + 1]")
    assert whole == ["Metric", "normal", True]
