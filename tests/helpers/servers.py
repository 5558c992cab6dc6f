"""Real servers for the tests that need them: gunicorn (workers in their own processes)
and redis-server, each on a free loopback port, stopped by the test that started it."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.helpers.config import DEMO_PASSWORD, SECRET, TEST_JOBS, TODAY

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(db_url: str, log: Path, *, workers: int = 2, threads: int = 2,
                   timeout: int = 30, env: dict[str, str] | None = None,
                   ) -> tuple[str, subprocess.Popen]:
    """gunicorn wsgi:server on 127.0.0.1; returns its base URL once /healthz answers."""
    port = free_port()
    environ = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": SECRET,
               "MONITOR_TODAY": TODAY.isoformat(), "MONITOR_ENV": "development",
               "JOBS_DIR": str(TEST_JOBS),
               # its own kept exports unless told to share (never the project's instance/)
               "EXPORT_CACHE_DIR": tempfile.mkdtemp(prefix="cwp-test-exports-"), **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
         "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "2", "--timeout", str(timeout),
         "wsgi:server"],
        cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if requests.get(url + "/healthz", timeout=5).status_code == 200:
                return url, proc
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError(log.read_text()[-2000:])


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def workers_of(master: int) -> list[int]:
    """gunicorn's worker processes: children of the master, read from /proc (no procps)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.append(int(stat.parent.name))
    return sorted(children)


def login_token(session: requests.Session, url: str) -> str:
    page = session.get(url + "/login", timeout=10).text
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def signed_in_session(url: str, email: str, password: str = DEMO_PASSWORD) -> requests.Session:
    session = requests.Session()
    response = session.post(url + "/login", data={"email": email, "password": password,
                                                  "csrf_token": login_token(session, url)},
                            timeout=10, allow_redirects=False)
    assert response.status_code == 302, response.text[:300]
    return session


def parallel_wrong_passwords(url: str, email: str, count: int) -> tuple[list[int], Callable[[str], int]]:
    """`count` wrong passwords for one address at once, from one browser session; returns
    the status codes and a function to try one more password the same way."""
    from concurrent.futures import ThreadPoolExecutor

    session = requests.Session()
    token = login_token(session, url)
    cookies = session.cookies.get_dict()

    def attempt(password: str) -> int:
        return requests.post(url + "/login", cookies=cookies, timeout=60, allow_redirects=False,
                             data={"email": email, "password": password,
                                   "csrf_token": token}).status_code

    with ThreadPoolExecutor(count) as pool:
        answers = list(pool.map(attempt, [f"wrong-{i}" for i in range(count)]))
    return answers, attempt


def start_redis(log: Path) -> tuple[str, subprocess.Popen] | None:
    """redis-server on loopback without persistence, or None when it is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    port = free_port()
    proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                             "--appendonly", "no"], stdout=log.open("w"), stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return f"redis://127.0.0.1:{port}/0", proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(log.read_text()[-2000:])


def require_redis_or_skip() -> str:
    """The path of redis-server; without it the test is skipped saying why, or fails when
    REQUIRE_REDIS=1 (CI sets it; .ci/run installs Debian's redis-server) or CI is set. The
    one place this rule lives: every test that needs Redis goes through it."""
    import pytest

    binary = shutil.which("redis-server")
    if binary is None:
        why = ("redis-server is not installed (Debian package redis-server), so the tests that "
               "need Redis (shared cache and limits, several instances, Celery) cannot run")
        if os.environ.get("REQUIRE_REDIS") == "1" or os.environ.get("CI"):
            raise AssertionError(why + "; REQUIRE_REDIS=1 (or CI) makes that a failure.")
        pytest.skip(why + ". Install it, or set REQUIRE_REDIS=1 to make this a failure.")
    return binary


@contextmanager
def redis_server(log: Path | None = None) -> Iterator[str]:
    """A throwaway redis-server on a free loopback port, without persistence; yields its URL
    and stops it afterwards. Skips (or fails) through require_redis_or_skip."""
    require_redis_or_skip()
    if log is None:
        import tempfile

        log = Path(tempfile.mkdtemp(prefix="redis-")) / "redis.log"
    started = start_redis(log)
    assert started is not None
    try:
        yield started[0]
    finally:
        stop(started[1])


def redis_for_tests(log: Path) -> Iterator[str]:
    """A fixture's body: a throwaway redis-server's URL, stopped afterwards (redis_server)."""
    with redis_server(log) as url:
        yield url


@contextmanager
def kept_exports_server(engine: str, folder: Path) -> Iterator[tuple[str, Path, str]]:
    """gunicorn (2 workers × 2 threads) on a copy of the demo database on `engine`, keeping
    its exports in `folder`/kept: (url, that folder, the database's URL)."""
    from tests.helpers.databases import database_copy

    kept = folder / "kept"
    db_url = database_copy(engine, "demo", folder)
    url, proc = start_gunicorn(db_url, folder / "gunicorn.log", workers=2, threads=2, timeout=120,
                               env={"EXPORT_CACHE_DIR": str(kept)})
    try:
        yield url, kept, db_url
    finally:
        stop(proc)
