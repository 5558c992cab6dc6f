"""A member makes an API token on Your account, uses it as Power BI would, and revokes it
(issue 21), with the keyboard."""

import pytest
import requests
from selenium.webdriver.common.keys import Keys

from tests.helpers.browser import sign_in, start

pytestmark = pytest.mark.browser


def test_a_token_is_made_used_and_revoked(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#main-nav")
    dash_duo.driver.get(dash_duo.server.url + "/account")
    name = dash_duo.wait_for_element("#token-name", timeout=30)
    assert dash_duo.find_element("#token-none").text == "You have no API tokens."
    name.send_keys("Power BI")
    dash_duo.find_element("#token-make").send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text("#token-msg", "copy it now")
    token = dash_duo.find_element("#token-new").get_attribute("value")
    assert token.startswith("cwp_")
    assert "Power BI" in dash_duo.find_element("#token-list").text
    api = dash_duo.server.url + "/api/v1/catalogue"
    answer = requests.get(api, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 200 and len(answer.json()["services"]) == 8
    dash_duo.find_element("#token-list button").send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text("#token-msg", "Revoked \u201cPower BI\u201d: it no longer works.")
    assert "Revoked or expired" in dash_duo.find_element("#token-list").text
    assert requests.get(api, headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code == 401
