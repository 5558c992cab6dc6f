"""The pages on a phone (390 px wide) and a tablet (768 px): nothing essential off-screen, and
no page wider than the screen. And the Returns list's filters follow Back and Forward."""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from layouts.admin import ADMIN_PAGES
from tests.helpers.browser import sign_in, start, wait_for_page

pytestmark = pytest.mark.browser

PHONE, TABLET = 390, 768
LOADED = "#returns-body a.returns-link"
# Every page, with what shows it has drawn (the admin's sub-pages each have an address), in
# two parts that run as separate tests, so the suite's workers share the walk.
PAGES = {
    "figures": {
        "/": "#overview-tiles .card",
        "/priorities": "#priority-body table", "/progress": ".progress-group table",
    },
    "service": {"/service?id=1&year=2025/26": "#service-trends .trend-section .main-svg"},
    "tables": {
        "/submissions": "#submissions-table",
        "/performance?year=2025/26&quarter=Q3": "#perf-body tr", "/returns": LOADED,
        "/review": ".queue-item",
        **{f"/admin/{slug}": f"#adm-section-{slug}" for slug, _label in ADMIN_PAGES},
    },
}


def width(dash_duo, pixels: int) -> None:
    """The window as a phone's or a tablet's (CSS pixels, as the media queries see them)."""
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": pixels, "height": 844, "deviceScaleFactor": 1, "mobile": False})


def rect(dash_duo, element) -> dict:
    return dash_duo.driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return {left: r.left, right: r.right};", element)


def page_width(dash_duo) -> int:
    return dash_duo.driver.execute_script("return document.documentElement.scrollWidth")


def test_the_check_can_fail(dash_duo, browser_app):
    """A wide element does widen the page: the overflow check below would see it."""
    start(dash_duo, browser_app)
    width(dash_duo, PHONE)
    dash_duo.driver.get(dash_duo.server.url + "/login")
    dash_duo.wait_for_element("#email")
    assert page_width(dash_duo) <= PHONE + 1
    dash_duo.driver.execute_script(
        "const d = document.createElement('div'); d.style.width = '600px'; d.textContent = 'x';"
        "document.querySelector('#sign-in').parentNode.appendChild(d);")
    assert page_width(dash_duo) > PHONE + 1


@pytest.mark.parametrize("part", list(PAGES))
@pytest.mark.parametrize("pixels", [PHONE, TABLET])
def test_no_page_is_wider_than_the_screen(dash_duo, browser_app, pixels, part):
    """Tables scroll inside their own box; nothing else pushes the page sideways."""
    start(dash_duo, browser_app)
    width(dash_duo, pixels)
    dash_duo.driver.get(dash_duo.server.url + "/login")
    dash_duo.wait_for_element("#email")
    wide = {"/login": page_width(dash_duo)}
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    for path, ready in PAGES[part].items():
        dash_duo.driver.get(dash_duo.server.url + path)
        wait_for_page(dash_duo, ready)
        # The data tables behind "Data table for this chart" too, opened.
        dash_duo.driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
        wide[path] = page_width(dash_duo)
    assert {p: w for p, w in wide.items() if w > pixels + 1} == {}


@pytest.mark.parametrize("who", ["admin@demo.local", "safer-futures-support@demo.local"])
def test_the_returns_list_s_status_and_link_are_in_view_on_a_phone(dash_duo, browser_app, who):
    start(dash_duo, browser_app)
    width(dash_duo, PHONE)
    sign_in(dash_duo, who)
    dash_duo.wait_for_element("#main-nav")
    dash_duo.driver.get(dash_duo.server.url + "/returns")
    dash_duo.wait_for_element(LOADED)
    headings = {th.text: th for th in dash_duo.find_elements("#returns-table thead th")}
    status, action = headings["Status"], headings["Open"]
    link = dash_duo.find_element(LOADED)
    cell = dash_duo.find_element("#returns-body tr:first-child > :nth-child(2)")
    assert cell.text in {"Missing", "Overdue", "Returned", "Not started", "Draft"}
    for element in (status, action, link, cell):
        box = rect(dash_duo, element)
        assert 0 <= box["left"] and box["right"] <= PHONE, (element.text, box)
    assert page_width(dash_duo) <= PHONE + 1
    # The note on the statuses is beside the list, closed, one line.
    assert dash_duo.find_element("#returns-status-note summary").text == "What the statuses mean"


def test_the_performance_table_s_service_metric_and_rag_are_in_view_on_a_phone(dash_duo, browser_app):
    start(dash_duo, browser_app)
    width(dash_duo, PHONE)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#main-nav")
    dash_duo.driver.get(dash_duo.server.url + "/performance?year=2025/26&quarter=Q3")
    dash_duo.wait_for_element("#perf-body tr")
    headings = {th.text: th for th in dash_duo.find_elements("#perf-table thead th")}
    cells = [dash_duo.find_element(f"#perf-body tr:first-child > .col-{key}")
             for key in ("service", "metric", "rag")]
    for element in (headings["Service"], headings["Metric"], headings["RAG"], *cells):
        box = rect(dash_duo, element)
        assert 0 <= box["left"] and box["right"] <= PHONE, (element.text, box)
    assert cells[2].text  # a measure's RAG, in words
    assert page_width(dash_duo) <= PHONE + 1


def scroll_settled(dash_duo, box) -> None:
    """Wait until `box` has stopped scrolling: its position the same over 200 ms."""
    read = "return arguments[0].scrollLeft"
    last = [None]

    def still() -> bool:
        now = dash_duo.driver.execute_script(read, box)
        same, last[0] = now == last[0], now
        return same

    until(still, 5, poll=0.2)


def test_the_overview_table_keeps_its_first_column_and_reaches_rag_on_a_phone(dash_duo, browser_app):
    """The table scrolls inside its own box, the service's name fixed at the left: scrolled to
    its end, % of target, RAG and Return are in view beside the name."""
    start(dash_duo, browser_app)
    width(dash_duo, PHONE)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-tiles .card")
    dash_duo.wait_for_element("#overview-data-table tbody tr")
    dash_duo.driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    table = dash_duo.find_element("#overview-data-table")
    box = dash_duo.driver.execute_script("return arguments[0].parentElement", table)
    first = dash_duo.find_element("#overview-data-table tbody tr:first-child th")
    headers = {h.text.replace("\n", " "): h for h in dash_duo.find_elements("#overview-data-table thead th")}
    assert {"% of target", "RAG", "Return"} <= set(headers), list(headers)
    before = rect(dash_duo, first)
    assert before["left"] >= 0 and before["right"] <= PHONE / 2  # at most half the phone
    # A keyboard user can reach the box and scroll it (assets/scroll_regions.js).
    until(lambda: box.get_attribute("tabindex") == "0", 5)
    assert box.get_attribute("role") == "region"
    assert box.get_attribute("aria-label") == f"{table.find_element('css selector', 'caption').text}, scrolls sideways"
    box.send_keys(Keys.ARROW_RIGHT)
    until(lambda: dash_duo.driver.execute_script("return arguments[0].scrollLeft", box) > 0, 5)
    # A key's scroll is animated: let it end, or it carries on over the scrolling below.
    scroll_settled(dash_duo, box)
    dash_duo.driver.execute_script("arguments[0].scrollLeft = arguments[0].scrollWidth", box)
    until(lambda: dash_duo.driver.execute_script("return arguments[0].scrollLeft", box) > 0, 5)
    # The name did not move; the last columns slid into view to its right.
    assert rect(dash_duo, first) == before
    for name in ("RAG", "Return"):
        cell = rect(dash_duo, headers[name])
        assert before["right"] <= cell["left"] and cell["right"] <= PHONE, (name, cell)
    # Each figure column can be brought beside the name, whole.
    for name in ("% of target", "Actual", "Target"):
        dash_duo.driver.execute_script(
            "arguments[0].scrollLeft += arguments[1].getBoundingClientRect().left - arguments[2];",
            box, headers[name], before["right"])
        scroll_settled(dash_duo, box)
        cell = rect(dash_duo, headers[name])
        assert before["right"] - 1 <= cell["left"] and cell["right"] <= PHONE, (name, cell)
    assert page_width(dash_duo) <= PHONE + 1
    # Wide enough for the whole table: no scrolling, so no extra tab stop.
    width(dash_duo, 1366)
    until(lambda: box.get_attribute("tabindex") is None, 5)
    assert box.get_attribute("role") is None


def _statuses(dash_duo) -> set[str]:
    return set(dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#returns-body tr > :nth-child(2)')]"
        ".map(c => c.textContent.trim())"))


def _select_value(dash_duo) -> str | None:
    return dash_duo.driver.execute_script(
        "const s = document.querySelector('#returns-status'); return s && s.value")


def _shows(dash_duo, value: str, word: str) -> None:
    """The list shows one status: in the URL, the select and every row."""
    until(lambda: f"status={value}" in dash_duo.driver.current_url, 10)
    # Read afresh each time: Back redraws the page, select and all.
    until(lambda: _select_value(dash_duo) == value, 10)
    until(lambda: _statuses(dash_duo) == {word}, 10)


def test_back_and_forward_restore_the_returns_list_s_filters(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/returns")
    dash_duo.wait_for_element(LOADED)
    everything = dash_duo.find_element("#returns-count").text
    Select(dash_duo.find_element("#returns-status")).select_by_value("draft")
    _shows(dash_duo, "draft", "Draft")
    Select(dash_duo.find_element("#returns-status")).select_by_value("approved")
    _shows(dash_duo, "approved", "Approved")
    assert dash_duo.driver.title.startswith("Returns")
    dash_duo.driver.back()
    _shows(dash_duo, "draft", "Draft")
    dash_duo.driver.back()
    until(lambda: dash_duo.driver.current_url.endswith("/returns"), 10)
    dash_duo.wait_for_text_to_equal("#returns-count", everything)
    until(lambda: _select_value(dash_duo) == "all", 10)
    until(lambda: len(_statuses(dash_duo)) > 1, 10)
    dash_duo.driver.forward()
    _shows(dash_duo, "draft", "Draft")
    dash_duo.driver.forward()
    _shows(dash_duo, "approved", "Approved")
