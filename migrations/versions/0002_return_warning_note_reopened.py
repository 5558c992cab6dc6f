"""return: warning note and reopened flag

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("return") as batch:
        batch.add_column(sa.Column("warning_note", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("reopened", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("return") as batch:
        batch.drop_column("reopened")
        batch.drop_column("warning_note")
