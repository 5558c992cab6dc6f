"""A background job forked from a gunicorn worker (the diskcache manager) lets go of the
server's sockets (dash_app/jobs.release_server_sockets): a keep-alive connection the server
closes while a job runs is really closed, so the browser's next request is answered at once
instead of waiting, unanswered, for the job to end."""

from __future__ import annotations

import json
import re
import time

import requests

from tests.helpers.config import DEMO_PASSWORD
from tests.helpers.jobs import download_body
from tests.helpers.servers import login_token, start_gunicorn, stop

KEEP_ALIVE_S = 2  # gunicorn's default: an idle connection is closed after this long


def test_a_connection_closed_while_a_job_runs_is_closed(db_url, demo_factory, tmp_path):
    url, proc = start_gunicorn(db_url, tmp_path / "gunicorn.log", workers=1, threads=2,
                               env={"JOBS_DIR": str(tmp_path / "jobs")})
    try:
        browser = requests.Session()  # one keep-alive connection, as a browser keeps
        browser.post(url + "/login", data={"email": "viewer@demo.local", "password": DEMO_PASSWORD,
                                           "csrf_token": login_token(browser, url)}, timeout=30)
        page = browser.get(url + "/performance", timeout=30).text
        end_id = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>',
                                      page, re.S).group(1))["end_id"]
        started = browser.post(f"{url}/_dash-update-component?endId={end_id}",
                               json=download_body("pdf"), timeout=30)
        assert started.status_code == 200 and "cacheKey" in started.json()
        # The pack (with Chromium's charts) is still being built: the connection goes idle,
        # the worker closes it; the next request must open a new one and be answered.
        time.sleep(KEEP_ALIVE_S * 2)
        assert browser.get(url + "/healthz", timeout=20).status_code == 200
    finally:
        stop(proc)
