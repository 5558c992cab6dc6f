"""What needs attention in a browser: both sections drawn, the quarter in the URL, a line's
link opening its service page, and Back restoring the quarter chosen."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests.helpers.browser import sign_in, start, wait_for_address

pytestmark = pytest.mark.browser
SITE = "CWP Outcomes Monitor"


def _wait(dash_duo, condition, message: str):
    return WebDriverWait(dash_duo.driver, 10).until(lambda d: condition(), message)


def test_the_report_its_quarter_a_link_and_back(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.find_element('#main-nav a[href="/attention"]').click()
    # The bare address names the latest due quarter (Q2 2026/27 on the suite's date).
    dash_duo.wait_for_text_to_equal(".attention-period", "Q2 2026/27")
    _wait(dash_duo, lambda: "quarter=Q2" in dash_duo.driver.current_url, "quarter not in the URL")
    _wait(dash_duo, lambda: dash_duo.driver.title == f"What needs attention, Q2 2026/27 – {SITE}",
          dash_duo.driver.title)
    assert dash_duo.find_element("#attention-concerns").text.startswith("▲ Needs attention (")
    assert dash_duo.find_element("#attention-going-well").text.startswith("✓ Going well (")
    # Every line has its kind in words and the provider's explanation beside it.
    lines = dash_duo.find_elements(".attention-line")
    assert lines and all(line.find_element("css selector", ".attention-kind").text for line in lines)
    assert all(line.find_element("css selector", "dl.attention-explanation dt").text for line in lines)

    Select(dash_duo.find_element("#attention-quarter")).select_by_value("Q1")
    dash_duo.wait_for_text_to_equal(".attention-period", "Q1 2026/27")
    _wait(dash_duo, lambda: "quarter=Q1" in dash_duo.driver.current_url, "Q1 not in the URL")

    link = dash_duo.find_element(".attention-line a.attention-service")
    service = link.text
    link.click()
    dash_duo.wait_for_text_to_equal("#service-name", service)
    wait_for_address(dash_duo, "/service?service=")
    dash_duo.driver.back()
    dash_duo.wait_for_text_to_equal(".attention-period", "Q1 2026/27")
    assert dash_duo.find_element("#attention-quarter").get_attribute("value") == "Q1"
    wait_for_address(dash_duo, "quarter=Q1")
    dash_duo.driver.back()
    dash_duo.wait_for_text_to_equal(".attention-period", "Q2 2026/27")
    assert dash_duo.find_element("#attention-quarter").get_attribute("value") == "Q2"
    assert dash_duo.get_logs() == []


def test_an_empty_section_says_so(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    # 2026/27 Q4 is not due on the suite's date: nothing to list in either section.
    dash_duo.driver.get(dash_duo.server.url + "/attention?year=2026/27&quarter=Q4")
    dash_duo.wait_for_text_to_equal(".attention-period", "Q4 2026/27")
    empty = [e.text for e in dash_duo.find_elements(".attention-empty")]
    assert empty == ["Nothing needs attention in Q4 2026/27: no line of this report applies.",
                     "Nothing to report as going well in Q4 2026/27."]


def test_after_a_change_the_previous_report_stays_marked_until_the_new_one_comes(
        dash_duo, browser_app, monkeypatch):
    """The national path (lowered here): after a change, the previous version's report is
    drawn once under its status panel — not drawn again and again — and is replaced by the
    new one when it is ready."""
    import threading
    import time

    from selenium.common.exceptions import StaleElementReferenceException

    import callbacks.attention as attention_callbacks
    from dash_app.cache import wait_for_prepared
    from dash_app.database import transaction
    from models.reporting.attention import attention_report
    from models.store.entities import Return

    gate = threading.Event()
    gate.set()

    def held(session, *args, **kwargs):
        assert gate.wait(60)
        return attention_report(session, *args, **kwargs)

    monkeypatch.setattr(attention_callbacks, "BACKGROUND_CHARTS", 0)
    monkeypatch.setattr(attention_callbacks, "attention_report", held)
    url = start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.find_element('#main-nav a[href="/attention"]').click()
    dash_duo.wait_for_text_to_equal(".attention-period", "Q2 2026/27")

    with browser_app.server.app_context(), transaction() as session:  # a change to the figures
        ret = session.get(Return, 1)
        ret.highlights = f"{ret.highlights or ''} (changed)"
    gate.clear()
    try:
        dash_duo.driver.get(url + "/attention?year=2026/27&quarter=Q2")
        panel = dash_duo.wait_for_element("#attention-earlier")
        assert panel.get_attribute("role") == "status"
        assert "These figures are from before the latest change to the data." in panel.text
        assert dash_duo.find_element(".attention-period").text == "Q2 2026/27"
        time.sleep(3)  # long enough for a redraw loop to replace the panel many times over
        try:
            assert "before the latest change" in panel.text
        except StaleElementReferenceException:
            pytest.fail("the page was drawn again while nothing had changed")
    finally:
        gate.set()
    wait_for_prepared(60)
    _wait(dash_duo, lambda: not dash_duo.find_elements("#attention-earlier"), "the panel stayed")
    dash_duo.wait_for_text_to_equal(".attention-period", "Q2 2026/27")
    assert dash_duo.get_logs() == []
