"""sign_in_failure: throttle repeated failed sign-ins

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_failure_email", "sign_in_failure", ["email"])
    op.create_index("ix_sign_in_failure_at", "sign_in_failure", ["at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_failure_at", table_name="sign_in_failure")
    op.drop_index("ix_sign_in_failure_email", table_name="sign_in_failure")
    op.drop_table("sign_in_failure")
