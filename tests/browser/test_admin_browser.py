"""The lead officer sets up a new service end to end in the browser; its provider then
finds the new return; a retired metric leaves the form but not the history."""

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from models.store.db import unit_of_work
from models.store.entities import Metric, Period, Service, Target
from tests.helpers.browser import sign_in, sign_out, start

pytestmark = pytest.mark.browser


def choose(dash_duo, css, text):
    Select(dash_duo.find_element(css)).select_by_visible_text(text)


def typed(dash_duo, css, text):
    element = dash_duo.find_element(css)
    dash_duo.clear_input(element)
    element.send_keys(text)


def press(dash_duo, css):
    element = dash_duo.find_element(css)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.send_keys(Keys.ENTER)


def click(dash_duo, element):
    """Click once nothing lies over the element (a grid editor closing, a toast fading)."""
    from selenium.common.exceptions import ElementClickInterceptedException
    from selenium.webdriver.support.ui import WebDriverWait

    def clicked(_driver) -> bool:
        dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        try:
            element.click()
        except ElementClickInterceptedException:
            return False
        return True

    WebDriverWait(dash_duo.driver, 10, poll_frequency=0.2).until(clicked)


def tab(dash_duo, label):
    link = dash_duo.driver.find_element(By.LINK_TEXT, label)
    link.send_keys(Keys.ENTER)  # as a keyboard user would


def test_new_service_reaches_its_provider(dash_duo, app_and_factory):
    app, factory = app_and_factory
    start(dash_duo, app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#main-nav")
    dash_duo.driver.get(dash_duo.server.url + "/admin")
    dash_duo.wait_for_element("#adm-prov-name")

    typed(dash_duo, "#adm-prov-name", "Hearth Housing")
    press(dash_duo, "#adm-prov-save")
    dash_duo.wait_for_contains_text("#adm-prov-msg", "Provider saved.")

    # No reload: the service form's provider list has the new provider at once, and the
    # provider form has cleared for the next one.
    assert dash_duo.find_element("#adm-prov-name").get_attribute("value") == ""
    typed(dash_duo, "#adm-svc-name", "Warm Homes advice")
    choose(dash_duo, "#adm-svc-priority", "Vulnerable Persons and Safeguarding (incl. Mental Health)")
    choose(dash_duo, "#adm-svc-workstream", "Primary Prevention")
    choose(dash_duo, "#adm-svc-provider", "Hearth Housing")
    typed(dash_duo, "#adm-svc-value", "12000")
    press(dash_duo, "#adm-svc-save")
    dash_duo.wait_for_contains_text("#adm-svc-msg", "Service saved.")

    tab(dash_duo, "Metrics")
    choose(dash_duo, "#adm-met-service", "Warm Homes advice")
    dash_duo.wait_for_element("#adm-met-name")
    typed(dash_duo, "#adm-met-name", "Households advised")
    dash_duo.find_element("#adm-met-headline").send_keys(Keys.SPACE)  # tick it by keyboard
    press(dash_duo, "#adm-met-save")
    dash_duo.wait_for_contains_text("#adm-met-msg", "Metric saved.")
    # The form has cleared for the next metric (the old name does not linger).
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: d.find_element(By.ID, "adm-met-name").get_attribute("value") == "")
    assert dash_duo.find_element("#adm-met-pick").get_attribute("value") == "new"
    typed(dash_duo, "#adm-met-name", "Felt safer at home")
    choose(dash_duo, "#adm-met-kind", "Outcome (how people are better off)")
    choose(dash_duo, "#adm-met-unit", "Percentage (number improved of number assessed)")
    dash_duo.find_element("#adm-met-headline").send_keys(Keys.SPACE)  # tick it by keyboard
    press(dash_duo, "#adm-met-save")
    dash_duo.wait_for_contains_text("#adm-metric-table", "Felt safer at home")

    tab(dash_duo, "Targets")
    choose(dash_duo, "#adm-tgt-service", "Warm Homes advice")
    choose(dash_duo, "#adm-tgt-year", "2026/27")
    cell = dash_duo.wait_for_element("#adm-tgt-grid .ag-row[row-index='0'] .ag-cell[col-id='annual']")
    click(dash_duo, cell)
    dash_duo.driver.switch_to.active_element.send_keys("100", Keys.ENTER)
    cell = dash_duo.find_element("#adm-tgt-grid .ag-row[row-index='1'] .ag-cell[col-id='annual']")
    click(dash_duo, cell)
    dash_duo.driver.switch_to.active_element.send_keys("75", Keys.ENTER)
    press(dash_duo, "#adm-tgt-split")
    dash_duo.wait_for_contains_text("#adm-tgt-msg", "Quarters filled")
    press(dash_duo, "#adm-tgt-save")
    dash_duo.wait_for_contains_text("#adm-tgt-msg", "Targets saved.")
    # An uneven year on purpose: Q1 raised, so the quarters add up to more than the year.
    # A warning, not a block; "Save anyway" keeps it.
    anyway = dash_duo.find_element("#adm-tgt-save-anyway")
    assert not anyway.is_displayed()
    cell = dash_duo.find_element("#adm-tgt-grid .ag-row[row-index='0'] .ag-cell[col-id='q1']")
    click(dash_duo, cell)
    dash_duo.driver.switch_to.active_element.send_keys(Keys.CONTROL, "a")
    dash_duo.driver.switch_to.active_element.send_keys("40", Keys.ENTER)
    press(dash_duo, "#adm-tgt-save")
    dash_duo.wait_for_contains_text("#adm-tgt-msg", "add up to 115, not the annual 100")
    WebDriverWait(dash_duo.driver, 10).until(lambda d: anyway.is_displayed())
    press(dash_duo, "#adm-tgt-save-anyway")
    dash_duo.wait_for_contains_text("#adm-tgt-msg", "Targets saved.")
    with unit_of_work(factory) as s:
        households = s.scalars(select(Metric).where(Metric.name == "Households advised")).one()
        saved_q1 = s.scalars(select(Target.value).filter_by(metric_id=households.id, year=2026,
                                                            quarter=1)).all()
    assert saved_q1 == [40]

    tab(dash_duo, "Periods")
    typed(dash_duo, "#adm-per-year", "2026/27")
    press(dash_duo, "#adm-per-create")
    dash_duo.wait_for_contains_text("#adm-per-msg", "The quarters of 2026/27 are ready.")

    tab(dash_duo, "Users")  # its own page, drawn afresh: the new provider is in its lists
    assert dash_duo.driver.current_url.endswith("/admin/users")
    # assets/navigation.js marks the link once the page is drawn: wait for it, not a race.
    dash_duo.wait_for_text_to_equal("a[aria-current='page']", "Users")
    typed(dash_duo, "#adm-usr-email", "hearth@example.org")
    choose(dash_duo, "#adm-usr-role", "Provider")
    choose(dash_duo, "#adm-usr-provider", "Hearth Housing")
    press(dash_duo, "#adm-usr-invite")
    dash_duo.wait_for_contains_text("#adm-usr-msg", "one-time password")
    one_time = re.search(r"sign-in: (\S+)$", dash_duo.find_element("#adm-usr-msg").text).group(1)
    sign_out(dash_duo)

    with unit_of_work(factory) as s:
        service = s.scalars(select(Service).where(Service.name == "Warm Homes advice")).one()
        q3 = s.scalars(select(Period).filter_by(year=2026, quarter=3)).one()
        q3.early_submission = True  # Q3 has not ended on the suite's date
        q4 = s.scalars(select(Period).filter_by(year=2026, quarter=4)).one()
        ids = {"service": service.id, "q3": q3.id, "q4": q4.id}

    # The invited provider must set a password, then finds the new return.
    sign_in(dash_duo, "hearth@example.org", one_time)
    dash_duo.wait_for_element("#set-password")
    dash_duo.find_element("#password").send_keys("hearth-housing-2026")
    dash_duo.find_element("#confirm").send_keys("hearth-housing-2026")
    dash_duo.find_element("#set-password").click()
    dash_duo.wait_for_element("#main-nav")
    dash_duo.driver.get(dash_duo.server.url + "/returns")
    dash_duo.wait_for_contains_text("#returns-table", "Warm Homes advice")
    dash_duo.driver.get(f"{dash_duo.server.url}/returns/edit?service={ids['service']}&period={ids['q3']}")
    form = dash_duo.wait_for_element("#return-form")
    assert "Households advised" in form.text and "Felt safer at home" in form.text
    assert "Target this quarter: 25" in form.text and "Target this quarter: 75%" in form.text
    inputs = dash_duo.find_elements("#return-form input.number-input")
    for element, value in zip(inputs, ["12", "4", "6"], strict=True):
        element.send_keys(value)
    press(dash_duo, "#rv-submit")
    dash_duo.wait_for_contains_text("#rv-status", "Return submitted")
    sign_out(dash_duo)

    # The officer approves it, then retires the outcome measure.
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#main-nav")
    dash_duo.driver.get(dash_duo.server.url + "/review")
    section = dash_duo.wait_for_element("section[aria-label='Warm Homes advice, Q3 2026/27']")
    section.find_element(By.XPATH, ".//button[text()='Approve']").send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text(f"#{section.get_attribute('id')}",
                                    "Approved: Warm Homes advice, Q3 2026/27")
    dash_duo.driver.get(dash_duo.server.url + "/admin")
    dash_duo.wait_for_element("#adm-prov-name")
    tab(dash_duo, "Metrics")
    choose(dash_duo, "#adm-met-service", "Warm Homes advice")
    dash_duo.wait_for_contains_text("#adm-metric-table", "Felt safer at home")
    choose(dash_duo, "#adm-met-pick", "Felt safer at home")
    press(dash_duo, "#adm-met-retire")
    dash_duo.wait_for_contains_text("#adm-met-msg", "Metric retired")
    with unit_of_work(factory) as s:
        retired = s.scalars(select(Metric).where(Metric.name == "Felt safer at home")).one()
        assert retired.active is False

    # It has left the next quarter's form, and stays in this quarter's history.
    dash_duo.driver.get(f"{dash_duo.server.url}/returns/edit?service={ids['service']}&period={ids['q4']}")
    form = dash_duo.wait_for_element("#return-form")
    assert "Households advised" in form.text and "Felt safer at home" not in form.text
    dash_duo.driver.get(f"{dash_duo.server.url}/service?id={ids['service']}&year=2026/27")
    dash_duo.wait_for_contains_text("#service-body", "Felt safer at home")
    assert "67% (4 of 6)" in dash_duo.find_element("#service-body").text
