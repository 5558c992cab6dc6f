"""The lists of returns: every return a user may see (the returns home, and its filters by
provider, quarter and status), and the lead officer's queue of submitted returns to review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from models.access import Actor, require_admin, visible_services
from models.reporting.aggregation import quarter_target, targets_for_year
from models.reporting.retirement import in_service
from models.returns.queries import (
    active_metrics,
    approved_counts,
    counts_of,
    figure_text,
    history_without,
    metric_defs,
    returns_with_values,
    services_with_metrics,
    value_texts,
)
from models.rules.formats import format_entered, format_percent, format_target
from models.rules.periods import Quarter, before_contract, quarter_label
from models.rules.slugs import find_id, url_value
from models.rules.table_view import ColumnSort
from models.rules.validation import FieldKey, RawReturn, validate_return
from models.rules.workflow import (
    HANDED_IN_STATES,
    STATUS_WORDS,
    counted_states,
    decision_refusal,
    effective_status,
)
from models.store.audit import history, snapshot_of
from models.store.entities import Metric, Period, Provider, Return, Service


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
    provider_slug: str = ""  # for the list's address (models/reporting/slugs.py)


_URGENCY = {"overdue": 0, "missing": 0, "returned": 1, "not_started": 2, "draft": 2,
            "submitted": 3, "approved": 4}
# The statuses the returns home can show, in the order a reader meets them (what is owed,
# then where a return has got to): its "What the statuses mean" note lists these.
HOME_STATUSES = ("missing", "overdue", "not_started", "draft", "returned", "submitted", "approved")


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
    providers = {i: (name, slug) for i, name, slug in
                 session.execute(select(Provider.id, Provider.name, Provider.slug)).tuples()}
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
                                service.provider_id, *providers.get(service.provider_id, ("", ""))))
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
    service_text: str = ""  # part of a service's name, any case; "" is every service


# How the returns home may be sorted, besides its own order (overdue first): a column's key.
# A status sorts by urgency, as the list's own order does, not by its word.
HOME_SORTS = {
    "service": lambda r: (r.service.casefold(), r.service_id),
    "provider": lambda r: (r.provider.casefold(), r.provider_id or 0),
    "due": lambda r: r.due_date,
    "status": lambda r: _URGENCY[r.status],
}
MAX_SERVICE_TEXT = 100  # longer than any service name: anything longer finds nothing anyway


# A column of HOME_SORTS, or None for the list's own order (the rule every paged table shares).
HomeSort = ColumnSort


@dataclass(frozen=True)
class HomeChoices:
    """What the filters offer, read from the rows the actor may see, once per page."""

    providers: list[tuple[int, str]]
    quarters: list[str]
    total: int
    with_comments: bool  # any row has a comment from the lead officer (its column is shown)
    provider_slugs: dict[int, str] = field(default_factory=dict)

    def provider_value(self, provider_id: int | None) -> str | None:
        return url_value(provider_id, self.provider_slugs)


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


def home_choices(rows: list[HomeRow]) -> HomeChoices:
    return HomeChoices(provider_choices(rows), quarter_choices(rows), len(rows),
                       any(r.officer_comment for r in rows),
                       {r.provider_id: r.provider_slug for r in rows
                        if r.provider_id is not None and r.provider_slug})


def home_filters(choices: HomeChoices, provider: str | None, quarter: str | None,
                 status: str | None, service_text: str | None = None) -> HomeFilters:
    """The filters from the browser (URL, selects or the grid's own filter), each kept only
    if it is one of the choices offered; anything else (blank, "all", unknown) means no
    filter. The service text is any text, trimmed, and only ever compared."""
    provider_id = find_id(provider if isinstance(provider, str) else None,
                          (i for i, _ in choices.providers), choices.provider_slugs)
    text = service_text.strip() if isinstance(service_text, str) else ""
    return HomeFilters(
        provider_id,
        quarter if isinstance(quarter, str) and quarter in set(choices.quarters) else None,
        status if isinstance(status, str) and status in dict(status_choices()) else None,
        text if len(text) <= MAX_SERVICE_TEXT else "",
    )


def filter_home_rows(rows: list[HomeRow], chosen: HomeFilters) -> list[HomeRow]:
    """The rows that match every chosen filter, in their order."""
    text = chosen.service_text.casefold()

    def keep(r: HomeRow) -> bool:
        if chosen.provider_id is not None and r.provider_id != chosen.provider_id:
            return False
        if chosen.quarter is not None and r.label != chosen.quarter:
            return False
        if text and text not in r.service.casefold():
            return False
        if chosen.status == TO_DO:
            return r.status not in HANDED_IN_STATES
        if chosen.status == HANDED_IN:
            return r.status in HANDED_IN_STATES
        return chosen.status is None or r.status == chosen.status
    return [r for r in rows if keep(r)]


def home_page(rows: list[HomeRow], chosen: HomeFilters, order: HomeSort, start: int,
              end: int) -> tuple[list[HomeRow], int]:
    """Rows start..end (not including end) of those the filters keep, in the order asked,
    and how many the filters keep. Ties keep the list's own order (the sort is stable)."""
    shown = filter_home_rows(rows, chosen)
    if order.column in HOME_SORTS:
        shown.sort(key=HOME_SORTS[order.column], reverse=order.descending)
    start = max(start, 0)
    return shown[start:max(end, start)], len(shown)


@dataclass
class QueueRow:
    """One line of a queued return's figures: a measure, or (`breakdown`) one category of
    the measure above it."""

    name: str
    value: str  # "84% (16 of 19)" for a rate, the count for a count, "" when blank
    last: str  # last quarter's, as `value`
    target: str
    breakdown: bool = False
    # For a resubmission: "" when the figure is as it was when returned, else what it was
    # ("was 12", "was blank"); None for a first submission (no column is shown).
    was: str | None = None


@dataclass
class QueueItem:
    return_id: int
    version: int
    service: str
    provider: str
    label: str
    submitted_at: dt.datetime | None
    values: list[QueueRow]
    warnings: list[str]
    narrative: dict[str, str]
    service_id: int = 0
    period_id: int = 0
    # A resubmission: the officer's comment when it was sent back, and when.
    earlier_comment: str = ""
    sent_back_at: dt.datetime | None = None
    # Why it cannot be decided yet (its quarter has not ended), "" when it can.
    not_yet: str = ""

    @property
    def title(self) -> str:
        return f"{self.service}, {self.label}"

    @property
    def resubmitted(self) -> bool:
        return bool(self.earlier_comment)

    @property
    def href(self) -> str:
        """The full return, as its form shows it."""
        return f"/returns/edit?service={self.service_id}&period={self.period_id}"


def figure_with_percent(values: dict[FieldKey, str], metric: Metric) -> str:
    """A rate as "84% (16 of 19)", so the officer can set it beside the % target; other
    figures as `figure_text` gives them."""
    text = figure_text(values, metric)
    if not metric.is_rate or not text:
        return text
    num, den = values[FieldKey.numerator(metric.id)], values[FieldKey.denominator(metric.id)]
    try:
        share = 100 * float(num) / float(den)
    except (ValueError, ZeroDivisionError):
        return text
    return f"{format_percent(share)} ({text})"


@dataclass(frozen=True)
class SentBack:
    """The last time a return was sent back to its provider (returned, or reopened), with
    the figures it held then (None when the audit trail has no snapshot of them)."""

    comment: str
    at: dt.datetime
    figures: dict[str, str] | None


def last_sent_back(session: Session, return_ids: list[int]) -> dict[int, SentBack]:
    """Each return's last "return" or "reopen" decision, read from the audit trail: the
    comment recorded with it, and the figures of the last save or submission before it (a
    submitted return cannot be saved, so those are the figures the officer decided on)."""
    out: dict[int, SentBack] = {}
    figures: dict[str, str] | None = None
    current: int | None = None
    for event in history(session, "return", return_ids, ("save", "submit", "return", "reopen")):
        if event.entity_id != current:
            current, figures = event.entity_id, None
        if event.action in ("save", "submit"):
            values = snapshot_of(event.after).get("values")
            figures = {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else None
        elif event.entity_id is not None:
            comment = snapshot_of(event.after).get("officer_comment") or ""
            out[event.entity_id] = SentBack(str(comment), event.at, figures)
    return out


def _was(earlier: dict[str, str] | None, keys: list[FieldKey], now: dict[FieldKey, str]) -> str | None:
    """What a figure was when the return was sent back, "" if it is unchanged; None when
    that is not known."""
    if earlier is None:
        return None
    if all(earlier.get(k.text) == now.get(k) for k in keys):
        return ""
    parts = [earlier.get(k.text) for k in keys]
    if any(p is None for p in parts):
        return "was blank"
    return "was " + " of ".join(format_entered(str(p)) for p in parts)


def queue_choices(session: Session, actor: Actor) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The providers and the quarters that have returns waiting, for the queue's filters."""
    require_admin(actor, "see the review queue")
    waiting = select(Return.provider_id, Return.period_id).where(Return.status == "submitted")
    providers = session.execute(
        select(Provider.id, Provider.name).where(Provider.id.in_(waiting.with_only_columns(Return.provider_id)))
        .order_by(Provider.name)).all()
    periods = session.execute(
        select(Period.id, Period.year, Period.quarter)
        .where(Period.id.in_(waiting.with_only_columns(Return.period_id)))
        .order_by(Period.year.desc(), Period.quarter.desc())).all()
    return ([(pid, name) for pid, name in providers],
            [(pid, quarter_label(year, q)) for pid, year, q in periods])


def waiting_count(session: Session, actor: Actor) -> int:
    """How many submitted returns wait for the lead officer: one COUNT."""
    require_admin(actor, "see the review queue")
    return session.scalar(select(func.count()).select_from(Return)
                          .where(Return.status == "submitted")) or 0


def return_title(session: Session, ret: Return) -> str:
    """"Sanctuary scheme, Q2 2026/27": a return as people name it."""
    service = session.get(Service, ret.service_id)
    period = session.get(Period, ret.period_id)
    return (f"{service.name if service else 'Unknown service'}, "
            f"{quarter_label(period.year, period.quarter) if period else 'unknown quarter'}")


def review_queue(session: Session, actor: Actor, include_submitted: bool = False, *,
                 provider_id: int | None = None, period_id: int | None = None,
                 today: dt.date | None = None) -> list[QueueItem]:
    """All submitted returns (of one provider, or one quarter, when asked), oldest first,
    with values, warnings and narrative. "Last quarter" shows figures that count: an
    approved return's (or, with `include_submitted`, a submitted one's too), never a
    draft's or a returned one's. A resubmission carries the comment it was sent back with
    and, beside each figure, what it was then."""
    require_admin(actor, "see the review queue")
    submitted = session.scalars(
        _waiting(provider_id, period_id).order_by(*QUEUE_ORDER)
        .options(selectinload(Return.values), selectinload(Return.breakdown_values))).all()
    return _queue_items(session, list(submitted), include_submitted, today)


# Oldest first; an imported return's date of handing in is not known (None): first, on
# either database (PostgreSQL would put it last unless told).
QUEUE_ORDER = (Return.submitted_at.asc().nulls_first(), Return.id)


def _waiting(provider_id: int | None, period_id: int | None) -> Select[tuple[Return]]:
    """The submitted returns, of one provider or one quarter when asked."""
    stmt = select(Return).where(Return.status == "submitted")
    if provider_id is not None:
        stmt = stmt.where(Return.provider_id == provider_id)
    if period_id is not None:
        stmt = stmt.where(Return.period_id == period_id)
    return stmt


def review_queue_page(session: Session, actor: Actor, start: int, end: int, *,
                      provider_id: int | None = None, period_id: int | None = None,
                      today: dt.date | None = None) -> tuple[list[QueueItem], int]:
    """The waiting returns `start` to `end` (counting from 0, oldest first, as
    `review_queue` orders them) of those the filters keep, and how many the filters keep.
    A national queue holds thousands; only the page's returns are read and laid out."""
    require_admin(actor, "see the review queue")
    waiting = _waiting(provider_id, period_id)
    total = session.scalar(select(func.count()).select_from(waiting.subquery())) or 0
    if start >= total or end <= start:
        return [], total
    submitted = session.scalars(
        waiting.order_by(*QUEUE_ORDER).offset(start).limit(end - start)
        .options(selectinload(Return.values), selectinload(Return.breakdown_values))).all()
    return _queue_items(session, list(submitted), False, today), total


def _queue_items(session: Session, submitted: list[Return], include_submitted: bool,
                 today: dt.date | None) -> list[QueueItem]:
    """The queue's items for these waiting returns, in their order."""
    # What every waiting return needs, read for all of them at once (a few queries however
    # long the queue): services, quarters, last quarter's returns, approved history,
    # providers, the audit trail's last "sent back" and each year's targets.
    sent_back = last_sent_back(session, [r.id for r in submitted])
    services = services_with_metrics(session, (r.service_id for r in submitted))
    periods = {p.id: p for p in session.scalars(select(Period))}
    by_quarter = {(p.year, p.quarter): p for p in periods.values()}

    def previous(period: Period) -> Period | None:
        prev = Quarter(period.year, period.quarter).previous()
        return by_quarter.get((prev.year, prev.quarter))

    before = {r.id: previous(periods[r.period_id]) for r in submitted}
    last_returns = returns_with_values(
        session, [(r.service_id, p.id) for r in submitted if (p := before[r.id]) is not None])
    histories = approved_counts(session, (r.service_id for r in submitted))
    providers = {p.id: p.name for p in session.scalars(
        select(Provider).where(Provider.id.in_(sorted({r.provider_id for r in submitted}))))}
    year_targets = {year: targets_for_year(session, year)
                    for year in sorted({periods[r.period_id].year for r in submitted})}
    counted = counted_states(include_submitted)
    items = []
    for ret in submitted:
        service = services[ret.service_id]
        period = periods[ret.period_id]
        view_values = value_texts(ret)
        targets = year_targets[period.year]
        prev = before[ret.id]
        last_ret = last_returns.get((ret.service_id, prev.id)) if prev else None
        raw = RawReturn(
            counts={m.id: view_values.get(FieldKey.count(m.id)) for m in service.metrics},
            numerators={m.id: view_values.get(FieldKey.numerator(m.id)) for m in service.metrics},
            denominators={m.id: view_values.get(FieldKey.denominator(m.id)) for m in service.metrics},
            categories={c.id: view_values.get(FieldKey.category(c.id)) for m in service.metrics
                        for c in m.categories},
        )
        check = validate_return(metric_defs(service), raw, submitting=False,
                                history=history_without(histories.get(ret.service_id, []), ret.period_id),
                                last_quarter=counts_of(last_ret))
        last_values = value_texts(last_ret if last_ret and last_ret.status in counted else None)
        back = sent_back.get(ret.id)
        if back is None and ret.officer_comment:
            # Sent back before the audit trail held figures (the demo data, an import).
            back = SentBack(ret.officer_comment, ret.updated_at, None)
        earlier = back.figures if back else None
        rows = []
        for m in active_metrics(service):
            target = quarter_target(targets, m.id, period.quarter, m.is_rate)
            target_text = "" if target is None else format_target(target, "percent" if m.is_rate else m.unit)
            keys = ([FieldKey.numerator(m.id), FieldKey.denominator(m.id)] if m.is_rate
                    else [FieldKey.count(m.id)])
            rows.append(QueueRow(m.name, figure_with_percent(view_values, m),
                                 figure_with_percent(last_values, m), target_text,
                                 was=_was(earlier, keys, view_values)))
            for c in m.categories:
                key = FieldKey.category(c.id)
                rows.append(QueueRow(c.name, format_entered(view_values.get(key, "")),
                                     format_entered(last_values.get(key, "")), "",
                                     breakdown=True, was=_was(earlier, [key], view_values)))
        quarter = Quarter(period.year, period.quarter)
        items.append(QueueItem(ret.id, ret.version, service.name, providers.get(ret.provider_id, ""),
                               quarter.label, ret.submitted_at, rows,
                               list(check.warnings.values()),
                               {"Highlights": ret.highlights, "Challenges": ret.challenges,
                                "Case study": ret.case_study,
                                "Explanation of the figures": ret.warning_note},
                               service_id=ret.service_id, period_id=ret.period_id,
                               earlier_comment=back.comment if back else "",
                               sent_back_at=back.at if back else None,
                               not_yet=decision_refusal(quarter, today or dt.date.today(),
                                                        period.early_submission) or ""))
    return items
