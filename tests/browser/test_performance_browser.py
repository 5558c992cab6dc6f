"""The performance table page: the grid, its filters, and an XLSX downloaded by the browser."""

import base64
import io

import pytest
from openpyxl import load_workbook
from selenium.webdriver.support.ui import Select

from models.reporting.performance import COLUMNS
from models.rules.rag import look_of
from tests.helpers.browser import sign_in, start

pytestmark = pytest.mark.browser


def test_grid_and_xlsx_download(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/performance?year=2025/26&quarter=Q3")
    dash_duo.wait_for_text_to_equal("#perf-heading", "Q3 2025/26")
    dash_duo.wait_for_element("#perf-grid .ag-row")
    grid_text = dash_duo.find_element("#perf-grid").text
    assert "Pupils reached" in grid_text and "Anti-Social Behaviour (ASB)" in grid_text
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
    href = dash_duo.find_element("#perf-xlsx").get_attribute("href")
    assert href.endswith("/export/performance.xlsx?year=2025%2F26&quarter=year")
    # Download it with the browser's own session, as a click would.
    encoded = dash_duo.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => {"
        "  let s = ''; const a = new Uint8Array(b);"
        "  for (let i = 0; i < a.length; i++) { s += String.fromCharCode(a[i]); }"
        "  done(btoa(s)); });", href)
    workbook = load_workbook(io.BytesIO(base64.b64decode(encoded)))
    assert [c.value for c in workbook["Performance"][1]] == COLUMNS
    assert workbook["Performance"].max_row > 40
