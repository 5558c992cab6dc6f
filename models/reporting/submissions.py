"""The submission status grid: which services have handed in which quarter's return."""


from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.access import Actor, visible_services
from models.reporting.retirement import RETIRED_WORD, listed, retired
from models.rules.periods import Quarter, before_contract, due_date_of, is_due
from models.rules.workflow import HANDED_IN_STATES, STATUS_WORDS, monitoring_status
from models.store.entities import RETURN_STATES, Period, Return, Service


@dataclass
class SubmissionRow:
    provider: str
    service: str
    statuses: list[str | None]  # one per quarter; None when not expected (before the contract)
    retired: bool = False
    service_id: int | None = None


@dataclass
class QuarterRates:
    label: str
    due: dt.date
    expected: int
    received: int
    on_time: int
    is_due: bool = False

    @property
    def completeness(self) -> float | None:
        return 100.0 * self.received / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return 100.0 * self.on_time / self.expected if self.expected else None


def submission_grid(session: Session, actor: Actor, year: int, today: dt.date
                    ) -> tuple[list[SubmissionRow], list[QuarterRates]]:
    """Providers × services × quarters, with completeness and on-time rates per quarter.

    Received means submitted or approved (a returned one is back with the provider); on
    time means first submitted by the end of the due date."""
    # A service with no provider yet has nobody to send a return, so nothing is expected.
    # Retired services stay in the years where they have returns or targets.
    stmt = (select(Service, retired()).where(Service.provider_id.is_not(None),
                                             listed(year, RETURN_STATES), visible_services(actor))
            .options(selectinload(Service.provider))
            .order_by(Service.display_order))
    services = sorted(session.execute(stmt).tuples().all(),
                      key=lambda s: (s[0].provider.name if s[0].provider else "", s[0].display_order))
    periods = {p.quarter: p for p in session.scalars(select(Period).where(Period.year == year))}
    stored = {(r.service_id, r.period_id): r for r in session.scalars(
        select(Return).join(Period, Period.id == Return.period_id).where(Period.year == year))}
    rows: list[SubmissionRow] = []
    quarters = [Quarter(year, q) for q in (1, 2, 3, 4)]
    rates = [QuarterRates(q.label, due_date_of(q, periods.get(q.quarter)), 0, 0, 0,
                          is_due(q, today, periods.get(q.quarter))) for q in quarters]
    for service, is_retired in services:
        statuses: list[str | None] = []
        for quarter, rate in zip(quarters, rates, strict=True):
            period = periods.get(quarter.quarter)
            if before_contract(quarter, service.contract_start):
                statuses.append(None)
                continue
            ret = stored.get((service.id, period.id)) if period else None
            if is_retired and ret is None:
                statuses.append("retired")  # nothing more is expected of it
                continue
            status = monitoring_status(ret.status if ret else None, quarter, today, period)
            statuses.append("no_period" if period is None and status == "not_due" else status)
            if rate.is_due:
                rate.expected += 1
                if ret is not None and ret.status in HANDED_IN_STATES:
                    rate.received += 1
                if (ret is not None and ret.submitted_at is not None
                        and ret.submitted_at.date() <= rate.due):
                    rate.on_time += 1
        rows.append(SubmissionRow(service.provider.name if service.provider else "Not assigned",
                                  service.name, statuses, bool(is_retired), service.id))
    return rows, rates


def status_word(status: str | None) -> str:
    if status is None:
        return STATUS_WORDS["not_expected"]
    if status == "no_period":
        return "Not due (period not open yet)"
    if status == "retired":
        return RETIRED_WORD
    return STATUS_WORDS[status]
