"""Upload a filled template, see its figures in the form at once, edit one and save (no
conflict with one's own upload); then the session ends and Save says so, figures kept."""


import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from layouts import ids
from tests.helpers.browser import field, press, sign_in, start
from tests.helpers.returns import filled_template as template_bytes
from tests.helpers.returns import right_figures

pytestmark = pytest.mark.browser
PROVIDER = "test-provider@demo.local"


def filled_template(w, path):
    """The return's template as the page offers it, filled in as a provider would."""
    path.write_bytes(template_bytes(w["app"], PROVIDER, w["service"], w["period"], right_figures(w)))
    return path


def test_upload_then_edit_then_save(dash_duo, return_world, tmp_path):
    w = return_world
    count = {"type": ids.COUNT, "metric": w["people"]}
    num = {"type": ids.NUM, "metric": w["safer"]}
    start(dash_duo, w["app"])
    sign_in(dash_duo, PROVIDER)
    dash_duo.wait_for_element("#main-nav")
    dash_duo.driver.get(f"{dash_duo.server.url}/returns/edit?service={w['service']}&period={w['period']}")
    dash_duo.wait_for_element("#rv-save")
    assert field(dash_duo, count).get_attribute("value") == ""

    dash_duo.find_element("#rv-upload").find_element(By.XPATH, "ancestor::details/summary").click()
    upload = dash_duo.find_element("#rv-upload input[type=file]")
    upload.send_keys(str(filled_template(w, tmp_path / "return.xlsx")))
    dash_duo.wait_for_contains_text("#rv-upload-result", "The draft was filled from your template")
    # The form shows what was saved at once, without a reload.
    WebDriverWait(dash_duo.driver, 10).until(lambda d: field(dash_duo, count).get_attribute("value") == "30")
    assert field(dash_duo, num).get_attribute("value") == "7"
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: field(dash_duo, {"type": ids.PCT, "metric": w["safer"]}).text == "70% improved (7 of 10)")

    # Edit one figure and save: the page holds the upload's version, so no conflict.
    element = field(dash_duo, num)
    dash_duo.clear_input(element)
    element.send_keys("8")
    press(dash_duo, dash_duo.find_element("#rv-save"))
    dash_duo.wait_for_contains_text("#rv-status", "Draft saved")
    assert "Someone else" not in dash_duo.find_element("#rv-summary").text

    # The session ends (the cookie is gone, as after the idle timeout); Save says so beside
    # the button, with a way to sign in again, and the figures typed stay in the form.
    element.send_keys(Keys.BACKSPACE, "9")
    dash_duo.driver.delete_all_cookies()
    press(dash_duo, dash_duo.find_element("#rv-save"))
    dash_duo.wait_for_contains_text("#rv-not-saved", "You have been signed out, so your return was not saved")
    href = dash_duo.find_element("#rv-sign-in-again").get_attribute("href")
    assert f"/login?next=/returns/edit%3Fservice%3D{w['service']}%26period%3D{w['period']}" in href
    assert field(dash_duo, num).get_attribute("value") == "9"
    # And no script error: the answer is one Dash can show.
    assert not [entry for entry in dash_duo.get_logs() or [] if entry.get("level") == "SEVERE"]
