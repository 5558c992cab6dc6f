"""Background jobs in tests: a job called as Dash calls it (with the starting request's
cookies in its callback context), the Performance page's download job driven over HTTP as
the renderer drives it (start, then poll with the signed handles), and a real Celery worker
on a throwaway redis-server."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.config import SECRET, TODAY
from tests.helpers.servers import ROOT, stop
from tests.helpers.web import sign_in

DOWNLOAD_KEY = "..perf-download.data...perf-job-result.children...perf-job-result.className.."
BUTTONS = {"xlsx": "perf-xlsx", "csv": "perf-csv", "pdf": "perf-pdf"}


def session_cookies(app, email: str) -> dict[str, str]:
    """The cookies a browser holds once `email` has signed in to `app`."""
    client = app.server.test_client()
    sign_in(client, email)
    cookie = client.get_cookie(app.server.config.get("SESSION_COOKIE_NAME") or "session")
    return {cookie.key: cookie.value}


@contextmanager
def job_context(app, cookies: dict[str, str], fmt: str) -> Iterator[None]:
    """Inside a download job as Dash runs one (see callback_job), started by `fmt`'s button."""
    with callback_job(app, cookies, BUTTONS[fmt]):
        yield


@contextmanager
def callback_job(app, cookies: dict[str, str], button: str) -> Iterator[None]:
    """Inside a background job as Dash runs one: no request, the app's context, and Dash's
    callback context holding the starting request's cookies and which button started it."""
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    with app.server.app_context():
        token = context_value.set(AttributeDict(
            cookies=cookies, headers={},
            triggered_inputs=[{"prop_id": f"{button}.n_clicks", "value": 1}]))
        try:
            yield
        finally:
            context_value.reset(token)


def run_job(app, cookies: dict[str, str], fmt: str, year: str = "2026/27", period: str = "Q2",
            provisional: bool = False, publish: bool = False,
            on_progress=None) -> tuple[bytes | None, str, str, list[str]]:
    """The download job called directly: (the file or None, the words, their class, the
    stages it reported in words)."""
    from callbacks.performance import build_download

    stages: list[str] = []

    def progress(value: list) -> None:
        stages.append(value[1])
        if on_progress is not None:
            on_progress(value[1])

    with job_context(app, cookies, fmt):
        data, words, kind = build_download(progress, 0, 0, 0, year, period, provisional, publish)
    return (base64.b64decode(data["content"]) if data else None), words, kind, stages


def pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


# Over HTTP, as the renderer does it -----------------------------------------------------

def download_body(fmt: str, year: str = "2026/27", period: str = "Q2") -> dict:
    """The callback request a click on a download button sends."""
    clicks = {name: 1 if name == BUTTONS[fmt] else 0 for name in BUTTONS.values()}
    return {
        "output": DOWNLOAD_KEY,
        "outputs": [{"id": "perf-download", "property": "data"},
                    {"id": "perf-job-result", "property": "children"},
                    {"id": "perf-job-result", "property": "className"}],
        "inputs": [{"id": name, "property": "n_clicks", "value": n} for name, n in clicks.items()],
        "state": [{"id": "perf-year", "property": "value", "value": year},
                  {"id": "perf-quarter", "property": "value", "value": period},
                  {"id": "perf-provisional", "property": "value", "value": False},
                  {"id": "perf-publish", "property": "value", "value": False}],
        "changedPropIds": [f"{BUTTONS[fmt]}.n_clicks"],
    }


def page_end_id(client) -> str:
    """The server-signed id of a page load, which Dash binds a job's handles to."""
    page = client.get("/performance").get_data(as_text=True)
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>',
                                  page, re.S).group(1))
    return config["end_id"]


def start_download(client, end_id: str, fmt: str) -> dict:
    """Start a job; its signed handles ({"cacheKey", "job"}), returned at once."""
    response = client.post(f"/_dash-update-component?endId={end_id}", json=download_body(fmt))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def collect_download(client, end_id: str, fmt: str, handles: dict, timeout_s: float = 240
                     ) -> tuple[bytes | None, str]:
    """Poll as the renderer does until the job's answer comes: (the file or None, the words)."""
    query = f"endId={end_id}&cacheKey={handles['cacheKey']}&job={handles['job']}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        response = client.post(f"/_dash-update-component?{query}", json=download_body(fmt))
        assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]
        answer = (response.get_json() or {}).get("response") if response.status_code == 200 else None
        if answer and "perf-job-result" in answer:
            data = answer.get("perf-download", {}).get("data")
            return (base64.b64decode(data["content"]) if data else None,
                    answer["perf-job-result"]["children"])
        time.sleep(0.3)
    raise AssertionError("the job did not finish")


# A real Celery worker --------------------------------------------------------------------

def start_celery_worker(settings, broker: str, log: Path) -> subprocess.Popen:
    """`celery -A dash_app.worker worker` (one job at a time, in its own process) with the
    test app's database, jobs and chart-picture folders (`settings`), on this Redis, with the
    suite's secret and date; returns once it is ready. (With the default chart folder the
    worker would draw nothing: earlier runs' pictures would already be there.)"""
    env = {**os.environ, "DATABASE_URL": settings.database_url, "CELERY_BROKER_URL": broker,
           "CHART_CACHE_DIR": str(settings.chart_cache_dir), "JOBS_DIR": str(settings.jobs_dir),
           "SECRET_KEY": SECRET,
           "MONITOR_TODAY": TODAY.isoformat(), "MONITOR_ENV": "development",
           "BROWSER_PATH": os.environ.get("BROWSER_PATH", "/usr/bin/chromium")}
    celery = Path(sys.executable).with_name("celery")
    proc = subprocess.Popen([str(celery), "-A", "dash_app.worker", "worker", "--pool=solo",
                             "--loglevel=INFO", "--without-gossip", "--without-mingle",
                             "--without-heartbeat"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    for _ in range(600):
        if "ready." in log.read_text():
            return proc
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    stop(proc)
    raise AssertionError(log.read_text()[-3000:])
