"""service_change (issue 19): changes in a service marked by the lead officer, after which
the trend charts' control limits are recalculated

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("service_id", sa.Integer(), sa.ForeignKey("service.id"), nullable=False),
        sa.Column("period_id", sa.Integer(), sa.ForeignKey("period.id"), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.UniqueConstraint("service_id", "period_id", name="uq_service_change_period"),
    )
    op.create_index("ix_service_change_service_id", "service_change", ["service_id"])


def downgrade() -> None:
    op.drop_index("ix_service_change_service_id", table_name="service_change")
    op.drop_table("service_change")
