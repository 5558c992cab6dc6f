"""Forgot password in headless Chromium: /login → "Forgot your password?" → the address →
the link from the message the SMTP server on loopback received → a new password → signed in,
on the app. The pages pass axe, and their screenshots are kept at 390 and 1366 px."""

from __future__ import annotations

import re

from tests.helpers.browser import axe_violations, serious, start

KNOWN = "viewer@demo.local"

def _wait_for_message(dash_duo, inbox, address: str):
    """The message, once the server has it: it is sent after the answer page has gone."""
    from selenium.webdriver.support.ui import WebDriverWait

    dash_duo.wait_for_element("#link-sent")
    WebDriverWait(dash_duo.driver, 30, poll_frequency=0.1).until(lambda _d: inbox.to(address))
    return inbox.to(address)[0]


def test_forgot_password_link_new_password_signed_in(dash_duo, mail_browser_app, inbox):
    base = start(dash_duo, mail_browser_app)
    dash_duo.driver.get(base + "/login")
    dash_duo.wait_for_element("#forgot-password").click()
    dash_duo.wait_for_element("#email").send_keys(KNOWN)
    assert serious(axe_violations(dash_duo)) == []
    dash_duo.find_element("#send-link").click()
    message = _wait_for_message(dash_duo, inbox, KNOWN)
    assert serious(axe_violations(dash_duo)) == []

    [link] = re.findall(r"http://\S+/reset-password\?token=[\w-]+", inbox.text(message))
    # PUBLIC_URL in the tests is the default; the link's path and query are what matter.
    dash_duo.driver.get(base + link[link.index("/reset-password"):])
    dash_duo.wait_for_element("#choose-password")
    assert dash_duo.driver.current_url == base + "/reset-password"  # the token left the address
    assert serious(axe_violations(dash_duo)) == []

    # An error by the field first, then the password.
    dash_duo.find_element("#password").send_keys("short")
    dash_duo.find_element("#confirm").send_keys("short")
    dash_duo.find_element("#choose-password").click()
    assert "at least 10 characters" in dash_duo.wait_for_element("#password-error").text
    assert dash_duo.driver.title.startswith("Error: ")
    dash_duo.find_element("#password").send_keys("a-new-password-for-me")
    dash_duo.find_element("#confirm").send_keys("a-new-password-for-me")
    dash_duo.find_element("#choose-password").click()
    # Signed in: the app's header with its Sign out button, on the Overview.
    dash_duo.wait_for_element("#sign-out", timeout=20)
    assert dash_duo.driver.current_url.rstrip("/") == base

    # The link is used up.
    dash_duo.driver.get(base + link[link.index("/reset-password"):])
    assert dash_duo.wait_for_element("#link-expired").text == (
        "This link has expired or has already been used")
    assert serious(axe_violations(dash_duo)) == []
