"""Never lose typed work, in headless Chromium: the session ends mid-form and the figures are
offered back after signing in; an autosave survives a reload; a save while the database is
stopped, or that never gets an answer, says so and keeps the figures; the timeout dialog,
its focus trap and "Stay signed in"; the warning before leaving with changes not saved."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from dash_app.factory import create_app
from layouts import ids
from models.store.db import make_engine, make_sessionmaker, unit_of_work
from models.store.entities import Return, User
from models.store.users import end_sessions
from tests.helpers.browser import sign_in, start
from tests.helpers.databases import sqlite_file_gone

pytestmark = pytest.mark.browser
PROVIDER = "test-provider@demo.local"
WAIT = 30


def app_for(w: dict, **settings: object):
    """return_world's app, with settings of its own (a short idle timeout, a slow autosave)."""
    base = w["app"].server.config["MONITOR_SETTINGS"]
    return create_app(dataclasses.replace(base, **settings))


def database_url(w: dict) -> str:
    return w["app"].server.config["MONITOR_SETTINGS"].database_url


def field(dash_duo, component_id):
    return dash_duo.driver.find_element(By.XPATH, f"//*[@id='{ids.dom_id(component_id)}']")


def type_into(dash_duo, component_id, text: str) -> None:
    element = field(dash_duo, component_id)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.send_keys(text)


def press(dash_duo, selector: str) -> None:
    button = dash_duo.find_element(selector)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.send_keys(Keys.ENTER)


def open_form(dash_duo, w: dict) -> str:
    here = f"/returns/edit?service={w['service']}&period={w['period']}"
    dash_duo.driver.get(dash_duo.server.url + here)
    dash_duo.wait_for_element("#rv-save")
    return here


def fields(w: dict) -> dict[str, dict]:
    return {"count": {"type": ids.COUNT, "metric": w["people"]},
            "self": {"type": ids.CAT, "metric": w["people"], "category": w["cats"][0]},
            "gp": {"type": ids.CAT, "metric": w["people"], "category": w["cats"][1]},
            "num": {"type": ids.NUM, "metric": w["safer"]},
            "den": {"type": ids.DEN, "metric": w["safer"]}}


FIGURES = {"count": "30", "self": "20", "gp": "10", "num": "7", "den": "10"}


def type_figures(dash_duo, w: dict, figures: dict[str, str] = FIGURES) -> None:
    for name, text in figures.items():
        type_into(dash_duo, fields(w)[name], text)


def shown(dash_duo, w: dict) -> dict[str, str]:
    return {name: field(dash_duo, cid).get_attribute("value") for name, cid in fields(w).items()}


def saved_figures(w: dict) -> dict[str, str]:
    """The figures saved for return_world's return, named as FIGURES names them."""
    engine = make_engine(database_url(w))
    try:
        with unit_of_work(make_sessionmaker(engine)) as s:
            ret = s.scalars(select(Return).filter_by(service_id=w["service"], period_id=w["period"])).first()
            if ret is None:
                return {}
            values = {v.metric_id: v for v in ret.values}
            cats = {b.category_id: b.count for b in ret.breakdown_values}
            people, safer = values.get(w["people"]), values.get(w["safer"])
            figures = {"count": people and people.count, "self": cats.get(w["cats"][0]),
                       "gp": cats.get(w["cats"][1]), "num": safer and safer.numerator,
                       "den": safer and safer.denominator}
            return {k: str(v) for k, v in figures.items() if v is not None}
    finally:
        engine.dispose()


def leaving_is_questioned(dash_duo) -> bool:
    """Whether the page's beforeunload handler asks before leaving (as a reload would)."""
    return dash_duo.driver.execute_script(
        "const e = new Event('beforeunload', {cancelable: true});"
        "window.dispatchEvent(e); return e.defaultPrevented;")


def no_script_errors(dash_duo) -> None:
    severe = [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"
              and "_dash-update-component" not in e.get("message", "")
              and "/session/" not in e.get("message", "")]
    assert not severe, severe


# (a) The session ends mid-form -----------------------------------------------------------

def test_session_ends_mid_form_then_the_figures_are_offered_back_and_saved(dash_duo, return_world):
    w = return_world
    start(dash_duo, app_for(w, autosave_seconds=5))
    sign_in(dash_duo, PROVIDER)
    dash_duo.wait_for_element("#main-nav")
    here = open_form(dash_duo, w)
    type_figures(dash_duo, w)
    # Signed out elsewhere (another tab's Sign out ends every session of the user), while the
    # figures wait for their autosave. (Ended before typing, the page's own check of the
    # session may send it to sign in before anything is typed.)
    engine = make_engine(database_url(w))
    with unit_of_work(make_sessionmaker(engine)) as s:
        end_sessions(s, s.scalars(select(User).filter_by(email=PROVIDER)).one().id)
    engine.dispose()
    # The autosave finds the session ended: to the sign-in page, which says why and comes back.
    WebDriverWait(dash_duo.driver, WAIT).until(lambda d: "/login" in d.current_url)
    notice = dash_duo.wait_for_element("#signed-out-notice").text
    assert "You have been signed out." in notice and "offered back" in notice
    dash_duo.find_element("#email").send_keys(PROVIDER)
    dash_duo.find_element("#password").send_keys("demo-password-for-tests")
    dash_duo.find_element("#sign-in").click()
    WebDriverWait(dash_duo.driver, WAIT).until(lambda d: d.current_url.endswith(here))
    dash_duo.wait_for_contains_text(f"#{ids.RV_KEEP_OFFER_TEXT}", "that were not saved")
    assert dash_duo.find_element(f"#{ids.RV_KEEP_OFFER}").is_displayed()
    assert shown(dash_duo, w)["count"] == ""  # nothing was saved
    press(dash_duo, f"#{ids.RV_KEEP_RESTORE}")
    WebDriverWait(dash_duo.driver, WAIT).until(lambda d: shown(dash_duo, w) == FIGURES)
    assert not dash_duo.find_element(f"#{ids.RV_KEEP_OFFER}").is_displayed()
    # Focus is on the first figure brought back, not lost with the offer's buttons.
    assert dash_duo.driver.switch_to.active_element.get_attribute("id") == ids.dom_id(fields(w)["count"])
    press(dash_duo, "#rv-save")
    dash_duo.wait_for_contains_text("#rv-status", "Draft saved")
    assert saved_figures(w) == FIGURES
    no_script_errors(dash_duo)


def test_the_idle_timeout_runs_out_mid_form_then_the_figures_are_offered_back(dash_duo, return_world):
    """The real timeout, shortened: the dialog shows, nobody answers, the sign-in page says
    why, and the figures typed (never autosaved here) come back after signing in."""
    w = return_world
    start(dash_duo, app_for(w, idle_timeout=dt.timedelta(seconds=14),
                            timeout_warning=dt.timedelta(seconds=8), autosave_seconds=0))
    sign_in(dash_duo, PROVIDER)
    dash_duo.wait_for_element("#main-nav")
    here = open_form(dash_duo, w)
    type_figures(dash_duo, w, {"count": "12"})
    dash_duo.wait_for_element("#timeout-dialog[open]", timeout=WAIT)
    WebDriverWait(dash_duo.driver, WAIT).until(lambda d: "/login" in d.current_url)
    assert "ended=timeout" in dash_duo.driver.current_url
    notice = dash_duo.wait_for_element("#signed-out-notice").text
    assert "You were signed out because you did nothing for 14 seconds." in notice
    sign_in_here = dash_duo.driver.current_url
    dash_duo.find_element("#email").send_keys(PROVIDER)
    dash_duo.find_element("#password").send_keys("demo-password-for-tests")
    dash_duo.find_element("#sign-in").click()
    WebDriverWait(dash_duo.driver, WAIT).until(lambda d: d.current_url.endswith(here))
    assert sign_in_here != dash_duo.driver.current_url
    dash_duo.wait_for_contains_text(f"#{ids.RV_KEEP_OFFER_TEXT}", "that were not saved")
    press(dash_duo, f"#{ids.RV_KEEP_RESTORE}")
    WebDriverWait(dash_duo.driver, WAIT).until(lambda d: shown(dash_duo, w)["count"] == "12")


# (b) Autosave survives a reload -----------------------------------------------------------

def test_autosave_survives_a_reload(dash_duo, return_world):
    w = return_world
    start(dash_duo, app_for(w, autosave_seconds=1))
    sign_in(dash_duo, PROVIDER)
    dash_duo.wait_for_element("#main-nav")
    open_form(dash_duo, w)
    type_figures(dash_duo, w)
    dash_duo.wait_for_contains_text(f"#{ids.RV_AUTOSAVE_STATUS}", "Saved at", timeout=WAIT)
    assert not leaving_is_questioned(dash_duo)  # all saved: nothing to warn about
    # The live region is polite and takes no focus.
    status = dash_duo.find_element(f"#{ids.RV_AUTOSAVE_STATUS}")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    assert saved_figures(w) == FIGURES
    dash_duo.driver.refresh()
    dash_duo.wait_for_element("#rv-save")
    WebDriverWait(dash_duo.driver, WAIT).until(lambda d: shown(dash_duo, w) == FIGURES)
    assert not dash_duo.find_element(f"#{ids.RV_KEEP_OFFER}").is_displayed()  # nothing to offer
    # An edit after the autosave, then Save draft: the page holds the autosave's version.
    type_into(dash_duo, fields(w)["num"], Keys.BACKSPACE + "8")
    press(dash_duo, "#rv-save")
    dash_duo.wait_for_contains_text("#rv-status", "Draft saved")
    assert "Someone else" not in dash_duo.find_element("#rv-summary").text
    no_script_errors(dash_duo)


# (c) The database stopped, and a request that never came back ------------------------------

def _database_gone(app, url: str, tmp_path: Path):
    """The app's SQLite file moved away and a folder put in its place: no connection opens."""
    return sqlite_file_gone(app.server.extensions["monitor.sessionmaker"].kw["bind"], url, tmp_path)


def test_a_save_while_the_database_is_stopped_says_so_and_keeps_the_figures(dash_duo, return_world, tmp_path):
    w = return_world
    app = app_for(w, autosave_seconds=0)
    start(dash_duo, app)
    sign_in(dash_duo, PROVIDER)
    dash_duo.wait_for_element("#main-nav")
    open_form(dash_duo, w)
    type_figures(dash_duo, w)
    back = _database_gone(app, database_url(w), tmp_path)
    try:
        press(dash_duo, "#rv-save")
        dash_duo.wait_for_contains_text(
            "#rv-not-saved", "Your return was not saved because the database could not be reached")
        assert shown(dash_duo, w) == FIGURES
        assert leaving_is_questioned(dash_duo)  # still not saved
    finally:
        back()
    press(dash_duo, "#rv-save")
    dash_duo.wait_for_contains_text("#rv-status", "Draft saved")
    assert saved_figures(w) == FIGURES


def test_a_save_that_never_reaches_the_server_says_so_and_can_be_tried_again(dash_duo, return_world):
    w = return_world
    start(dash_duo, app_for(w, autosave_seconds=0))
    sign_in(dash_duo, PROVIDER)
    dash_duo.wait_for_element("#main-nav")
    open_form(dash_duo, w)
    type_figures(dash_duo, w)
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Network.enable", {})
    offline = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
    try:
        press(dash_duo, "#rv-save")
        dash_duo.wait_for_contains_text(f"#{ids.RV_NETWORK}", "We could not reach the server, so your "
                                        "return may not have been saved. Your figures are still here.")
        assert "press the button again" in dash_duo.find_element(f"#{ids.RV_NETWORK}").text
        assert shown(dash_duo, w) == FIGURES
    finally:
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {**offline, "offline": False})
    press(dash_duo, "#rv-save")
    dash_duo.wait_for_contains_text("#rv-status", "Draft saved")
    WebDriverWait(driver, WAIT).until(lambda d: not dash_duo.find_element(f"#{ids.RV_NETWORK}").text)
    assert saved_figures(w) == FIGURES


# (d) The timeout dialog -------------------------------------------------------------------

def seconds_left(dash_duo) -> int:
    return dash_duo.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/session/status', {credentials: 'same-origin'}).then(r => r.json())"
        ".then(s => done(s.signedIn ? s.secondsLeft : -1));")


def test_the_timeout_dialog_traps_focus_and_stay_signed_in_keeps_the_session(dash_duo, return_world):
    w = return_world
    start(dash_duo, app_for(w, idle_timeout=dt.timedelta(seconds=40),
                            timeout_warning=dt.timedelta(seconds=34), autosave_seconds=0))
    sign_in(dash_duo, PROVIDER)
    dash_duo.wait_for_element("#main-nav")
    open_form(dash_duo, w)
    dialog = dash_duo.wait_for_element("#timeout-dialog[open]", timeout=WAIT)
    assert dialog.get_attribute("role") == "dialog" and dialog.get_attribute("aria-modal") == "true"
    assert "we will sign you out at" in dialog.text and "offered back when you sign in again" in dialog.text
    driver = dash_duo.driver

    def focused() -> str:
        return driver.switch_to.active_element.get_attribute("id")

    assert focused() == "timeout-stay"
    # axe-core (vendored) on the page with the dialog open: nothing serious or critical.
    driver.set_script_timeout(60)
    driver.execute_script((Path(__file__).parent / "vendor" / "axe.min.js").read_text())
    impacts = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']}})"
        ".then(r => done(r.violations.map(v => [v.id, v.impact])));")
    assert not [v for v in impacts if v[1] in ("serious", "critical")], impacts
    assert dialog.get_attribute("open")  # still open: nothing above took the focus
    driver.switch_to.active_element.send_keys(Keys.TAB)
    assert focused() == "timeout-sign-out"
    driver.switch_to.active_element.send_keys(Keys.TAB)
    assert focused() == "timeout-stay"  # round again, never out to the page
    driver.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
    assert focused() == "timeout-sign-out"
    # Escape is "Stay signed in": the session starts again, on the server.
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    WebDriverWait(driver, WAIT).until(lambda d: not d.find_element(By.ID, "timeout-dialog").get_attribute("open"))
    assert seconds_left(dash_duo) > 34
    # It comes back when idle again; this time the button.
    dash_duo.wait_for_element("#timeout-dialog[open]", timeout=WAIT)
    dash_duo.find_element("#timeout-stay").click()
    WebDriverWait(driver, WAIT).until(lambda d: not d.find_element(By.ID, "timeout-dialog").get_attribute("open"))
    assert seconds_left(dash_duo) > 34
    type_figures(dash_duo, w, {"count": "3"})
    press(dash_duo, "#rv-save")
    dash_duo.wait_for_contains_text("#rv-status", "Draft saved")


# (e) Leaving with changes not saved ---------------------------------------------------------

def test_leaving_is_questioned_while_changes_are_not_saved(dash_duo, return_world):
    w = return_world
    start(dash_duo, app_for(w, autosave_seconds=0))
    sign_in(dash_duo, PROVIDER)
    dash_duo.wait_for_element("#main-nav")
    open_form(dash_duo, w)
    assert not leaving_is_questioned(dash_duo)
    type_figures(dash_duo, w, {"count": "4"})
    assert leaving_is_questioned(dash_duo)
    # An in-app link asks too; staying keeps the figures.
    back = dash_duo.driver.find_element(By.LINK_TEXT, "← Back to returns")
    dash_duo.driver.execute_script("window.confirm = () => false;"
                                   "arguments[0].scrollIntoView({block: 'center'});", back)
    back.click()
    assert dash_duo.driver.current_url.endswith(f"period={w['period']}")
    assert shown(dash_duo, w)["count"] == "4"
    press(dash_duo, "#rv-save")
    dash_duo.wait_for_contains_text("#rv-status", "Draft saved")
    assert not leaving_is_questioned(dash_duo)
