"""Driving the app in headless Chromium through dash_duo: start it, sign in, sign out."""

from __future__ import annotations

from tests.helpers.config import DEMO_PASSWORD


def start(dash_duo, app) -> str:
    """Start the app; the root redirects anonymous users, so don't wait on a Dash page yet."""
    dash_duo.start_server(app, navigate=False)
    return dash_duo.server.url


def sign_in(dash_duo, email: str, password: str = DEMO_PASSWORD) -> None:
    dash_duo.driver.get(dash_duo.server.url + "/login")
    dash_duo.wait_for_element("#email").send_keys(email)
    dash_duo.find_element("#password").send_keys(password)
    dash_duo.find_element("#sign-in").click()


def sign_out(dash_duo) -> None:
    """The header's Sign out button: a POST with the CSRF token, back to the sign-in page."""
    from selenium.webdriver.common.keys import Keys

    button = dash_duo.wait_for_element("#sign-out")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.send_keys(Keys.ENTER)  # as a keyboard user would; the form posts
    dash_duo.wait_for_element("#sign-in")
