"""The lists of returns: every return a user may see (the returns home, and its filters by
provider, quarter and status), and the lead officer's queue of submitted returns to review."""

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
from models.rules.workflow import HANDED_IN_STATES, STATUS_WORDS, counted_states, effective_status
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
    provider_id: int | None = None
    provider: str = ""


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
    providers = dict(session.execute(select(Provider.id, Provider.name)).tuples().all())
    rows = []
    for service in services:
        for period in periods:
            q = Quarter(period.year, period.quarter)
            if before_contract(q, service.contract_start):
                continue
            ret = stored.get((service.id, period.id))
            rows.append(HomeRow(service.id, service.name, period.id, q.label, period.due_date,
                                effective_status(ret.status if ret else None, q, today, period),
                                ret.officer_comment if ret and ret.status == "returned" else "",
                                service.provider_id, providers.get(service.provider_id, "")))
    rows.sort(key=lambda r: (_URGENCY[r.status], -r.due_date.toordinal(), r.service))
    return rows


# The returns home's filters ------------------------------------------------------------------
# Status choices: the two groups a reader asks for most ("what is left to do", "what is in"),
# then each status the list can show, in order of urgency.
TO_DO, HANDED_IN = "to_do", "handed_in"
STATUS_GROUPS = {TO_DO: "To do (not yet submitted)", HANDED_IN: "Submitted or approved"}


@dataclass(frozen=True)
class HomeFilters:
    """What the returns home is narrowed to; None is "all". Filters only ever narrow the
    actor's own rows (models.access decided those), so no value from a URL can widen them."""

    provider_id: int | None = None
    quarter: str | None = None  # a quarter's label, "Q3 2025/26"
    status: str | None = None  # a status key, TO_DO or HANDED_IN


def status_choices() -> list[tuple[str, str]]:
    """(value, words) for the status filter."""
    states = sorted((s for s in _URGENCY), key=lambda s: (_URGENCY[s], s))
    return [*STATUS_GROUPS.items(), *((s, STATUS_WORDS[s]) for s in states)]


def provider_choices(rows: list[HomeRow]) -> list[tuple[int, str]]:
    """The providers the rows name, by name: the provider filter's choices."""
    named = {r.provider_id: r.provider for r in rows if r.provider_id is not None}
    return sorted(named.items(), key=lambda pair: (pair[1].casefold(), pair[0]))


def quarter_choices(rows: list[HomeRow]) -> list[str]:
    """The quarters the rows name, newest first."""
    latest = {r.label: r.due_date for r in rows}
    return sorted(latest, key=lambda label: latest[label], reverse=True)


def home_filters(rows: list[HomeRow], provider: str | None, quarter: str | None,
                 status: str | None) -> HomeFilters:
    """The filters from the browser (URL or selects), each kept only if it is one of the
    choices the rows offer; anything else (blank, "all", unknown) means no filter."""
    provider_id = None
    if provider and provider.isdigit():
        wanted = int(provider)
        provider_id = wanted if any(i == wanted for i, _ in provider_choices(rows)) else None
    return HomeFilters(
        provider_id,
        quarter if quarter in set(quarter_choices(rows)) else None,
        status if status in dict(status_choices()) else None,
    )


def filter_home_rows(rows: list[HomeRow], chosen: HomeFilters) -> list[HomeRow]:
    """The rows that match every chosen filter, in their order."""
    def keep(r: HomeRow) -> bool:
        if chosen.provider_id is not None and r.provider_id != chosen.provider_id:
            return False
        if chosen.quarter is not None and r.label != chosen.quarter:
            return False
        if chosen.status == TO_DO:
            return r.status not in HANDED_IN_STATES
        if chosen.status == HANDED_IN:
            return r.status in HANDED_IN_STATES
        return chosen.status is None or r.status == chosen.status
    return [r for r in rows if keep(r)]


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
