"""mail (issue 18): every message sent or written to the outbox, single-use links for
invitations and password resets, the reminders already sent, and each user's choice
about reminder emails

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("reminder_emails", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    op.create_table(
        "mail_message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("to_address", sa.String(254), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("error", sa.String(300), nullable=False, server_default=""),
        sa.Column("outbox_file", sa.String(120), nullable=False, server_default=""),
    )
    op.create_index("ix_mail_message_created", "mail_message", ["created_at"])
    op.create_index("ix_mail_message_status", "mail_message", ["status"])
    op.create_table(
        "one_time_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("purpose", sa.String(12), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_one_time_link_user", "one_time_link", ["user_id", "purpose"])
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("provider_id", sa.Integer(), sa.ForeignKey("provider.id"), nullable=False),
        sa.Column("period_id", sa.Integer(), sa.ForeignKey("period.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("mail_message.id"), nullable=True),
        sa.UniqueConstraint("provider_id", "period_id", "kind", name="uq_reminder_sent_once"),
    )


def downgrade() -> None:
    op.drop_table("reminder_sent")
    op.drop_index("ix_one_time_link_user", table_name="one_time_link")
    op.drop_table("one_time_link")
    op.drop_index("ix_mail_message_status", table_name="mail_message")
    op.drop_index("ix_mail_message_created", table_name="mail_message")
    op.drop_table("mail_message")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("reminder_emails")
