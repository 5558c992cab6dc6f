"""The lists of returns: every return a user may see (the returns home), and the lead
officer's queue of submitted returns to review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import Actor, require_admin, visible_services
from models.reporting.aggregation import quarter_target, targets_for_year
from models.reporting.retirement import in_service
from models.returns.queries import (
    active_metrics,
    approved_history,
    figure_text,
    find_return,
    last_quarter_counts,
    metric_defs,
    previous_period,
    service_with_metrics,
    value_texts,
)
from models.rules.periods import Quarter, before_contract, quarter_label
from models.rules.validation import FieldKey, RawReturn, validate_return
from models.rules.workflow import counted_states, effective_status
from models.store.entities import Period, Provider, Return, Service


@dataclass
class HomeRow:
    service_id: int
    service: str
    period_id: int
    label: str
    due_date: dt.date
    status: str
    officer_comment: str


_URGENCY = {"overdue": 0, "missing": 0, "returned": 1, "not_started": 2, "draft": 2,
            "submitted": 3, "approved": 4}


def returns_home(session: Session, actor: Actor, today: dt.date) -> list[HomeRow]:
    """Every service the actor may see × every period up to now; overdue first."""
    # Retired services take no new returns, so they leave this list (their history stays
    # on the dashboards).
    stmt = select(Service).where(in_service(), visible_services(actor)).order_by(Service.display_order)
    services = session.scalars(stmt).all()
    periods = session.scalars(select(Period).where(Period.due_date <= today + dt.timedelta(days=120))
                              .order_by(Period.year, Period.quarter)).all()
    stored = {(r.service_id, r.period_id): r for r in session.scalars(
        select(Return).where(Return.service_id.in_([s.id for s in services])))}
    rows = []
    for service in services:
        for period in periods:
            q = Quarter(period.year, period.quarter)
            if before_contract(q, service.contract_start):
                continue
            ret = stored.get((service.id, period.id))
            rows.append(HomeRow(service.id, service.name, period.id, q.label, period.due_date,
                                effective_status(ret.status if ret else None, q, today, period),
                                ret.officer_comment if ret and ret.status == "returned" else ""))
    rows.sort(key=lambda r: (_URGENCY[r.status], -r.due_date.toordinal(), r.service))
    return rows


@dataclass
class QueueItem:
    return_id: int
    version: int
    service: str
    provider: str
    label: str
    submitted_at: dt.datetime | None
    values: list[tuple[str, str, str, str]]  # metric, value, last quarter, target
    warnings: list[str]
    narrative: dict[str, str]


def review_queue(session: Session, actor: Actor, include_submitted: bool = False) -> list[QueueItem]:
    """All submitted returns, oldest first, with values, warnings and narrative. "Last
    quarter" shows figures that count: an approved return's (or, with `include_submitted`,
    a submitted one's too), never a draft's or a returned one's."""
    require_admin(actor, "see the review queue")
    submitted = session.scalars(
        select(Return).where(Return.status == "submitted")
        .order_by(Return.submitted_at, Return.id)
    ).all()
    items = []
    for ret in submitted:
        service = service_with_metrics(session, ret.service_id)
        period = session.get(Period, ret.period_id)
        view_values = value_texts(ret)
        targets = targets_for_year(session, period.year)
        last = last_quarter_counts(session, ret.service_id, period)
        raw = RawReturn(
            counts={m.id: view_values.get(FieldKey.count(m.id)) for m in service.metrics},
            numerators={m.id: view_values.get(FieldKey.numerator(m.id)) for m in service.metrics},
            denominators={m.id: view_values.get(FieldKey.denominator(m.id)) for m in service.metrics},
            categories={c.id: view_values.get(FieldKey.category(c.id)) for m in service.metrics
                        for c in m.categories},
        )
        check = validate_return(metric_defs(service), raw, submitting=False,
                                history=approved_history(session, ret.service_id, ret.period_id),
                                last_quarter=last)
        prev = previous_period(session, period)
        last_ret = find_return(session, ret.service_id, prev.id) if prev else None
        counted = counted_states(include_submitted)
        last_values = value_texts(last_ret if last_ret and last_ret.status in counted else None)
        rows = []
        for m in active_metrics(service):
            target = quarter_target(targets, m.id, period.quarter, m.is_rate)
            target_text = "" if target is None else (f"{target:.0f}%" if m.is_rate else f"{target:g}")
            rows.append((m.name, figure_text(view_values, m), figure_text(last_values, m), target_text))
            for c in m.categories:
                rows.append((f"    {c.name}", view_values.get(FieldKey.category(c.id), ""),
                             last_values.get(FieldKey.category(c.id), ""), ""))
        provider = session.get(Provider, ret.provider_id)
        items.append(QueueItem(ret.id, ret.version, service.name, provider.name if provider else "",
                               quarter_label(period.year, period.quarter), ret.submitted_at, rows,
                               list(check.warnings.values()),
                               {"Highlights": ret.highlights, "Challenges": ret.challenges,
                                "Case study": ret.case_study,
                                "Explanation of the figures": ret.warning_note}))
    return items
