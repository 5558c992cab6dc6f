"""The Returns page's first paint in headless Chromium, at county scale (eight years of
quarters, 300 services of 40 providers: about 9,300 returns for the lead officer).

    python benchmarks/returns_page.py                  # this code
    python benchmarks/returns_page.py --before main    # also the code at `main`, same data

Gunicorn serves the app (2 workers × 2 threads) from this checkout or, for --before, from a
`git archive` of the ref unpacked in a temporary directory (no worktree is added). The browser
signs in through the form, then opens /returns again and again; each run's figure is the
time from the start of the navigation (Navigation Timing's zero) to the animation frame after
the list's first row is in the page: the first paint of the list. The first run has an empty
browser cache (bundles fetched), the rest a warm one. Also reported: the router's response
(the page, with its rows when they come with it) on the wire and decoded, and every callback
response before the first paint together (the page, then, for a grid that asks for its rows,
the first page of rows) with when the last of them arrived. Figures, never pass/fail. The
last line is JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks.load import free_port, serving  # noqa: E402
from benchmarks.scale_db import ADMIN, PASSWORD, TODAY, prepare  # noqa: E402
from models.store.migrate import downgrade, upgrade  # noqa: E402

# The list's first row: a row of the HTML table (drawn with the page, as before the grid and
# again since), or, for older code, a grid row holding its link (a row of the grid's infinite
# model is a "loading" placeholder until its page arrives).
FIRST_ROW = "#returns-grid a.returns-grid-link, #returns-table tbody tr, #returns-done-table tbody tr"

# Runs in the page after the load event: waits, frame by frame, for the first row, then
# answers with the time since the navigation started and the router's response sizes.
WAIT_FOR_LIST = """
const [selector, limitMs, done] = arguments;
function sizes() {
    const calls = performance.getEntriesByType('resource')
        .filter(e => e.name.includes('_dash-update-component'));
    const biggest = [...calls].sort((a, b) => b.decodedBodySize - a.decodedBodySize)[0];
    const sum = key => calls.reduce((total, e) => total + e[key], 0);
    return biggest ? [biggest.transferSize, biggest.decodedBodySize, biggest.requestStart,
                      biggest.responseEnd, calls.length, sum('transferSize'), sum('decodedBodySize'),
                      Math.max(...calls.map(e => e.responseEnd))] : [0, 0, 0, 0, 0, 0, 0, 0];
}
function look() {
    if (document.querySelector(selector)) {
        requestAnimationFrame(() => done({
            first_paint_ms: performance.now(),
            rows_in_dom: document.querySelectorAll(selector).length,
            router: sizes()}));
    } else if (performance.now() > limitMs) {
        done({first_paint_ms: null});
    } else {
        requestAnimationFrame(look);
    }
}
look();
"""


@contextlib.contextmanager
def serve(root: Path, database_url: str) -> Iterator[int]:
    """Gunicorn running the app found in `root`, with this interpreter's packages."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "MONITOR_TODAY": TODAY.isoformat(),
           "SECRET_KEY": "benchmark-" + "k" * 40, "MONITOR_ENV": "development",
           "PYTHONPATH": str(root)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "2", "--timeout", "300",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:server"], cwd=root, env=env)
    with serving(proc, port):
        yield port


def provider_user(database_url: str) -> str:
    """A user of the provider with the most services (made here if it has none)."""
    from models.store.db import make_engine
    from models.store.entities import Provider, Service, User
    from models.store.users import create_user

    engine = make_engine(database_url)
    with Session(engine) as s:
        provider = s.scalars(select(Service.provider_id).where(Service.provider_id.is_not(None))
                             .group_by(Service.provider_id)
                             .order_by(func.count().desc(), Service.provider_id)).first()
        email = f"benchmark-provider-{provider}@example.org"
        if s.scalars(select(User).where(User.email == email)).first() is None:
            create_user(s, email, PASSWORD, "provider", s.get(Provider, provider))
            s.commit()
    engine.dispose()
    return email


def browser():  # noqa: ANN201
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--window-size=1366,900",
                 "--disable-background-networking", "--no-first-run"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options)


def _kill_browser(driver) -> None:  # noqa: ANN001
    """Stop Chromium under chromedriver: a renderer busy drawing thousands of components
    answers no WebDriver command, not even its own timeouts (the page before this change
    kept one busy for over 15 minutes)."""
    import psutil

    process = getattr(driver.service, "process", None)
    if process is None:  # already quit
        return
    with contextlib.suppress(psutil.Error):
        for child in psutil.Process(process.pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                child.kill()


def measure(port: int, email: str, runs: int, limit_s: float) -> dict:
    """First paint of the list for `email`: the first run with an empty cache, then warm."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser()
    driver.set_script_timeout(limit_s)
    driver.set_page_load_timeout(limit_s)
    base = f"http://127.0.0.1:{port}"
    results: list[dict] = []
    try:
        driver.get(f"{base}/login")
        driver.find_element(By.ID, "email").send_keys(email)
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "sign-in").click()
        WebDriverWait(driver, 30).until(lambda d: "/login" not in d.current_url)
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        for _ in range(runs):
            watchdog = threading.Timer(limit_s + 15, _kill_browser, [driver])
            watchdog.start()
            try:
                driver.get(f"{base}/returns")
                results.append(driver.execute_async_script(WAIT_FOR_LIST, FIRST_ROW, limit_s * 1000))
            except Exception:  # a stuck page, then its killed browser: no figure
                results.append({"first_paint_ms": None})
            finally:
                watchdog.cancel()
            if results[-1]["first_paint_ms"] is None:
                break  # past the limit once: no point waiting again
    finally:
        with contextlib.suppress(Exception):
            driver.quit()
        _kill_browser(driver)
    times = [r["first_paint_ms"] for r in results]
    if None in times:
        return {"first_paint_cold_ms": times[0] and round(times[0]), "first_paint_warm_ms": None,
                "note": f"no row within {limit_s:.0f} s"}
    warm = times[1:] or times
    router = results[-1]["router"]
    # When the page asked for the rows and when they had arrived, on the last (warm) load:
    # before the ask is the app starting (bundles, layout); after the answer, drawing.
    router_asked = statistics.median(r["router"][2] for r in results[1:] or results)
    router_answered = statistics.median(r["router"][3] for r in results[1:] or results)
    last_answer = statistics.median(r["router"][7] for r in results[1:] or results)
    return {"first_paint_cold_ms": round(times[0]), "first_paint_warm_ms": round(statistics.median(warm)),
            "first_paint_warm_max_ms": round(max(warm)), "rows_in_dom": results[-1]["rows_in_dom"],
            "router_kb_wire": round(router[0] / 1024, 1), "router_kb_decoded": round(router[1] / 1024, 1),
            "router_asked_warm_ms": round(router_asked), "router_answered_warm_ms": round(router_answered),
            "callbacks": router[4], "callbacks_kb_wire": round(router[5] / 1024, 1),
            "callbacks_kb_decoded": round(router[6] / 1024, 1), "last_answer_warm_ms": round(last_answer)}


def unpack(ref: str, into: Path) -> Path:
    """The code at `ref`, unpacked from `git archive` (the shared virtualenv is reused)."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def head_of(root: Path) -> str:
    """The newest migration of the code unpacked at `root`."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(root / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:
        raise SystemExit(f"No migrations at {root}")
    return head


def run(root: Path, url: str, who: dict[str, str], runs: int, limit_s: float) -> dict:
    out = {}
    with serve(root, url) as port:
        for label, email in who.items():
            out[label] = measure(port, email, runs, limit_s)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--database-url", help="an empty database or one holding the county scale")
    parser.add_argument("--before", help="a git ref to measure too, e.g. main")
    parser.add_argument("--runs", type=int, default=6, help="page loads per user (the first cold)")
    parser.add_argument("--before-runs", type=int, default=2, help="page loads per user, --before")
    parser.add_argument("--limit", type=float, default=60, help="seconds to wait for the list")
    args = parser.parse_args(argv)
    # The machine's load, for reading the figures: two cores shared with anything else
    # running stretch every step in the browser.
    figures: dict = {"load_average_1m": round(os.getloadavg()[0], 1), "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        counts, _ = prepare(url, "county")
        figures["services"], figures["returns_stored"] = counts["services"], counts["returns"]
        who = {"lead_officer": ADMIN, "provider": provider_user(url)}
        if args.before:
            old = unpack(args.before, Path(tmp) / "before")
            # The older code refuses a database migrated past its own newest migration:
            # step the same data down to it for that run, and back up afterwards.
            downgrade(url, head_of(old))
            figures["before"] = run(old, url, who, args.before_runs, args.limit)
            upgrade(url)
        figures["after"] = run(ROOT, url, who, args.runs, args.limit)
    for when in ("before", "after"):
        for label, found in figures.get(when, {}).items():
            print(f"{when:<7} {label:<13} " + ", ".join(f"{k} {v}" for k, v in found.items()))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
