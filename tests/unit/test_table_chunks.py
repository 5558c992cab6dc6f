"""The performance table a chunk of services at a time (issue 20): the same rows, in the same
order, as the whole table, for any chunk size — a chunk boundary inside a priority and inside
a provider included — with figures worked out by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from models.access import AccessRefused
from models.reporting.performance import (
    build_performance_table,
    performance_table,
    performance_table_chunks,
)
from models.rules.measures import Rate
from models.store.entities import Priority, Service
from tests.helpers import factories as f

YEAR = 2024
TODAY = f.TODAY_2024  # Q1 and Q2 of 2024/25 due


@pytest.fixture
def world(session):
    """Two priorities; provider One runs S1, S2 (first priority) and S3 (second), provider
    Two runs S4 (first) and S5 (second). The whole table's order is therefore S1, S2, S4,
    then S3, S5: by priority, then the service's order."""
    one, two = f.provider(session, "One"), f.provider(session, "Two")
    first_service = f.service(session, "S1", one, order=1)
    first, second = session.scalars(select(Priority).order_by(Priority.display_order)).all()[:2]
    services = {"S1": first_service}
    for name, owner, priority, order in (("S2", one, first, 2), ("S3", one, second, 1),
                                         ("S4", two, first, 3), ("S5", two, second, 2)):
        services[name] = f.service(session, name, owner, order=order)
        services[name].priority_id = priority.id
    services["S1"].priority_id = first.id
    # Only these five services listed: the catalogue's own (retired, no figures or targets
    # this year) would only make empty chunks in this test's arithmetic.
    session.execute(update(Service).where(Service.id.not_in([s.id for s in services.values()]))
                    .values(active=False))
    session.flush()
    ps = f.periods(session, YEAR)
    for i, svc in enumerate(services.values(), start=1):
        people = f.metric(session, svc, "People supported", headline=True, order=1,
                          categories=("Women", "Men"))
        safer = f.metric(session, svc, "Felt safer", unit="percent", kind="outcome", order=2)
        f.target(session, people, YEAR, 40)
        f.target(session, safer, YEAR, 70)
        women, men = people.categories
        # Service i: Q1 10·i people (6·i women, 4·i men), Q2 14·i (8·i, 6·i);
        # felt safer Q1 3 of 4, Q2 6 of 8 (the same for each service).
        f.a_return(session, svc, ps[1], "approved", {people: 10 * i}, {safer: (3, 4)},
                   {women: 6 * i, men: 4 * i})
        f.a_return(session, svc, ps[2], "approved", {people: 14 * i}, {safer: (6, 8)},
                   {women: 8 * i, men: 6 * i})
    return {"one": one, "two": two, **services}


def _rows(chunks) -> list:
    return [row for part in chunks for row in part.rows]


@pytest.mark.parametrize("quarter", [None, 2])
@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 6, 100])
def test_chunks_are_the_whole_table_in_order(session, world, size, quarter):
    admin = f.Actor(1, "admin")
    whole = performance_table(session, admin, YEAR, quarter, TODAY)
    chunks = performance_table_chunks(session, admin, YEAR, quarter, TODAY, services_per_chunk=size)
    parts = list(chunks)
    assert _rows(parts) == whole.rows
    assert len(parts) == -(-5 // size)  # five services
    # A service's rows are never split between two chunks; each chunk holds `size` services.
    seen: list[set[int]] = [{r.service_id for r in part.rows} for part in parts]
    assert all(len(s) == min(size, 5 - i * size) for i, s in enumerate(seen))
    assert sum(len(s) for s in seen) == 5
    head = chunks.head
    assert (head.year, head.quarter, head.through, head.rows) == (YEAR, quarter, 2, [])
    assert all((p.year, p.quarter, p.through) == (YEAR, quarter, 2) for p in parts)


def test_a_boundary_inside_a_priority_and_a_provider(session, world):
    """Two services a chunk: [S1, S2] [S4, S3] [S5] — the second chunk crosses from the first
    priority to the second, and provider One's services lie in all three."""
    admin = f.Actor(1, "admin")
    parts = list(performance_table_chunks(session, admin, YEAR, None, TODAY, services_per_chunk=2))
    names = [[r.service for r in p.rows if r.metric == "People supported"] for p in parts]
    assert names == [["S1", "S2"], ["S4", "S3"], ["S5"]]
    by_service = {r.service: r for p in parts for r in p.rows if r.metric == "People supported"}
    # By hand: service i's year to date is 10·i + 14·i = 24·i (S4 is the fourth made, S3 the third).
    assert {name: row.ytd_actual.count for name, row in by_service.items()} == {
        "S1": 24, "S2": 48, "S3": 72, "S4": 96, "S5": 120}
    # Targets: 40 a year, two quarters due: 20 to date; forecast 24·i over 2 quarters × 4.
    assert by_service["S3"].ytd_target == 20 and by_service["S3"].forecast == 144
    safer = [r for p in parts for r in p.rows if r.metric == "Felt safer"]
    assert [r.ytd_actual.rate for r in safer] == [Rate(9, 12)] * 5  # (3 + 6) / (4 + 8), pooled
    women = [r for p in parts for r in p.rows if r.metric.strip() == "Women"]
    assert [r.ytd_actual.count for r in women] == [14, 28, 56, 42, 70]  # 14·i, in table order
    # Totals over the chunks are the whole table's: 24 × (1+2+3+4+5) people.
    assert sum(row.ytd_actual.count for row in by_service.values()) == 360


def test_a_provider_user_gets_its_own_services_only(session, world):
    owner = f.Actor(2, "provider", world["two"].id)
    parts = list(performance_table_chunks(session, owner, YEAR, 2, TODAY, services_per_chunk=1))
    assert [{r.service for r in p.rows} for p in parts] == [{"S4"}, {"S5"}]
    assert _rows(parts) == build_performance_table(session, YEAR, 2, TODAY,
                                                   provider_id=world["two"].id).rows


def test_refused_and_nonsense_before_any_part(session, world):
    """An account that may see nothing is refused when the chunks are asked for (before the
    first byte of a download), not when the first one is read."""
    with pytest.raises(AccessRefused):
        performance_table_chunks(session, f.Actor(3, "provider", None), YEAR, 2, TODAY)
    with pytest.raises(ValueError, match="at least one service"):
        performance_table_chunks(session, f.Actor(1, "admin"), YEAR, 2, TODAY, services_per_chunk=-1)


def test_no_services_no_parts(session):
    f.periods(session, YEAR)
    chunks = performance_table_chunks(session, f.Actor(1, "admin"), YEAR, None, TODAY)
    assert list(chunks) == [] and chunks.head.rows == []
