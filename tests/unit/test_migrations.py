"""Migrations build the whole schema on an empty database and re-run as a no-op."""

from sqlalchemy import inspect

from models.db import Base, make_engine
from models.migrate import downgrade, upgrade


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
