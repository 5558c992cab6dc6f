"""The Returns page in the browser: the grid draws its rows, a filter narrows them (and goes
into the URL), and a row's link, reached by the keyboard, opens that return."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.helpers.browser import sign_in, start

pytestmark = pytest.mark.browser

ROWS = "#returns-grid .ag-center-cols-container .ag-row"


def _cells(dash_duo, column: str) -> list[str]:
    return dash_duo.driver.execute_script(
        f"return [...document.querySelectorAll('#returns-grid .ag-cell[col-id=\"{column}\"]')]"
        ".map(c => c.textContent.trim())")


def test_grid_filter_and_link_to_a_return(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/returns")
    dash_duo.wait_for_element(ROWS)
    total = dash_duo.find_element("#returns-count").text
    assert total.endswith(" returns.")
    # One page of 50 drawn, not every row; each with its status in words.
    assert len(dash_duo.find_elements(ROWS)) == 50
    assert "Overdue" in _cells(dash_duo, "status")
    # Every column is headed in words (no blank header for the links).
    headers = [h.text for h in dash_duo.find_elements("#returns-grid .ag-header-cell-text")]
    assert {"Service", "Quarter", "Due", "Status", "Provider", "Open"} <= set(headers)

    Select(dash_duo.find_element("#returns-status")).select_by_visible_text("Overdue")
    dash_duo.wait_for_contains_text("#returns-count", "match these filters")
    assert "status=overdue" in dash_duo.driver.current_url
    statuses = _cells(dash_duo, "status")
    assert statuses and set(statuses) == {"Overdue"}
    assert len(dash_duo.find_elements(ROWS)) == len(statuses) < 50

    # The keyboard: from the first row's service, the arrow keys walk across the row; on the
    # last cell the focus is on the link itself, and Enter follows it.
    first = dash_duo.find_element('#returns-grid .ag-row[row-index="0"] .ag-cell[col-id="service"]')
    service = first.text
    first.click()
    link = dash_duo.find_element('#returns-grid .ag-row[row-index="0"] a.returns-grid-link')
    href = link.get_attribute("href")
    assert "/returns/edit?service=" in href and "&period=" in href
    for _ in range(8):
        active = dash_duo.driver.switch_to.active_element
        if active.tag_name == "a":
            break
        active.send_keys(Keys.ARROW_RIGHT)
    active = dash_duo.driver.switch_to.active_element
    assert active.tag_name == "a" and active.get_attribute("href") == href
    # Named in full for a screen reader: the action, the service and the quarter.
    assert dash_duo.driver.execute_script("return arguments[0].textContent", active).startswith(
        f"Continue, {service}, Q")
    active.send_keys(Keys.ENTER)
    form = dash_duo.wait_for_element("#return-form")
    assert dash_duo.driver.current_url == href
    assert service in dash_duo.find_element("h1").text or service in form.text
    # Back to the list, with its filter, as the URL kept it.
    dash_duo.driver.back()
    dash_duo.wait_for_element(ROWS)
    assert Select(dash_duo.find_element("#returns-status")).first_selected_option.text == "Overdue"


def test_a_provider_sees_its_own_list_without_a_provider_filter(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "safer-futures-support@demo.local")
    dash_duo.wait_for_element("#main-nav")  # providers land on Returns
    dash_duo.driver.get(dash_duo.server.url + "/returns?status=to_do")
    dash_duo.wait_for_element(ROWS)
    assert not dash_duo.find_elements("select#returns-provider")
    assert "Provider" not in [h.text for h in dash_duo.find_elements("#returns-grid .ag-header-cell-text")]
    assert not set(_cells(dash_duo, "status")) & {"Submitted", "Approved"}
    Select(dash_duo.find_element("#returns-status")).select_by_visible_text("Approved")
    dash_duo.wait_for_contains_text("#returns-count", "match these filters")
    assert set(_cells(dash_duo, "status")) == {"Approved"}
