"""What the read-only API (dash_app/api.py, issue 21) answers, as plain data: the catalogue
and the returns list, each confined to what the actor may see in the app (models/access.py).
The performance table is the export's own (models/reporting/performance.py, cells.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models.access import Actor, visible_services
from models.rules.periods import quarter_label, year_label
from models.store.entities import Metric, Period, Priority, Return, Service

RETURN_STATUSES = ("draft", "submitted", "approved", "returned")


def catalogue(session: Session, actor: Actor) -> dict:
    """Priorities, and the services the actor may see with their measures and baselines."""
    services = session.scalars(
        select(Service).where(visible_services(actor))
        .order_by(Service.display_order, Service.id)
        .options(selectinload(Service.priority), selectinload(Service.workstream),
                 selectinload(Service.provider),
                 selectinload(Service.metrics).selectinload(Metric.categories))).all()
    priorities = session.scalars(select(Priority).order_by(Priority.display_order, Priority.id)).all()
    return {
        "priorities": [{"id": p.id, "name": p.name} for p in priorities],
        "services": [{
            "id": s.id, "name": s.name, "priority_id": s.priority_id, "priority": s.priority.name,
            "workstream": s.workstream.name, "provider": s.provider.name if s.provider else None,
            "active": s.active,
            "metrics": [{
                "id": m.id, "name": m.name, "kind": m.kind, "unit": m.unit,
                "higher_is_better": m.higher_is_better, "headline": m.is_headline, "active": m.active,
                "baseline": None if m.baseline_value is None else {
                    "value": m.baseline_value, "period": m.baseline_period,
                    "source": m.baseline_source, "note": m.baseline_note},
                "categories": [{"id": c.id, "name": c.name} for c in m.categories],
            } for m in s.metrics],
        } for s in services],
    }


def _stamp(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def return_list(session: Session, actor: Actor, year: int | None, status: str | None,
                start: int, count: int) -> tuple[list[dict], int]:
    """Returns the actor may see (metadata, no figures: those are in the performance table),
    oldest quarter first, rows start..start+count, and how many there are in all."""
    query = (select(Return, Service.name, Period)
             .join(Service, Service.id == Return.service_id).join(Period, Period.id == Return.period_id)
             .where(visible_services(actor)))
    if year is not None:
        query = query.where(Period.year == year)
    if status is not None:
        query = query.where(Return.status == status)
    # The database counts and pages (LIMIT/OFFSET): a national list is hundreds of thousands.
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = session.execute(query.order_by(Period.year, Period.quarter, Service.display_order,
                                          Service.id, Return.id).offset(start).limit(count)).all()
    return [{
        "id": ret.id, "service_id": ret.service_id, "service": name,
        "year": year_label(period.year), "quarter": f"Q{period.quarter}",
        "period": quarter_label(period.year, period.quarter), "status": ret.status,
        "submitted_at": _stamp(ret.submitted_at), "approved_at": _stamp(ret.approved_at),
        "updated_at": _stamp(ret.updated_at),
    } for ret, name, period in page], total
