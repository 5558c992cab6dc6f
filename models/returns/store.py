"""Loading, saving and moving quarterly returns: one transaction each, audited, versioned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.access import (
    AccessRefused,
    Actor,
    check_edit,
    check_view,
    may_edit_service_returns,
    may_review,
    require_admin,
    visible_services,
)
from models.reporting.aggregation import COUNTED_STATES, PROVISIONAL_STATES, quarter_target, targets_for_year
from models.reporting.retirement import in_service, is_retired
from models.rules.periods import Quarter, before_contract, quarter_label
from models.rules.validation import (
    MetricDef,
    RawReturn,
    Validation,
    validate_return,
)
from models.rules.workflow import STATUS_WORDS, WorkflowError, effective_status, is_editable, next_state
from models.store.audit import record
from models.store.entities import (
    Metric,
    Period,
    Provider,
    Return,
    ReturnBreakdownValue,
    ReturnValue,
    Service,
)

RETIRED_MESSAGE = "This service is retired, so it takes no new returns."
CONFLICT_MESSAGE = ("Someone else changed this return after you opened it, so your changes have "
                    "not been saved. Reload the page to see the latest version.")


class ReturnConflict(RuntimeError):
    """A save against a stale version: refused, nothing overwritten."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass
class MetricView:
    id: int
    name: str
    kind: str
    unit: str
    categories: list[tuple[int, str]]
    target: float | None
    last_quarter: str  # as text, "" when none


@dataclass
class ReturnView:
    service_id: int
    service_name: str
    provider_name: str
    period_id: int
    label: str
    due_date: dt.date
    status: str  # effective status key
    version: int  # 0 when no return exists yet
    editable: bool
    can_review: bool
    officer_comment: str
    period_closed: bool
    metrics: list[MetricView]
    values: dict[str, str] = field(default_factory=dict)  # field key -> text
    narrative: dict[str, str] = field(default_factory=dict)
    return_id: int | None = None

    @property
    def status_word(self) -> str:
        return STATUS_WORDS[self.status]


def _service_with_metrics(session: Session, service_id: int) -> Service | None:
    return session.scalars(
        select(Service).where(Service.id == service_id)
        .options(selectinload(Service.metrics).selectinload(Metric.categories),
                 selectinload(Service.provider))
    ).one_or_none()


def _find_return(session: Session, service_id: int, period_id: int) -> Return | None:
    return session.scalars(
        select(Return).where(Return.service_id == service_id, Return.period_id == period_id)
        .options(selectinload(Return.values), selectinload(Return.breakdown_values))
    ).one_or_none()


def _active_metrics(service: Service) -> list[Metric]:
    return [m for m in service.metrics if m.active]


def metric_defs(service: Service) -> list[MetricDef]:
    return [MetricDef(m.id, m.name, m.unit, tuple((c.id, c.name) for c in m.categories))
            for m in _active_metrics(service)]


def _value_texts(ret: Return | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if ret is None:
        return out
    for v in ret.values:
        for key, value in ((f"count-{v.metric_id}", v.count), (f"num-{v.metric_id}", v.numerator),
                           (f"den-{v.metric_id}", v.denominator)):
            if value is not None:
                out[key] = str(value)
    for b in ret.breakdown_values:
        out[f"cat-{b.category_id}"] = str(b.count)
    return out


def _snapshot(ret: Return) -> dict[str, object]:
    """Everything a save can change, for the audit trail."""
    return {
        "status": ret.status,
        "values": _value_texts(ret),
        "highlights": ret.highlights, "challenges": ret.challenges,
        "case_study": ret.case_study, "warning_note": ret.warning_note,
    }


def _quarter(period: Period) -> Quarter:
    return Quarter(period.year, period.quarter)


def _previous_period(session: Session, period: Period) -> Period | None:
    prev = _quarter(period).previous()
    return session.scalars(select(Period).filter_by(year=prev.year, quarter=prev.quarter)).one_or_none()


def _last_quarter_counts(session: Session, service_id: int, period: Period) -> dict[int, int]:
    prev = _previous_period(session, period)
    if prev is None:
        return {}
    ret = _find_return(session, service_id, prev.id)
    if ret is None:
        return {}
    return {v.metric_id: v.count for v in ret.values if v.count is not None}


def _history(session: Session, service_id: int, period_id: int) -> dict[int, list[int]]:
    """Approved counts of each metric of the service in other periods."""
    rows = session.execute(
        select(ReturnValue.metric_id, ReturnValue.count)
        .join(Return, Return.id == ReturnValue.return_id)
        .where(Return.service_id == service_id, Return.period_id != period_id,
               Return.status == "approved", ReturnValue.count.is_not(None))
    )
    out: dict[int, list[int]] = {}
    for metric_id, count in rows:
        out.setdefault(metric_id, []).append(count)
    return out


def _load(session: Session, actor: Actor, service_id: int, period_id: int
          ) -> tuple[Service, Period, Return | None]:
    service = check_view(actor, _service_with_metrics(session, service_id))
    period = session.get(Period, period_id)
    if period is None:
        raise AccessRefused("That reporting period does not exist.", "period", period_id)
    return service, period, _find_return(session, service_id, period_id)


def load_return_view(session: Session, actor: Actor, service_id: int, period_id: int,
                     today: dt.date) -> ReturnView:
    service, period, ret = _load(session, actor, service_id, period_id)
    targets = targets_for_year(session, period.year)
    last = _find_return(session, service_id, p.id) if (p := _previous_period(session, period)) else None
    last_texts = _value_texts(last)
    metrics = []
    for m in _active_metrics(service):
        metrics.append(MetricView(m.id, m.name, m.kind, m.unit,
                                  [(c.id, c.name) for c in m.categories],
                                  quarter_target(targets, m.id, period.quarter, m.is_rate),
                                  _figure_text(last_texts, m)))
    stored = ret.status if ret else None
    may_edit = may_edit_service_returns(actor, service)
    editable = (may_edit and is_editable(stored, period.status == "closed", bool(ret and ret.reopened))
                and not (ret is None and is_retired(session, service.id)))
    return ReturnView(
        service_id=service.id, service_name=service.name,
        provider_name=service.provider.name if service.provider else "Not assigned",
        period_id=period.id, label=quarter_label(period.year, period.quarter),
        due_date=period.due_date, status=effective_status(stored, _quarter(period), today, period),
        version=ret.version if ret else 0, editable=editable,
        can_review=may_review(actor) and ret is not None,
        officer_comment=ret.officer_comment if ret else "",
        period_closed=period.status == "closed", metrics=metrics, values=_value_texts(ret),
        narrative={"highlights": ret.highlights, "challenges": ret.challenges,
                   "case_study": ret.case_study, "warning_note": ret.warning_note} if ret else {},
        return_id=ret.id if ret else None,
    )


@dataclass
class SaveResult:
    validation: Validation
    saved: bool
    version: int
    status: str | None
    needs_confirmation: bool = False


def save_return(session: Session, actor: Actor, service_id: int, period_id: int, raw: RawReturn,
                expected_version: int, *, submit: bool, confirmed: bool = False) -> SaveResult:
    """Validate and save all of a return's values, or none. Runs in the caller's transaction,
    so an exception anywhere leaves the database as it was."""
    service, period, ret = _load(session, actor, service_id, period_id)
    check_edit(actor, service, ret)
    if not is_editable(ret.status if ret else None, period.status == "closed",
                       bool(ret and ret.reopened)):
        state = STATUS_WORDS[ret.status].lower() if ret else "closed"
        raise WorkflowError(
            "This return's period is closed, so it cannot be changed."
            if period.status == "closed" and (ret is None or ret.status in ("draft", "returned"))
            else f"This return is {state} and cannot be changed."
        )
    if ret is None and is_retired(session, service.id):
        raise WorkflowError(RETIRED_MESSAGE)
    current_version = ret.version if ret else 0
    if expected_version != current_version:
        raise ReturnConflict(CONFLICT_MESSAGE)
    validation = validate_return(
        metric_defs(service), raw, submitting=submit,
        history=_history(session, service_id, period_id),
        last_quarter=_last_quarter_counts(session, service_id, period),
    )
    if not validation.ok:
        return SaveResult(validation, False, current_version, ret.status if ret else None)
    explained = bool(validation.parsed.narrative.get("warning_note"))
    if submit and validation.warnings and not (confirmed or explained):
        return SaveResult(validation, False, current_version, ret.status if ret else None,
                          needs_confirmation=True)
    if ret is None:
        ret = Return(service_id=service.id, period_id=period.id, provider_id=service.provider_id,
                     status="draft")
        session.add(ret)
        before = None
    else:
        before = _snapshot(ret)
    _write_values(session, ret, service, validation)
    for name, text in validation.parsed.narrative.items():
        setattr(ret, name, text)
    action = "save"
    if submit:
        ret.status = next_state(ret.status, "submit", actor.role)
        ret.submitted_at = _now()
        action = "submit"
    ret.updated_at = _now()  # always UPDATE the row, so its version moves on
    session.flush()
    record(session, actor.id, action, "return", ret.id, before, _snapshot(ret))
    return SaveResult(validation, True, ret.version, ret.status)


def _write_values(session: Session, ret: Return, service: Service, validation: Validation) -> None:
    parsed = validation.parsed
    by_metric = {v.metric_id: v for v in ret.values}
    for metric in _active_metrics(service):
        value = by_metric.get(metric.id)
        if value is None:
            value = ReturnValue(metric_id=metric.id)
            ret.values.append(value)
        if metric.is_rate:
            value.numerator, value.denominator = parsed.rates.get(metric.id, (None, None))
        else:
            value.count = parsed.counts.get(metric.id)
    by_category = {b.category_id: b for b in ret.breakdown_values}
    for category_id, count in parsed.categories.items():
        existing = by_category.get(category_id)
        if count is None:
            if existing is not None:
                ret.breakdown_values.remove(existing)
        elif existing is None:
            ret.breakdown_values.append(ReturnBreakdownValue(category_id=category_id, count=count))
        else:
            existing.count = count


def review_return(session: Session, actor: Actor, return_id: int, action: str, comment: str,
                  expected_version: int) -> Return:
    """Approve, return (with a comment) or reopen (with a reason). Admin only."""
    require_admin(actor, f"{action} returns")
    ret = session.get(Return, return_id)
    if ret is None:
        raise AccessRefused("That return does not exist.", "return", return_id)
    if ret.version != expected_version:
        raise ReturnConflict(CONFLICT_MESSAGE)
    comment = (comment or "").strip()
    if action in ("return", "reopen") and not comment:
        what = "what the provider needs to change" if action == "return" else "why it is reopened"
        raise WorkflowError(f"Enter a comment saying {what}")
    before = {"status": ret.status, "officer_comment": ret.officer_comment}
    ret.status = next_state(ret.status, action, actor.role)
    if action == "approve":
        ret.approved_at = _now()
        ret.reopened = False
    else:
        ret.officer_comment = comment
        ret.reopened = action == "reopen"
    ret.updated_at = _now()
    session.flush()
    record(session, actor.id, action, "return", ret.id, before,
           {"status": ret.status, "officer_comment": ret.officer_comment})
    return ret


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


def _figure_text(values: dict[str, str], metric: Metric) -> str:
    """'16 of 19' for a rate, the count for a count, '' when not filled in."""
    if metric.is_rate:
        num, den = values.get(f"num-{metric.id}"), values.get(f"den-{metric.id}")
        return f"{num} of {den}" if num is not None and den is not None else ""
    return values.get(f"count-{metric.id}", "")


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
        service = _service_with_metrics(session, ret.service_id)
        period = session.get(Period, ret.period_id)
        view_values = _value_texts(ret)
        targets = targets_for_year(session, period.year)
        last = _last_quarter_counts(session, ret.service_id, period)
        raw = RawReturn(
            counts={m.id: view_values.get(f"count-{m.id}") for m in service.metrics},
            numerators={m.id: view_values.get(f"num-{m.id}") for m in service.metrics},
            denominators={m.id: view_values.get(f"den-{m.id}") for m in service.metrics},
            categories={c.id: view_values.get(f"cat-{c.id}") for m in service.metrics
                        for c in m.categories},
        )
        check = validate_return(metric_defs(service), raw, submitting=False,
                                history=_history(session, ret.service_id, ret.period_id),
                                last_quarter=last)
        prev = _previous_period(session, period)
        last_ret = _find_return(session, ret.service_id, prev.id) if prev else None
        counted = PROVISIONAL_STATES if include_submitted else COUNTED_STATES
        last_values = _value_texts(last_ret if last_ret and last_ret.status in counted else None)
        rows = []
        for m in _active_metrics(service):
            target = quarter_target(targets, m.id, period.quarter, m.is_rate)
            target_text = "" if target is None else (f"{target:.0f}%" if m.is_rate else f"{target:g}")
            rows.append((m.name, _figure_text(view_values, m), _figure_text(last_values, m), target_text))
            for c in m.categories:
                rows.append((f"    {c.name}", view_values.get(f"cat-{c.id}", ""),
                             last_values.get(f"cat-{c.id}", ""), ""))
        provider = session.get(Provider, ret.provider_id)
        items.append(QueueItem(ret.id, ret.version, service.name, provider.name if provider else "",
                               quarter_label(period.year, period.quarter), ret.submitted_at, rows,
                               list(check.warnings.values()),
                               {"Highlights": ret.highlights, "Challenges": ret.challenges,
                                "Case study": ret.case_study,
                                "Explanation of the figures": ret.warning_note}))
    return items


def find_return_id(session: Session, actor: Actor, service_id: int, period_id: int) -> int | None:
    """The id of a service's return for a period, after checking the actor may see it."""
    _, _, ret = _load(session, actor, service_id, period_id)
    return ret.id if ret else None
