"""The PDF meeting pack's progress on the Performance page (assets/pdf_download.js): a click
says the pack is being built while the link waits, saves the file the server sends under its
name and says it is ready; a refused export says why in words and saves nothing."""

from pathlib import Path

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.helpers.browser import sign_in, start

pytestmark = pytest.mark.browser

BUSY = "Building the meeting pack — this takes about 10 seconds."

# What the status line said and whether the link waited, at each change, and how many times
# the pack was asked for: recorded in the page, so nothing depends on how long the build takes.
RECORD = """
const status = document.getElementById('perf-pdf-status');
const link = document.getElementById('perf-pdf');
window.seen = [];
new MutationObserver(() => window.seen.push([status.textContent, link.getAttribute('aria-disabled')]))
    .observe(status, {childList: true, subtree: true, characterData: true});
window.packFetches = 0;
const fetchBefore = window.fetch;
window.fetch = function (url, options) {
    if (String(url).includes('/export/performance.pdf')) { window.packFetches += 1; }
    return fetchBefore.call(this, url, options);
};
"""


def _performance_page(dash_duo, downloads: Path) -> None:
    dash_duo.driver.execute_cdp_cmd("Page.setDownloadBehavior",
                                    {"behavior": "allow", "downloadPath": str(downloads)})
    dash_duo.driver.get(dash_duo.server.url + "/performance")
    WebDriverWait(dash_duo.driver, 30).until(
        lambda _: "/export/performance.pdf" in (dash_duo.find_element("#perf-pdf").get_attribute("href") or ""))
    status = dash_duo.find_element("#perf-pdf-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    dash_duo.driver.execute_script(RECORD)


def _signed_in_on_the_performance_page(dash_duo, browser_app, tmp_path: Path) -> Path:
    """A member on the Performance page, its pack's link recorded; the downloads folder."""
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    start(dash_duo, browser_app)
    sign_in(dash_duo, "viewer@demo.local")
    dash_duo.wait_for_text_to_equal("#overview-heading", "Q2 2026/27")
    _performance_page(dash_duo, downloads)
    return downloads


def _saved(downloads: Path) -> list[Path]:
    return [p for p in downloads.iterdir() if not p.name.endswith(".crdownload")]


def test_the_pack_says_it_is_being_built_then_saves_and_says_it_is_ready(dash_duo, browser_app, tmp_path):
    downloads = _signed_in_on_the_performance_page(dash_duo, browser_app, tmp_path)
    # A double click: the second lands while the first is building, and builds nothing more.
    dash_duo.driver.execute_script("const l = document.getElementById('perf-pdf'); l.click(); l.click();")
    dash_duo.wait_for_contains_text("#perf-pdf-status", "The meeting pack is ready: "
                                    "cwp-performance-2026-27-Q2.pdf is in your downloads.", timeout=90)
    seen = dash_duo.driver.execute_script("return window.seen;")
    assert [BUSY, "true"] in seen  # the busy words, while the link waited
    assert dash_duo.driver.execute_script("return window.packFetches;") == 1
    assert dash_duo.find_element("#perf-pdf").get_attribute("aria-disabled") is None
    WebDriverWait(dash_duo.driver, 30).until(lambda _: _saved(downloads))
    [pack] = _saved(downloads)
    assert pack.name == "cwp-performance-2026-27-Q2.pdf"
    assert pack.read_bytes().startswith(b"%PDF")
    assert dash_duo.get_logs() == []


def test_a_refused_pack_says_why_in_words_and_saves_nothing(dash_duo, browser_app, tmp_path):
    """Signed out in the meantime (another tab, or the server's idle timeout): the export route
    answers 401 and the status line says what to do, never a broken download."""
    downloads = _signed_in_on_the_performance_page(dash_duo, browser_app, tmp_path)
    dash_duo.driver.delete_all_cookies()
    dash_duo.find_element("#perf-pdf").click()
    dash_duo.wait_for_contains_text(
        "#perf-pdf-status",
        "The meeting pack was not built: you are signed out. Sign in again, then try once more.")
    assert "pdf-status-problem" in dash_duo.find_element("#perf-pdf-status").get_attribute("class")
    assert dash_duo.find_element("#perf-pdf").get_attribute("aria-disabled") is None  # may try again
    assert _saved(downloads) == []


# The page's fetch answers the pack's request as a failing server would, or as a dropped
# connection does; every other request goes through.
FAIL_THE_PACK = """
const realFetch = window.fetch;
window.fetch = function (url, options) {
    if (!String(url).includes('/export/performance.pdf')) { return realFetch.call(this, url, options); }
    return arguments[0] && window.packFailure === 'server'
        ? Promise.resolve(new Response('<h1>Internal Server Error</h1>',
                                       {status: 500, headers: {'Content-Type': 'text/html'}}))
        : Promise.reject(new TypeError('Failed to fetch'));
};
"""


@pytest.mark.parametrize(("failure", "words"), [
    ("server", "The meeting pack was not built: something went wrong on the server (error 500). "
               "Try again in a minute; if it keeps happening, tell the lead officer."),
    ("network", "The meeting pack was not downloaded: the connection failed. "
                "Check you are online, then try again."),
])
def test_a_failed_build_or_connection_says_so_and_lets_the_reader_try_again(
        dash_duo, browser_app, tmp_path, failure, words):
    downloads = _signed_in_on_the_performance_page(dash_duo, browser_app, tmp_path)
    dash_duo.driver.execute_script(f"window.packFailure = '{failure}';" + FAIL_THE_PACK)
    dash_duo.find_element("#perf-pdf").click()
    dash_duo.wait_for_contains_text("#perf-pdf-status", words)
    assert "pdf-status-problem" in dash_duo.find_element("#perf-pdf-status").get_attribute("class")
    assert dash_duo.find_element("#perf-pdf").get_attribute("aria-disabled") is None  # may try again
    assert _saved(downloads) == []
