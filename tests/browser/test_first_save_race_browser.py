"""Two first saves of the same new return at once, seen in the browser: the lead officer's
save wins the race (made certain by tests.helpers.returns.race_first_save), and the provider's
Save, then their upload of the Excel template, each get the conflict message, with the
figures they typed still on the page and nothing of theirs written."""


import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select

from layouts import ids
from models.returns.saving import CONFLICT_MESSAGE
from models.store.db import make_engine, make_sessionmaker, unit_of_work
from models.store.entities import Period, Return
from tests.helpers.browser import field, press, sign_in, start
from tests.helpers.returns import filled_template, race_first_save

pytestmark = pytest.mark.browser
PROVIDER = "test-provider@demo.local"


def factory_of(app):
    return make_sessionmaker(make_engine(app.server.config["MONITOR_SETTINGS"].database_url))


def stored_counts(factory, service_id: int, period_id: int) -> list[tuple[int, list[int]]]:
    """(version, the counts saved) of each stored return of the service and period."""
    with unit_of_work(factory) as s:
        rets = s.scalars(select(Return).where(Return.service_id == service_id,
                                              Return.period_id == period_id)).all()
        return [(r.version, sorted(v.count for v in r.values if v.count is not None)) for r in rets]


def open_form(dash_duo, w: dict, period_id: int) -> None:
    dash_duo.driver.get(f"{dash_duo.server.url}/returns/edit?service={w['service']}&period={period_id}")
    dash_duo.wait_for_element("#rv-save")


def template_with(w: dict, period_id: int, people: int, path):
    """The return's template as the page offers it, with the number of people filled in."""
    path.write_bytes(filled_template(w["app"], PROVIDER, w["service"], period_id,
                                     {f"count-{w['people']}": (people, None)}))
    return path


def test_the_save_that_loses_the_race_says_so_and_keeps_the_figures(dash_duo, return_world, monkeypatch):
    w = return_world
    factory = factory_of(w["app"])
    count = {"type": ids.COUNT, "metric": w["people"]}
    start(dash_duo, w["app"])
    sign_in(dash_duo, PROVIDER)
    dash_duo.wait_for_element("#main-nav")  # providers land on Returns
    open_form(dash_duo, w, w["period"])
    assert stored_counts(factory, w["service"], w["period"]) == []

    raced = race_first_save(monkeypatch, factory)
    field(dash_duo, count).send_keys("5")
    press(dash_duo, dash_duo.find_element("#rv-save"))
    dash_duo.wait_for_contains_text("#rv-summary", CONFLICT_MESSAGE)
    assert raced, "the race never ran"
    assert "Draft saved" not in dash_duo.find_element("#rv-status").text
    assert field(dash_duo, count).get_attribute("value") == "5"  # what they typed is still there
    assert stored_counts(factory, w["service"], w["period"]) == [(1, [11])]  # the winner's, whole
    assert not [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"]


def test_the_upload_that_loses_the_race_says_so(dash_duo, return_world, monkeypatch, tmp_path):
    w = return_world
    factory = factory_of(w["app"])
    with unit_of_work(factory) as s:  # another quarter with no return yet
        q2 = s.scalars(select(Period).filter_by(year=2026, quarter=2)).one().id
    start(dash_duo, w["app"])
    sign_in(dash_duo, PROVIDER)
    dash_duo.wait_for_element("#main-nav")  # providers land on Returns
    open_form(dash_duo, w, q2)
    template = template_with(w, q2, 30, tmp_path / "return.xlsx")

    raced = race_first_save(monkeypatch, factory)
    dash_duo.find_element("#rv-upload").find_element(By.XPATH, "ancestor::details/summary").click()
    dash_duo.find_element("#rv-upload input[type=file]").send_keys(str(template))
    dash_duo.wait_for_contains_text("#rv-upload-result", CONFLICT_MESSAGE)
    assert raced, "the race never ran"
    # The form was not filled from a file that was not saved.
    assert field(dash_duo, {"type": ids.COUNT, "metric": w["people"]}).get_attribute("value") == ""
    assert stored_counts(factory, w["service"], q2) == [(1, [11])]
