"""Targets: each metric's annual and quarterly targets for a year, as one grid per service
(admins only, audited)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import Actor, require_admin
from models.admin.common import AdminError
from models.store.audit import record
from models.store.entities import Metric, Target


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
