"""Administration: providers, services, metrics, targets, periods, users, RAG thresholds.

Every function checks the admin role and writes an audit event. Messages are for people."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from models.access import Actor, require_admin
from models.rules.disclosure import DEFAULT_THRESHOLD
from models.rules.formats import format_date
from models.rules.periods import Quarter
from models.rules.rag import rag_rule_text
from models.rules.validation import clean_text
from models.store.audit import record
from models.store.entities import (
    AuditEvent,
    Metric,
    MetricCategory,
    Period,
    Priority,
    Provider,
    ReturnBreakdownValue,
    ReturnValue,
    Service,
    Target,
    User,
    Workstream,
)
from models.store.settings import DISCLOSURE_KEY, disclosure_threshold, rag_thresholds, set_setting
from models.store.users import (
    MIN_PASSWORD_LENGTH,
    ONE_TIME_PASSWORD_LIFETIME,
    UserError,
    create_user,
    end_sessions,
    issue_one_time_password,
)


class AdminError(ValueError):
    """A change that cannot be made; the message says why and what to do instead."""


def slugify(name: str) -> str:
    """A provider's short name for URLs and demo sign-ins: 'Safer Futures' -> 'safer-futures'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "provider"


def _existing(session: Session, model: type, record_id: int | None, what: str):  # noqa: ANN202
    """The record, or an AdminError saying it does not exist."""
    row = session.get(model, record_id) if record_id is not None else None
    if row is None:
        raise AdminError(f"That {what} does not exist")
    return row


def _same_name(session: Session, stmt, name: str):  # noqa: ANN001, ANN202
    """The row of `stmt` whose name matches `name` ignoring case, compared in Python:
    SQLite's lower() leaves non-ASCII letters alone."""
    wanted = name.casefold()
    return next((row for row in session.scalars(stmt) if row.name.casefold() == wanted), None)


def _clean(text: str | None, label: str, limit: int = 160) -> str:
    value = " ".join(clean_text(text).split())  # one line: no control characters or runs of spaces
    if not value:
        raise AdminError(f"Enter the {label}")
    if len(value) > limit:
        raise AdminError(f"The {label} must be {limit} characters or fewer")
    return value


# Providers ------------------------------------------------------------------------------

def save_provider(session: Session, actor: Actor, name: str, provider_id: int | None = None,
                  active: bool = True) -> Provider:
    require_admin(actor, "change providers")
    name = _clean(name, "provider's name")
    clash = _same_name(session, select(Provider), name)
    if clash is not None and clash.id != provider_id:
        raise AdminError(f"There is already a provider called {clash.name}")
    if provider_id is None:
        slug, n = slugify(name), 1
        while session.scalars(select(Provider).where(Provider.slug == slug)).first():
            n += 1
            slug = f"{slugify(name)}-{n}"
        provider = Provider(name=name, slug=slug, active=active)
        session.add(provider)
        session.flush()
        record(session, actor.id, "create", "provider", provider.id, None, {"name": name})
        return provider
    provider = _existing(session, Provider, provider_id, "provider")
    before = {"name": provider.name, "active": provider.active}
    provider.name, provider.active = name, active
    record(session, actor.id, "update", "provider", provider.id, before,
           {"name": name, "active": active})
    return provider


# Services -------------------------------------------------------------------------------

@dataclass
class ServiceForm:
    name: str
    priority_id: int | None
    workstream_id: int | None
    provider_id: int | None
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    annual_contract_value: float | None = None
    description: str = ""
    active: bool = True


def save_service(session: Session, actor: Actor, form: ServiceForm,
                 service_id: int | None = None) -> Service:
    require_admin(actor, "change services")
    name = _clean(form.name, "service's name")
    if form.priority_id is None or session.get(Priority, form.priority_id) is None:
        raise AdminError("Choose the strategy priority the service delivers")
    if form.workstream_id is None or session.get(Workstream, form.workstream_id) is None:
        raise AdminError("Choose the workstream")
    if form.provider_id is not None and session.get(Provider, form.provider_id) is None:
        raise AdminError("Choose a provider from the list")
    if form.contract_start and form.contract_end and form.contract_end < form.contract_start:
        raise AdminError("The contract must end after it starts")
    if form.annual_contract_value is not None and form.annual_contract_value < 0:
        raise AdminError("The annual contract value must be 0 or more")
    clash = _same_name(session, select(Service), name)
    if clash is not None and clash.id != service_id:
        raise AdminError(f"There is already a service called {clash.name}")
    values = {"name": name, "short_name": name[:60], "priority_id": form.priority_id,
              "workstream_id": form.workstream_id, "provider_id": form.provider_id,
              "contract_start": form.contract_start, "contract_end": form.contract_end,
              "annual_contract_value": form.annual_contract_value,
              "description": clean_text(form.description), "active": form.active}
    if service_id is None:
        order = (session.scalar(select(func.max(Service.display_order))) or 0) + 1
        service = Service(display_order=order, **values)
        session.add(service)
        session.flush()
        record(session, actor.id, "create", "service", service.id, None, values)
        return service
    service = _existing(session, Service, service_id, "service")
    before = {k: getattr(service, k) for k in values}
    for key, value in values.items():
        setattr(service, key, value)
    record(session, actor.id, "update", "service", service.id, before, values)
    return service


# Metrics --------------------------------------------------------------------------------

@dataclass
class MetricForm:
    name: str
    kind: str  # output | outcome
    unit: str  # count | percent
    higher_is_better: bool = True
    categories: tuple[str, ...] = ()
    baseline_value: float | None = None
    baseline_period: str | None = None
    baseline_source: str | None = None
    display_order: int | None = None  # None: after the service's other metrics
    is_headline: bool = False


def metric_has_data(session: Session, metric_id: int) -> bool:
    values = session.scalar(select(func.count()).select_from(ReturnValue)
                            .where(ReturnValue.metric_id == metric_id))
    parts = session.scalar(select(func.count()).select_from(ReturnBreakdownValue)
                           .join(MetricCategory, MetricCategory.id == ReturnBreakdownValue.category_id)
                           .where(MetricCategory.metric_id == metric_id))
    return bool(values or parts)


def save_metric(session: Session, actor: Actor, service_id: int, form: MetricForm,
                metric_id: int | None = None) -> Metric:
    """Add or change a metric. A change that would alter past figures (its unit or its
    breakdown categories, once returns hold data) is refused with the way round it."""
    require_admin(actor, "change metrics")
    name = _clean(form.name, "metric's name", 200)
    if form.kind not in ("output", "outcome"):
        raise AdminError("Choose whether the metric is an output or an outcome")
    if form.unit not in ("count", "percent"):
        raise AdminError("Choose whether the metric is a count or a percentage")
    categories = tuple(c.strip() for c in form.categories if c.strip())
    if len(set(c.lower() for c in categories)) != len(categories):
        raise AdminError("Each breakdown category must have a different name")
    if categories and form.unit == "percent":
        raise AdminError("Only counts can have breakdown categories")
    if form.baseline_value is not None and form.baseline_value < 0:
        raise AdminError("The baseline must be 0 or more")
    if form.baseline_value is not None and not (form.baseline_period or "").strip():
        raise AdminError("Enter the period the baseline covers, like 2018/19")
    _existing(session, Service, service_id, "service")
    clash = _same_name(session, select(Metric).where(Metric.service_id == service_id), name)
    if clash is not None and clash.id != metric_id:
        raise AdminError(f"This service already has a metric called {clash.name}")
    values = {"name": name, "kind": form.kind, "unit": form.unit,
              "higher_is_better": form.higher_is_better, "display_order": form.display_order,
              "baseline_value": form.baseline_value,
              "baseline_period": (form.baseline_period or "").strip() or None,
              "baseline_source": (form.baseline_source or "").strip() or None,
              "is_headline": form.is_headline}
    if values["display_order"] is None:
        if metric_id is None:
            last = session.scalar(select(func.max(Metric.display_order))
                                  .where(Metric.service_id == service_id))
            values["display_order"] = 0 if last is None else last + 1
        else:
            values.pop("display_order")
    if metric_id is None:
        metric = Metric(service_id=service_id, active=True, **values)
        session.add(metric)
        session.flush()
        for order, c in enumerate(categories):
            session.add(MetricCategory(metric_id=metric.id, name=c, display_order=order))
        record(session, actor.id, "create", "metric", metric.id, None,
               {**values, "categories": list(categories)})
        return metric
    metric = session.get(Metric, metric_id)
    if metric is None or metric.service_id != service_id:
        raise AdminError("That metric does not exist")
    current = tuple(c.name for c in metric.categories)
    if metric_has_data(session, metric.id):
        if form.unit != metric.unit:
            raise AdminError(f"{metric.name} already has figures in returns, so its unit cannot "
                             "change: that would change past figures. Retire it and add a new "
                             "metric instead")
        if categories != current:
            raise AdminError(f"{metric.name} already has figures in returns, so its breakdown "
                             "categories cannot change: that would change past figures. Retire "
                             "it and add a new metric instead")
    before = {**{k: getattr(metric, k) for k in values}, "categories": list(current)}
    for key, value in values.items():
        setattr(metric, key, value)
    if categories != current:
        for c in list(metric.categories):
            session.delete(c)
        session.flush()
        for order, c in enumerate(categories):
            session.add(MetricCategory(metric_id=metric.id, name=c, display_order=order))
    record(session, actor.id, "update", "metric", metric.id, before,
           {**values, "categories": list(categories)})
    return metric


def retire_metric(session: Session, actor: Actor, metric_id: int, active: bool = False) -> Metric:
    """Retire (or bring back) a metric: it leaves the return form, its history stays."""
    require_admin(actor, "retire metrics")
    metric = _existing(session, Metric, metric_id, "metric")
    before = metric.active
    metric.active = active
    record(session, actor.id, "retire" if not active else "restore", "metric", metric.id,
           {"active": before}, {"active": active})
    return metric


def delete_metric(session: Session, actor: Actor, metric_id: int) -> None:
    require_admin(actor, "delete metrics")
    metric = _existing(session, Metric, metric_id, "metric")
    if metric_has_data(session, metric_id):
        raise AdminError(f"{metric.name} has figures in returns, so it cannot be deleted. "
                         "Retire it instead: it leaves the form and its history stays")
    for c in list(metric.categories):
        session.delete(c)
    for t in session.scalars(select(Target).where(Target.metric_id == metric_id)):
        session.delete(t)
    record(session, actor.id, "delete", "metric", metric.id, {"name": metric.name}, None)
    session.delete(metric)
    session.flush()


# Targets --------------------------------------------------------------------------------

@dataclass
class TargetRow:
    metric_id: int
    metric: str
    unit: str
    annual: float | None
    quarters: list[float | None]


def target_rows(session: Session, service_id: int, year: int) -> list[TargetRow]:
    metrics = session.scalars(select(Metric).where(Metric.service_id == service_id, Metric.active)
                              .order_by(Metric.display_order, Metric.id)).all()
    stored = {(t.metric_id, t.quarter): t.value for t in session.scalars(
        select(Target).where(Target.year == year,
                             Target.metric_id.in_([m.id for m in metrics])))}
    return [TargetRow(m.id, m.name, m.unit, stored.get((m.id, None)),
                      [stored.get((m.id, q)) for q in (1, 2, 3, 4)]) for m in metrics]


def _check_target(value: float | None, unit: str, where: str) -> None:
    if value is None:
        return
    if value < 0:
        raise AdminError(f"{where}: a target must be 0 or more")
    if unit == "percent" and value > 100:
        raise AdminError(f"{where}: a percentage target must be 100 or less")


def save_targets(session: Session, actor: Actor, service_id: int, year: int,
                 rows: list[TargetRow]) -> int:
    """Replace the year's targets for the service's metrics with `rows`. All or nothing."""
    require_admin(actor, "set targets")
    metrics = {m.id: m for m in session.scalars(select(Metric).where(Metric.service_id == service_id))}
    for row in rows:
        if row.metric_id not in metrics:
            raise AdminError("A target names a metric of another service")
        unit = metrics[row.metric_id].unit
        _check_target(row.annual, unit, f"{row.metric}, annual")
        for q, value in enumerate(row.quarters, start=1):
            _check_target(value, unit, f"{row.metric}, Q{q}")
        if unit == "count" and row.annual is not None and all(v is not None for v in row.quarters):
            total = sum(v for v in row.quarters if v is not None)
            if abs(total - row.annual) > 1e-9:
                raise AdminError(f"{row.metric}: the quarters add up to {total:g} but the annual "
                                 f"target is {row.annual:g}. Make them agree, or clear the quarters "
                                 "to split the annual target evenly")
    before = [(r.metric_id, r.annual, r.quarters) for r in target_rows(session, service_id, year)]
    ids = [r.metric_id for r in rows]
    for t in session.scalars(select(Target).where(Target.year == year, Target.metric_id.in_(ids))):
        session.delete(t)
    session.flush()
    written = 0
    for row in rows:
        for quarter, value in ((None, row.annual), *enumerate(row.quarters, start=1)):
            if value is not None:
                session.add(Target(metric_id=row.metric_id, year=year, quarter=quarter, value=value))
                written += 1
    record(session, actor.id, "set targets", "service", service_id, {"year": year, "targets": before},
           {"year": year, "targets": [(r.metric_id, r.annual, r.quarters) for r in rows]})
    return written


def split_evenly(rows: list[TargetRow]) -> list[TargetRow]:
    """Quarterly targets from each annual one: counts split in four, percentages repeat."""
    out = []
    for r in rows:
        if r.annual is None:
            out.append(r)
        else:
            share = r.annual if r.unit == "percent" else r.annual / 4
            out.append(TargetRow(r.metric_id, r.metric, r.unit, r.annual, [share] * 4))
    return out


def copy_last_year(session: Session, service_id: int, year: int) -> list[TargetRow]:
    """This year's grid filled with last year's targets (not saved until the admin saves)."""
    last = {r.metric_id: r for r in target_rows(session, service_id, year - 1)}
    return [TargetRow(r.metric_id, r.metric, r.unit, last[r.metric_id].annual,
                      list(last[r.metric_id].quarters)) if r.metric_id in last else r
            for r in target_rows(session, service_id, year)]


# Periods --------------------------------------------------------------------------------

def generate_year(session: Session, actor: Actor, year: int) -> list[Period]:
    require_admin(actor, "create reporting periods")
    if not 2000 <= year <= 2100:
        raise AdminError("Enter a financial year like 2027/28")
    out = []
    for q in (1, 2, 3, 4):
        period = session.scalars(select(Period).filter_by(year=year, quarter=q)).one_or_none()
        if period is None:
            period = Period(year=year, quarter=q, status="open",
                            due_date=Quarter(year, q).default_due_date)
            session.add(period)
            session.flush()
            record(session, actor.id, "create", "period", period.id, None,
                   {"quarter": Quarter(year, q).label, "due": period.due_date})
        out.append(period)
    return out


def update_period(session: Session, actor: Actor, period_id: int, status: str,
                  due_date: dt.date) -> Period:
    """Set a period's due date and open or close it; closing locks its returns."""
    require_admin(actor, "change reporting periods")
    if status not in ("open", "closed"):
        raise AdminError("A period is either open or closed")
    period = _existing(session, Period, period_id, "period")
    if due_date <= Quarter(period.year, period.quarter).end:
        raise AdminError(f"The due date must be after the quarter ends "
                         f"({format_date(Quarter(period.year, period.quarter).end)})")
    before = {"status": period.status, "due": period.due_date}
    period.status, period.due_date = status, due_date
    record(session, actor.id, "update", "period", period.id, before, {"status": status, "due": due_date})
    return period


# Users ----------------------------------------------------------------------------------

def one_time_password() -> str:
    return secrets.token_urlsafe(12)


def invite_user(session: Session, actor: Actor, email: str, role: str, provider_id: int | None,
                valid_for: dt.timedelta = ONE_TIME_PASSWORD_LIFETIME) -> tuple[User, str]:
    """A new user with a one-time password they must replace at first sign-in."""
    require_admin(actor, "add users")
    provider = session.get(Provider, provider_id) if provider_id else None
    password = one_time_password()
    try:
        user = create_user(session, email, password, role, provider)
    except UserError as exc:
        raise AdminError(str(exc)) from None
    issue_one_time_password(session, user, password, valid_for)
    record(session, actor.id, "create", "user", user.id, None,
           {"email": user.email, "role": role, "provider_id": user.provider_id})
    return user, password


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)
                          .where(User.role == "admin", User.active)) or 0


def update_user(session: Session, actor: Actor, user_id: int, role: str, provider_id: int | None,
                active: bool) -> User:
    require_admin(actor, "change users")
    user = _existing(session, User, user_id, "user")
    if role not in ("provider", "viewer", "admin"):
        raise AdminError("Choose a role: provider, viewer or admin")
    if role == "provider" and (provider_id is None or session.get(Provider, provider_id) is None):
        raise AdminError("A provider user must belong to a provider")
    losing_admin = user.role == "admin" and user.active and (role != "admin" or not active)
    if losing_admin and _active_admins(session) <= 1:
        raise AdminError("This is the last active admin; make another user an admin first")
    before = {"role": user.role, "provider_id": user.provider_id, "active": user.active}
    user.role, user.active = role, active
    user.provider_id = provider_id if role == "provider" else None
    if before != {"role": user.role, "provider_id": user.provider_id, "active": user.active}:
        end_sessions(session, user.id)  # a session never carries rights the user no longer has
    record(session, actor.id, "update", "user", user.id, before,
           {"role": role, "provider_id": user.provider_id, "active": active})
    return user


def reset_password(session: Session, actor: Actor, user_id: int,
                   valid_for: dt.timedelta = ONE_TIME_PASSWORD_LIFETIME) -> str:
    """A new one-time password; the old password, any earlier one-time password and every
    existing session of the user stop working."""
    require_admin(actor, "reset passwords")
    user = _existing(session, User, user_id, "user")
    password = one_time_password()
    issue_one_time_password(session, user, password, valid_for)
    record(session, actor.id, "reset password", "user", user.id, None, {"email": user.email})
    return password


def change_own_password(session: Session, user_id: int, new_password: str, confirm: str,
                        current_password: str | None = None) -> int:
    """The user's own new password. The current one is needed, except on the forced change
    after signing in with a one-time password. Every other session of the user ends: the
    new session generation is returned for the session that made the change."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise AdminError("Your account is not active")
    if not user.must_change_password:
        if not current_password:
            raise AdminError("Enter your current password")
        # The caller counts this check with the sign-in attempts (take_password_attempt).
        if not check_password_hash(user.password_hash, current_password):
            raise AdminError("Your current password is not right")
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise AdminError(f"Your new password must be at least {MIN_PASSWORD_LENGTH} characters")
    if new_password != confirm:
        raise AdminError("The two passwords do not match")
    user.password_hash = generate_password_hash(new_password)
    user.must_change_password = False
    user.one_time_password_expires = None
    session.flush()
    record(session, user.id, "change password", "user", user.id, None, None)
    return end_sessions(session, user.id)


# RAG thresholds -------------------------------------------------------------------------

def set_rag(session: Session, actor: Actor, green_percent: float, amber_percent: float) -> None:
    require_admin(actor, "change the RAG rule")
    if not 0 < amber_percent < green_percent <= 200:
        raise AdminError("Amber must be above 0% and below Green; Green at most 200%")
    before = rag_thresholds(session)
    set_setting(session, "rag_green", f"{green_percent / 100:g}")
    set_setting(session, "rag_amber", f"{amber_percent / 100:g}")
    record(session, actor.id, "update", "rag thresholds", None,
           {"green": before.green, "amber": before.amber},
           {"green": green_percent / 100, "amber": amber_percent / 100})


def set_disclosure_threshold(session: Session, actor: Actor, threshold: float | None) -> None:
    """Publication mode hides counts below `threshold` (DESIGN §3; `DEFAULT_THRESHOLD` until set)."""
    require_admin(actor, "change the publication threshold")
    if threshold is None or not float(threshold).is_integer() or not 2 <= threshold <= 20:
        raise AdminError("The publication threshold must be a whole number from 2 to 20, "
                         f"like {DEFAULT_THRESHOLD}")
    before = disclosure_threshold(session)
    if before != int(threshold):
        set_setting(session, DISCLOSURE_KEY, str(int(threshold)))
        record(session, actor.id, "update", "publication threshold", None,
               {"threshold": before}, {"threshold": int(threshold)})


def rag_rule_words(session: Session) -> str:
    return rag_rule_text(rag_thresholds(session))


# Audit log ------------------------------------------------------------------------------

@dataclass
class AuditRow:
    at: dt.datetime
    user: str
    action: str
    record: str
    before: str
    after: str


def audit_log(session: Session, actor: Actor, *, user_email: str | None = None,
              entity: str | None = None, since: dt.date | None = None,
              until: dt.date | None = None, limit: int = 200) -> list[AuditRow]:
    require_admin(actor, "read the audit log")
    stmt = (select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.user_id)
            .order_by(AuditEvent.id.desc()).limit(limit))
    if user_email:
        stmt = stmt.where(func.lower(User.email).contains(user_email.strip().lower()))
    if entity:
        stmt = stmt.where(AuditEvent.entity == entity)
    if since:
        stmt = stmt.where(AuditEvent.at >= dt.datetime.combine(since, dt.time()))
    if until:
        stmt = stmt.where(AuditEvent.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    return [AuditRow(e.at, email or "system", e.action,
                     f"{e.entity} {e.entity_id}" if e.entity_id is not None else e.entity,
                     e.before or "", e.after or "") for e, email in session.execute(stmt)]
