"""Reading one service's return and its neighbours: the lookups that loading, saving and
listing returns share. Each access-checked read goes through `load_checked`."""

from __future__ import annotations

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
    if prev is None:
        return {}
    ret = find_return(session, service_id, prev.id)
    if ret is None:
        return {}
    return {v.metric_id: v.count for v in ret.values if v.count is not None}


def approved_history(session: Session, service_id: int, period_id: int) -> dict[int, list[int]]:
    """Approved counts of each metric of the service in other periods."""
    rows = session.execute(
        select(ReturnValue.metric_id, ReturnValue.count)
        .join(Return, Return.id == ReturnValue.return_id)
        .where(Return.service_id == service_id, Return.period_id != period_id,
               Return.status.in_(COUNTED_STATES), ReturnValue.count.is_not(None))
    )
    out: dict[int, list[int]] = {}
    for metric_id, count in rows:
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
