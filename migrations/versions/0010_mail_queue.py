"""mail queue (issue 20): a message is recorded "queued" with what it says, delivered in the
background, and what it says is erased once it is settled

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mail_message") as batch:
        batch.add_column(sa.Column("payload", sa.Text(), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mail_message") as batch:
        batch.drop_column("batch_id")
        batch.drop_column("claimed_at")
        batch.drop_column("payload")
