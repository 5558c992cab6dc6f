"""What needs attention: the exception report for one quarter (the page /attention, the first
section of the PDF pack, a sheet of the XLSX). Plain-English lines made from the data, each
with the provider's own explanation beside it. No Dash here.

Every judgement is one the app already makes elsewhere, read from where it is made:

*Needs attention*
- **Red**: a metric's quarter or year-to-date RAG is Red, as the performance table judges it
  (models.reporting.performance; the year to date by the same `rag_status` on the table's
  year-to-date actual and target). One line says both when both are Red.
- **Special cause concerning**: the metric's XmR chart (models.reporting.trends, the series up
  to the chosen quarter) has a special cause of concern at the chosen quarter's point. A
  metric with no figure for the chosen quarter has no line (its latest point is older).
- **Outcome rate trending down**: an outcome rate whose chosen-quarter point's special cause
  is a *Trend* (7 or more quarters in a row each worse than the one before) of concern. It
  takes the place of that metric's special-cause line. (A point is named by the first rule
  that flags it — Outside limits, Shift, Trend, Two of three — so a trend whose latest point
  is also outside the limits reads as outside the limits.)
- **Forecast short**: a count's year-end forecast (the year to date ÷ quarters reported × 4,
  as the service page and the table show it) more than 10% below its annual target — or,
  where lower is better, more than 10% above it. Rates have no forecast of their own (the
  table's "forecast" for a rate is its year to date, judged by the Red line above).
- **Return overdue or missing**: the chosen quarter's return, as the submission grid reads it
  (models.reporting.submissions): overdue (a draft past its due date) or missing (nothing
  started by then).

*Going well*
- **Special cause improving**: a special cause of improvement at the chosen quarter's point.
- **Green four quarters running**: the quarter's RAG Green for the chosen quarter and the
  three before it (across a year end too), each judged as the performance table judges it.

A quarter not yet due (by the calendar) has no lines: nothing is owed for it yet.

Lines are ordered by priority (the strategy's order), then service (its display order), then
the kinds in the order above, then the metric's order on the form.

The provider's explanation is the chosen quarter's *approved* return's "Challenges" and
"Explanation of the figures" — never a submitted or returned return's words, even when the
figures include provisional ones (words not yet checked by the lead officer are not read out
at a meeting).

Publication mode (`publish`): figures too small to publish are hidden exactly as in the
performance table and the trend charts (models.rules.disclosure through
models.reporting.publication and models.reporting.trends). A line whose judgement rests on a
hidden figure (a Red worked out from a hidden actual, a forecast from a hidden year to date)
is left out, and the report says how many; a chart with a hidden quarter has its special
causes withheld (models.reporting.trends) and so gives no line; the
providers' explanations are left out too, as from every published output (free text cannot
be checked for small numbers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import Actor, provider_scope, visible_services
from models.reporting.performance import PerformanceRow, PerformanceTable, performance_table
from models.reporting.publication import row_masks, table_disclosure
from models.reporting.slugs import url_slugs
from models.reporting.submissions import submission_grid
from models.reporting.trends import MetricTrend, visible_trends
from models.rules.disclosure import Disclosure
from models.rules.formats import (
    against_target,
    format_date,
    format_number,
    format_percent,
    format_target,
)
from models.rules.measures import round_half_up
from models.rules.periods import Quarter, is_due, quarter_label, year_label
from models.rules.rag import GREEN, RED, rag_status
from models.rules.slugs import service_path
from models.rules.spc import (
    CONCERN,
    IMPROVEMENT,
    OUTSIDE,
    RUN,
    SHIFT,
    TREND,
    TWO_OF_THREE,
    SpcPoint,
)
from models.rules.workflow import STATUS_MEANINGS
from models.store.entities import Period, Priority, Return, Service
from models.store.settings import disclosure_threshold, rag_thresholds

NEEDS_ATTENTION, GOING_WELL = "Needs attention", "Going well"
# The kinds of line, in the order they are listed within a service.
RED_LINE = "red"
CONCERN_LINE = "special_cause_concerning"
TRENDING_DOWN = "outcome_trending_down"
FORECAST_SHORT = "forecast_short"
RETURN_LATE = "return_overdue_or_missing"
IMPROVING_LINE = "special_cause_improving"
GREEN_RUN = "green_four_quarters"
KIND_ORDER = (RED_LINE, CONCERN_LINE, TRENDING_DOWN, FORECAST_SHORT, RETURN_LATE,
              IMPROVING_LINE, GREEN_RUN)
# A word or two naming each kind, shown with every line (colour is never the only signal).
KIND_WORDS = {
    RED_LINE: "Red",
    CONCERN_LINE: "Special cause: concern",
    TRENDING_DOWN: "Outcome trending the wrong way",
    FORECAST_SHORT: "Forecast short of target",
    RETURN_LATE: "Return late",
    IMPROVING_LINE: "Special cause: improving",
    GREEN_RUN: "Green four quarters",
}
SECTION_OF = {kind: NEEDS_ATTENTION for kind in KIND_ORDER[:5]} | {
    IMPROVING_LINE: GOING_WELL, GREEN_RUN: GOING_WELL}

FORECAST_MARGIN = Fraction(1, 10)  # a forecast more than 10% short of the annual target
GREEN_RUN_QUARTERS = 4
LATE_STATES = ("overdue", "missing")
CHALLENGES, EXPLANATION = "Challenges", "Explanation of the figures"
NO_EXPLANATION = "No explanation in an approved return for this quarter."
LEFT_OUT_HERE = "Left out of the published version (see the notes)."  # beside each line
EXPLANATIONS_LEFT_OUT = ("Providers' explanations are left out of a published version: free "
                         "text cannot be checked for small numbers.")


@dataclass(frozen=True)
class AttentionLine:
    section: str  # NEEDS_ATTENTION or GOING_WELL
    kind: str  # one of KIND_ORDER
    priority: str
    service_id: int
    service: str
    metric: str  # "" for a line about the service's return
    what: str  # the line after the service's name: "Felt safer is Red this quarter: …"
    link: str  # the service page's path, for the chosen year
    explanation: tuple[tuple[str, str], ...] = ()  # (label, the provider's words)
    order: tuple = ()  # (priority order, service order, service id, kind order, metric order)

    @property
    def sentence(self) -> str:
        """'Children and young people 1:1 support: Felt safer is Red this quarter: …'"""
        return f"{self.service}: {self.what}"

    @property
    def kind_words(self) -> str:
        return KIND_WORDS[self.kind]

    @property
    def explanation_text(self) -> str:
        """The explanation as one text (files): 'Challenges: … Explanation of the figures: …'."""
        return " ".join(f"{label}: {text}" for label, text in self.explanation)

    def explanation_shown(self, published: bool) -> str:
        """What a file prints beside the line."""
        return LEFT_OUT_HERE if published else (self.explanation_text or NO_EXPLANATION)


@dataclass(frozen=True)
class AttentionReport:
    year: int
    quarter: int
    lines: tuple[AttentionLine, ...]
    provisional: bool = False
    published: bool = False
    left_out: int = 0  # publication mode: lines left out because their figures are hidden
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)

    @property
    def concerns(self) -> tuple[AttentionLine, ...]:
        return tuple(line for line in self.lines if line.section == NEEDS_ATTENTION)

    @property
    def going_well(self) -> tuple[AttentionLine, ...]:
        return tuple(line for line in self.lines if line.section == GOING_WELL)

    def empty_words(self, section: str) -> str:
        """The sentence a section shows when it has no lines."""
        if section == NEEDS_ATTENTION:
            return f"Nothing needs attention in {self.label}: no line of this report applies."
        return f"Nothing to report as going well in {self.label}."


# The words of each line ------------------------------------------------------------------
def _metric_name(name: str, higher_is_better: bool) -> str:
    return name if higher_is_better else f"{name} (lower is better)"


def _figure_words(actual: float | None, target: float | None, unit: str, pct: int | None) -> str:
    """'62% against a target of 80%' (a rate); '45 against a target of 60 (75% of target)'."""
    if unit == "percent":
        return against_target(actual, target, unit, pct)
    return (f"{format_number(actual)} against a target of {format_target(target, unit)} "
            f"({against_target(actual, target, unit, pct)} of target)")


def red_words(row: PerformanceRow, quarter_red: bool, ytd_red: bool) -> str:
    name = _metric_name(row.metric, row.higher_is_better)
    parts = []
    if quarter_red:
        parts.append("this quarter, " + _figure_words(row.quarter_actual.shown, row.quarter_target,
                                                      row.unit, row.quarter_pct))
    if ytd_red:
        parts.append("for the year to date, " + _figure_words(row.ytd_actual.shown, row.ytd_target,
                                                              row.unit, row.ytd_pct))
    if len(parts) == 1:
        head, _, rest = parts[0].partition(", ")
        return f"{name} is {RED} {head}: {rest}."
    return f"{name} is {RED} {parts[0]}, and {parts[1]}."


def _value_words(value: float | None, unit: str) -> str:
    return format_percent(value) if unit == "percent" else format_number(
        None if value is None else round(value, 1))


def spc_words(trend: MetricTrend, point: SpcPoint) -> str:
    """What the chart shows at `point`, in words: '… is below its lower process limit (52%)'."""
    unit = trend.unit
    value = _value_words(point.value, unit)
    above = point.mean is not None and point.value > point.mean
    side = "above" if above else "below"
    if point.special_cause == OUTSIDE:
        limit = point.upper if above else point.lower
        which = "upper" if above else "lower"
        return f"{value} is {side} its {which} process limit of {_value_words(limit, unit)}"
    if point.special_cause == SHIFT:
        return (f"{value} is the latest of {RUN} or more quarters in a row {side} its mean of "
                f"{_value_words(point.mean, unit)}")
    if point.special_cause == TREND:
        way = "higher" if _rising(trend) else "lower"
        return f"{value} is the latest of {RUN} or more quarters in a row each {way} than the one before"
    if point.special_cause == TWO_OF_THREE:
        limit = point.upper if above else point.lower
        which = "upper" if above else "lower"
        return (f"{value} is one of two of the last three quarters close to its {which} "
                f"process limit of {_value_words(limit, unit)}")
    return value


def _rising(trend: MetricTrend) -> bool:
    points = trend.spc.points
    return len(points) > 1 and points[-1].value > points[-2].value


def special_cause_words(trend: MetricTrend, point: SpcPoint) -> str:
    name = _metric_name(trend.metric_name, trend.higher_is_better)
    meaning = "improving" if point.variation == IMPROVEMENT else "of concern"
    return (f"{name} shows special cause variation {meaning} ({point.special_cause}): "
            f"{spc_words(trend, point)}.")


def trending_down_words(trend: MetricTrend, point: SpcPoint) -> str:
    name = _metric_name(trend.metric_name, trend.higher_is_better)
    way = "down" if trend.higher_is_better else "up"
    return f"{name} is trending {way}: {spc_words(trend, point)}."


def forecast_words(row: PerformanceRow, forecast: float, annual: float) -> str:
    name = _metric_name(row.metric, row.higher_is_better)
    short = round_half_up(abs(Fraction(annual) - Fraction(forecast)) * 100 / Fraction(annual))
    way = "below" if forecast < annual else "above"
    return (f"{name} is forecast to reach {format_number(round(forecast))} by the year end, "
            f"{short}% {way} its annual target of {format_number(annual)}.")


def late_words(label: str, status: str, due: dt.date) -> str:
    meaning = STATUS_MEANINGS[status].rstrip(".")
    meaning = meaning[0].lower() + meaning[1:]
    return f"The {label} return is {status} (due {format_date(due)}): {meaning}."


def green_run_words(row: PerformanceRow) -> str:
    name = _metric_name(row.metric, row.higher_is_better)
    return (f"{name} has been {GREEN} four quarters running; this quarter "
            f"{_figure_words(row.quarter_actual.shown, row.quarter_target, row.unit, row.quarter_pct)}.")


# Deciding each line -----------------------------------------------------------------------
def forecast_short(forecast: float | None, annual: float | None, higher_is_better: bool) -> bool:
    """More than 10% short of the annual target, exactly (no float edge at 90%)."""
    if forecast is None or annual is None or annual <= 0:
        return False
    ratio = Fraction(forecast) / Fraction(annual)
    return ratio < 1 - FORECAST_MARGIN if higher_is_better else ratio > 1 + FORECAST_MARGIN


def _disclosure(session: Session, table: PerformanceTable, publish: bool) -> Disclosure | None:
    return table_disclosure(table, disclosure_threshold(session)) if publish else None


def _green_metrics(table: PerformanceTable, disclosure: Disclosure | None) -> set[int]:
    masks = row_masks(table, disclosure)
    return {row.metric_id for row, mask in zip(table.rows, masks, strict=True)
            if row.metric_id is not None and row.rag == "green" and not mask.rag_withheld}


def still_visible(session: Session, actor: Actor, report: AttentionReport) -> bool:
    """Whether the actor may still see every service an earlier report speaks of. A report
    kept from a previous data version was worked out for the same audience, but a service
    may since have moved to another provider (a catalogue change): then it is not shown."""
    named = {line.service_id for line in report.lines}
    if not named:
        return True
    # Every visible id (a national body's 9,000), not an IN list of the report's: that could
    # pass SQLite's limit on bound parameters.
    return named <= set(session.scalars(select(Service.id).where(visible_services(actor))))


def attention_report(session: Session, actor: Actor, year: int, quarter: int, today: dt.date, *,
                     provisional: bool = False, publish: bool = False,
                     table: PerformanceTable | None = None,
                     disclosure: Disclosure | None = None) -> AttentionReport:
    """The report for `quarter` of `year` as `actor` may see it (a provider: its own services).
    `table` and `disclosure`: the pack's own table of that quarter and what it hides, when an
    export already has them (so the pack's sections hide the same figures)."""
    provider_scope(actor)  # an account that may see nothing is refused here, in its words
    if table is None or table.quarter != quarter or table.year != year:
        table = performance_table(session, actor, year, quarter, today, include_submitted=provisional)
        disclosure = _disclosure(session, table, publish)
    elif publish and disclosure is None:
        disclosure = _disclosure(session, table, publish)
    masks = row_masks(table, disclosure)
    thresholds = rag_thresholds(session)
    period = session.scalars(select(Period).where(Period.year == year,
                                                  Period.quarter == quarter)).one_or_none()
    # Before its due date a quarter owes nothing: its year to date would be judged against
    # a target it has not had time to meet (the table reads it as Not due too).
    due = is_due(Quarter(year, quarter), today, period)
    slugs = url_slugs(session)["service"]
    year_text = year_label(year)
    found: list[AttentionLine] = []
    left_out = 0

    def add(kind: str, row_service: int, service: str, priority: str, metric: str, what: str,
            metric_order: int = 0) -> None:
        found.append(AttentionLine(SECTION_OF[kind], kind, priority, row_service, service, metric,
                                   what, service_path(slugs.get(row_service, str(row_service)),
                                                      year_text),
                                   order=(metric_order,)))

    metric_rows = [(i, row, mask) for i, (row, mask) in enumerate(zip(table.rows, masks, strict=True))
                   if due and not row.is_breakdown and row.metric_id is not None]
    # Red, and the forecast.
    for i, row, mask in metric_rows:
        quarter_red = row.rag == "red"
        ytd_red = rag_status(row.ytd_actual.shown, row.ytd_target,
                             higher_is_better=row.higher_is_better, thresholds=thresholds) == "red"
        if quarter_red and mask.quarter is not None:
            quarter_red, left_out = False, left_out + 1
        if ytd_red and mask.ytd is not None:
            ytd_red, left_out = False, left_out + 1
        if quarter_red or ytd_red:
            add(RED_LINE, row.service_id, row.service, row.priority, row.metric,
                red_words(row, quarter_red, ytd_red), i)
        if row.unit != "percent" and forecast_short(row.forecast, row.annual_target,
                                                    row.higher_is_better):
            if mask.ytd is not None:
                left_out += 1
            else:
                add(FORECAST_SHORT, row.service_id, row.service, row.priority, row.metric,
                    forecast_words(row, float(row.forecast or 0), float(row.annual_target or 0)), i)
    # Green four quarters running: this quarter's Green, and the three before it.
    green = _green_metrics(table, disclosure)
    earlier = Quarter(year, quarter)
    for _ in range(GREEN_RUN_QUARTERS - 1):
        earlier = earlier.previous()
        if not green:
            break
        before = performance_table(session, actor, earlier.year, earlier.quarter, today,
                                   include_submitted=provisional)
        green &= _green_metrics(before, _disclosure(session, before, publish))
    for i, row, _ in metric_rows:
        if row.metric_id in green:
            add(GREEN_RUN, row.service_id, row.service, row.priority, row.metric,
                green_run_words(row), i)
    # The charts: special causes at the chosen quarter.
    order_of_metric = {row.metric_id: i for i, row, _ in metric_rows}
    for trend in visible_trends(session, actor, provisional=provisional, publish=publish,
                                until=(year, quarter), ending=True):
        point = trend.spc.latest
        if point is None or trend.quarters[-1] != (year, quarter) or point.variation not in (
                CONCERN, IMPROVEMENT):
            continue
        order = order_of_metric.get(trend.metric_id, len(table.rows))
        if point.variation == IMPROVEMENT:
            kind, what = IMPROVING_LINE, special_cause_words(trend, point)
        elif trend.kind == "outcome" and trend.is_rate and point.special_cause == TREND:
            kind, what = TRENDING_DOWN, trending_down_words(trend, point)
        else:
            kind, what = CONCERN_LINE, special_cause_words(trend, point)
        add(kind, trend.service_id, trend.service_name, trend.priority, trend.metric_name, what,
            order)
    # Returns overdue or missing.
    rows, rates = submission_grid(session, actor, year, today)
    due = rates[quarter - 1].due
    label = quarter_label(year, quarter)
    for sub in rows:
        status = sub.statuses[quarter - 1]
        if status in LATE_STATES and sub.service_id is not None:
            add(RETURN_LATE, sub.service_id, sub.service, "", "", late_words(label, status, due))
    return _finish(session, found, year, quarter, provisional, publish, left_out)


def _finish(session: Session, found: list[AttentionLine], year: int, quarter: int,
            provisional: bool, publish: bool, left_out: int) -> AttentionReport:
    """Priorities, orders and explanations filled in; lines sorted."""
    ids = sorted({line.service_id for line in found})
    info = {sid: (p_order, p_name, s_order) for sid, p_order, p_name, s_order in session.execute(
        select(Service.id, Priority.display_order, Priority.name, Service.display_order)
        .join(Priority, Priority.id == Service.priority_id).where(Service.id.in_(ids)))}
    explained: dict[int, tuple[tuple[str, str], ...]] = {}
    if not publish and ids:
        for sid, challenges, note in session.execute(
                select(Return.service_id, Return.challenges, Return.warning_note)
                .join(Period, Period.id == Return.period_id)
                .where(Return.service_id.in_(ids), Period.year == year,
                       Period.quarter == quarter, Return.status == "approved")):
            explained[sid] = tuple((label, text.strip()) for label, text in
                                   ((CHALLENGES, challenges or ""), (EXPLANATION, note or ""))
                                   if text and text.strip())
    lines = []
    for line in found:
        p_order, p_name, s_order = info.get(line.service_id, (0, line.priority, 0))
        lines.append(AttentionLine(
            line.section, line.kind, p_name, line.service_id, line.service, line.metric,
            line.what, line.link, explained.get(line.service_id, ()),
            (p_order, s_order, line.service_id, KIND_ORDER.index(line.kind), *line.order)))
    lines.sort(key=lambda line: line.order)
    notes = []
    if publish:
        notes.append(EXPLANATIONS_LEFT_OUT)
        if left_out:
            notes.append(f"{left_out} {'line is' if left_out == 1 else 'lines are'} left out of "
                         "this published version: the figures they rest on are too small to "
                         "publish.")
    if provisional:
        notes.append("Figures include submitted returns not yet approved (provisional); the "
                      "providers' explanations come from approved returns only.")
    return AttentionReport(year, quarter, tuple(lines), provisional, publish, left_out, tuple(notes))


# A long report, read a part at a time --------------------------------------------------------

@dataclass(frozen=True)
class PriorityCount:
    """How many lines of each section a priority has."""

    priority: str
    concerns: int
    going_well: int


def priority_counts(report: AttentionReport) -> list[PriorityCount]:
    """Each priority with lines, in the report's order (the strategy's), and its lines counted
    by section: every line is counted, whichever part of the report is drawn."""
    counts: dict[str, list[int]] = {}
    for line in report.lines:
        pair = counts.setdefault(line.priority, [0, 0])
        pair[0 if line.section == NEEDS_ATTENTION else 1] += 1
    return [PriorityCount(name, concerns, well) for name, (concerns, well) in counts.items()]


def lines_in_order(report: AttentionReport, priority: str | None = None) -> list[AttentionLine]:
    """The report's lines as a page lists them, Needs attention first, then Going well, each
    in the report's order; only one priority's when `priority` names one."""
    return [line for line in (*report.concerns, *report.going_well)
            if priority is None or line.priority == priority]


__all__ = [
    "GOING_WELL", "KIND_ORDER", "LEFT_OUT_HERE", "NEEDS_ATTENTION", "NO_EXPLANATION",
    "AttentionLine", "AttentionReport", "PriorityCount", "attention_report",
    "forecast_short", "lines_in_order", "priority_counts",
]
