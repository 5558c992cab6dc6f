"""early submission: the lead officer may let a period's returns be submitted before the
quarter ends (by default they may be submitted from the day after); an index on the audit
trail by record, which the review queue reads for a resubmission's earlier decision

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("period") as batch:
        batch.add_column(sa.Column("early_submission", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_index("ix_audit_event_record", "audit_event", ["entity", "entity_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_record", table_name="audit_event")
    with op.batch_alter_table("period") as batch:
        batch.drop_column("early_submission")
