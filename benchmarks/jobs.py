"""The PDF meeting pack as a background job (issue 20), at the demo data, in headless Chromium.

    python benchmarks/jobs.py                 # diskcache (the default manager), 3 runs
    python benchmarks/jobs.py --celery        # also through a Celery worker on a throwaway redis-server

Gunicorn serves the app (2 workers × 2 threads) on a fresh demo database. The browser signs
in as the lead officer and opens the Performance page; each run presses "PDF meeting pack"
and records, in the page (performance.now()), when the stage line first shows the job's own
progress ("Reading the figures"), and when the page says the pack is ready. Also reported:
the longest single request the page made meanwhile (Resource Timing: the request that starts
the job, and each progress poll), and, for comparison, the same pack through the export
route (`/export/performance.pdf`), which builds it inside one request: the slow path. Figures,
never pass/fail. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import free_port, serving  # noqa: E402
from benchmarks.scale_db import ADMIN, PASSWORD, TODAY  # noqa: E402

SECRET = "benchmark-" + "k" * 40

# Presses the button and records each change of the stage and result lines, with times.
PRESS = """
const done = arguments[arguments.length - 1];
const stage = document.getElementById('perf-job-stage');
const result = document.getElementById('perf-job-result');
const seen = [];
const started = performance.now();
const calls0 = performance.getEntriesByType('resource').length;
new MutationObserver(() => seen.push([performance.now() - started, stage.textContent]))
    .observe(stage, {childList: true, subtree: true, characterData: true});
new MutationObserver(() => {
    if (!result.textContent) { return; }
    // The requests this click made: the one that starts the job and each progress poll.
    const calls = performance.getEntriesByType('resource').slice(calls0)
        .filter(e => e.name.includes('_dash-update-component') && e.startTime >= started);
    done({seen: seen, ready: performance.now() - started, words: result.textContent,
          longest: Math.max(...calls.map(e => e.responseEnd - e.startTime)), calls: calls.length});
}).observe(result, {childList: true, subtree: true, characterData: true});
document.getElementById('perf-pdf').click();
"""


def demo_database(folder: Path) -> str:
    from models.catalogue.demo import seed_demo
    from models.store.db import make_engine, make_sessionmaker, unit_of_work
    from models.store.migrate import upgrade

    url = f"sqlite:///{folder / 'jobs-bench.db'}"
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(make_sessionmaker(engine)) as s:
        seed_demo(s, PASSWORD, TODAY)
    engine.dispose()
    return url


def environment(url: str, folder: Path, broker: str | None) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": url, "MONITOR_TODAY": TODAY.isoformat(), "SECRET_KEY": SECRET,
           "MONITOR_ENV": "development", "JOBS_DIR": str(folder / "jobs"),
           "BROWSER_PATH": os.environ.get("BROWSER_PATH", "/usr/bin/chromium")}
    if broker:
        env["CELERY_BROKER_URL"] = broker
    return env


def browser():  # noqa: ANN201
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,1000"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def measure(port: int, runs: int) -> list[dict]:
    from selenium.webdriver.support.ui import WebDriverWait

    base = f"http://127.0.0.1:{port}"
    driver = browser()
    try:
        driver.set_script_timeout(600)
        driver.get(base + "/login")
        driver.find_element("css selector", "#email").send_keys(ADMIN)
        driver.find_element("css selector", "#password").send_keys(PASSWORD)
        driver.find_element("css selector", "#sign-in").click()
        WebDriverWait(driver, 180).until(lambda d: d.find_elements("css selector", "#sign-out"))
        found = []
        for _ in range(runs):
            driver.get(base + "/performance")
            WebDriverWait(driver, 180).until(
                lambda d: d.find_element("css selector", "#perf-heading").text)
            run = driver.execute_async_script(PRESS)
            # The job's own progress: any stage but the page's "Starting" (shown at the click).
            own = [t for t, words in run["seen"] if words.startswith("Building")]
            found.append(one := {"first_progress_s": round(own[0] / 1000, 2) if own else None,
                          "ready_s": round(run["ready"] / 1000, 2),
                          "longest_request_s": round(run["longest"] / 1000, 2),
                          "requests": run["calls"], "words": run["words"]})
            print("  run:", one, flush=True)
        return found
    finally:
        driver.quit()


def route_seconds(port: int) -> float:
    """The same pack through the export route: one request that builds it."""
    import requests

    session = requests.Session()
    base = f"http://127.0.0.1:{port}"
    page = session.get(base + "/login", timeout=30).text
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    session.post(base + "/login", data={"email": ADMIN, "password": PASSWORD, "csrf_token": token},
                 timeout=30)
    started = time.perf_counter()
    response = session.get(base + "/export/performance.pdf?year=2026/27&quarter=Q2", timeout=600)
    assert response.headers["Content-Type"].startswith("application/pdf"), response.text[:200]
    return round(time.perf_counter() - started, 2)


def run(manager: str, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        folder = Path(tmp)
        url = demo_database(folder)
        broker = None
        if manager == "celery":
            redis = shutil.which("redis-server")
            if redis is None:
                raise SystemExit("--celery needs redis-server (Debian package redis-server)")
            redis_port = free_port()
            server = subprocess.Popen([redis, "--bind", "127.0.0.1", "--port", str(redis_port),
                                       "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
            stack.callback(server.terminate)
            broker = f"redis://127.0.0.1:{redis_port}/0"
            time.sleep(0.5)
        env = environment(url, folder, broker)
        if broker:
            log = folder / "celery.log"
            worker = subprocess.Popen([str(Path(sys.executable).with_name("celery")), "-A", "dash_app.worker",
                                       "worker", "--pool=solo", "--loglevel=INFO"], cwd=ROOT, env=env,
                                      stdout=subprocess.DEVNULL, stderr=log.open("w"))
            stack.callback(worker.terminate)
            while "ready." not in log.read_text():
                time.sleep(0.2)
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "2",
                                 "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:server"],
                                cwd=ROOT, env=env)
        stack.enter_context(serving(proc, port))
        found = measure(port, runs)
        route = route_seconds(port)
    return {"manager": manager, "runs": found, "route_s": route,
            "first_progress_p50_s": statistics.median(r["first_progress_s"] or 0 for r in found),
            "ready_p50_s": statistics.median(r["ready_s"] for r in found),
            "longest_request_s": max(r["longest_request_s"] for r in found)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--celery", action="store_true", help="also through a Celery worker")
    args = parser.parse_args()
    results = [run("diskcache", args.runs)]
    if args.celery:
        results.append(run("celery", args.runs))
    for r in results:
        print(f"{r['manager']}: click to first progress p50 {r['first_progress_p50_s']} s, "
              f"pack ready p50 {r['ready_p50_s']} s, longest request {r['longest_request_s']} s; "
              f"the export route (one request) {r['route_s']} s")
        for i, one in enumerate(r["runs"], start=1):
            print(f"  run {i}: first progress {one['first_progress_s']} s, ready {one['ready_s']} s, "
                  f"{one['requests']} requests, longest {one['longest_request_s']} s")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
