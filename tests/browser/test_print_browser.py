"""Paper and UK formats in headless Chromium: the printed page's header names the view's
filters and the print date while navigation and filters are hidden; the printed page's
charts are redrawn for A4 landscape; an admin date typed 04/01/2027 is 4 January 2027."""

import base64
import io
import re

import pytest
from pypdf import PdfReader
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.helpers.browser import OVERVIEW_CHART, reveal, sign_in, start

pytestmark = pytest.mark.browser

A4_LANDSCAPE = {"landscape": True, "paperWidth": 11.69, "paperHeight": 8.27, "printBackground": True}


def _printed(dash_duo) -> PdfReader:
    """The page as Chrome prints it on A4 landscape, once every chart drawn with the page is
    drawn. Chrome fires beforeprint for printToPDF: assets/lazy_charts.js draws the charts not
    yet near the screen, then assets/print.js redraws every chart for paper. Afterwards no
    chart is left undrawn: paper has no "near the screen"."""
    WebDriverWait(dash_duo.driver, 30).until(lambda d: d.execute_script(
        "const graphs = document.querySelectorAll('#page .dash-graph, #page .lazy-chart[data-drawn]');"
        "return graphs.length > 0 && Array.from(graphs).every(g => g.querySelector('.main-svg'));"))
    pdf = dash_duo.driver.execute_cdp_cmd("Page.printToPDF", A4_LANDSCAPE)
    assert dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#page .lazy-chart')]"
        ".filter(c => !c.querySelector('.main-svg')).map(c => c.id);") == []
    return PdfReader(io.BytesIO(base64.b64decode(pdf["data"])))


def _depth_used(page) -> float:
    """How far down the page its text reaches, as a fraction of the page's height."""
    lowest = [float(page.mediabox.top)]

    def visit(text, cm, tm, _font, _size) -> None:
        if text.strip():  # the baseline's height on the page: the text matrix, then the page's
            lowest[0] = min(lowest[0], tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    return (float(page.mediabox.top) - lowest[0]) / float(page.mediabox.height)


def _open_service(dash_duo, name: str) -> None:
    """A service page, reached as a member would: its tile's link on the Overview."""
    dash_duo.wait_for_element("#overview-tiles .service-tile a")
    link = next(a for a in dash_duo.find_elements("#overview-tiles .service-tile a") if a.text == name)
    dash_duo.driver.get(link.get_attribute("href"))
    dash_duo.wait_for_text_to_equal("#service-name", name)


def _print_media(dash_duo, on: bool) -> None:
    dash_duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print" if on else ""})


def test_the_printed_overview_says_which_view_and_when_and_hides_the_controls(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    Select(dash_duo.find_element("#overview-quarter")).select_by_visible_text("Q1")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q1 2026/27")
    header = dash_duo.find_element("#print-header")
    assert not header.is_displayed()  # on screen the filters speak for themselves
    _print_media(dash_duo, True)
    view = dash_duo.find_element("#print-view")
    WebDriverWait(dash_duo.driver, 10).until(lambda _: "Quarter: Q1" in view.text)
    assert header.is_displayed()
    assert view.text.startswith("Overview · Financial year: 2026/27 · Quarter: Q1")
    assert "Priority: All priorities" in view.text and "Approved returns only" in view.text
    assert re.fullmatch(r"Printed \d{1,2} [A-Z][a-z]+ 20\d\d at \d\d:\d\d",
                        dash_duo.find_element("#print-date").text)
    for control in (".monitor-header", ".filters", "#overview-csv"):
        assert not dash_duo.find_element(control).is_displayed(), control
    _print_media(dash_duo, False)
    # The provisional switch is named as what it means on paper.
    dash_duo.find_element("#overview-provisional").click()
    _print_media(dash_duo, True)
    WebDriverWait(dash_duo.driver, 10).until(
        lambda _: "Provisional: includes submitted returns not yet approved" in view.text)


def test_printing_redraws_the_chart_for_the_page_and_back(dash_duo, browser_app):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    reveal(dash_duo, OVERVIEW_CHART)
    dash_duo.wait_for_element("#overview-chart .main-svg")
    reader = _printed(dash_duo)
    text = reader.pages[0].extract_text()
    assert "Overview" in text and "Printed" in text and "Financial year: 2026/27" in text
    assert "Sign out" not in text  # the navigation is not printed
    # After printing, the chart is back to the screen's width and the page is as it was.
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.execute_script(
        "return !document.documentElement.classList.contains('printing')"))
    assert dash_duo.get_logs() == []


def test_the_overview_prints_on_two_pages_tiles_then_chart_and_table(dash_duo, browser_app):
    """Issue 17's goal at the demo data: 2 A4 landscape pages, the table's heading with it."""
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    reveal(dash_duo, OVERVIEW_CHART)
    reader = _printed(dash_duo)
    assert len(reader.pages) <= 2
    last = reader.pages[-1].extract_text()
    assert "Headline outputs, Q2 2026/27" in last and "Social prescribing" in last
    assert all(_depth_used(page) > 1 / 3 for page in reader.pages)  # no near-empty page
    # Printing is over: the chart is drawn for the screen again, at its screen height.
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.execute_script(
        "return !document.documentElement.classList.contains('printing')"
        " && document.querySelector('#overview-chart .js-plotly-plot').layout.height !== 250;"))


def test_the_overview_prints_its_chart_though_it_was_never_near_the_screen(dash_duo, browser_app):
    """The chart is drawn only near the screen (assets/lazy_charts.js), and plotly.js is not
    fetched until then. A reader's first key press (or scroll, click, touch) fetches it, so
    that printing straight away, from the top of the page, still puts the chart on paper."""
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    dash_duo.wait_for_element(OVERVIEW_CHART)
    assert dash_duo.driver.execute_script(
        "return [typeof window.Plotly, window.scrollY,"
        " document.querySelectorAll('#overview-chart .main-svg').length]") == ["undefined", 0, 0]
    dash_duo.find_element("body").send_keys(Keys.SHIFT)
    WebDriverWait(dash_duo.driver, 30).until(
        lambda d: d.execute_script("return typeof window.Plotly") == "object")
    pdf = dash_duo.driver.execute_cdp_cmd("Page.printToPDF", A4_LANDSCAPE)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(base64.b64decode(pdf["data"]))).pages)
    assert dash_duo.driver.execute_script("return window.scrollY") == 0
    assert dash_duo.find_elements("#overview-chart .main-svg")
    assert "Headline output as % of target, Q2 2026/27" in text, text[-600:]


@pytest.mark.parametrize("service, measures", [
    ("Healthy relationships workshops in schools", 12),  # the demo data's largest
    ("Independent Sexual Violence Advisor (ISVA)", 4),
])
def test_a_service_page_prints_on_three_pages_at_most(dash_duo, browser_app, service, measures):
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    _open_service(dash_duo, service)
    assert len(dash_duo.find_elements("#service-body .metric-section")) == measures
    # The page's charts below the first screen are not drawn yet (assets/lazy_charts.js)...
    assert dash_duo.driver.execute_script(
        "return document.querySelectorAll('#service-body .lazy-chart:not([data-drawn])').length") > 0
    reader = _printed(dash_duo)  # ...and all of them are on paper
    assert len(reader.pages) <= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Every measure's table is printed (none cut off the page), and the highlights after them.
    assert text.count("Year to date") >= measures
    assert "Highlights and case studies" in text
    # No near-empty page: on each, the text reaches at least a third of the way down.
    assert all(_depth_used(page) > 1 / 3 for page in reader.pages), [_depth_used(p) for p in reader.pages]


def test_a_due_date_typed_the_uk_way_is_saved_as_the_uk_date(dash_duo, browser_app):
    """Chromium here speaks en-US, whose own date box would read 04/01/2027 as 1 April."""
    start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    # Signed in before the next address: asked for sooner, it raced the sign-in's own answer
    # and came back as the sign-in page.
    dash_duo.wait_for_element("#main-nav")
    dash_duo.driver.get(dash_duo.server.url + "/admin/periods")
    picker = dash_duo.wait_for_element("#adm-per-pick", timeout=30)  # a loaded machine
    first = Select(picker).options[1].text
    Select(picker).select_by_index(1)
    due = dash_duo.find_element("#adm-per-due")
    WebDriverWait(dash_duo.driver, 10).until(lambda _: re.fullmatch(r"\d\d/\d\d/\d{4}", due.get_attribute("value")))
    label = dash_duo.find_element("label[for='adm-per-due']").text
    assert "Day/month/year, for example 4/1/2027 for 4 January 2027" in label
    due.clear()
    due.send_keys("04/01/2027")
    dash_duo.find_element("#adm-per-save").click()
    dash_duo.wait_for_contains_text("#adm-per-msg", "Period saved.")
    row = next(r for r in dash_duo.find_elements("#adm-per-list tbody tr") if r.text.startswith(first))
    assert "4 January 2027" in row.text
    due.clear()
    due.send_keys("31/02/2027")
    dash_duo.find_element("#adm-per-save").click()
    dash_duo.wait_for_contains_text("#adm-per-msg", "Enter the due date as a real date, day/month/year")


def test_the_printed_returns_list_has_its_headings_its_search_and_no_blank_first_page(dash_duo, browser_app):
    """The Returns table on paper: its sortable headings (buttons on screen) are printed as
    words, the header names the search typed, and the page of rows starts on the first sheet."""
    start(dash_duo, browser_app)
    sign_in(dash_duo, "admin@demo.local")
    dash_duo.wait_for_element("#overview-heading")
    dash_duo.driver.get(dash_duo.server.url + "/returns?find=sanctuary&sort=-due")
    dash_duo.wait_for_element("#returns-body a.returns-link")
    _print_media(dash_duo, True)
    view = dash_duo.find_element("#print-view")
    WebDriverWait(dash_duo.driver, 10).until(lambda _: "Find a service by name: “sanctuary”" in view.text)
    assert view.text.startswith("Returns · Provider: All providers")
    # A sortable heading's words are drawn on paper from its data-heading (print.css ::before,
    # which Chrome keeps in the heading row it repeats on each sheet): what the sheet shows.
    headings = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#returns-table thead th')].map(th => {"
        " const drawn = getComputedStyle(th, '::before').content;"
        " return (drawn && drawn !== 'none' ? drawn.replace(/^\"|\"$/g, '') : '') + th.innerText.trim(); });")
    assert headings[:4] == ["Service", "Status", "Quarter", "Due"]
    assert not dash_duo.find_element("#returns-next").is_displayed()
    _print_media(dash_duo, False)
    pdf = dash_duo.driver.execute_cdp_cmd("Page.printToPDF", A4_LANDSCAPE)
    reader = PdfReader(io.BytesIO(base64.b64decode(pdf["data"])))
    first = reader.pages[0].extract_text()
    assert "Sanctuary scheme" in first and "Due" in first
    assert all(_depth_used(page) > 1 / 3 for page in reader.pages[:-1])
