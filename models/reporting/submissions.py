"""The submission status grid: which services have handed in which quarter's return."""


from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.access import Actor, visible_services
from models.reporting.retirement import RETIRED_WORD, in_service, listed, retired
from models.rules.periods import Quarter, before_contract, due_date_of, is_due
from models.rules.workflow import HANDED_IN_STATES, STATUS_WORDS, effective_status, monitoring_status
from models.store.entities import RETURN_STATES, Period, Provider, Return, Service


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
    # Received returns with no date of handing in (brought in by the bulk import): whether
    # they were on time is not known, so they are out of the on-time rate, not counted late.
    timing_unknown: int = 0

    @property
    def completeness(self) -> float | None:
        return 100.0 * self.received / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        known = self.expected - self.timing_unknown
        return 100.0 * self.on_time / known if known > 0 else None


def submission_grid(session: Session, actor: Actor, year: int, today: dt.date
                    ) -> tuple[list[SubmissionRow], list[QuarterRates]]:
    """Providers × services × quarters, with completeness and on-time rates per quarter.

    Received means submitted or approved (a returned one is back with the provider); on
    time means first submitted by the end of the due date, out of the returns whose date of
    handing in is known (an imported one's is not)."""
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
                    if ret.submitted_at is None:
                        rate.timing_unknown += 1
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


# Returns not yet handed in, for reminders (issue #18) ------------------------------------------

@dataclass(frozen=True)
class OutstandingReturn:
    """A return its provider still owes: none yet, a draft, or one sent back to them."""

    provider_id: int
    provider: str
    service: str
    period_id: int
    label: str  # "Q2 2026/27"
    due_date: dt.date
    status: str  # effective_status: not_started, draft, returned, overdue or missing

    @property
    def status_word(self) -> str:
        return STATUS_WORDS[self.status]


def outstanding_returns(session: Session, today: dt.date,
                        period_ids: Iterable[int] | None = None) -> list[OutstandingReturn]:
    """Every return owed in an open period (or in `period_ids`, if given, among them) by a
    service in service with a provider, from its contract's start: the rows the Submissions
    grid shows as not handed in (HANDED_IN_STATES), worded as the providers see them
    (effective_status). In provider, due date, service order."""
    periods_stmt = select(Period).where(Period.status == "open")
    if period_ids is not None:
        periods_stmt = periods_stmt.where(Period.id.in_(list(period_ids)))
    periods = session.scalars(periods_stmt).all()
    if not periods:
        return []
    services = session.execute(
        select(Service, Provider.name).join(Provider, Provider.id == Service.provider_id)
        .where(in_service()).order_by(Provider.name, Service.display_order)).tuples().all()
    stored = {(s, p): status for s, p, status in session.execute(
        select(Return.service_id, Return.period_id, Return.status)
        .where(Return.period_id.in_([p.id for p in periods]))).tuples()}
    out: list[OutstandingReturn] = []
    for service, provider_name in services:
        for period in periods:
            quarter = Quarter(period.year, period.quarter)
            if before_contract(quarter, service.contract_start):
                continue
            status = stored.get((service.id, period.id))
            if status in HANDED_IN_STATES:
                continue
            out.append(OutstandingReturn(service.provider_id or 0, provider_name, service.name,
                                         period.id, quarter.label, period.due_date,
                                         effective_status(status, quarter, today, period)))
    out.sort(key=lambda r: (r.provider, r.provider_id, r.due_date, r.service))
    return out
