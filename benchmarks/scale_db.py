"""The benchmarks' database: the demo's date and sign-in, and a database holding a scale's
data (models.catalogue.scale). Shared by run.py, load.py and the others, so none of them
imports another's entry point."""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.catalogue import scale

TODAY = dt.date(2026, 11, 25)
ADMIN, PASSWORD = "admin@demo.local", "benchmark-password"


def prepare(url: str, which: str) -> tuple[dict, float | None]:
    """Migrate, then load the scale's data unless the database already holds it."""
    from models.store.db import make_engine
    from models.store.entities import Service
    from models.store.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as s:
        have = s.scalar(select(func.count()).select_from(Service))
    load_s = None
    if have != scale.SCALES[which][1]:
        if have:
            raise SystemExit(f"The database has {have} services, not the {which} scale's; use an empty one.")
        start = time.perf_counter()
        scale.build(engine, which, TODAY)
        load_s = round(time.perf_counter() - start, 1)
    with Session(engine) as s:
        counts = scale.counts(s)
    engine.dispose()
    return counts, load_s
