"""The Returns page in the browser: the grid draws its first page of rows (asked for from the
server), the next page is fetched when asked for, a filter narrows them (and goes into the
URL), the box under "Service" finds a service, and a row's link, reached by the keyboard,
opens that return."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from layouts.returns_home import PAGE_SIZE
from tests.helpers.browser import sign_in, start

pytestmark = pytest.mark.browser

ROWS = "#returns-grid .ag-center-cols-container .ag-row"
# A row whose page has arrived from the server (not the grid's "loading" placeholder).
LOADED = "#returns-grid .ag-pinned-right-cols-container .ag-row a.returns-grid-link"


def _cells(dash_duo, column: str) -> list[str]:
    return dash_duo.driver.execute_script(
        f"return [...document.querySelectorAll('#returns-grid .ag-cell[col-id=\"{column}\"]')]"
        ".map(c => c.textContent.trim())")


def _click(dash_duo, element) -> None:
    """Click an element after scrolling it to the middle of the window (the page is long)."""
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def test_grid_filter_and_link_to_a_return(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/returns")
    dash_duo.wait_for_element(LOADED)
    total = dash_duo.find_element("#returns-count").text
    assert total.endswith(" returns.")
    count = int(total.split()[0].replace(",", ""))
    # One page drawn, not every row; each with its status in words.
    assert len(dash_duo.find_elements(LOADED)) == PAGE_SIZE < count
    assert "Overdue" in _cells(dash_duo, "status")
    first_page = _cells(dash_duo, "service")
    # Every column is headed in words (no blank header for the links).
    headers = [h.text for h in dash_duo.find_elements("#returns-grid .ag-header-cell-text")]
    assert {"Service", "Quarter", "Due", "Status", "Provider", "Open"} <= set(headers)
    assert dash_duo.find_element("#returns-grid .ag-paging-row-summary-panel").text == f"1 to {PAGE_SIZE} of {count}"

    # The next page is asked for from the server, and drawn in place of the first (the
    # paging button taken from the keyboard).
    dash_duo.find_element('#returns-grid .ag-paging-button[aria-label="Next Page"]').send_keys(Keys.ENTER)
    dash_duo.wait_for_text_to_equal("#returns-grid .ag-paging-row-summary-panel",
                                    f"{PAGE_SIZE + 1} to {min(2 * PAGE_SIZE, count)} of {count}")
    dash_duo.wait_for_element(f'#returns-grid .ag-row[row-index="{PAGE_SIZE}"] a.returns-grid-link')
    assert _cells(dash_duo, "service") != first_page
    # Sorted on the server by the due date, newest first (Enter on the column's header, twice):
    # from the first page again.
    due = dash_duo.find_element('#returns-grid .ag-header-cell[col-id="due"]')
    due.send_keys(Keys.ENTER)
    dash_duo.wait_for_element('#returns-grid .ag-header-cell[col-id="due"][aria-sort="ascending"]')
    due.send_keys(Keys.ENTER)
    dash_duo.wait_for_element('#returns-grid .ag-header-cell[col-id="due"][aria-sort="descending"]')
    dash_duo.wait_for_text_to_equal("#returns-grid .ag-paging-row-summary-panel", f"1 to {PAGE_SIZE} of {count}")
    dash_duo.wait_for_element('#returns-grid .ag-row[row-index="0"] a.returns-grid-link')
    dues = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#returns-grid .ag-center-cols-container .ag-row')]"
        ".sort((a, b) => a.getAttribute('row-index') - b.getAttribute('row-index'))"
        ".map(r => new Date(r.querySelector('[col-id=\"due\"]').textContent).getTime())")
    assert dues == sorted(dues, reverse=True) and dues[0] > dues[-1]
    dash_duo.driver.get(dash_duo.server.url + "/returns")
    dash_duo.wait_for_element(LOADED)

    # The box under "Service" finds a service, on the server, across every page.
    box = dash_duo.find_element('#returns-grid .ag-floating-filter[aria-colindex="1"] input')
    box.send_keys("sanctuary")
    dash_duo.wait_for_contains_text("#returns-count", "match these filters")
    names = _cells(dash_duo, "service")
    assert names and all("sanctuary" in n.lower() for n in names)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    dash_duo.wait_for_text_to_equal("#returns-count", total)

    Select(dash_duo.find_element("#returns-status")).select_by_visible_text("Overdue")
    dash_duo.wait_for_contains_text("#returns-count", "match these filters")
    assert "status=overdue" in dash_duo.driver.current_url
    shown = int(dash_duo.find_element("#returns-count").text.split()[0])
    on_page = min(shown, PAGE_SIZE)
    dash_duo.wait_for_text_to_equal("#returns-grid .ag-paging-row-summary-panel", f"1 to {on_page} of {shown}")
    statuses = _cells(dash_duo, "status")
    assert statuses and set(statuses) == {"Overdue"}
    assert len(dash_duo.find_elements(LOADED)) == len(statuses) == on_page

    # The keyboard: from the first row's service, the arrow keys walk across the row; on the
    # last cell the focus is on the link itself, and Enter follows it.
    first = dash_duo.find_element('#returns-grid .ag-row[row-index="0"] .ag-cell[col-id="service"]')
    service = first.text
    _click(dash_duo, first)
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
    dash_duo.wait_for_element(LOADED)
    assert set(_cells(dash_duo, "status")) == {"Overdue"}
    assert Select(dash_duo.find_element("#returns-status")).first_selected_option.text == "Overdue"


def test_a_provider_sees_its_own_list_without_a_provider_filter(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "safer-futures-support@demo.local")
    dash_duo.wait_for_element("#main-nav")  # providers land on Returns
    dash_duo.driver.get(dash_duo.server.url + "/returns?status=to_do")
    dash_duo.wait_for_element(LOADED)
    assert not dash_duo.find_elements("select#returns-provider")
    assert "Provider" not in [h.text for h in dash_duo.find_elements("#returns-grid .ag-header-cell-text")]
    assert not set(_cells(dash_duo, "status")) & {"Submitted", "Approved"}
    Select(dash_duo.find_element("#returns-status")).select_by_visible_text("Approved")
    dash_duo.wait_for_contains_text("#returns-count", "match these filters")
    dash_duo.wait_for_element(LOADED)
    assert set(_cells(dash_duo, "status")) == {"Approved"}
    assert "status=approved" in dash_duo.driver.current_url
    # Its own rows only, and each one's link.
    assert len(_cells(dash_duo, "status")) == len(dash_duo.find_elements(LOADED))
