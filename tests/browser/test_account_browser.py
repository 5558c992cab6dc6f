"""Your account in the browser (issue 18): a provider opens it from the header, turns
reminder emails off, saves, and after a reload finds them still off. The page passes axe."""

import pytest
from selenium.webdriver.common.keys import Keys

from tests.helpers.browser import axe_violations, serious, sign_in, start

pytestmark = pytest.mark.browser

OWNER = "safer-futures-support@demo.local"


def test_turning_reminders_off_is_saved_and_stays_off(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, OWNER)
    dash_duo.wait_for_element("#account-link").send_keys(Keys.ENTER)
    box = dash_duo.wait_for_element("#account-reminders")
    assert box.is_selected()
    box.send_keys(Keys.SPACE)  # as a keyboard user ticks it off
    assert not box.is_selected()
    dash_duo.find_element("#account-save").send_keys(Keys.ENTER)
    dash_duo.wait_for_text_to_equal(
        "#account-saved", "Saved. You will not get reminder emails about returns.")
    dash_duo.driver.refresh()
    box = dash_duo.wait_for_element("#account-reminders")
    assert not box.is_selected()
    assert dash_duo.find_element("#account-password").get_attribute("href").endswith("/set-password")
    assert serious(axe_violations(dash_duo)) == []
