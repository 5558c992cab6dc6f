"""One return as its form and its Excel template show it: figures, targets, last quarter's
figures, and whether the actor may change it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from models.access import Actor, may_edit_service_returns, may_review
from models.reporting.aggregation import quarter_target, targets_for_year
from models.reporting.retirement import is_retired
from models.returns.queries import (
    active_metrics,
    figure_text,
    find_return,
    load_checked,
    previous_period,
    quarter_of,
    value_texts,
)
from models.rules.periods import quarter_label
from models.rules.validation import FieldKey
from models.rules.workflow import STATUS_WORDS, effective_status, is_editable, submit_refusal


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
    values: dict[FieldKey, str] = field(default_factory=dict)  # stored figures as text
    narrative: dict[str, str] = field(default_factory=dict)
    return_id: int | None = None
    # Why Submit is not offered yet (the quarter has not ended), "" when it is.
    submit_not_yet: str = ""

    @property
    def status_word(self) -> str:
        return STATUS_WORDS[self.status]


def load_return_view(session: Session, actor: Actor, service_id: int, period_id: int,
                     today: dt.date) -> ReturnView:
    service, period, ret = load_checked(session, actor, service_id, period_id)
    targets = targets_for_year(session, period.year)
    last = find_return(session, service_id, p.id) if (p := previous_period(session, period)) else None
    last_texts = value_texts(last)
    metrics = []
    for m in active_metrics(service):
        metrics.append(MetricView(m.id, m.name, m.kind, m.unit,
                                  [(c.id, c.name) for c in m.categories],
                                  quarter_target(targets, m.id, period.quarter, m.is_rate),
                                  figure_text(last_texts, m)))
    stored = ret.status if ret else None
    may_edit = may_edit_service_returns(actor, service)
    editable = (may_edit and is_editable(stored, period.status == "closed", bool(ret and ret.reopened))
                and not (ret is None and is_retired(session, service.id)))
    return ReturnView(
        service_id=service.id, service_name=service.name,
        provider_name=service.provider.name if service.provider else "Not assigned",
        period_id=period.id, label=quarter_label(period.year, period.quarter),
        due_date=period.due_date, status=effective_status(stored, quarter_of(period), today, period),
        version=ret.version if ret else 0, editable=editable,
        can_review=may_review(actor) and ret is not None,
        officer_comment=ret.officer_comment if ret else "",
        period_closed=period.status == "closed", metrics=metrics, values=value_texts(ret),
        narrative={"highlights": ret.highlights, "challenges": ret.challenges,
                   "case_study": ret.case_study, "warning_note": ret.warning_note} if ret else {},
        return_id=ret.id if ret else None,
        submit_not_yet=(submit_refusal(quarter_of(period), today, period.early_submission) or "")
        if editable else "",
    )
