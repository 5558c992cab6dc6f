"""Crash safety: gunicorn on loopback, a bounded burst of concurrent saves, one worker
killed with SIGKILL mid-burst. Every return is then wholly saved or wholly absent, every
acknowledged save is there, and the database passes its integrity check."""

from __future__ import annotations

import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select, text

from models.admin.periods import generate_year
from models.catalogue.demo import seed_demo
from models.store.db import make_engine, make_sessionmaker, unit_of_work
from models.store.entities import Metric, Period, Return, ReturnValue, Service, User
from models.store.migrate import upgrade
from tests.helpers.config import DEMO_PASSWORD, TODAY
from tests.helpers.factories import Actor
from tests.helpers.returns import save_body
from tests.helpers.servers import signed_in_session, start_gunicorn, stop, workers_of

BURST = 40
COUNT_ONLY = ("Sanctuary scheme", "Substance misuse and mental health outreach",
              "Place-based approach (Highfields, Doxey)")


@pytest.fixture
def server(empty_db_url, tmp_path):
    upgrade(empty_db_url)
    engine = make_engine(empty_db_url)
    factory = make_sessionmaker(engine)
    with unit_of_work(factory) as s:
        seed_demo(s, DEMO_PASSWORD, TODAY)
        boss = s.scalars(select(User).where(User.email == "admin@demo.local")).one()
        for year in (2030, 2031, 2032, 2033):
            generate_year(s, Actor(boss.id, "admin"), year)
    url, proc = start_gunicorn(empty_db_url, tmp_path / "gunicorn.log")
    yield url, proc, factory, empty_db_url
    stop(proc)
    engine.dispose()


def test_burst_with_a_killed_worker_loses_nothing(server):
    url, proc, factory, db_url = server
    with unit_of_work(factory) as s:
        services = {sv.name: (sv.id, [m.id for m in s.scalars(select(Metric).where(
            Metric.service_id == sv.id, Metric.active))]) for sv in s.scalars(
            select(Service).where(Service.name.in_(COUNT_ONLY)))}
        periods = [p.id for p in s.scalars(select(Period).where(Period.year >= 2030))]
    slots = [(sid, pid, metrics) for sid, metrics in services.values() for pid in periods][:BURST]
    http = signed_in_session(url, "admin@demo.local")
    key = http.get(url + "/_dash-dependencies", timeout=10).json()
    save_key = next(c["output"] for c in key if c["output"].startswith("..rv-summary.children"))

    def send(slot):
        sid, pid, metrics = slot
        try:
            r = http.post(url + "/_dash-update-component", json=save_body(save_key, metrics, sid, pid),
                          timeout=20)
            return slot, r.status_code, "Draft saved" in r.text
        except requests.RequestException:
            return slot, None, False

    killed = []
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(send, slot) for slot in slots]
        time.sleep(0.3)  # mid-burst
        for pid in workers_of(proc.pid)[:1]:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        results = [f.result() for f in futures]
    assert killed, "no worker to kill"

    acknowledged = {(sid, pid) for (sid, pid, _), _, ok in results if ok}
    lost = partial = 0
    with unit_of_work(factory) as s:
        for sid, pid, metrics in slots:
            ret = s.scalars(select(Return).filter_by(service_id=sid, period_id=pid)).one_or_none()
            if ret is None:
                lost += (sid, pid) in acknowledged
                continue
            values = s.scalars(select(ReturnValue).where(ReturnValue.return_id == ret.id)).all()
            if sorted(v.metric_id for v in values) != sorted(metrics) or any(v.count is None for v in values):
                partial += 1
        orphans = s.scalar(select(func.count()).select_from(ReturnValue).outerjoin(
            Return, Return.id == ReturnValue.return_id).where(Return.id.is_(None)))
        if db_url.startswith("sqlite"):
            integrity = s.execute(text("PRAGMA integrity_check")).scalar()
        else:
            integrity = "ok" if orphans == 0 else "orphans"
    figures = {"engine": db_url.split(":")[0], "requests": len(slots), "acknowledged": len(acknowledged),
               "failed": sum(1 for _, status, ok in results if not ok), "killed_workers": len(killed),
               "lost": lost, "partial": partial, "integrity": integrity}
    print(json.dumps(figures))
    assert lost == 0 and partial == 0 and orphans == 0 and integrity == "ok"
    assert len(acknowledged) > 0
