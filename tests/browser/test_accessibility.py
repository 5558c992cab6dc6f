"""axe-core (vendored) on every page, at the desktop's width and a phone's (390 px): no
serious or critical WCAG 2.2 AA violations. And a
whole return entered and submitted with the keyboard alone."""

import json

import pytest
from selenium.webdriver.common.keys import Keys
from sqlalchemy import select

from layouts.admin import ADMIN_PAGES
from models.store.db import unit_of_work
from models.store.entities import Period, Service
from tests.helpers.browser import axe_violations, serious, sign_in, sign_out, start, wait_for_page

pytestmark = pytest.mark.browser


def sanctuary_q3(factory):
    """The Sanctuary scheme and Q3 2026/27: a return nobody has started. Q3 has not ended
    on the suite's date, so the lead officer has allowed early submission, as these tests
    submit it."""
    with unit_of_work(factory) as s:
        period = s.scalars(select(Period).filter_by(year=2026, quarter=3)).one()
        period.early_submission = True
        return (s.scalars(select(Service).where(Service.name == "Sanctuary scheme")).one(), period)


def test_the_check_can_fail(dash_duo, browser_app):
    start(dash_duo, browser_app)
    dash_duo.driver.get(dash_duo.server.url + "/login")
    dash_duo.wait_for_element("#email")
    dash_duo.driver.execute_script("document.body.appendChild(document.createElement('button'));")
    assert "button-name" in [v["id"] for v in serious(axe_violations(dash_duo))]


def every_page(factory) -> dict[str, dict[str, str]]:
    """Every page (its address: what shows it is drawn), in four parts that run as four
    tests, so the suite's workers share them (one test for all took nearly three minutes)."""
    svc, period = sanctuary_q3(factory)
    return {
        "figures": {
            "/login": "#email",
            "/": "#overview-tiles .card",
            "/priorities": "#priority-body table",
        },
        # A service page on its own: its year's charts and "Over the years" take the longest.
        "service": {"/service?id=1&year=2025/26": "#service-trends .trend-section .main-svg"},
        "tables": {
            "/progress": ".progress-group table", "/submissions": "#submissions-table",
            "/attention?year=2026/27&quarter=Q2": "#attention-concerns",
            "/performance?year=2025/26&quarter=Q3": "#perf-body tr",
        },
        "returns": {
            "/returns": "#returns-body a.returns-link",
            f"/returns/edit?service={svc.id}&period={period.id}": "#return-form", "/review": ".queue-item",
        },
        # Every admin page, each with its own address.
        "admin": {"/admin": "#adm-prov-name",
                  **{f"/admin/{slug}": f"#adm-section-{slug}" for slug, _label in ADMIN_PAGES}},
    }


@pytest.mark.parametrize("part", ["figures", "service", "tables", "returns", "admin"])
def test_no_serious_violations_on_any_page(dash_duo, app_and_factory, part):
    app, factory = app_and_factory
    pages = every_page(factory)[part]
    start(dash_duo, app)
    found = {}

    def both_widths(path: str) -> None:
        """axe on the page as drawn for the desktop window, then on the same page narrowed
        to a phone's 390 px (the layout reflows in place: no second load, so the run stays
        short), and back."""
        found[path] = serious(axe_violations(dash_duo))
        dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": False})
        # Two frames drawn at the new width (the page's scripts hear the resize in the first).
        dash_duo.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => done()));")
        try:
            found[f"{path} at 390 px"] = serious(axe_violations(dash_duo))
        finally:
            dash_duo.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    if "/login" in pages:
        dash_duo.driver.get(dash_duo.server.url + "/login")
        dash_duo.wait_for_element("#email")
        both_widths("/login")
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    for path, ready in pages.items():
        if path == "/login":
            continue
        dash_duo.driver.get(dash_duo.server.url + path)
        wait_for_page(dash_duo, ready)
        both_widths(path)
    print(json.dumps({p: len(v) for p, v in found.items()}))
    assert found == {p: [] for p in found}


def open_sanctuary_return(dash_duo, app, factory) -> None:
    """Signed in as its provider, on the sanctuary scheme's Q3 return form."""
    svc, period = sanctuary_q3(factory)
    start(dash_duo, app)
    sign_in(dash_duo, "safer-futures-support@demo.local")
    dash_duo.wait_for_element("#main-nav")  # providers land on Returns
    dash_duo.driver.get(f"{dash_duo.server.url}/returns/edit?service={svc.id}&period={period.id}")
    dash_duo.wait_for_element("#return-form")


def test_a_whole_return_with_the_keyboard_alone(dash_duo, app_and_factory):
    app, factory = app_and_factory
    open_sanctuary_return(dash_duo, app, factory)
    driver = dash_duo.driver

    def active():
        return driver.switch_to.active_element

    def tab_until(predicate, limit=80):
        for _ in range(limit):
            active().send_keys(Keys.TAB)
            if predicate(active()):
                return active()
        raise AssertionError("focus never reached the element")

    driver.find_element("tag name", "body").click()
    tab_until(lambda e: "number-input" in (e.get_attribute("class") or ""))
    active().send_keys("7")
    tab_until(lambda e: "number-input" in (e.get_attribute("class") or ""))
    active().send_keys("6")
    tab_until(lambda e: e.get_attribute("id") == "rv-submit")
    active().send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text("#rv-status", "Return submitted")


def test_script_typed_into_a_case_study_is_shown_as_text(dash_duo, app_and_factory):
    app, factory = app_and_factory
    hostile = "<script>window.__pwned = 1</script><img src=x onerror='window.__pwned=2'>"
    open_sanctuary_return(dash_duo, app, factory)
    for element, value in zip(dash_duo.find_elements("#return-form input.number-input"), ["3", "2"],
                              strict=True):
        element.send_keys(value)
    story = dash_duo.driver.find_element(
        "xpath", "//*[@id='" + '{"field":"case_study","type":"rv-text"}' + "']")
    story.send_keys(hostile)
    submit = dash_duo.find_element("#rv-submit")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", submit)
    submit.send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text("#rv-status", "Return submitted")
    sign_out(dash_duo)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/review")
    dash_duo.wait_for_contains_text("#rq-list", "window.__pwned = 1")
    assert hostile in dash_duo.find_element("#rq-list").text
    assert dash_duo.driver.execute_script("return window.__pwned === undefined")
