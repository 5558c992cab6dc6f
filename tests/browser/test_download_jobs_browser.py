"""The Performance page's downloads as background jobs, in the browser: the PDF meeting pack's
stage in words and its bar while it is built, then the file, saved under its name; Cancel
ends the job and nothing arrives; and the same with a real Celery worker on Redis building the
pack (dash_app/jobs.py, dash_app/worker.py)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import psutil
import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.helpers.browser import axe_violations, serious, sign_in, start
from tests.helpers.jobs import pdf_text

pytestmark = pytest.mark.browser

# What the stage line said, and whether the buttons waited, at each change: recorded in the
# page, so nothing depends on how long a stage takes.
RECORD = """
const stage = document.getElementById('perf-job-stage');
window.seen = [];
new MutationObserver(() => window.seen.push([stage.textContent,
        document.getElementById('perf-pdf').disabled,
        document.getElementById('perf-job').hidden]))
    .observe(stage, {childList: true, subtree: true, characterData: true});
"""
STAGE = re.compile(r"^Building the meeting pack\. Drawing charts: \d+ of \d+$")


def _on_the_performance_page(dash_duo, app, email: str, downloads: Path) -> None:
    downloads.mkdir()
    start(dash_duo, app)
    sign_in(dash_duo, email)
    dash_duo.wait_for_element("#sign-out")  # signed in, on the user's landing page
    dash_duo.driver.execute_cdp_cmd("Page.setDownloadBehavior",
                                    {"behavior": "allow", "downloadPath": str(downloads)})
    dash_duo.driver.get(dash_duo.server.url + "/performance")
    dash_duo.wait_for_text_to_equal("#perf-heading", "Q2 2026/27")
    dash_duo.driver.execute_script(RECORD)


def _press(dash_duo, selector: str) -> None:
    """As a keyboard user would: focus it, then Enter."""
    button = dash_duo.find_element(selector)
    dash_duo.driver.execute_script("arguments[0].focus()", button)
    button.send_keys(Keys.ENTER)


def _saved(downloads: Path) -> list[Path]:
    return [p for p in downloads.iterdir() if not p.name.endswith(".crdownload")]


def _pack_arrives(dash_duo, downloads: Path) -> str:
    """The pack's words once ready, its file saved under its name; its text."""
    name = "cwp-performance-2026-27-Q2.pdf"
    dash_duo.wait_for_text_to_equal(
        "#perf-job-result", f"The meeting pack is ready: {name} is in your downloads.", timeout=180)
    WebDriverWait(dash_duo.driver, 30).until(lambda _: _saved(downloads))
    [pack] = _saved(downloads)
    assert pack.name == name
    return pdf_text(pack.read_bytes())


def test_the_pack_shows_its_stage_in_words_then_downloads(dash_duo, browser_app, tmp_path):
    downloads = tmp_path / "downloads"
    _on_the_performance_page(dash_duo, browser_app, "viewer@demo.local", downloads)
    assert dash_duo.find_element("#perf-job").get_attribute("hidden") == "true"
    _press(dash_duo, "#perf-pdf")
    # While it runs: the stage in words above a bar it names, Cancel beside it, the buttons
    # waiting; a screen reader hears the stage (role=status).
    WebDriverWait(dash_duo.driver, 60).until(
        lambda _: STAGE.match(dash_duo.find_element("#perf-job-stage").text))
    stage = dash_duo.find_element("#perf-job-stage")
    assert stage.get_attribute("role") == "status" and stage.get_attribute("aria-live") == "polite"
    bar = dash_duo.find_element("#perf-job-bar")
    assert bar.get_attribute("aria-labelledby") == "perf-job-stage"
    assert 0 < float(bar.get_attribute("value")) < 100
    assert dash_duo.find_element("#perf-job-cancel").is_displayed()
    assert serious(axe_violations(dash_duo)) == []
    text = _pack_arrives(dash_duo, downloads)
    for service in ("Sanctuary scheme", "ASB early help (boxing club diversion)",
                    "Social prescribing (3 GP surgeries)"):
        assert service in text
    seen = dash_duo.driver.execute_script("return window.seen;")
    running = [(words, disabled, hidden) for words, disabled, hidden in seen if STAGE.match(words)]
    assert running and all(disabled and not hidden for _, disabled, hidden in running)
    # Done: the job's area is gone, the buttons are back, and the outcome is announced.
    assert dash_duo.find_element("#perf-job").get_attribute("hidden") == "true"
    assert dash_duo.find_element("#perf-pdf").is_enabled()
    assert dash_duo.find_element("#perf-job-result").get_attribute("role") == "status"
    assert dash_duo.get_logs() == []


def test_cancel_ends_the_job_and_nothing_arrives(dash_duo, browser_app, tmp_path):
    downloads = tmp_path / "downloads"
    _on_the_performance_page(dash_duo, browser_app, "riverside-boxing-academy@demo.local", downloads)
    before = {p.pid for p in psutil.Process(os.getpid()).children()}
    _press(dash_duo, "#perf-pdf")
    dash_duo.wait_for_contains_text("#perf-job-stage", "Building the meeting pack.", timeout=60)
    # The job: a process forked from the web server (here, the test's own process).
    [job] = [p for p in psutil.Process(os.getpid()).children() if p.pid not in before]
    # Reached from the PDF button with the keyboard, as the next control.
    dash_duo.driver.switch_to.active_element.send_keys(Keys.TAB)
    assert dash_duo.driver.switch_to.active_element.get_attribute("id") == "perf-job-cancel"
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ENTER)
    dash_duo.wait_for_text_to_equal(
        "#perf-job-result", "Cancelled: nothing was built or saved. Choose a download to start again.")
    job.wait(timeout=30)  # ended (Dash kills it and waits), not left running to finish
    assert not job.is_running()
    WebDriverWait(dash_duo.driver, 10).until(
        lambda _: dash_duo.find_element("#perf-job").get_attribute("hidden") == "true")
    assert dash_duo.find_element("#perf-pdf").is_enabled()
    assert _saved(downloads) == []
    # And another download starts afresh.
    _press(dash_duo, "#perf-csv")
    dash_duo.wait_for_text_to_equal(
        "#perf-job-result", "The CSV file is ready: cwp-performance-2026-27-Q2.csv is in your downloads.",
        timeout=60)


# With Celery on Redis ---------------------------------------------------------------------

def test_a_pack_built_by_a_celery_worker_downloads(dash_duo, tmp_path, celery_browser_app):
    """The app with CELERY_BROKER_URL: the pack is built by a Celery worker in a process of
    its own, not by the web server, and arrives as before."""
    app, log = celery_browser_app
    downloads = tmp_path / "downloads"
    _on_the_performance_page(dash_duo, app, "link-worker-partnership@demo.local", downloads)
    before = {p.pid for p in psutil.Process(os.getpid()).children()}
    _press(dash_duo, "#perf-pdf")
    # The worker draws this provider's few charts in seconds: its stage is shown while it
    # works (as the diskcache test above checks), or the pack is already there.
    WebDriverWait(dash_duo.driver, 120).until(
        lambda _: STAGE.match(dash_duo.find_element("#perf-job-stage").text)
        or dash_duo.find_element("#perf-job-result").text)
    text = _pack_arrives(dash_duo, downloads)
    assert "Social prescribing (3 GP surgeries)" in text
    assert "Sanctuary scheme" not in text
    # Built by the worker: the web server forked no job, and the worker's log has it.
    assert {p.pid for p in psutil.Process(os.getpid()).children()} <= before
    assert re.search(r"Task background_callback_\w+\[[\w-]+\] succeeded", log.read_text())
