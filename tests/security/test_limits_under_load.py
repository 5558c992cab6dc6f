"""Issue 14, the rows about workers: gunicorn (2 workers, each with threads) on loopback,
started once per database engine for this module.

Row 4: the upload bomb is answered in words; no worker times out or is replaced.
Row 5: 20 parallel wrong passwords for one address run at most MAX_FAILURES password checks
(answered 401); the rest are refused before any check (429)."""

from __future__ import annotations

import base64

import pytest

from models.store.users import MAX_FAILURES
from tests.helpers import hostile_files
from tests.helpers.config import DEMO_PASSWORD
from tests.helpers.databases import database_copy, engines
from tests.helpers.returns import upload_body
from tests.helpers.servers import (
    parallel_wrong_passwords,
    signed_in_session,
    start_gunicorn,
    stop,
    workers_of,
)

PARALLEL = 20


@pytest.fixture(scope="module", params=engines())
def server(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"gunicorn-{request.param}")
    db_url = database_copy(request.param, "demo", folder)
    # The per-client limit is tested on its own; here it must not hide the per-address one.
    url, proc = start_gunicorn(db_url, folder / "gunicorn.log", workers=2, threads=4,
                               timeout=20, env={"LOGIN_RATE_LIMIT": "200 per minute"})
    yield url, proc, folder / "gunicorn.log"
    stop(proc)


def test_5_parallel_wrong_passwords_run_at_most_the_limit_of_checks(server):
    answers, attempt = parallel_wrong_passwords(server[0], "Viewer@demo.local", PARALLEL)
    assert answers.count(401) == MAX_FAILURES, answers  # a password check ran for these
    assert answers.count(429) == PARALLEL - MAX_FAILURES, answers  # refused before any check
    assert attempt(DEMO_PASSWORD) == 429  # the right one too, until the window passes


def test_4_an_upload_bomb_is_answered_in_words_and_no_worker_dies(server):
    url, proc, log = server
    session = signed_in_session(url, "safer-futures-support@demo.local")
    before = workers_of(proc.pid)
    bomb = hostile_files.million_row_workbook()
    body = upload_body("data:;base64," + base64.b64encode(bomb).decode(), "bomb.xlsx")
    answers = [session.post(url + "/_dash-update-component", json=body, timeout=60)
               for _ in range(4)]  # more than there are workers
    assert all(a.status_code == 200 and "far more than a return template" in a.text for a in answers)
    assert workers_of(proc.pid) == before
    assert "WORKER TIMEOUT" not in log.read_text()
