"""Migrations build the whole schema on an empty database and re-run as a no-op."""

from sqlalchemy import inspect

from models.store.base import Base
from models.store.db import make_engine
from models.store.migrate import downgrade, upgrade


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_creates_every_table_and_is_repeatable(empty_db_url):
    upgrade(empty_db_url)
    expected = set(Base.metadata.tables) | {"alembic_version"}
    assert _tables(empty_db_url) == expected
    upgrade(empty_db_url)  # an existing, current database: nothing to do, no error
    assert _tables(empty_db_url) == expected


def test_downgrade_then_upgrade_round_trips(empty_db_url):
    upgrade(empty_db_url)
    downgrade(empty_db_url, "base")
    assert _tables(empty_db_url) <= {"alembic_version"}
    upgrade(empty_db_url)
    assert "return_value" in _tables(empty_db_url)


def test_models_match_the_migrations(db_url):
    """A model change without a migration fails here (autogenerate finds no diff)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(db_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_upgrading_a_database_with_data_keeps_every_row(empty_db_url):
    """Regression: SQLite batch migrations recreate tables; with foreign keys on, that once
    cascade-deleted every return value."""
    from sqlalchemy import func, select

    from models.store.db import make_sessionmaker, unit_of_work
    from models.store.entities import Return, ReturnBreakdownValue, ReturnValue
    from tests.helpers import factories as f

    upgrade(empty_db_url)
    factory = make_sessionmaker(make_engine(empty_db_url))
    with unit_of_work(factory) as s:
        owner = f.provider(s)
        svc = f.service(s, "S", owner)
        m = f.metric(s, svc, "People", categories=("A", "B"))
        ps = f.periods(s, 2024)
        f.a_return(s, svc, ps[1], "approved", {m: 5}, breakdown={m.categories[0]: 2, m.categories[1]: 3})
    counts = lambda: [  # noqa: E731
        s.scalar(select(func.count()).select_from(t)) for t in (Return, ReturnValue, ReturnBreakdownValue)]
    with unit_of_work(factory) as s:
        before = counts()
    # 0002 rebuilds the return table on SQLite (batch mode), both ways.
    downgrade(empty_db_url, "0001")
    upgrade(empty_db_url, "head")
    with unit_of_work(factory) as s:
        assert counts() == before == [1, 1, 2]


def test_0007_adds_early_submission_off_for_existing_periods_and_drops_it_again(empty_db_url):
    """A period made before 0007 reads "submit from the day after the quarter ends" (false);
    downgrading removes the column and the audit index and keeps the row."""
    from sqlalchemy import text

    def columns() -> set[str]:
        engine = make_engine(empty_db_url)
        try:
            return {c["name"] for c in inspect(engine).get_columns("period")}
        finally:
            engine.dispose()

    def audit_indexes() -> set[str]:
        engine = make_engine(empty_db_url)
        try:
            return {i["name"] for i in inspect(engine).get_indexes("audit_event")}
        finally:
            engine.dispose()

    upgrade(empty_db_url, "0006")
    assert "early_submission" not in columns()
    engine = make_engine(empty_db_url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO period (year, quarter, status, due_date) "
                                "VALUES (2026, 3, 'open', '2027-01-20')"))
    upgrade(empty_db_url, "0007")
    assert "early_submission" in columns() and "ix_audit_event_record" in audit_indexes()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT early_submission FROM period")).scalar() in (False, 0)
    downgrade(empty_db_url, "0006")
    assert "early_submission" not in columns() and "ix_audit_event_record" not in audit_indexes()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM period")).scalar() == 1
    engine.dispose()
