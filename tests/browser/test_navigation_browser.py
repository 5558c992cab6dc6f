"""Navigation that keeps its word, in headless Chromium: Back and Forward restore the view
(address, selects and figures agree), a title per page that follows the filters, the main
menu's aria-current, providers landing on their returns, slug and id links, the skip link."""

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.helpers.browser import OVERVIEW_CHART, reveal, sign_in, start, wait_for_address

pytestmark = pytest.mark.browser
SITE = "CWP Outcomes Monitor"


def _wait(dash_duo, condition, message: str):
    return WebDriverWait(dash_duo.driver, 10).until(lambda d: condition(), message)


def _title_is(dash_duo, title: str) -> None:
    _wait(dash_duo, lambda: dash_duo.driver.title == title,
          f"title {dash_duo.driver.title!r}, wanted {title!r}")


def _select_value(dash_duo, selector: str) -> str:
    return dash_duo.find_element(selector).get_attribute("value")


def _url_has(dash_duo, text: str) -> None:
    _wait(dash_duo, lambda: text in dash_duo.driver.current_url,
          f"{text} not in {dash_duo.driver.current_url}")


def test_back_and_forward_restore_the_overview(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    _title_is(dash_duo, f"Overview, Q2 2026/27 – {SITE}")
    # The bare address is written in place to name its quarter: no extra history entry.
    _url_has(dash_duo, "quarter=Q2")
    Select(dash_duo.find_element("#overview-quarter")).select_by_value("Q1")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q1 2026/27")
    _url_has(dash_duo, "quarter=Q1")
    _title_is(dash_duo, f"Overview, Q1 2026/27 – {SITE}")
    Select(dash_duo.find_element("#overview-year")).select_by_value("2021/22")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q1 2021/22")
    first_table = dash_duo.find_element("#overview-data-table").text

    dash_duo.driver.back()  # to Q1 2026/27
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q1 2026/27")
    wait_for_address(dash_duo, "year=2026%2F27")
    wait_for_address(dash_duo, "quarter=Q1")
    assert (_select_value(dash_duo, "#overview-year"), _select_value(dash_duo, "#overview-quarter")) == (
        "2026/27", "Q1")
    _title_is(dash_duo, f"Overview, Q1 2026/27 – {SITE}")
    dash_duo.driver.back()  # to Q2, where the page was first drawn
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    wait_for_address(dash_duo, "quarter=Q2")
    assert _select_value(dash_duo, "#overview-quarter") == "Q2"
    dash_duo.driver.forward()
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q1 2026/27")
    dash_duo.driver.forward()
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q1 2021/22")
    assert _select_value(dash_duo, "#overview-year") == "2021/22"
    _wait(dash_duo, lambda: dash_duo.find_element("#overview-data-table").text == first_table,
          "the figures after Forward differ from the view's")
    assert dash_duo.get_logs() == []


def test_back_and_forward_restore_the_performance_table(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/performance?year=2025/26&quarter=Q3")
    dash_duo.wait_for_text_to_equal("#perf-heading", "Q3 2025/26")
    _title_is(dash_duo, f"Performance table, Q3 2025/26 – {SITE}")
    Select(dash_duo.find_element("#perf-quarter")).select_by_value("year")
    dash_duo.wait_for_text_to_equal("#perf-heading", "The whole of 2025/26")
    _title_is(dash_duo, f"Performance table, 2025/26 – {SITE}")
    _url_has(dash_duo, "quarter=year")
    dash_duo.driver.back()
    dash_duo.wait_for_text_to_equal("#perf-heading", "Q3 2025/26")
    assert _select_value(dash_duo, "#perf-quarter") == "Q3"
    wait_for_address(dash_duo, "quarter=Q3")
    _title_is(dash_duo, f"Performance table, Q3 2025/26 – {SITE}")
    dash_duo.driver.forward()
    dash_duo.wait_for_text_to_equal("#perf-heading", "The whole of 2025/26")
    assert _select_value(dash_duo, "#perf-quarter") == "year"
    # Across pages in the app: the menu to the Overview, then Back to the table's view.
    dash_duo.find_element('#main-nav a[href="/"]').click()
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    _title_is(dash_duo, f"Overview, Q2 2026/27 – {SITE}")
    dash_duo.driver.back()
    dash_duo.wait_for_text_to_equal("#perf-heading", "The whole of 2025/26")
    assert _select_value(dash_duo, "#perf-quarter") == "year"
    _title_is(dash_duo, f"Performance table, 2025/26 – {SITE}")
    assert dash_duo.get_logs() == []


def _current_links(dash_duo) -> list[tuple[str, str]]:
    return dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#main-nav a[aria-current]')]"
        ".map(a => [a.getAttribute('href'), a.getAttribute('aria-current')])")


def test_titles_and_the_current_menu_link_follow_in_app_navigation(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    _wait(dash_duo, lambda: _current_links(dash_duo) == [["/", "page"]], "Overview not current")
    expected = {"/submissions": ("Submission status, 2026/27", [["/submissions", "page"]]),
                "/priorities": ("Priorities, Q2 2026/27", [["/priorities", "page"]]),
                "/returns": ("Returns", [["/returns", "page"]]),
                "/admin": ("Administration, Providers and services", [["/admin", "page"]])}
    for href, (title, current) in expected.items():
        dash_duo.find_element(f'#main-nav a[href="{href}"]').click()
        _title_is(dash_duo, f"{title} – {SITE}")
        _wait(dash_duo, lambda current=current: _current_links(dash_duo) == current,
              f"{href}: {_current_links(dash_duo)}")
    # A page within a section marks the section's link, and an unknown page says so.
    dash_duo.driver.get(dash_duo.server.url + "/admin/users")
    _title_is(dash_duo, f"Administration, Users – {SITE}")
    _wait(dash_duo, lambda: _current_links(dash_duo) == [["/admin", "true"]], "section not marked")
    dash_duo.driver.get(dash_duo.server.url + "/nowhere")
    _title_is(dash_duo, f"Page not found – {SITE}")
    assert _current_links(dash_duo) == []


def test_the_service_title_follows_its_select(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/service?service=sanctuary-scheme&year=2025/26")
    dash_duo.wait_for_text_to_equal("#service-name", "Sanctuary scheme")
    _title_is(dash_duo, f"Sanctuary scheme, 2025/26 – {SITE}")
    Select(dash_duo.find_element("#service-pick")).select_by_value("independent-sexual-violence-advisor-isva")
    dash_duo.wait_for_text_to_equal("#service-name", "Independent Sexual Violence Advisor (ISVA)")
    _title_is(dash_duo, f"Independent Sexual Violence Advisor (ISVA), 2025/26 – {SITE}")
    _url_has(dash_duo, "service=independent-sexual-violence-advisor-isva")


def test_an_old_id_link_and_a_slug_link_open_the_same_view(dash_duo, browser_app):
    from sqlalchemy import select

    from models.store.db import make_engine, make_sessionmaker, unit_of_work
    from models.store.entities import Provider

    url = browser_app.server.config["MONITOR_SETTINGS"].database_url
    engine = make_engine(url)
    with unit_of_work(make_sessionmaker(engine)) as s:
        provider_id = s.scalars(select(Provider.id).where(Provider.slug == "safer-futures-support")).one()
    engine.dispose()
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    views = []
    for query in (f"provider={provider_id}", "provider=safer-futures-support"):
        dash_duo.driver.get(dash_duo.server.url + f"/?year=2025/26&quarter=Q3&{query}")
        dash_duo.wait_for_text_to_equal("#overview-heading", "Q3 2025/26")
        # The id is written back as the slug, in place.
        _url_has(dash_duo, "provider=safer-futures-support")
        assert _select_value(dash_duo, "#overview-provider") == "safer-futures-support"
        views.append(dash_duo.find_element("#overview-data-table").text)
    assert views[0] == views[1] and "Sanctuary scheme" in views[0]
    # An unknown slug is the default view, without an error.
    dash_duo.driver.get(dash_duo.server.url + "/?year=2025/26&quarter=Q3&provider=nobody")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q3 2025/26")
    assert _select_value(dash_duo, "#overview-provider") == "all"


def test_a_provider_lands_on_its_returns_and_can_open_the_overview(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "safer-futures-support@demo.local")
    _wait(dash_duo, lambda: dash_duo.driver.current_url.endswith("/returns"), "not on /returns")
    _title_is(dash_duo, f"Returns – {SITE}")
    dash_duo.wait_for_element("#returns-body tr")
    # A page with no chart never fetches plotly.js (1.2 MB); the first chart does.
    assert dash_duo.driver.execute_script("return typeof window.Plotly") == "undefined"
    dash_duo.find_element('#main-nav a[href="/"]').click()
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    # (A provider's few tiles leave the chart near the screen: drawn at once.)
    reveal(dash_duo, OVERVIEW_CHART)
    dash_duo.wait_for_element("#overview-chart .main-svg")
    assert dash_duo.driver.execute_script("return typeof window.Plotly") == "object"


def test_the_skip_link_moves_focus_to_the_main_content(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    body = dash_duo.find_element("body")
    body.send_keys(Keys.TAB)  # the first stop on the page is the skip link
    focused = dash_duo.driver.switch_to.active_element
    assert focused.get_attribute("id") == "skip-link" and focused.text == "Skip to main content"
    assert focused.get_attribute("href").endswith("#page")
    focused.send_keys(Keys.ENTER)
    _wait(dash_duo, lambda: dash_duo.driver.switch_to.active_element.get_attribute("id") == "page",
          "focus did not move to <main>")
    assert dash_duo.driver.switch_to.active_element.tag_name == "main"
    assert "#page" not in dash_duo.driver.current_url
