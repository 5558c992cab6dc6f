"""session generation and one-time password expiry on users; atomic throttle counters

Revision ID: 0006
Revises: 0005
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("one_time_password_expires", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("session_generation", sa.Integer(), nullable=False,
                                   server_default="0"))
    # One-time passwords issued before this version expire a week from now.
    expires = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=7)
    users = sa.table("app_user", sa.column("must_change_password", sa.Boolean()),
                     sa.column("one_time_password_expires", sa.DateTime()))
    op.execute(users.update().where(users.c.must_change_password == sa.true())
               .values(one_time_password_expires=expires))
    op.create_table(
        "throttle_counter",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_throttle_counter_expires_at", "throttle_counter", ["expires_at"])
    op.drop_index("ix_sign_in_failure_at", table_name="sign_in_failure")
    op.drop_index("ix_sign_in_failure_email", table_name="sign_in_failure")
    op.drop_table("sign_in_failure")


def downgrade() -> None:
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_failure_email", "sign_in_failure", ["email"])
    op.create_index("ix_sign_in_failure_at", "sign_in_failure", ["at"])
    op.drop_index("ix_throttle_counter_expires_at", table_name="throttle_counter")
    op.drop_table("throttle_counter")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("session_generation")
        batch.drop_column("one_time_password_expires")
