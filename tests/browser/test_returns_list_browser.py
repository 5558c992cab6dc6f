"""The Returns page in the browser: a plain table drawn with the page (its first PAGE_SIZE
rows, statuses in words, every column headed), the next page asked for from the keyboard, a
heading's sort button pressed with Enter (aria-sort follows), a filter that narrows the rows
and goes into the URL (kept through a reload and Back), the "Find a service by name" box, and
a row's link, reached by the keyboard, that opens that return."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from layouts.returns_home import PAGE_SIZE
from tests.helpers.browser import sign_in, start, wait_for_address

pytestmark = pytest.mark.browser

ROWS = "#returns-body tr"
LINKS = "#returns-body a.returns-link"
PAGER = "#returns-page-status"


def _cells(dash_duo, column: int) -> list[str]:
    """The text of one column (1 is the service) in each row of the table's body."""
    return dash_duo.driver.execute_script(
        f"return [...document.querySelectorAll('#returns-body tr > :nth-child({column})')]"
        ".map(c => c.textContent.trim())")


def _column(dash_duo, heading: str) -> int:
    headings = [h.text for h in dash_duo.find_elements("#returns-table thead th")]
    return headings.index(heading) + 1


def _tab_to(dash_duo, css: str, limit: int = 200):
    """Press Tab until the focus is on the element `css` names; the element."""
    target = dash_duo.find_element(css)
    for _ in range(limit):
        if dash_duo.driver.switch_to.active_element == target:
            return target
        dash_duo.driver.switch_to.active_element.send_keys(Keys.TAB)
    raise AssertionError(f"{css} not reached with Tab")


def test_table_pages_sort_filter_and_link_to_a_return(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/returns")
    dash_duo.wait_for_element(LINKS)
    total = dash_duo.find_element("#returns-count").text
    assert total.endswith(" returns.")
    count = int(total.split()[0].replace(",", ""))
    # One page drawn, not every row; each with its status in words; no grid on the page.
    assert len(dash_duo.find_elements(ROWS)) == len(dash_duo.find_elements(LINKS)) == PAGE_SIZE < count
    assert not dash_duo.find_elements(".ag-root-wrapper")
    status = _column(dash_duo, "Status")
    assert "Overdue" in _cells(dash_duo, status)
    first_page = _cells(dash_duo, 1)
    # Every column is headed in words; the table has a caption; the service heads its row.
    headers = [h.text for h in dash_duo.find_elements("#returns-table thead th")]
    assert headers == ["Service", "Status", "Quarter", "Due", "Provider", "Lead officer's comment", "Open"]
    assert all(th.get_attribute("scope") == "col" for th in dash_duo.find_elements("#returns-table thead th"))
    assert dash_duo.find_element("#returns-body tr th").get_attribute("scope") == "row"
    assert dash_duo.find_element("#returns-table caption").text == "Returns, overdue and returned first"
    assert dash_duo.find_element(PAGER).text == f"Rows 1 to {PAGE_SIZE} of {count}"
    nav = dash_duo.find_element('nav[aria-label="Pages of returns"]')
    assert dash_duo.find_element(PAGER).get_attribute("aria-live") == "polite" and nav

    # The next page, from the keyboard: asked for from the server, drawn in place of the first;
    # the focus stays on Next.
    _tab_to(dash_duo, "#returns-next").send_keys(Keys.ENTER)
    dash_duo.wait_for_text_to_equal(PAGER, f"Rows {PAGE_SIZE + 1} to {min(2 * PAGE_SIZE, count)} of {count}")
    assert _cells(dash_duo, 1) != first_page
    wait_for_address(dash_duo, "page=2")
    assert dash_duo.driver.switch_to.active_element.get_attribute("id") == "returns-next"
    assert dash_duo.find_element("#returns-prev").get_attribute("aria-disabled") == "false"

    # Sorted on the server by the due date (Enter on the heading's button: ascending, then
    # descending), from the first page again; the focus stays on the button.
    due_th = '#returns-table th:has(> button[id*="\\"due\\""])'
    button = _tab_to(dash_duo, f"{due_th} > button")
    assert dash_duo.find_element(due_th).get_attribute("aria-sort") is None
    button.send_keys(Keys.ENTER)
    dash_duo.wait_for_element(f'{due_th}[aria-sort="ascending"]')
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ENTER)
    dash_duo.wait_for_element(f'{due_th}[aria-sort="descending"]')
    dash_duo.wait_for_text_to_equal(PAGER, f"Rows 1 to {PAGE_SIZE} of {count}")
    dash_duo.wait_for_text_to_equal("#returns-table caption", "Returns, by due date, latest first")
    assert dash_duo.driver.switch_to.active_element == dash_duo.find_element(f"{due_th} > button")
    dues = dash_duo.driver.execute_script(
        f"return [...document.querySelectorAll('#returns-body tr > :nth-child({_column(dash_duo, 'Due')})')]"
        ".map(c => new Date(c.textContent).getTime())")
    assert dues == sorted(dues, reverse=True) and dues[0] > dues[-1]
    wait_for_address(dash_duo, "sort=-due")
    # The box finds a service, on the server, across every page (Enter searches).
    box = dash_duo.find_element("#returns-text")
    assert dash_duo.find_element('label[for="returns-text"]').text == "Find a service by name"
    box.send_keys("sanctuary", Keys.ENTER)
    dash_duo.wait_for_contains_text("#returns-count", "match these filters")
    names = _cells(dash_duo, 1)
    assert names and all("sanctuary" in n.lower() for n in names)
    wait_for_address(dash_duo, "find=sanctuary")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE, Keys.ENTER)
    dash_duo.wait_for_text_to_equal("#returns-count", total)

    # A filter narrows the rows and goes into the URL; a reload keeps it.
    Select(dash_duo.find_element("#returns-status")).select_by_visible_text("Overdue")
    dash_duo.wait_for_contains_text("#returns-count", "match these filters")
    wait_for_address(dash_duo, "status=overdue")
    shown = int(dash_duo.find_element("#returns-count").text.split()[0])
    on_page = min(shown, PAGE_SIZE)
    dash_duo.wait_for_text_to_equal(PAGER, f"Rows 1 to {on_page} of {shown}")
    assert set(_cells(dash_duo, status)) == {"Overdue"}
    dash_duo.driver.refresh()
    dash_duo.wait_for_element(LINKS)
    assert set(_cells(dash_duo, status)) == {"Overdue"}
    assert Select(dash_duo.find_element("#returns-status")).first_selected_option.text == "Overdue"

    # The keyboard: Tab reaches the first row's link, named in full for a screen reader (the
    # action, the service and the quarter), and Enter follows it.
    service = _cells(dash_duo, 1)[0]
    link = _tab_to(dash_duo, f"{LINKS}")
    href = link.get_attribute("href")
    assert "/returns/edit?service=" in href and "&period=" in href
    assert dash_duo.driver.execute_script("return arguments[0].textContent", link).startswith(
        f"Continue, {service}, Q")
    link.send_keys(Keys.ENTER)
    form = dash_duo.wait_for_element("#return-form")
    assert dash_duo.driver.current_url == href
    assert service in dash_duo.find_element("h1").text or service in form.text
    # Back to the list, with its filter, as the URL kept it.
    dash_duo.driver.back()
    dash_duo.wait_for_element(LINKS)
    assert set(_cells(dash_duo, status)) == {"Overdue"}
    assert Select(dash_duo.find_element("#returns-status")).first_selected_option.text == "Overdue"


def test_a_provider_sees_its_own_list_without_a_provider_filter(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "safer-futures-support@demo.local")
    dash_duo.wait_for_element("#main-nav")  # providers land on Returns
    dash_duo.driver.get(dash_duo.server.url + "/returns?status=to_do")
    dash_duo.wait_for_element(LINKS)
    assert not dash_duo.find_elements("select#returns-provider")
    assert "Provider" not in [h.text for h in dash_duo.find_elements("#returns-table thead th")]
    status = _column(dash_duo, "Status")
    assert not set(_cells(dash_duo, status)) & {"Submitted", "Approved"}
    Select(dash_duo.find_element("#returns-status")).select_by_visible_text("Approved")
    dash_duo.wait_for_contains_text("#returns-count", "match these filters")
    dash_duo.wait_for_text_to_equal(PAGER, dash_duo.find_element(PAGER).text)
    assert set(_cells(dash_duo, status)) == {"Approved"}
    wait_for_address(dash_duo, "status=approved")
    # Its own rows only, each with its link.
    assert len(_cells(dash_duo, status)) == len(dash_duo.find_elements(LINKS))
    services = set(_cells(dash_duo, 1))
    assert services and not services & {"ASB early help (boxing club diversion)",
                                        "Healthy relationships workshops in schools"}
