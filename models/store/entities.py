"""The domain's tables as SQLAlchemy 2 typed ORM classes (DESIGN §3)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.store.base import Base

ROLES = ("provider", "viewer", "admin")
RETURN_STATES = ("draft", "submitted", "approved", "returned")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Priority(Base):
    __tablename__ = "priority"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    short_name: Mapped[str] = mapped_column(String(60))
    cross_cutting: Mapped[bool] = mapped_column(Boolean, default=False)
    display_order: Mapped[int] = mapped_column(Integer, default=0)


class Workstream(Base):
    __tablename__ = "workstream"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    display_order: Mapped[int] = mapped_column(Integer, default=0)


class Ward(Base):
    __tablename__ = "ward"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    higher_risk: Mapped[bool] = mapped_column(Boolean, default=True)


class Provider(Base):
    __tablename__ = "provider"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set for an invited user or after a reset: the one-time password must be replaced
    # at the next sign-in before anything else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=sa_false())
    # When the one-time password stops working; cleared by the one sign-in it allows.
    one_time_password_expires: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Part of every session's identity: moving it on ends every session of this user
    # (sign-out, a password change or reset, a role or provider change, deactivation).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The user's choice about reminder emails; security emails (resets) are always sent.
    reminder_emails: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    provider: Mapped[Provider | None] = relationship()


class Service(Base):
    __tablename__ = "service"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    short_name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id"))
    workstream_id: Mapped[int] = mapped_column(ForeignKey("workstream.id"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"), index=True)
    contract_start: Mapped[dt.date | None] = mapped_column(Date)
    contract_end: Mapped[dt.date | None] = mapped_column(Date)
    annual_contract_value: Mapped[float | None] = mapped_column(Float)
    display_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    priority: Mapped[Priority] = relationship()
    workstream: Mapped[Workstream] = relationship()
    provider: Mapped[Provider | None] = relationship()
    metrics: Mapped[list[Metric]] = relationship(
        back_populates="service", order_by="(Metric.display_order, Metric.id)"
    )


class Metric(Base):
    """A measure a service reports. Outcomes are stored as numerator and denominator."""

    __tablename__ = "metric"
    __table_args__ = (UniqueConstraint("service_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # output | outcome
    unit: Mapped[str] = mapped_column(String(10))  # count | percent
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True)
    is_headline: Mapped[bool] = mapped_column(Boolean, default=False)
    display_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The strategy's published figure, kept exactly as published: a count, or a
    # percentage whose cohort the strategy may not give. Never a derived numerator.
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_period: Mapped[str | None] = mapped_column(String(80))
    baseline_source: Mapped[str | None] = mapped_column(String(200))
    baseline_note: Mapped[str | None] = mapped_column(String(300))

    service: Mapped[Service] = relationship(back_populates="metrics")
    categories: Mapped[list[MetricCategory]] = relationship(
        back_populates="metric", order_by="MetricCategory.display_order"
    )

    @property
    def is_rate(self) -> bool:
        return self.unit == "percent"


class MetricCategory(Base):
    """A breakdown category; a return's category values must sum to the metric's total."""

    __tablename__ = "metric_category"
    __table_args__ = (UniqueConstraint("metric_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    metric_id: Mapped[int] = mapped_column(ForeignKey("metric.id"))
    name: Mapped[str] = mapped_column(String(120))
    display_order: Mapped[int] = mapped_column(Integer, default=0)
    baseline_value: Mapped[float | None] = mapped_column(Float)
    metric: Mapped[Metric] = relationship(back_populates="categories")


class Period(Base):
    """A financial-year quarter. `year` is the start year: 2024 means 2024/25."""

    __tablename__ = "period"
    __table_args__ = (UniqueConstraint("year", "quarter"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | closed
    due_date: Mapped[dt.date] = mapped_column(Date)
    # The lead officer may let a quarter's returns be submitted before it ends (otherwise
    # from the day after: models.rules.periods.may_submit_on).
    early_submission: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class Target(Base):
    """A metric's target for a year (quarter NULL) or one quarter of it."""

    __tablename__ = "target"
    __table_args__ = (
        UniqueConstraint("metric_id", "year", "quarter"),
        # Covering: a year's targets are read from the index alone.
        Index("ix_target_year", "year", "metric_id", "quarter", "value"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    metric_id: Mapped[int] = mapped_column(ForeignKey("metric.id"))
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)


class Return(Base):
    __tablename__ = "return"
    __table_args__ = (
        UniqueConstraint("service_id", "period_id"),
        # The dashboard's aggregates find a year's returns by period and status.
        Index("ix_return_period_status", "period_id", "status", "service_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    highlights: Mapped[str] = mapped_column(Text, default="")
    challenges: Mapped[str] = mapped_column(Text, default="")
    case_study: Mapped[str] = mapped_column(Text, default="")
    officer_comment: Mapped[str] = mapped_column(Text, default="")
    # The provider's explanation for figures that raised warnings (far outside history).
    warning_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Set when an admin reopens an approved or closed-period return, so it can be edited.
    reopened: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    service: Mapped[Service] = relationship()
    period: Mapped[Period] = relationship()
    values: Mapped[list[ReturnValue]] = relationship(cascade="all, delete-orphan")
    breakdown_values: Mapped[list[ReturnBreakdownValue]] = relationship(
        cascade="all, delete-orphan"
    )

    # Optimistic concurrency: a save against a stale version fails instead of overwriting.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it


class ReturnValue(Base):
    __tablename__ = "return_value"
    __table_args__ = (
        UniqueConstraint("return_id", "metric_id"),
        # Covering: the aggregates read these columns from the index alone.
        Index("ix_return_value_cover", "return_id", "metric_id", "count", "numerator", "denominator"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("return.id", ondelete="CASCADE"))
    metric_id: Mapped[int] = mapped_column(ForeignKey("metric.id"))
    count: Mapped[int | None] = mapped_column(Integer)
    numerator: Mapped[int | None] = mapped_column(Integer)
    denominator: Mapped[int | None] = mapped_column(Integer)


class ReturnBreakdownValue(Base):
    __tablename__ = "return_breakdown_value"
    __table_args__ = (UniqueConstraint("return_id", "category_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("return.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("metric_category.id"))
    count: Mapped[int] = mapped_column(Integer)


class AuditEvent(Base):
    __tablename__ = "audit_event"
    # One record's history, in order: the review queue reads a return's last decision and
    # the figures it was made on.
    __table_args__ = (Index("ix_audit_event_record", "entity", "entity_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


class AppSetting(Base):
    """Small key/value settings: RAG thresholds, whether demo data is loaded."""

    __tablename__ = "app_setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class DataVersion(Base):
    """One row: a counter any change to the figures bumps, so cached views know they are stale."""

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(BigInteger)


class ThrottleCounter(Base):
    """A counter in a time window, shared by every worker: sign-in attempts per email address
    and Flask-Limiter's per-client limits (when no Redis is configured)."""

    __tablename__ = "throttle_counter"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)  # seconds since the epoch


MAIL_STATES = ("queued", "sending", "sent", "outbox", "failed")


class MailMessage(Base):
    """One email: queued by the request that caused it, then claimed ("sending") and sent
    through SMTP, written to the outbox folder (no SMTP configured), or failed after its
    retries, by a background sender. What it says (`payload`) is kept only while it waits:
    it is erased when the message is settled, so a reset link's token does not stay."""

    __tablename__ = "mail_message"
    __table_args__ = (Index("ix_mail_message_created", "created_at"),
                      Index("ix_mail_message_status", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    to_address: Mapped[str] = mapped_column(String(254))
    event: Mapped[str] = mapped_column(String(40))  # what caused it: "return-submitted", …
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12))  # one of MAIL_STATES
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    error: Mapped[str] = mapped_column(String(300), default="", server_default="")
    outbox_file: Mapped[str] = mapped_column(String(120), default="", server_default="")
    payload: Mapped[str | None] = mapped_column(Text)  # JSON of the Email while queued or sending
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # when a sender took it
    # Messages queued together whose fate is judged together (a provider's reminder): the
    # id of the first of them; None for a message on its own.
    batch_id: Mapped[int | None] = mapped_column(Integer)


class OneTimeLink(Base):
    """A single-use link (invitation or password reset): only the SHA-256 of its token is kept."""

    __tablename__ = "one_time_link"
    __table_args__ = (Index("ix_one_time_link_user", "user_id", "purpose"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    purpose: Mapped[str] = mapped_column(String(12))  # "invite" | "reset"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ReminderSent(Base):
    """A reminder already sent to a provider about a period: never the same one twice."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("provider_id", "period_id", "kind", name="uq_reminder_sent_once"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    kind: Mapped[str] = mapped_column(String(20))  # "before-10", "before-3", "due", "overdue-2026-12-07"
    sent_on: Mapped[dt.date] = mapped_column(Date)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("mail_message.id"))


class ServiceChange(Base):
    """A change in how a service is delivered (a new contract, a new model of delivery),
    marked by the lead officer: control limits are recalculated from `period_id`, the first
    quarter of the new process (models.rules.spc)."""

    __tablename__ = "service_change"
    __table_args__ = (UniqueConstraint("service_id", "period_id", name="uq_service_change_period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    period: Mapped[Period] = relationship()


class ApiToken(Base):
    """A personal API token (issue 21): named by its user, shown once when made and kept
    only as its SHA-256 (a token is 256 random bits: a slow hash adds nothing), expiring,
    revocable. The API acts as its user, seeing exactly what that user sees in the app."""

    __tablename__ = "api_token"
    __table_args__ = (Index("ix_api_token_user", "user_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
