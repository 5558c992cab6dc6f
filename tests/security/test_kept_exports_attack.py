"""Attacks on kept exports through real HTTP (gunicorn, two workers sharing one folder): odd
query values must not reach another key or fail with a 500, and a change to a figure
between two downloads must never leave the first file in use."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from models.store.db import make_engine, make_sessionmaker
from models.store.entities import Metric, Service, Target, User
from tests.helpers.databases import engines
from tests.helpers.servers import kept_exports_server, signed_in_session

ADMIN = "admin@demo.local"
PROVIDER = "safer-futures-support@demo.local"


@pytest.fixture(scope="module", params=engines())
def server(request, tmp_path_factory):
    with kept_exports_server(request.param, tmp_path_factory.mktemp(f"kept-attack-{request.param}")) as (
            url, kept, db_url):
        yield url, kept, db_url


@pytest.mark.parametrize("query", [
    "year=2026/27&quarter=Q2&publish=true",  # meant to publish: must not get the open figures
    "year=2026/27&quarter=Q2&publish=yes",
    "year=2026/27&quarter=Q2&provisional=true",
    "year=2026/27&quarter=Q2&provisional=2",
])
def test_an_option_that_is_neither_0_nor_1_is_refused_in_words(server, query):
    url, kept, _ = server
    reader = signed_in_session(url, ADMIN)
    before = set(kept.glob("*/*.csv"))
    response = reader.get(f"{url}/export/performance.csv?{query}", timeout=120)
    assert response.status_code == 400
    assert "1 or 0" in response.text and "<" not in response.text
    assert set(kept.glob("*/*.csv")) == before  # nothing kept under a key it did not mean


@pytest.mark.parametrize("year", ["9999/00", "9998/99"])
def test_a_year_beyond_the_calendar_is_a_400_not_a_500(server, year):
    url, _, _ = server
    reader = signed_in_session(url, PROVIDER)
    for fmt in ("csv", "xlsx"):
        response = reader.get(f"{url}/export/performance.{fmt}?year={year}&quarter=Q1", timeout=120)
        assert response.status_code == 400, response.text[:200]
        assert "financial year" in response.text


def _cells(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_a_target_changed_between_two_downloads_is_in_the_second(server):
    url, kept, db_url = server
    reader = signed_in_session(url, PROVIDER)
    path = f"{url}/export/performance.csv?year=2025/26&quarter=year"
    before = set(kept.glob("*/*.csv"))
    first = reader.get(path, timeout=120)
    again = reader.get(path, timeout=120)
    assert first.status_code == again.status_code == 200 and first.content == again.content
    [kept_file] = set(kept.glob("*/*.csv")) - before
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            provider = session.scalar(select(User.provider_id).where(User.email == PROVIDER))
            target = session.scalars(
                select(Target).join(Metric, Metric.id == Target.metric_id)
                .join(Service, Service.id == Metric.service_id)
                .where(Target.year == 2025, Target.quarter.is_(None), Metric.unit == "count",
                       Service.provider_id == provider).order_by(Target.id)).first()
            target.value = 987654
    finally:
        engine.dispose()
    second = reader.get(path, timeout=120)
    assert second.status_code == 200 and second.content != first.content
    assert any("987,654" in value or "987654" in value
               for row in _cells(second.content) for value in row.values())
    assert not Path(kept_file).exists()  # the older version's files are gone once a newer is kept
