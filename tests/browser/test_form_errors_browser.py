"""The return form's errors the GOV.UK way, in headless Chromium: a message never splits the
"improved of assessed" pair; warnings look and read as warnings; a breakdown that does not
add up is shown at its total; inputs carry aria-invalid and aria-describedby; the title
gains and loses "Error: "; the live figures flag impossible values as you type; after
Submit the page shows its new state without a reload; focus lands on every result."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from layouts import ids
from layouts.return_form import error_slot_id, hint_id
from models.rules.validation import FieldKey
from models.store.db import make_engine, make_sessionmaker, unit_of_work
from tests.helpers.browser import axe_violations, serious, sign_in, start
from tests.helpers.config import DEMO_PASSWORD, settings_for
from tests.helpers.databases import database_copy

pytestmark = pytest.mark.browser
PROVIDER = "test-provider@demo.local"
TITLE = "Return: Test outreach service, Q3 2026/27 – CWP Outcomes Monitor"  # the form's own


def make_world(tmp_path, returned: bool = False) -> dict:
    """Demo data plus a new provider's service: a count with two categories and a rate, in
    Q3 2026/27 (early submission allowed). Q2's count was 20, so 60 now is a large jump (a
    warning). `returned`: Q3's return is back with the provider, with the officer's comment."""
    from dash_app.factory import create_app
    from models.store.entities import Period
    from models.store.users import create_user
    from tests.helpers import factories as f

    url = database_copy("sqlite", "demo", tmp_path, "errors.db")
    engine = make_engine(url)
    with unit_of_work(make_sessionmaker(engine)) as s:
        owner = f.provider(s, "Test Provider")
        create_user(s, PROVIDER, DEMO_PASSWORD, "provider", owner)
        svc = f.service(s, "Test outreach service", owner)
        people = f.metric(s, svc, "People supported", headline=True, categories=("Self", "GP"))
        safer = f.metric(s, svc, "Felt safer", unit="percent", kind="outcome", order=1)
        q2 = s.query(Period).filter_by(year=2026, quarter=2).one()
        q3 = s.query(Period).filter_by(year=2026, quarter=3).one()
        q3.early_submission = True
        self_cat, gp_cat = people.categories
        f.a_return(s, svc, q2, "approved", counts={people: 20}, rates={safer: (5, 10)},
                   breakdown={self_cat: 12, gp_cat: 8})
        if returned:
            ret = f.a_return(s, svc, q3, "returned", counts={people: 30}, rates={safer: (7, 10)},
                             breakdown={self_cat: 20, gp_cat: 10})
            ret.officer_comment = "Please check the GP referrals figure."
        world = {"service": svc.id, "period": q3.id, "people": people.id, "safer": safer.id,
                 "cats": [c.id for c in people.categories]}
    engine.dispose()
    world["app"] = create_app(settings_for(url))
    return world


@pytest.fixture
def world(tmp_path):
    return make_world(tmp_path)


@pytest.fixture
def returned_world(tmp_path):
    return make_world(tmp_path, returned=True)


# Driving the form ------------------------------------------------------------------------

def element(dash_duo, component_id):
    # XPath, because the JSON of a pattern-matching id is awkward to escape in CSS.
    dom = component_id if isinstance(component_id, str) else ids.dom_id(component_id)
    return dash_duo.driver.find_element(By.XPATH, f"//*[@id='{dom}']")


def type_into(dash_duo, component_id, text):
    box = element(dash_duo, component_id)
    dash_duo.clear_input(box)
    box.send_keys(text)


def press(dash_duo, selector):
    button = dash_duo.find_element(selector)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.send_keys(Keys.ENTER)


def wait_until(dash_duo, condition, timeout=10):
    WebDriverWait(dash_duo.driver, timeout).until(lambda _d: condition())


def attribute(dash_duo, component_id, name):
    return element(dash_duo, component_id).get_attribute(name)


def focused_is(dash_duo, selector):
    return dash_duo.driver.execute_script(
        "return document.activeElement && document.activeElement.matches(arguments[0]);", selector)


def open_form(dash_duo, w):
    start(dash_duo, w["app"])
    sign_in(dash_duo, PROVIDER)
    dash_duo.wait_for_element("#main-nav")
    dash_duo.driver.get(f"{dash_duo.server.url}/returns/edit?service={w['service']}&period={w['period']}")
    dash_duo.wait_for_element("#return-form")


def fields(w):
    return {
        "count": {"type": ids.COUNT, "metric": w["people"]},
        "num": {"type": ids.NUM, "metric": w["safer"]},
        "den": {"type": ids.DEN, "metric": w["safer"]},
        "self": {"type": ids.CAT, "metric": w["people"], "category": w["cats"][0]},
        "gp": {"type": ids.CAT, "metric": w["people"], "category": w["cats"][1]},
        "pct": {"type": ids.PCT, "metric": w["safer"]},
        "sum": {"type": ids.SUM, "metric": w["people"]},
    }


def phone_width(dash_duo):
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": False})


# The tests -------------------------------------------------------------------------------

@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_errors_are_marked_for_every_reader_and_cleared_once_fixed(dash_duo, world, width):
    w, f = world, fields(world)
    open_form(dash_duo, w)
    if width == "phone":
        phone_width(dash_duo)
    num_key, den_key = FieldKey.numerator(w["safer"]), FieldKey.denominator(w["safer"])
    num_error = ids.dom_id(error_slot_id(num_key))
    # Before any error: each input is described by its hint alone, and none is invalid.
    wait_until(dash_duo, lambda: attribute(dash_duo, f["num"], "aria-describedby") == hint_id(num_key))
    assert attribute(dash_duo, f["den"], "aria-describedby") == hint_id(num_key)
    assert attribute(dash_duo, f["num"], "aria-invalid") is None
    assert dash_duo.driver.title == TITLE

    # 12 of 10 is flagged as you type, in words, as a warning.
    type_into(dash_duo, f["num"], "12")
    type_into(dash_duo, f["den"], "10")
    wait_until(dash_duo, lambda: element(dash_duo, f["pct"]).text ==
               "Number who improved (12) is more than the number assessed (10)")
    assert "live-warning" in attribute(dash_duo, f["pct"], "class")
    type_into(dash_duo, f["count"], "lots")
    press(dash_duo, "#rv-save")
    dash_duo.wait_for_contains_text("#rv-summary", "There is a problem")

    # The number who improved has its message, above the pair: both inputs stay on one line.
    wait_until(dash_duo, lambda: attribute(dash_duo, f["num"], "aria-invalid") == "true")
    assert attribute(dash_duo, f["num"], "aria-describedby") == f"{hint_id(num_key)} {num_error}"
    assert attribute(dash_duo, f["den"], "aria-invalid") is None
    assert attribute(dash_duo, f["den"], "aria-describedby") == hint_id(num_key)
    message = element(dash_duo, num_error)
    assert "cannot be more than the number assessed (10)" in message.text
    assert dash_duo.driver.execute_script("return arguments[0].textContent", message).startswith("Error: ")
    num_box, den_box = element(dash_duo, f["num"]).rect, element(dash_duo, f["den"]).rect
    # One line: the same bottom edge (an invalid input's border is 1px thicker each side).
    assert num_box["y"] + num_box["height"] == den_box["y"] + den_box["height"]
    assert abs(num_box["y"] - den_box["y"]) <= 2 and den_box["x"] > num_box["x"] + num_box["width"]
    assert message.rect["y"] + message.rect["height"] <= num_box["y"]
    assert element(dash_duo, error_slot_id(den_key)).text == ""
    # Red, GOV.UK's error colour.
    assert message.find_element(By.CSS_SELECTOR, ".error-message").value_of_css_property("color") == \
        "rgba(212, 53, 28, 1)"
    assert dash_duo.driver.title == f"Error: {TITLE}"

    # Fixed and saved: the marks and the title's "Error: " go.
    type_into(dash_duo, f["num"], "7")
    type_into(dash_duo, f["count"], "")
    wait_until(dash_duo, lambda: element(dash_duo, f["pct"]).text == "70% improved (7 of 10)")
    assert "live-warning" not in attribute(dash_duo, f["pct"], "class")
    press(dash_duo, "#rv-save")
    dash_duo.wait_for_contains_text("#rv-status", "Draft saved")
    wait_until(dash_duo, lambda: attribute(dash_duo, f["num"], "aria-invalid") is None)
    assert attribute(dash_duo, f["num"], "aria-describedby") == hint_id(num_key)
    assert dash_duo.driver.title == TITLE
    # Focus is on the result of the save, and the status reads Draft without a reload.
    wait_until(dash_duo, lambda: focused_is(dash_duo, "#rv-saved"))
    assert "Draft" in dash_duo.find_element("#rv-status-line").text


def test_a_breakdown_that_does_not_add_up_is_shown_at_its_total(dash_duo, world):
    w, f = world, fields(world)
    open_form(dash_duo, w)
    type_into(dash_duo, f["count"], "30")
    type_into(dash_duo, f["self"], "20")
    type_into(dash_duo, f["gp"], "15")
    # Over the number: the running total says so in words, as a warning.
    wait_until(dash_duo, lambda: element(dash_duo, f["sum"]).text ==
               "Categories add up to 35, which is 5 more than the number (30).")
    assert "live-warning" in attribute(dash_duo, f["sum"], "class")
    press(dash_duo, "#rv-save")
    dash_duo.wait_for_contains_text("#rv-summary", "add up to 35, but the total is 30")
    total_error = element(dash_duo, error_slot_id(FieldKey.breakdown(w["people"])))
    assert "add up to 35, but the total is 30" in total_error.text
    # At the total: just above the running total, below the categories; not on a category.
    assert element(dash_duo, error_slot_id(FieldKey.category(w["cats"][0]))).text == ""
    assert total_error.rect["y"] > element(dash_duo, f["self"]).rect["y"]
    assert total_error.rect["y"] < element(dash_duo, f["sum"]).rect["y"]
    assert attribute(dash_duo, f["self"], "aria-invalid") is None
    breakdown = dash_duo.find_element("fieldset.breakdown")
    wait_until(dash_duo, lambda: breakdown.get_attribute("aria-describedby") == total_error.get_attribute("id"))
    # The summary's link goes to the first category.
    link = dash_duo.find_element("#rv-summary a")
    assert link.get_attribute("href").endswith("#" + quote(ids.dom_id(f["self"]), safe=""))
    wait_until(dash_duo, lambda: focused_is(dash_duo, "#rv-summary .error-summary"))


def test_warnings_look_and_read_as_warnings(dash_duo, world):
    w, f = world, fields(world)
    open_form(dash_duo, w)
    for name, value in (("count", "60"), ("self", "30"), ("gp", "30"), ("num", "7"), ("den", "10")):
        type_into(dash_duo, f[name], value)
    press(dash_duo, "#rv-submit")
    dash_duo.wait_for_contains_text("#rv-summary", "Check these figures before you submit")
    summary = dash_duo.find_element("#rv-summary")
    assert "There is a problem" not in summary.text
    assert summary.find_element(By.CSS_SELECTOR, ".warning-summary .warning-icon").text == "!"
    slot = element(dash_duo, error_slot_id(FieldKey.count(w["people"])))
    warning = slot.find_element(By.CSS_SELECTOR, ".warning-message")
    assert "Check this figure." in warning.text and "changed a lot since last quarter (20 to 60)" in warning.text
    assert warning.find_element(By.CSS_SELECTOR, ".warning-icon").text == "!"
    assert warning.value_of_css_property("color") == "rgba(107, 51, 0, 1)"  # amber's text, not red
    # Tied to its input, but never invalid; and the title has no "Error: ".
    wait_until(dash_duo, lambda: slot.get_attribute("id") in
               (attribute(dash_duo, f["count"], "aria-describedby") or ""))
    assert attribute(dash_duo, f["count"], "aria-invalid") is None
    assert "is-invalid" not in attribute(dash_duo, f["count"], "class")
    assert dash_duo.driver.title == TITLE
    wait_until(dash_duo, lambda: focused_is(dash_duo, "#rv-summary .warning-summary"))
    # The form, with a warning showing and an error, has no serious accessibility fault.
    type_into(dash_duo, f["den"], "x")
    press(dash_duo, "#rv-save")
    dash_duo.wait_for_contains_text("#rv-summary", "There is a problem")
    assert serious(axe_violations(dash_duo)) == []


def test_after_submit_the_page_shows_its_new_state_without_a_reload(dash_duo, returned_world):
    w, f = returned_world, fields(returned_world)
    open_form(dash_duo, w)
    assert dash_duo.find_element("#officer-comment").text == "Please check the GP referrals figure."
    assert "Returned" in dash_duo.find_element("#rv-status-line").text
    assert dash_duo.find_element(f"#{ids.RV_TEMPLATE_PANEL}").is_displayed()
    press(dash_duo, "#rv-submit")
    dash_duo.wait_for_contains_text("#rv-status", "Return submitted")
    dash_duo.wait_for_contains_text("#rv-status-line", "Submitted")
    assert not dash_duo.find_elements("#officer-comment")
    assert "cannot be changed" in dash_duo.find_element(f"#{ids.RV_STATUS_PANEL}").text
    for name in ("count", "num", "den", "self", "gp"):
        assert not element(dash_duo, f[name]).is_enabled(), name
    assert not element(dash_duo, {"type": ids.TEXT, "field": "highlights"}).is_enabled()
    assert not dash_duo.find_element("#rv-save").is_enabled()
    assert not dash_duo.find_element("#rv-submit").is_enabled()
    assert not dash_duo.find_element(f"#{ids.RV_TEMPLATE_PANEL}").is_displayed()
    # Focus is on the result.
    wait_until(dash_duo, lambda: focused_is(dash_duo, "#rv-submitted"))
