"""The performance table page in a browser: a plain table drawn on the server, sorted by its
headings' buttons from the keyboard, paged, searched, filtered, its Priority and Provider
columns shown by the switch alone, Back/Forward restoring the view, and an XLSX downloaded."""

import re
import threading
import time

import pytest
from flask import request
from openpyxl import load_workbook
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from models.reporting.performance import COLUMNS
from models.rules.rag import look_of
from tests.helpers.browser import axe_violations, serious, sign_in, start, wait_for_address

pytestmark = pytest.mark.browser

ROW = "#perf-body tr"


def _open(dash_duo, browser_app, search="?year=2025/26&quarter=Q3", who="viewer@demo.local"):
    start(dash_duo, browser_app)
    sign_in(dash_duo, who)
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/performance" + search)
    dash_duo.wait_for_element(ROW)


def _column(dash_duo, key: str) -> list[str]:
    """The words in one column of the table's body, by its cells' class (col-<key>)."""
    return dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#perf-body .col-' + arguments[0])]"
        ".map(c => c.textContent)", key)


def _status(dash_duo) -> str:
    """The pager's words (read by script: the router redraws the page on Back/Forward)."""
    return dash_duo.driver.execute_script(
        "const p = document.getElementById('perf-page-status'); return p ? p.textContent : ''")


def _value(dash_duo, element_id: str) -> str:
    """A field's value, read by script like `_status` (the page may be drawn again between
    finding an element and reading it)."""
    return dash_duo.driver.execute_script("return document.getElementById(arguments[0]).value", element_id)


def _changes(dash_duo, before: str) -> str:
    """Wait for the pager's words to change from `before`; return them."""
    WebDriverWait(dash_duo.driver, 20).until(lambda _: _status(dash_duo) != before)
    return _status(dash_duo)


def test_the_table_with_its_rag_words_and_groups_and_an_xlsx_download(dash_duo, browser_app, tmp_path):
    _open(dash_duo, browser_app)
    assert dash_duo.find_element("#perf-heading").text == "Q3 2025/26"
    table_text = dash_duo.find_element("#perf-table").text
    assert "Pupils reached" in table_text
    assert re.fullmatch(r"Rows 1 to \d+ of \d+", _status(dash_duo))
    # No AG Grid on this page.
    assert dash_duo.driver.execute_script("return document.querySelector('.ag-root-wrapper')") is None
    # Priority and Provider repeat on every row: hidden until the reader asks for them, which
    # the browser does alone (no request).
    priority = dash_duo.find_element("#perf-body .col-priority")
    assert not priority.is_displayed()
    requests_before = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').filter(e => e.name.includes('_dash-update')).length")
    dash_duo.find_element("label[for=perf-show-groups]").click()
    WebDriverWait(dash_duo.driver, 10).until(lambda _: priority.is_displayed())
    assert "Anti-Social Behaviour (ASB)" in _column(dash_duo, "priority")
    assert dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').filter(e => e.name.includes('_dash-update')).length"
    ) == requests_before
    # Each RAG cell carries the class of its word (models.rules.rag); the word is written.
    cells = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#perf-body .col-rag')].map(c => [c.textContent, c.className])")
    judged = [(word, classes) for word, classes in cells if word]
    assert judged
    for word, classes in judged:
        assert look_of(word).tone in classes.split(), (word, classes)
    # Every row one line high; a cut-short cell has its full text as its title.
    heights = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#perf-body tr')].map(r => Math.round(r.getBoundingClientRect().height))")
    assert max(heights) - min(heights) <= 2, heights
    titled = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#perf-body .col-metric')]"
        ".filter(c => c.scrollWidth > c.clientWidth + 1).map(c => [c.title, c.textContent])")
    assert titled and all(title == text for title, text in titled)
    # The body is one component (layouts/table_body.py) drawing the same HTML: each row headed
    # by its service (<th scope="row">), every other cell a <td>.
    shape = dash_duo.driver.execute_script(
        "const rows = [...document.querySelectorAll('#perf-body > tr')];"
        "return [rows.length, rows.filter(r => r.firstElementChild.matches('th[scope=row].col-service')).length,"
        " document.querySelectorAll('#perf-body th').length]")
    assert shape[0] == shape[1] == shape[2] and shape[0] > 0, shape
    # Breakdown rows are indented under their measure.
    assert dash_duo.driver.execute_script("return document.querySelectorAll('#perf-body tr.breakdown-row').length") > 0
    Select(dash_duo.find_element("#perf-quarter")).select_by_visible_text("Whole year")
    dash_duo.wait_for_text_to_equal("#perf-heading", "The whole of 2025/26")
    wait_for_address(dash_duo, "quarter=year")
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


def _number(text: str) -> float:
    return float(re.match(r"-?[\d,]+(\.\d+)?", text).group().replace(",", ""))


def test_sort_from_the_keyboard_page_find_and_back_and_forward(dash_duo, browser_app):
    _open(dash_duo, browser_app)
    # Tab to the Quarter actual heading's button and press Enter: sorted, numbers as numbers.
    button = dash_duo.find_element("#perf-table thead .col-quarter-actual button")
    dash_duo.driver.execute_script("arguments[0].focus()", button)
    button.send_keys(Keys.ENTER)
    WebDriverWait(dash_duo.driver, 20).until(lambda d: d.find_element(
        "css selector", "#perf-table thead th.col-quarter-actual").get_attribute("aria-sort") == "ascending")
    wait_for_address(dash_duo, "sort=quarter-actual")
    assert dash_duo.driver.switch_to.active_element == button  # focus stays on the button
    headline = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#perf-body tr:not(.breakdown-row) .col-quarter-actual')]"
        ".map(c => c.textContent)")
    figures = [_number(t) for t in headline if re.match(r"-?\d", t)]
    assert len(figures) > 3 and figures == sorted(figures)
    # Space presses it again: descending.
    dash_duo.find_element("#perf-table thead .col-quarter-actual button").send_keys(Keys.SPACE)
    WebDriverWait(dash_duo.driver, 20).until(lambda d: d.find_element(
        "css selector", "#perf-table thead th.col-quarter-actual").get_attribute("aria-sort") == "descending")
    # Next page: the pager says where we are.
    WebDriverWait(dash_duo.driver, 20).until(lambda _: "sort=-quarter-actual" in dash_duo.driver.current_url)
    sorted_first = _status(dash_duo)
    _press(dash_duo, "#perf-next")
    second = _changes(dash_duo, sorted_first)
    assert re.fullmatch(r"Rows \d+ to \d+ of \d+", second) and not second.startswith("Rows 1 ")
    wait_for_address(dash_duo, "page=2")
    assert dash_duo.find_element("#perf-prev").get_attribute("aria-disabled") == "false"
    # Find a measure: Enter searches; the first page of what it finds.
    box = dash_duo.find_element("#perf-find")
    box.send_keys("Pupils reached", Keys.ENTER)
    WebDriverWait(dash_duo.driver, 20).until(
        lambda _: {m.strip() for m in _column(dash_duo, "metric")} <= {"Pupils reached", "Year 6", "Year 9"})
    wait_for_address(dash_duo, "find=Pupils+reached")
    assert "page=" not in dash_duo.driver.current_url
    found = _status(dash_duo)
    # A RAG filter.
    box.clear()
    box.send_keys(Keys.ENTER)
    WebDriverWait(dash_duo.driver, 20).until(lambda _: "find=" not in dash_duo.driver.current_url)
    WebDriverWait(dash_duo.driver, 20).until(lambda _: _status(dash_duo) != found)
    Select(dash_duo.find_element("#perf-rag")).select_by_value("Green")
    WebDriverWait(dash_duo.driver, 20).until(lambda _: "rag=Green" in dash_duo.driver.current_url)
    WebDriverWait(dash_duo.driver, 20).until(
        lambda _: {w for w in _column(dash_duo, "rag") if w} == {"Green"})
    # Back: the search again (the URL and the table agree); Forward: the RAG filter again.
    dash_duo.driver.back()
    WebDriverWait(dash_duo.driver, 20).until(lambda _: "rag=Green" not in dash_duo.driver.current_url)
    dash_duo.driver.back()
    WebDriverWait(dash_duo.driver, 20).until(lambda _: "find=Pupils" in dash_duo.driver.current_url)
    WebDriverWait(dash_duo.driver, 20).until(lambda _: _status(dash_duo) == found)
    assert _value(dash_duo, "perf-find") == "Pupils reached"
    _settled(dash_duo)  # Forward once the page's answers are in (see _settled)
    dash_duo.driver.forward()  # the search cleared
    WebDriverWait(dash_duo.driver, 20).until(lambda _: "find=" not in dash_duo.driver.current_url)
    WebDriverWait(dash_duo.driver, 20).until(lambda _: _status(dash_duo) != found)
    dash_duo.driver.forward()  # then Green
    WebDriverWait(dash_duo.driver, 20).until(lambda _: "rag=Green" in dash_duo.driver.current_url)
    WebDriverWait(dash_duo.driver, 20).until(
        lambda _: {w for w in _column(dash_duo, "rag") if w} == {"Green"})
    assert _value(dash_duo, "perf-rag") == "Green"
    # A reload draws the same view.
    dash_duo.driver.refresh()
    dash_duo.wait_for_element(ROW)
    WebDriverWait(dash_duo.driver, 20).until(  # the rows of the view drawn for the URL
        lambda _: {w for w in _column(dash_duo, "rag") if w} == {"Green"})
    assert dash_duo.find_element("#perf-table thead th.col-quarter-actual").get_attribute("aria-sort") == "descending"
    assert dash_duo.get_logs() == []


# How many of the page's callback requests the browser has had answered.
ANSWERED = ("return performance.getEntriesByType('resource')"
            ".filter(e => e.name.includes('_dash-update-component') && e.responseEnd > 0).length")


class _HeldOnce:
    """Once started, holds for 3 s the first answer for `output` asked from the unfiltered
    view (an address without "rag="), and counts the callback requests asked meanwhile."""

    def __init__(self, app, output: str) -> None:
        self.holding, self.asked, self.done = False, 0, threading.Event()

        def hold() -> None:
            if request.path.endswith("_dash-update-component"):
                self.asked += 1
                outputs = str((request.get_json(silent=True) or {}).get("output"))
                if (self.holding and output in outputs and "rag=" not in (request.referrer or "")
                        and not self.done.is_set()):
                    time.sleep(3)
                    self.done.set()

        app.server.before_request(hold)

    def start(self) -> None:
        self.holding, self.asked = True, 0


def _green_after_unfiltered(dash_duo, browser_app) -> None:
    """The table opened unfiltered, then Green chosen: two history entries to go Back over."""
    _open(dash_duo, browser_app)
    Select(dash_duo.find_element("#perf-rag")).select_by_value("Green")
    wait_for_address(dash_duo, "rag=Green")
    WebDriverWait(dash_duo.driver, 20).until(lambda _: {w for w in _column(dash_duo, "rag") if w} == {"Green"})


def test_an_answer_for_a_view_the_reader_has_left_changes_neither_the_address_nor_the_page(
        dash_duo, browser_app):
    """Back to the unfiltered view, then Forward to Green before the unfiltered table's answer
    arrives: that late answer must not add a history entry for the view left behind, nor
    leave its rows under the Green address (assets/navigation.js: a record "from" another
    address asks the router to draw the page again)."""
    late = _HeldOnce(browser_app, "perf-body.rows")  # the table's answer
    _green_after_unfiltered(dash_duo, browser_app)
    entries = dash_duo.driver.execute_script("return history.length")
    answered_before = dash_duo.driver.execute_script(ANSWERED)
    late.start()
    dash_duo.driver.back()
    WebDriverWait(dash_duo.driver, 20).until(lambda _: "rag=" not in dash_duo.driver.current_url)
    WebDriverWait(dash_duo.driver, 20).until(lambda _: len(set(_column(dash_duo, "rag")) - {""}) > 1)
    dash_duo.driver.forward()
    wait_for_address(dash_duo, "rag=Green")
    assert late.done.wait(30), "the unfiltered view's table never asked for its answer"
    asked = late.asked
    # Every answer the server gave has reached the browser (the held one last).
    WebDriverWait(dash_duo.driver, 20).until(
        lambda _: dash_duo.driver.execute_script(ANSWERED) - answered_before >= asked)
    WebDriverWait(dash_duo.driver, 20).until(  # the Green rows again, under the Green address
        lambda _: {w for w in _column(dash_duo, "rag") if w} == {"Green"}
        and "rag=Green" in dash_duo.driver.current_url)
    assert dash_duo.driver.execute_script("return history.length") == entries
    assert _value(dash_duo, "perf-rag") == "Green"
    dash_duo.driver.back()  # and Back still leads to the unfiltered view
    WebDriverWait(dash_duo.driver, 20).until(lambda _: "rag=" not in dash_duo.driver.current_url)
    WebDriverWait(dash_duo.driver, 20).until(lambda _: len(set(_column(dash_duo, "rag")) - {""}) > 1)


def test_a_page_drawn_for_an_address_the_reader_has_left_does_not_stay(dash_duo, browser_app):
    """Back, then Forward before the router's page for the Back arrives: that late page must
    not stay on screen nor put its view in the address (assets/navigation.js: the router's
    record must come from the address shown; else the page is drawn again for it)."""
    late = _HeldOnce(browser_app, "page.children")  # the router's page
    _green_after_unfiltered(dash_duo, browser_app)
    answered_before = dash_duo.driver.execute_script(ANSWERED)
    late.start()
    dash_duo.driver.back()
    WebDriverWait(dash_duo.driver, 20).until(lambda _: "rag=" not in dash_duo.driver.current_url)
    dash_duo.driver.forward()  # before the unfiltered page comes
    wait_for_address(dash_duo, "rag=Green")
    assert late.done.wait(30), "the unfiltered view's page was never asked for"
    WebDriverWait(dash_duo.driver, 20).until(
        lambda _: dash_duo.driver.execute_script(ANSWERED) - answered_before >= late.asked)
    WebDriverWait(dash_duo.driver, 20).until(  # the Green rows, under the Green address
        lambda _: {w for w in _column(dash_duo, "rag") if w} == {"Green"}
        and _value(dash_duo, "perf-rag") == "Green")
    WebDriverWait(dash_duo.driver, 20).until(
        lambda _: dash_duo.driver.execute_script(ANSWERED) - answered_before >= late.asked)
    assert "rag=Green" in dash_duo.driver.current_url
    assert _value(dash_duo, "perf-rag") == "Green"


def test_two_choices_made_before_the_first_answer_arrives_are_both_kept(dash_duo, browser_app):
    """On a slow line the second choice is asked from the address the first has not yet
    changed; when its answer comes after the first's it is the reader's own next step, not a
    view left behind: the address, the fields and the table show both choices."""
    slow = {"on": False, "asked_from": []}

    def answer_slowly():  # every callback answer 0.8 s late, as on a slow line
        if slow["on"] and request.path.endswith("_dash-update-component"):
            outputs = str((request.get_json(silent=True) or {}).get("output"))
            if "perf-body.rows" in outputs:
                slow["asked_from"].append(request.referrer or "")
            time.sleep(0.8)

    browser_app.server.before_request(answer_slowly)
    _open(dash_duo, browser_app)
    first_address = dash_duo.driver.current_url
    slow["on"] = True
    Select(dash_duo.find_element("#perf-rag")).select_by_value("Green")
    Select(dash_duo.find_element("#perf-quarter")).select_by_value("Q1")
    wait_for_address(dash_duo, "rag=Green")
    wait_for_address(dash_duo, "quarter=Q1")
    WebDriverWait(dash_duo.driver, 20).until(
        lambda _: dash_duo.find_element("#perf-heading").text == "Q1 2025/26"
        and {w for w in _column(dash_duo, "rag") if w} == {"Green"})
    assert slow["asked_from"][:2] == [first_address, first_address]  # both asked from the first view
    time.sleep(2)  # every answer in; nothing may undo either choice
    assert "rag=Green" in dash_duo.driver.current_url and "quarter=Q1" in dash_duo.driver.current_url
    assert (_value(dash_duo, "perf-rag"), _value(dash_duo, "perf-quarter")) == ("Green", "Q1")
    assert dash_duo.find_element("#perf-heading").text == "Q1 2025/26"


def _settled(dash_duo) -> None:
    """Wait until no callback answer has come for most of a second. Under a full suite's load
    (2 cores shared with other browser tests) a Forward pressed while the page was still
    being drawn for the Back once ended on the Back's address (CI, twice in about six full
    runs); a person's Forward, even 0.05 s after Back, kept the two in step in a helper's
    runs at normal load."""
    def quiet(_) -> bool:
        before = dash_duo.driver.execute_script(ANSWERED)
        time.sleep(0.7)
        return dash_duo.driver.execute_script(ANSWERED) == before
    WebDriverWait(dash_duo.driver, 20).until(quiet)


def _press(dash_duo, selector: str) -> None:
    """Focus a button and press Enter, as a keyboard user does."""
    button = dash_duo.find_element(selector)
    dash_duo.driver.execute_script("arguments[0].focus()", button)
    button.send_keys(Keys.ENTER)


def _box(dash_duo, selector: str) -> dict:
    return dash_duo.driver.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {left: r.left, right: r.right};", selector)


def test_on_a_phone_the_table_leads_with_service_metric_and_rag(dash_duo, browser_app):
    """At 390 px: Service, Metric and RAG inside the viewport, Service and Metric held there
    while the figures scroll sideways; the page itself does not scroll sideways; axe finds
    nothing serious."""
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": False})
    try:
        dash_duo.driver.get(dash_duo.server.url + "/performance?year=2025/26&quarter=Q3")
        dash_duo.wait_for_element(ROW)
        width = dash_duo.driver.execute_script("return window.innerWidth")
        assert width == 390
        assert dash_duo.driver.execute_script("return document.documentElement.scrollWidth") <= width
        for key in ("service", "metric", "rag"):
            for where in ("thead", "tbody"):
                box = _box(dash_duo, f"#perf-table {where} .col-{key}")
                assert 0 <= box["left"] and box["right"] <= width, (key, where, box)
        # Scrolled sideways: Service and Metric stay; the RAG column moves under them.
        before = _box(dash_duo, "#perf-table tbody .col-metric")
        dash_duo.driver.execute_script("document.querySelector('.perf-table-box').scrollLeft = 300")
        WebDriverWait(dash_duo.driver, 5).until(lambda _: _box(dash_duo, "#perf-table tbody .col-rag")["left"] < 0)
        assert _box(dash_duo, "#perf-table tbody .col-metric") == before
        assert serious(axe_violations(dash_duo)) == []
    finally:
        dash_duo.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
