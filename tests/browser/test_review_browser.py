"""Quarter end and the review queue in the browser (issue #16, items 4 and 5). The suite's
date is 25 November 2026: Q3 2026/27 is under way."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import func, select

from layouts import ids
from models.returns.saving import review_return, save_return
from models.rules.validation import RawReturn
from models.store.db import make_engine, make_sessionmaker, unit_of_work
from models.store.entities import Period, Return, Service, User
from tests.helpers import factories as f
from tests.helpers.browser import sign_in, sign_out, start
from tests.helpers.config import DEMO_PASSWORD, TODAY, settings_for
from tests.helpers.databases import database_copy

pytestmark = pytest.mark.browser

NOT_YET = ("You can submit this return from 1 January 2027, the day after the quarter ends. "
           "You can save it as a draft now.")


@pytest.fixture
def demo(tmp_path):
    from dash_app.factory import create_app

    url = database_copy("sqlite", "demo", tmp_path, "browser.db")
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    yield create_app(settings_for(url)), factory
    engine.dispose()


def press(dash_duo, element):
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.send_keys(Keys.ENTER)


def set_early(factory, period_id: int, allowed: bool) -> None:
    with unit_of_work(factory) as s:
        s.get(Period, period_id).early_submission = allowed


def test_submitting_before_the_quarter_ends_is_refused_with_the_message(dash_duo, demo):
    app, factory = demo
    with unit_of_work(factory) as s:
        svc = s.scalars(select(Service).where(Service.name == "Sanctuary scheme")).one().id
        q3 = s.scalars(select(Period).filter_by(year=2026, quarter=3)).one().id
    start(dash_duo, app)
    sign_in(dash_duo, "safer-futures-support@demo.local")
    dash_duo.wait_for_element("#main-nav")  # providers land on Returns
    form = f"{dash_duo.server.url}/returns/edit?service={svc}&period={q3}"

    # During the quarter: Submit is off, and the form says when it opens.
    dash_duo.driver.get(form)
    dash_duo.wait_for_element("#return-form")
    assert not dash_duo.find_element("#rv-submit").is_enabled()
    assert dash_duo.find_element("#rv-submit-not-yet").text == NOT_YET
    assert dash_duo.find_element("#rv-save").is_enabled()

    # The lead officer allows early submission; the provider fills the form in; the lead
    # officer withdraws it before Submit is pressed: the server refuses, in words.
    set_early(factory, q3, True)
    dash_duo.driver.get(form)
    dash_duo.wait_for_element("#return-form")
    assert dash_duo.find_element("#rv-submit").is_enabled()
    for element, value in zip(dash_duo.find_elements("#return-form input.number-input"), ["3", "2"],
                              strict=True):
        element.send_keys(value)
    set_early(factory, q3, False)
    press(dash_duo, dash_duo.find_element("#rv-submit"))
    dash_duo.wait_for_contains_text("#rv-summary", NOT_YET)
    assert "Return submitted" not in dash_duo.find_element("#rv-status").text

    # A draft still saves, and Submit stays off after it.
    press(dash_duo, dash_duo.find_element("#rv-save"))
    dash_duo.wait_for_contains_text("#rv-status", "Draft saved")
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: not dash_duo.find_element("#rv-submit").is_enabled())
    with unit_of_work(factory) as s:
        assert s.scalars(select(Return.status).where(Return.service_id == svc,
                                                     Return.period_id == q3)).one() == "draft"


@pytest.fixture
def resubmitted(demo):
    """A new provider's return for Q2 2026/27 (ended): 30 people (20 self-referred, 10 by
    a GP), 7 of 10 felt safer; returned with "Check Q2"; resubmitted with 8 of 10."""
    from models.store.users import create_user

    app, factory = demo
    with unit_of_work(factory) as s:
        owner = f.provider(s, "Test Provider")
        provider_user = create_user(s, "test-provider@demo.local", DEMO_PASSWORD, "provider", owner)
        svc = f.service(s, "Test outreach service", owner)
        people = f.metric(s, svc, "People supported", headline=True, categories=("Self", "GP"))
        safer = f.metric(s, svc, "Felt safer", unit="percent", kind="outcome", order=1)
        f.target(s, safer, 2026, 75)
        q2 = s.scalars(select(Period).filter_by(year=2026, quarter=2)).one()
        admin = s.scalars(select(User).where(User.email == "admin@demo.local")).one()
        alpha = f.Actor(provider_user.id, "provider", owner.id)
        boss = f.Actor(admin.id, "admin")
        self_cat, gp = people.categories

        def figures(improved: str) -> RawReturn:
            return RawReturn(counts={people.id: "30"}, numerators={safer.id: improved},
                             denominators={safer.id: "10"}, categories={self_cat.id: "20", gp.id: "10"},
                             narrative={"highlights": "Going well"})

        first = save_return(s, alpha, svc.id, q2.id, figures("7"), 0, submit=True, today=TODAY,
                            confirmed=True)
        ret_id = s.scalars(select(Return.id).where(Return.service_id == svc.id)).one()
        back = review_return(s, boss, ret_id, "return", "Check Q2", first.version, today=TODAY)
        save_return(s, alpha, svc.id, q2.id, figures("8"), back.version, submit=True, today=TODAY,
                    confirmed=True)
        return app, factory, ret_id, owner.slug, f"/returns/edit?service={svc.id}&period={q2.id}"


def row_of(section, name):
    return section.find_element(By.XPATH, f".//tbody/tr[th[normalize-space()='{name}']]")


def test_the_queue_shows_the_earlier_comment_and_what_changed(dash_duo, resubmitted):
    app, factory, ret_id, provider_slug, href = resubmitted
    with unit_of_work(factory) as s:
        waiting = s.scalar(select(func.count()).select_from(Return).where(Return.status == "submitted"))
    start(dash_duo, app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    assert dash_duo.find_element(f"#{ids.NAV_WAITING}").text == f"{waiting} waiting"
    dash_duo.driver.get(dash_duo.server.url + "/review")
    dash_duo.wait_for_element(f"#queue-item-{ret_id}")

    # Filter to the provider (a native <select>): only its return is left.
    Select(dash_duo.find_element(f"#{ids.RQ_PROVIDER}")).select_by_value(provider_slug)
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "section.queue-item")) == 1)
    section = dash_duo.find_element(f"#queue-item-{ret_id}")
    assert section.get_attribute("aria-label") == "Test outreach service, Q2 2026/27"

    assert dash_duo.find_element(f"#queue-earlier-{ret_id}").text == "Check Q2"
    assert "Resubmitted: you returned it on" in section.text
    assert row_of(section, "Felt safer").text == "Felt safer 80% (8 of 10) Changed, was 7 of 10 — 75%"
    assert "No change" in row_of(section, "People supported").text
    assert "No change" in row_of(section, "of which Self").text
    link = section.find_element(By.LINK_TEXT, "Open the full return")
    assert link.get_attribute("href") == dash_duo.server.url + href

    # Approve: the result beside the buttons names the service and quarter, focus is on
    # it, the buttons are off and the navigation's count goes down by one.
    press(dash_duo, section.find_element(By.XPATH, ".//button[text()='Approve']"))
    result_id = ids.dom_id({"type": ids.RQ_RESULT, "return": ret_id})
    result = section.find_element(By.XPATH, f".//*[@id='{result_id}']")
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: result.text == "Approved: Test outreach service, Q2 2026/27")
    WebDriverWait(dash_duo.driver, 5).until(
        lambda d: d.switch_to.active_element.get_attribute("id") == result_id)
    assert not section.find_element(By.XPATH, ".//button[text()='Approve']").is_enabled()
    dash_duo.wait_for_text_to_equal(f"#{ids.NAV_WAITING}", f"{waiting - 1} waiting")
    sign_out(dash_duo)
