"""Which requests can run longer than 5 s (issue 20: "no request runs longer than 5 s anywhere
in the app")? Each page's callbacks and the admin's heavier actions, called in-process as the
lead officer (who sees most) on a database holding a scale's data, cold (empty cache) and
then warm; the slowest first. Exports and the PDF pack are measured by run.py.

    .venv/bin/python benchmarks/slow_requests.py --database-url URL [--scale national]

The database must already hold the scale (benchmarks/run.py loads it into an empty one).
A view worked out in the background (dash_app.cache.prepared: What needs attention and the
Performance table above their size limits) answers its cold request at once, saying so; the
time until it is ready is reported as `background_s`, and the warm call is made after it.
`--only NAME` (repeatable) runs only the named requests. The last line is JSON."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scale_db import ADMIN, TODAY  # noqa: E402

YEAR, QUARTER = "2025/26", "Q2"


def cases(first_service: str) -> list[tuple[str, Callable[[], object]]]:
    from callbacks.attention import attention_view
    from callbacks.dashboard_pages import remind_now, update_priorities, update_submissions
    from callbacks.overview import update_overview
    from callbacks.performance import performance_view
    from callbacks.progress import update_progress
    from callbacks.returns import handle_queue
    from callbacks.router import display_page
    from callbacks.service import update_service, update_service_trends

    return [
        ("Overview (callback)", lambda: update_overview(YEAR, QUARTER)),
        ("Performance table (callback)", lambda: performance_view(YEAR, QUARTER, False, False, "", "all",
                                                                  "all", "25", None, None)),
        ("Performance table page", lambda: display_page("/performance", f"?year={YEAR}&quarter={QUARTER}")),
        ("Performance, whole year", lambda: performance_view(YEAR, "year", False, False, "", "all", "all",
                                                             "25", None, None)),
        ("Priorities", lambda: update_priorities(YEAR, QUARTER)),
        ("Submissions", lambda: update_submissions(YEAR)),
        ("What needs attention", lambda: attention_view(YEAR, QUARTER)),
        ("What needs attention, next page", lambda: attention_view(YEAR, QUARTER, False, None, "next",
                                                                   {"page": 1})),
        ("Strategy progress", lambda: update_progress(False)),
        ("Service page", lambda: update_service(first_service, YEAR)),
        ("Service: over the years", lambda: update_service_trends(first_service, False)),
        ("Returns list page", lambda: display_page("/returns", "")),
        ("Review queue page", lambda: display_page("/review", "")),
        ("Review queue, next page", lambda: handle_queue("all", "all", "next", {"page": 1})),
        ("Administration page", lambda: display_page("/admin", "")),
        ("Administration → Users", lambda: display_page("/admin/users", "")),
        ("Administration → Mail", lambda: display_page("/admin/mail", "")),
        ("Reminders preview", lambda: remind_now("preview", None)),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--scale", default="county")
    parser.add_argument("--only", action="append", default=[], help="a request's name, as listed")
    args = parser.parse_args(argv)

    from sqlalchemy import select

    from dash_app.cache import wait_for_prepared
    from dash_app.factory import create_app
    from dash_app.settings import load_settings
    from models.store.db import make_engine, make_sessionmaker
    from models.store.entities import Service
    from tests.helpers.web import requests_as

    settings = load_settings({"DATABASE_URL": args.database_url, "SECRET_KEY": "bench-" + "k" * 40,
                              "MONITOR_TODAY": TODAY.isoformat()})
    app = create_app(settings)
    factory = make_sessionmaker(make_engine(settings.database_url))
    with factory() as s:
        first = str(s.scalars(select(Service.id).order_by(Service.id)).first())
    as_user = requests_as(app, factory)
    results = []
    for name, call in cases(first):
        if args.only and name not in args.only:
            continue
        timings = []
        background = None
        for _ in range(2):  # cold, then warm (the cache keyed by the data version)
            with as_user(ADMIN):
                start = time.perf_counter()
                call()
                timings.append(round(time.perf_counter() - start, 2))
            start = time.perf_counter()
            if wait_for_prepared(1800) and background is None:
                background = round(timings[-1] + time.perf_counter() - start, 2)
        results.append({"request": name, "cold_s": timings[0], "warm_s": timings[1],
                        "background_s": background})
        ready = f"   ready after {background:7.2f} s (background)" if background is not None else ""
        print(f"{name:36} cold {timings[0]:7.2f} s   warm {timings[1]:7.2f} s{ready}", flush=True)
    print(json.dumps({"scale": args.scale, "results": results}))


if __name__ == "__main__":
    main()
