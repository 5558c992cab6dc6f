"""Returns in the bulk import's long form (models/returns/bulk_import.py), read from the
database: the history export (every approved return, which the import reads back to the same
figures) and the import's template (every service, measure and category of the catalogue,
the figures left blank)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.access import Actor, require_admin
from models.returns.queries import active_metrics
from models.rules.periods import Quarter, year_label
from models.store.entities import Metric, Period, Return, Service


def _metric_rows(service: Service, quarter: Quarter | None, ret: Return | None) -> Iterator[dict[str, str]]:
    values = {v.metric_id: v for v in ret.values} if ret is not None else {}
    categories = {b.category_id: b.count for b in ret.breakdown_values} if ret is not None else {}
    when = ({"year": year_label(quarter.year), "quarter": f"Q{quarter.quarter}"} if quarter
            else {"year": "", "quarter": ""})
    first = True
    # A measure retired since keeps its figures in the returns that have them (history).
    retired = [m for m in service.metrics if not m.active and m.id in values
               and (values[m.id].count, values[m.id].numerator, values[m.id].denominator) != (None,) * 3]
    for metric in [*active_metrics(service), *retired]:
        value = values.get(metric.id)
        row = {"service": service.name, "metric": metric.name, "category": "", **when,
               "count": "", "numerator": "", "denominator": ""}
        if metric.unit == "percent":
            row["numerator"] = _text(value.numerator if value else None)
            row["denominator"] = _text(value.denominator if value else None)
        else:
            row["count"] = _text(value.count if value else None)
        if first and ret is not None:  # the narrative once, on the return's first row
            row.update(highlights=ret.highlights or "", challenges=ret.challenges or "",
                       case_study=ret.case_study or "")
            first = False
        yield row
        for category in metric.categories:
            yield {"service": service.name, "metric": metric.name, "category": category.name, **when,
                   "count": _text(categories.get(category.id)), "numerator": "", "denominator": ""}


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


def history_rows(session: Session, actor: Actor | None, status: str = "approved") -> Iterator[dict[str, str]]:
    """Every `status` return as import rows, oldest quarter first, services in the
    strategy's order. `actor` None is the command line; otherwise the lead officer's."""
    if actor is not None:
        require_admin(actor, "export the history of returns")
    returns = session.scalars(
        select(Return).join(Period, Period.id == Return.period_id)
        .join(Service, Service.id == Return.service_id)
        .where(Return.status == status)
        .order_by(Period.year, Period.quarter, Service.display_order, Service.id)
        .options(selectinload(Return.values), selectinload(Return.breakdown_values),
                 selectinload(Return.period),
                 selectinload(Return.service).selectinload(Service.metrics)
                 .selectinload(Metric.categories))).all()
    for ret in returns:
        yield from _metric_rows(ret.service, Quarter(ret.period.year, ret.period.quarter), ret)


def template_rows(session: Session, actor: Actor | None) -> Iterator[dict[str, str]]:
    """A row for every service, measure and category of the catalogue (services with a
    provider), year, quarter and figures blank: the import's template."""
    if actor is not None:
        require_admin(actor, "download the import template")
    services = session.scalars(
        select(Service).where(Service.provider_id.is_not(None))
        .order_by(Service.display_order, Service.id)
        .options(selectinload(Service.metrics).selectinload(Metric.categories))).all()
    for service in services:
        yield from _metric_rows(service, None, None)
