""""Send reminders now" in the browser (issue 18): the lead officer sees exactly who will get
what, sends, and is told so; the emails reach a real SMTP server; a viewer has no button.

Set REMINDER_SCREENSHOTS to a folder to keep pictures of the preview at 390 and 1366 px."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.browser import axe_violations, press, serious, sign_in, sign_out, start
from tests.helpers.mail import patient_screens

pytestmark = pytest.mark.browser

RIVERSIDE = "riverside-boxing-academy@demo.local"
SAFER = "safer-futures-support@demo.local"

@pytest.fixture(autouse=True)
def _patient(monkeypatch):
    patient_screens(monkeypatch)


def screenshot(dash_duo, name: str) -> None:
    folder = os.environ.get("REMINDER_SCREENSHOTS")
    if not folder:
        return
    driver = dash_duo.driver
    for width in (390, 1366):
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": False})
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": min(height, 4000), "deviceScaleFactor": 1,
                                "mobile": False})
        driver.save_screenshot(str(Path(folder) / f"{name}-{width}.png"))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_preview_send_and_confirmation(dash_duo, mail_browser_app, inbox):
    start(dash_duo, mail_browser_app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#sign-out")
    dash_duo.driver.get(dash_duo.server.url + "/submissions")
    press(dash_duo, dash_duo.wait_for_element("#remind-preview"))
    dash_duo.wait_for_contains_text("#remind-summary", "2 emails to 2 providers. Nothing has been sent yet.")
    table = dash_duo.find_element("#remind-table").text
    for text in ("Riverside Boxing Academy (demo)", RIVERSIDE, "Safer Futures Support (demo)", SAFER,
                 "Sanctuary scheme: Q2 2026/27, due 20 October 2026 (Overdue)"):
        assert text in table
    assert inbox.messages == []
    assert serious(axe_violations(dash_duo)) == []
    screenshot(dash_duo, "submissions-reminder-preview")

    press(dash_duo, dash_duo.find_element("#remind-send"))
    dash_duo.wait_for_contains_text("#remind-msg", "Sent 2 reminder emails to 2 providers.")
    assert not dash_duo.find_element("#remind-panel").is_displayed()
    assert sorted(m["To"] for m in inbox.messages) == [RIVERSIDE, SAFER]

    # A second click the same day: told, not sent again.
    press(dash_duo, dash_duo.find_element("#remind-preview"))
    dash_duo.wait_for_contains_text("#remind-msg", "Reminders were already sent today")
    assert len(inbox.messages) == 2

    sign_out(dash_duo)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#sign-out")
    dash_duo.driver.get(dash_duo.server.url + "/submissions")
    dash_duo.wait_for_element("#submissions-table")
    assert dash_duo.driver.find_elements("css selector", "#remind-preview") == []
