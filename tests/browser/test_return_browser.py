"""A whole return entered, corrected, saved, submitted, returned, resubmitted and approved
through the browser, then found in the Overview and the CSV export."""

from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from layouts import ids
from layouts.return_form import error_slot_id
from models.rules.validation import FieldKey
from tests.helpers.browser import sign_in, sign_out, start

pytestmark = pytest.mark.browser


def field(dash_duo, component_id):
    # XPath, because the JSON of a pattern-matching id is awkward to escape in CSS.
    return dash_duo.driver.find_element(By.XPATH, f"//*[@id='{ids.dom_id(component_id)}']")


def type_into(dash_duo, component_id, text):
    element = field(dash_duo, component_id)
    dash_duo.clear_input(element)
    element.send_keys(text)


def press(dash_duo, element):
    """Click a button the way a keyboard user would: focus it and press Enter."""
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.send_keys(Keys.ENTER)


def error_beside(dash_duo, key):
    """The message by a field as a screen reader reads it (with its visually hidden prefix)."""
    return dash_duo.driver.execute_script("return arguments[0].textContent",
                                          field(dash_duo, error_slot_id(key)))


def open_return(dash_duo, w):
    dash_duo.driver.get(f"{dash_duo.server.url}/returns/edit?service={w['service']}&period={w['period']}")
    dash_duo.wait_for_element("#rv-save")


def test_whole_return_through_the_browser(dash_duo, return_world):
    w = return_world
    count = {"type": ids.COUNT, "metric": w["people"]}
    num, den = ({"type": ids.NUM, "metric": w["safer"]}, {"type": ids.DEN, "metric": w["safer"]})
    self_cat, gp_cat = ({"type": ids.CAT, "metric": w["people"], "category": c} for c in w["cats"])
    start(dash_duo, w["app"])

    # The provider finds the return on its home page.
    sign_in(dash_duo, "test-provider@demo.local")
    dash_duo.wait_for_element("#main-nav")  # providers land on Returns
    # Overdue returns come first: the ones not started yet are a filter away.
    dash_duo.driver.get(dash_duo.server.url + "/returns?status=not_started")
    dash_duo.wait_for_contains_text("#returns-table", "Test outreach service")
    assert "Not started" in dash_duo.find_element("#returns-table").text
    open_return(dash_duo, w)
    assert "Target this quarter: 25" in dash_duo.find_element("#return-form").text

    # Bad values: text, a negative number, 12 of 10.
    type_into(dash_duo, count, "lots")
    type_into(dash_duo, num, "12")
    type_into(dash_duo, den, "10")
    type_into(dash_duo, self_cat, "-3")
    type_into(dash_duo, gp_cat, "5")
    press(dash_duo, dash_duo.find_element("#rv-save"))
    dash_duo.wait_for_contains_text("#rv-summary", "There is a problem")
    # The error summary takes the focus (assets/returns.js), so a keyboard or screen reader
    # user lands on the list of problems.
    WebDriverWait(dash_duo.driver, 5).until(lambda d: d.execute_script(
        "return document.activeElement.matches('#rv-summary [role=alert]');"))
    summary = dash_duo.find_element("#rv-summary").text
    assert "People supported must be a whole number, like 12" in summary
    assert "cannot be more than the number assessed (10)" in summary
    assert "People supported: Self must be 0 or more" in summary
    assert error_beside(dash_duo, FieldKey.count(w["people"])) == (
        "Error: People supported must be a whole number, like 12")
    assert "cannot be more" in error_beside(dash_duo, FieldKey.numerator(w["safer"]))
    assert field(dash_duo, count).get_attribute("class").count("is-invalid") == 1
    # The summary's links lead to the fields.
    links = dash_duo.find_elements("#rv-summary a")
    expected = "#" + quote(ids.dom_id(count), safe="")
    assert links[0].get_attribute("href").endswith(expected)

    # Correct them, but the breakdown does not add up yet.
    type_into(dash_duo, count, "30")
    type_into(dash_duo, num, "7")
    type_into(dash_duo, self_cat, "10")
    pct = {"type": ids.PCT, "metric": w["safer"]}
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: field(dash_duo, pct).text == "70% improved (7 of 10)")
    running_total = field(dash_duo, {"type": ids.SUM, "metric": w["people"]}).text
    assert running_total == "Categories add up to 15 of 30. 15 still to allocate."
    press(dash_duo, dash_duo.find_element("#rv-save"))
    dash_duo.wait_for_contains_text("#rv-summary", "add up to 15, but the total is 30")
    type_into(dash_duo, self_cat, "25")
    press(dash_duo, dash_duo.find_element("#rv-save"))
    dash_duo.wait_for_contains_text("#rv-status", "Draft saved")
    assert dash_duo.find_element("#rv-summary").text == ""

    # Reload: the draft is there.
    open_return(dash_duo, w)
    assert field(dash_duo, count).get_attribute("value") == "30"
    assert field(dash_duo, self_cat).get_attribute("value") == "25"
    type_into(dash_duo, {"type": ids.TEXT, "field": "highlights"}, "Two new GP practices now refer.")
    press(dash_duo, dash_duo.find_element("#rv-submit"))
    dash_duo.wait_for_contains_text("#rv-status", "Return submitted")
    sign_out(dash_duo)

    # The lead officer returns it with a comment.
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/review")
    item = dash_duo.wait_for_element("section[aria-label='Test outreach service, Q3 2026/27']")
    assert "Two new GP practices now refer." in item.text
    return_id = item.get_attribute("id").removeprefix("queue-item-")
    comment = field(dash_duo, {"type": ids.RQ_COMMENT, "return": int(return_id)})
    comment.send_keys("Please check the GP referrals figure.")
    press(dash_duo, field(dash_duo, {"type": ids.RQ_RETURN, "return": int(return_id)}))
    dash_duo.wait_for_contains_text(f"#queue-item-{return_id}",
                                    "Returned to the provider: Test outreach service, Q3 2026/27")
    sign_out(dash_duo)

    # The provider sees the comment, fixes and resubmits.
    sign_in(dash_duo, "test-provider@demo.local")
    dash_duo.wait_for_element("#main-nav")  # providers land on Returns
    open_return(dash_duo, w)
    assert dash_duo.find_element("#officer-comment").text == "Please check the GP referrals figure."
    type_into(dash_duo, count, "32")
    type_into(dash_duo, gp_cat, "7")
    press(dash_duo, dash_duo.find_element("#rv-submit"))
    dash_duo.wait_for_contains_text("#rv-status", "Return submitted")
    sign_out(dash_duo)

    # The lead officer approves; the figure reaches the Overview and the CSV export.
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/review")
    dash_duo.wait_for_element(f"#queue-item-{return_id}")
    press(dash_duo, field(dash_duo, {"type": ids.RQ_APPROVE, "return": int(return_id)}))
    dash_duo.wait_for_contains_text(f"#queue-item-{return_id}",
                                    "Approved: Test outreach service, Q3 2026/27")
    dash_duo.driver.get(dash_duo.server.url + "/?year=2026/27&quarter=Q3")
    dash_duo.wait_for_contains_text("#overview-data-table", "Test outreach service")
    row = next(r for r in dash_duo.find_elements("#overview-data-table tbody tr")
               if "Test outreach service" in r.text)
    assert "32" in row.text and "128%" in row.text and "Green" in row.text
    csv_text = dash_duo.driver.execute_script(
        "const r = new XMLHttpRequest(); r.open('GET', '/export/performance.csv?year=2026/27&quarter=Q3', false);"
        "r.send(); return r.responseText;")
    line = next(x for x in csv_text.splitlines() if x.startswith("Anti-Social Behaviour (ASB),Test outreach service")
                or (",Test outreach service," in x and ",People supported," in x))
    assert ",32," in line
