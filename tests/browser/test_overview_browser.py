"""Overview in headless Chromium: sign in, read the chart's data table, change filters."""

import pytest
from selenium.webdriver.support.ui import Select

from tests.helpers.browser import sign_in, start, wait_for_address

pytestmark = pytest.mark.browser


def _table_rows(dash_duo):
    rows = dash_duo.find_elements("#overview-data-table tbody tr")
    return [[cell.text for cell in row.find_elements("css selector", "th, td")] for row in rows]


def test_sign_in_and_read_the_overview_for_2021_22(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    dash_duo.wait_for_element("#demo-banner")
    Select(dash_duo.find_element("#overview-year")).select_by_visible_text("2021/22")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2021/22")
    rows = _table_rows(dash_duo)
    assert len(rows) == 8
    assert rows[0][0] == "ASB early help (boxing club diversion)"
    assert all(r[5] in {"Green", "Amber", "Red", "No data", "No target"} for r in rows)
    # The URL carries the filters, and a reload restores them.
    wait_for_address(dash_duo, "year=2021%2F22")
    dash_duo.driver.refresh()
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2021/22")
    assert _table_rows(dash_duo) == rows
    assert dash_duo.get_logs() == []


def test_wrong_password_shows_the_error_summary(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local", "wrong-password")
    summary = dash_duo.wait_for_element(".error-summary")
    assert "There is a problem" in summary.text
    assert "email address or password is not right" in summary.text


def test_provider_sees_its_own_services_only(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "link-worker-partnership@demo.local")
    dash_duo.wait_for_element("#main-nav")  # providers land on Returns; the menu has the Overview
    dash_duo.find_element('#main-nav a[href="/"]').click()
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    rows = _table_rows(dash_duo)
    assert [r[0] for r in rows] == ["Social prescribing (3 GP surgeries)"]
