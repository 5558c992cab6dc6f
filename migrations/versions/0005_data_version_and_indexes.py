"""data_version for the dashboard cache; indexes the dashboard's aggregates use

Revision ID: 0005
Revises: 0004
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # The token tells apart databases (and restores) whose version counters coincide.
    op.bulk_insert(table, [{"id": 1, "token": uuid.uuid4().hex, "version": 1}])
    op.drop_index("ix_return_period_id", table_name="return")
    op.create_index("ix_return_period_status", "return", ["period_id", "status", "service_id"])
    op.create_index("ix_return_value_cover", "return_value",
                    ["return_id", "metric_id", "count", "numerator", "denominator"])
    # Covering: a year's targets are read from the index alone.
    op.create_index("ix_target_year", "target", ["year", "metric_id", "quarter", "value"])
    op.create_index("ix_service_provider_id", "service", ["provider_id"])


def downgrade() -> None:
    op.drop_index("ix_service_provider_id", table_name="service")
    op.drop_index("ix_target_year", table_name="target")
    op.drop_index("ix_return_value_cover", table_name="return_value")
    op.drop_index("ix_return_period_status", table_name="return")
    op.create_index("ix_return_period_id", "return", ["period_id"])
    op.drop_table("data_version")
