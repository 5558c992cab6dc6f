"""Reading one service's return and its neighbours: the lookups that loading, saving and
listing returns share. Each access-checked read goes through `load_checked`."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.access import AccessRefused, Actor, check_view
from models.rules.formats import format_entered
from models.rules.periods import Quarter
from models.rules.validation import NARRATIVE_FIELDS, FieldKey, MetricDef
from models.rules.workflow import COUNTED_STATES
from models.store.entities import Metric, Period, Return, ReturnValue, Service


def service_with_metrics(session: Session, service_id: int) -> Service | None:
    return session.scalars(
        select(Service).where(Service.id == service_id)
        .options(selectinload(Service.metrics).selectinload(Metric.categories),
                 selectinload(Service.provider))
    ).one_or_none()


def services_with_metrics(session: Session, service_ids: Iterable[int]) -> dict[int, Service]:
    """Several services with their metrics, categories and provider: three queries
    however many services (a list of returns reads them all at once, not one by one)."""
    ids = sorted(set(service_ids))
    if not ids:
        return {}
    return {s.id: s for s in session.scalars(
        select(Service).where(Service.id.in_(ids))
        .options(selectinload(Service.metrics).selectinload(Metric.categories),
                 selectinload(Service.provider)))}


def returns_with_values(session: Session, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Return]:
    """The returns of several (service, period) pairs, each with its figures, keyed by the
    pair: three queries however many pairs."""
    wanted = set(pairs)
    if not wanted:
        return {}
    found = session.scalars(
        select(Return).where(Return.service_id.in_(sorted({s for s, _ in wanted})),
                             Return.period_id.in_(sorted({p for _, p in wanted})))
        .options(selectinload(Return.values), selectinload(Return.breakdown_values)))
    return {(r.service_id, r.period_id): r for r in found if (r.service_id, r.period_id) in wanted}


def find_return(session: Session, service_id: int, period_id: int) -> Return | None:
    return session.scalars(
        select(Return).where(Return.service_id == service_id, Return.period_id == period_id)
        .options(selectinload(Return.values), selectinload(Return.breakdown_values))
    ).one_or_none()


def active_metrics(service: Service) -> list[Metric]:
    return [m for m in service.metrics if m.active]


def metric_defs(service: Service) -> list[MetricDef]:
    return [MetricDef(m.id, m.name, m.unit, tuple((c.id, c.name) for c in m.categories))
            for m in active_metrics(service)]


def value_texts(ret: Return | None) -> dict[FieldKey, str]:
    """A return's stored figures as text, each under its field; blanks left out."""
    out: dict[FieldKey, str] = {}
    if ret is None:
        return out
    for v in ret.values:
        for key, value in ((FieldKey.count(v.metric_id), v.count),
                           (FieldKey.numerator(v.metric_id), v.numerator),
                           (FieldKey.denominator(v.metric_id), v.denominator)):
            if value is not None:
                out[key] = str(value)
    for b in ret.breakdown_values:
        out[FieldKey.category(b.category_id)] = str(b.count)
    return out


def form_texts(ret: Return) -> dict[FieldKey, str]:
    """Every field of a return's form as a reload would draw it: figures and narrative."""
    out = value_texts(ret)
    for name in NARRATIVE_FIELDS:
        out[FieldKey.narrative(name)] = getattr(ret, name) or ""
    return out


def quarter_of(period: Period) -> Quarter:
    return Quarter(period.year, period.quarter)


def previous_period(session: Session, period: Period) -> Period | None:
    prev = quarter_of(period).previous()
    return session.scalars(select(Period).filter_by(year=prev.year, quarter=prev.quarter)).one_or_none()


def last_quarter_counts(session: Session, service_id: int, period: Period) -> dict[int, int]:
    prev = previous_period(session, period)
    return counts_of(find_return(session, service_id, prev.id) if prev else None)


def counts_of(ret: Return | None) -> dict[int, int]:
    """A return's counts by metric (what last quarter's return said, for the jump check)."""
    if ret is None:
        return {}
    return {v.metric_id: v.count for v in ret.values if v.count is not None}


def approved_history(session: Session, service_id: int, period_id: int) -> dict[int, list[int]]:
    """Approved counts of each metric of the service in other periods."""
    return history_without(approved_counts(session, [service_id]).get(service_id, []), period_id)


HistoryRow = tuple[int, int, int]  # period id, metric id, count


def approved_counts(session: Session, service_ids: Iterable[int]) -> dict[int, list[HistoryRow]]:
    """Every counted (approved) count of several services, in one query: each service's
    (period, metric, count) rows, for `history_without` to give one return's history."""
    ids = sorted(set(service_ids))
    out: dict[int, list[HistoryRow]] = {}
    if not ids:
        return out
    rows = session.execute(
        select(Return.service_id, Return.period_id, ReturnValue.metric_id, ReturnValue.count)
        .join(Return, Return.id == ReturnValue.return_id)
        .where(Return.service_id.in_(ids), Return.status.in_(COUNTED_STATES),
               ReturnValue.count.is_not(None))
    )
    for service_id, period_id, metric_id, count in rows:
        out.setdefault(service_id, []).append((period_id, metric_id, count))
    return out


def history_without(rows: Iterable[HistoryRow], period_id: int) -> dict[int, list[int]]:
    """Each metric's counts in periods other than this one (the return being checked)."""
    out: dict[int, list[int]] = {}
    for other_period, metric_id, count in rows:
        if other_period != period_id:
            out.setdefault(metric_id, []).append(count)
    return out


def load_checked(session: Session, actor: Actor, service_id: int, period_id: int
                 ) -> tuple[Service, Period, Return | None]:
    service = check_view(actor, service_with_metrics(session, service_id))
    period = session.get(Period, period_id)
    if period is None:
        raise AccessRefused("That reporting period does not exist.", "period", period_id)
    return service, period, find_return(session, service_id, period_id)


def figure_text(values: dict[FieldKey, str], metric: Metric) -> str:
    """'16 of 19' for a rate, the count for a count ('1,364'), '' when not filled in."""
    if metric.is_rate:
        num, den = values.get(FieldKey.numerator(metric.id)), values.get(FieldKey.denominator(metric.id))
        return (f"{format_entered(num)} of {format_entered(den)}"
                if num is not None and den is not None else "")
    return format_entered(values.get(FieldKey.count(metric.id), ""))


def find_return_id(session: Session, actor: Actor, service_id: int, period_id: int) -> int | None:
    """The id of a service's return for a period, after checking the actor may see it."""
    _, _, ret = load_checked(session, actor, service_id, period_id)
    return ret.id if ret else None
