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


def _figure(value: float) -> str:
    """A target as the admin typed it: 1,200, or 12.5 (no trailing zeros)."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _which(quarter: int | None, metric: str) -> str:
    return f"The {'annual' if quarter is None else f'Q{quarter}'} target for {metric}"


def _check_target(value: float | None, unit: str, quarter: int | None, metric: str) -> None:
    """A target in words the admin recognises: which quarter, which metric, what to type."""
    if value is None:
        return
    if value < 0:
        raise AdminError(f"{_which(quarter, metric)} must be 0 or more")
    if unit == "count" and not float(value).is_integer():
        # Returns count whole people and sessions, so a count's target is whole too.
        raise AdminError(f"{_which(quarter, metric)} must be a whole number, like 12")
    if unit == "percent" and value > 100:
        raise AdminError(f"{_which(quarter, metric)} is a percentage, so it must be 100 or less")


def checked_rows(session: Session, service_id: int, rows: list[TargetRow]) -> list[TargetRow]:
    """`rows` with each metric's name and unit as stored (not as the browser sent them), or
    an AdminError naming the first target that cannot be saved."""
    metrics = {m.id: m for m in session.scalars(select(Metric).where(Metric.service_id == service_id))}
    out = []
    for row in rows:
        if row.metric_id not in metrics:
            raise AdminError("These targets were for a metric that has since moved to another "
                             "service; reload the page and try again")
        metric = metrics[row.metric_id]
        for quarter, value in ((None, row.annual), *enumerate(row.quarters, start=1)):
            _check_target(value, metric.unit, quarter, metric.name)
        out.append(TargetRow(metric.id, metric.name, metric.unit, row.annual, list(row.quarters)))
    return out


def quarters_disagree(row: TargetRow) -> str | None:
    """A warning (never a block: a service may plan an uneven year on purpose) when a count's
    quarterly targets do not add up to its annual target. A blank quarter counts as a quarter
    of the annual target, as the reports read it (reporting.aggregation.quarter_target).
    Percentages are rates, not totals: their quarters are never added up. None when they
    agree, when there is no annual target, or when every quarter is blank."""
    if row.unit != "count" or row.annual is None or all(v is None for v in row.quarters):
        return None
    total = sum(row.annual / 4 if v is None else v for v in row.quarters)
    if abs(total - row.annual) < 1e-9:
        return None
    blanks = sum(v is None for v in row.quarters)
    note = (f" ({'each blank quarter counts' if blanks > 1 else 'the blank quarter counts'} as "
            f"{_figure(row.annual / 4)}, a quarter of the year)" if blanks else "")
    return (f"The quarterly targets for {row.metric} add up to {_figure(total)}{note}, "
            f"not the annual {_figure(row.annual)}.")


def save_targets(session: Session, actor: Actor, service_id: int, year: int,
                 rows: list[TargetRow]) -> int:
    """Replace the year's targets for the service's metrics with `rows`. All or nothing.
    Quarters that disagree with the year are saved: the caller warns first (quarters_disagree)."""
    require_admin(actor, "set targets")
    rows = checked_rows(session, service_id, rows)
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


def _whole_quarters(annual: float) -> list[float]:
    """A whole annual count in four whole quarters that add up to it, the odd ones first:
    70 -> 18, 18, 17, 17."""
    base, extra = divmod(int(annual), 4)
    return [float(base + (1 if q < extra else 0)) for q in range(4)]


def split_evenly(rows: list[TargetRow]) -> list[TargetRow]:
    """Quarterly targets from each annual one: a whole count split in four whole quarters that
    add up to it, percentages repeated (a rate is not split)."""
    out = []
    for r in rows:
        if r.annual is None:
            out.append(r)
        elif r.unit == "percent":
            out.append(TargetRow(r.metric_id, r.metric, r.unit, r.annual, [r.annual] * 4))
        elif float(r.annual).is_integer() and r.annual >= 0:
            out.append(TargetRow(r.metric_id, r.metric, r.unit, r.annual, _whole_quarters(r.annual)))
        else:
            out.append(TargetRow(r.metric_id, r.metric, r.unit, r.annual, [r.annual / 4] * 4))
    return out


def copy_last_year(session: Session, service_id: int, year: int) -> list[TargetRow]:
    """This year's grid filled with last year's targets (not saved until the admin saves)."""
    last = {r.metric_id: r for r in target_rows(session, service_id, year - 1)}
    return [TargetRow(r.metric_id, r.metric, r.unit, last[r.metric_id].annual,
                      list(last[r.metric_id].quarters)) if r.metric_id in last else r
            for r in target_rows(session, service_id, year)]
