"""The priority view: each strategy priority's services, with their headline rows."""


from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reporting.performance import PerformanceRow, PerformanceTable
from models.store.entities import Priority, Service, Workstream


@dataclass
class PriorityGroup:
    priority: str
    cross_cutting: bool
    by_workstream: dict[str, list[PerformanceRow]]

    @property
    def service_count(self) -> int:
        return sum(len(rows) for rows in self.by_workstream.values())


def priority_groups(session: Session, table: PerformanceTable) -> list[PriorityGroup]:
    """Every priority of the strategy, with its services' headline rows by workstream."""
    workstream_of = dict(session.execute(
        select(Service.id, Workstream.name).join(Workstream, Workstream.id == Service.workstream_id)
    ).tuples().all())
    headlines: dict[str, list[PerformanceRow]] = {}
    for row in table.rows:
        if row.is_headline:
            headlines.setdefault(row.priority, []).append(row)
    groups = []
    for p in session.scalars(select(Priority).order_by(Priority.display_order)):
        by_ws: dict[str, list[PerformanceRow]] = {}
        for row in headlines.get(p.name, []):
            by_ws.setdefault(workstream_of[row.service_id], []).append(row)
        groups.append(PriorityGroup(p.name, p.cross_cutting, by_ws))
    return groups
