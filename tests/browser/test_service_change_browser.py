"""The lead officer marks a change in a service on the Providers and services page: a
refusal in words by the form when the reason is missing, then the change listed."""

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select
from sqlalchemy import select

from models.store.db import unit_of_work
from models.store.entities import ServiceChange
from tests.helpers.browser import sign_in, start

pytestmark = pytest.mark.browser


def press(dash_duo, css):
    element = dash_duo.find_element(css)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.send_keys(Keys.ENTER)


def test_admin_marks_a_change_in_a_service(dash_duo, app_and_factory):
    app, factory = app_and_factory
    start(dash_duo, app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#main-nav")
    dash_duo.driver.get(dash_duo.server.url + "/admin/providers")
    dash_duo.wait_for_element("#adm-chg-service")
    Select(dash_duo.find_element("#adm-chg-service")).select_by_visible_text("Sanctuary scheme")
    Select(dash_duo.find_element("#adm-chg-period")).select_by_visible_text("Q1 2024/25")
    press(dash_duo, "#adm-chg-save")
    dash_duo.wait_for_text_to_equal(
        "#adm-chg-msg", "Enter the reason for the change (for example, new contract)")
    dash_duo.find_element("#adm-chg-reason").send_keys("new contract")
    press(dash_duo, "#adm-chg-save")
    dash_duo.wait_for_contains_text("#adm-chg-msg", "Change marked.")
    dash_duo.wait_for_contains_text("#adm-chg-list", "Q1 2024/25")
    assert "new contract" in dash_duo.find_element("#adm-chg-list").text
    assert dash_duo.find_element("#adm-chg-reason").get_attribute("value") == ""
    with unit_of_work(factory) as s:
        assert [c.reason for c in s.scalars(select(ServiceChange))] == [
            "new model of delivery", "new contract"]
