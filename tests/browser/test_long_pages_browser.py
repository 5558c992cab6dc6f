"""Long pages a page at a time in the browser (issue 20): the review queue and a long What
needs attention report, turned with the keyboard, the page kept in the URL; the report worked
out in the background first (its size limits lowered so the demo takes the national path)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

import callbacks.attention as attention_callbacks
import layouts.attention as attention_layout
from layouts import ids
from models.store.db import make_engine, make_sessionmaker, unit_of_work
from models.store.entities import Period, Return
from tests.helpers.browser import axe_violations, serious, sign_in, start
from tests.helpers.config import settings_for
from tests.helpers.databases import database_copy

pytestmark = pytest.mark.browser


def _wait(dash_duo, condition, message: str, seconds: float = 15):
    return WebDriverWait(dash_duo.driver, seconds).until(lambda d: condition(), message)


def _press(dash_duo, element) -> None:
    """Focus the button and press Enter, as a keyboard user would."""
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();",
                                   element)
    element.send_keys(Keys.ENTER)


def _axe_at_both_widths(dash_duo) -> dict[str, list]:
    """axe's serious or critical violations at the desktop's width and a phone's 390 px."""
    found = {"desktop": serious(axe_violations(dash_duo))}
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": False})
    try:
        dash_duo.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => done()));")
        found["390 px"] = serious(axe_violations(dash_duo))
    finally:
        dash_duo.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return found


def _text(dash_duo, selector: str) -> str:
    return dash_duo.find_element(selector).text


@pytest.fixture
def long_queue_app(tmp_path):
    """The demo with its approved 2025/26 returns submitted again: more than a page waits."""
    from dash_app.factory import create_app

    url = database_copy("sqlite", "demo", tmp_path, "browser.db")
    engine = make_engine(url)
    with unit_of_work(make_sessionmaker(engine)) as s:
        for ret in s.scalars(select(Return).join(Period, Period.id == Return.period_id)
                             .where(Return.status == "approved", Period.year == 2025)):
            ret.status = "submitted"
    with unit_of_work(make_sessionmaker(engine)) as s:
        waiting = len(s.scalars(select(Return.id).where(Return.status == "submitted")).all())
    engine.dispose()
    return create_app(settings_for(url)), waiting


def test_the_review_queue_a_page_at_a_time(dash_duo, long_queue_app):
    app, waiting = long_queue_app
    assert waiting > 25
    start(dash_duo, app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/review")
    status = f"#{ids.RQ_PAGE_STATUS}"
    dash_duo.wait_for_text_to_equal(status, f"Items 1 to 25 of {waiting}")
    assert len(dash_duo.find_elements("section.queue-item")) == 25
    assert _axe_at_both_widths(dash_duo) == {"desktop": [], "390 px": []}
    assert dash_duo.find_element(status).get_attribute("role") == "status"
    assert _text(dash_duo, f"#{ids.RQ_COUNT}") == (
        f"{waiting} submitted returns wait for review, oldest first.")
    assert dash_duo.find_element(f"#{ids.RQ_PREV}").get_attribute("aria-disabled") == "true"
    next_button = dash_duo.find_element(f"#{ids.RQ_NEXT}")
    _press(dash_duo, next_button)
    dash_duo.wait_for_text_to_equal(status, f"Items 26 to {min(50, waiting)} of {waiting}")
    _wait(dash_duo, lambda: "page=2" in dash_duo.driver.current_url, dash_duo.driver.current_url)
    # The keyboard's focus stays on Next, which still works from there.
    assert dash_duo.driver.switch_to.active_element.get_attribute("id") == ids.RQ_NEXT
    assert len(dash_duo.find_elements("section.queue-item")) == min(25, waiting - 25)
    # Each page is an entry in the history: Back is the first page, Forward the second.
    dash_duo.driver.back()
    dash_duo.wait_for_text_to_equal(status, f"Items 1 to 25 of {waiting}")
    _wait(dash_duo, lambda: dash_duo.driver.current_url.endswith("/review"), dash_duo.driver.current_url)
    dash_duo.driver.forward()
    dash_duo.wait_for_text_to_equal(status, f"Items 26 to {min(50, waiting)} of {waiting}")
    # The URL keeps the page: reloaded, the second page is drawn.
    dash_duo.driver.refresh()
    dash_duo.wait_for_text_to_equal(status, f"Items 26 to {min(50, waiting)} of {waiting}")
    # A filter starts again from its first page, and says how many match.
    # (dbc.Select's first option is an empty, hidden placeholder; then "All quarters".)
    Select(dash_duo.find_element(f"#{ids.RQ_PERIOD}")).select_by_index(2)
    _wait(dash_duo, lambda: _text(dash_duo, status).startswith("Items 1 to"), _text(dash_duo, status))
    assert "for these filters" in _text(dash_duo, f"#{ids.RQ_COUNT}")
    _wait(dash_duo, lambda: "quarter=Q" in dash_duo.driver.current_url, dash_duo.driver.current_url)
    assert "page=" not in dash_duo.driver.current_url


def test_a_long_report_worked_out_then_read_a_page_at_a_time(dash_duo, browser_app, monkeypatch):
    monkeypatch.setattr(attention_callbacks, "BACKGROUND_CHARTS", 0)
    monkeypatch.setattr(attention_callbacks, "LINE_LIMIT", 5)
    monkeypatch.setattr(attention_layout, "LINES_PAGE", 10)
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/attention?year=2026/27&quarter=Q2")
    # Worked out in the background; the page asks again until the report is there.
    dash_duo.wait_for_element("#attention-summary", timeout=30)
    summary = dash_duo.find_element("#attention-summary")
    assert "All priorities" in summary.text and "Lines by priority, Q2 2026/27" in summary.text
    status = f"#{ids.ATTENTION_PAGE_STATUS}"
    dash_duo.wait_for_text_to_equal(status, "Lines 1 to 10 of 25")
    assert len(dash_duo.find_elements(".attention-line")) == 10
    assert _axe_at_both_widths(dash_duo) == {"desktop": [], "390 px": []}
    _press(dash_duo, dash_duo.find_element(f"#{ids.ATTENTION_NEXT}"))
    dash_duo.wait_for_text_to_equal(status, "Lines 11 to 20 of 25")
    _wait(dash_duo, lambda: "page=2" in dash_duo.driver.current_url, dash_duo.driver.current_url)
    assert dash_duo.driver.switch_to.active_element.get_attribute("id") == ids.ATTENTION_NEXT
    dash_duo.driver.back()  # the first page, as the URL before Next named it
    dash_duo.wait_for_text_to_equal(status, "Lines 1 to 10 of 25")
    dash_duo.driver.forward()
    dash_duo.wait_for_text_to_equal(status, "Lines 11 to 20 of 25")
    _press(dash_duo, dash_duo.find_element(f"#{ids.ATTENTION_NEXT}"))
    dash_duo.wait_for_text_to_equal(status, "Lines 21 to 25 of 25")
    assert dash_duo.find_element(f"#{ids.ATTENTION_NEXT}").get_attribute("aria-disabled") == "true"
    # One priority's lines: the select names how many it has.
    chooser = Select(dash_duo.find_element(f"#{ids.ATTENTION_PRIORITY}"))
    option = chooser.options[2]  # after dbc.Select's hidden placeholder and "All priorities"
    name, count = option.text.rsplit(" (", 1)[0], option.text.rsplit("(", 1)[1].split()[0]
    slug = option.get_attribute("value")
    chooser.select_by_index(2)
    _wait(dash_duo, lambda: _text(dash_duo, status).endswith(f" of {count}"), _text(dash_duo, status))
    assert _text(dash_duo, status).startswith("Lines 1 to")
    assert {e.text for e in dash_duo.find_elements(".attention-priority")} == {name}
    _wait(dash_duo, lambda: f"priority={slug}" in dash_duo.driver.current_url, dash_duo.driver.current_url)
