"""What every export carries besides the table: narrative, notes, who and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.access import Actor, provider_scope, visible_services
from models.catalogue.strategy import SOURCE
from models.reporting.aggregation import QuarterTotals, YearFigures, year_figures
from models.reporting.attention import AttentionReport, attention_report
from models.reporting.cells import RagTally
from models.reporting.performance import (
    Figure,
    PerformanceRow,
    PerformanceTable,
    TableChunks,
    chosen_services,
)
from models.reporting.publication import RowMask, row_masks, table_disclosure
from models.reporting.trends import (
    MetricTrend,
    metrics_with_small_categories,
    visible_trends,
    withheld_series,
)
from models.rules.disclosure import DEFAULT_THRESHOLD, Disclosure, publication_rule_text
from models.rules.formats import format_datetime
from models.rules.periods import quarter_label, year_label
from models.rules.rag import RagThresholds, rag_rule_text
from models.rules.workflow import counted_states
from models.store.entities import Metric, Period, Provider, Return, Service
from models.store.settings import disclosure_threshold, rag_thresholds

# The Trends sheet holds a row per metric and quarter; Excel holds 1,048,576 rows a sheet.
TRENDS_MAX_ROWS = 1_048_575
TRENDS_LEFT_OUT = ("The Trends sheet is left out of this workbook: {metrics:,} measures over {quarters} "
                   "quarters would need more rows than a spreadsheet holds. Each service's Trends page "
                   "shows its series, and a workbook for fewer services (one provider's, or a "
                   "priority's) carries them.")
# Beyond this many measures a workbook does not work out each one's control chart (its Trends
# and What needs attention sheets): about 4 ms a series, and three more years' tables for
# "Green four quarters" — minutes and gigabytes for a national year's 130,000 (issue 20).
SERIES_MAX_MEASURES = 10_000
SERIES_LEFT_OUT = ("This workbook leaves out the What needs attention lines and the Trends "
                   "series: its services have {measures:,} measures, and a workbook works out "
                   "each measure's control chart for at most {limit:,} (more would take many "
                   "minutes and gigabytes of memory). The What needs attention page and each "
                   "service's Trends page show them, and a provider's own workbook carries both; "
                   "the What needs attention sheet counts the measures by RAG and priority "
                   "instead.")
NARRATIVE_LEFT_OUT = ("Highlights, challenges and case studies are left out of a published pack: "
                      "free text cannot be checked for small numbers.")


@dataclass
class NarrativeEntry:
    service: str
    provider: str
    quarter: str
    highlights: str
    challenges: str
    case_study: str


@dataclass
class ExportContext:
    table: PerformanceTable
    narrative: list[NarrativeEntry]
    thresholds: RagThresholds
    exported_by: str
    exported_at: dt.datetime
    publish: bool = False
    threshold: int = DEFAULT_THRESHOLD
    disclosure: Disclosure | None = None  # what publication mode hides (None: nothing)
    figures: YearFigures | None = None  # the year's aggregates, when already fetched (publishing)
    extra_notes: list[str] = field(default_factory=list)
    attention: AttentionReport | None = None  # "What needs attention" (the PDF and XLSX)
    # Each metric's quarterly series as an XmR chart (the XLSX Trends sheet), for the services
    # in the table; publication mode applied as to the rest of the pack.
    trends: list[MetricTrend] = field(default_factory=list)
    trends_left_out: str | None = None  # why the Trends sheet is empty, when it is too big to hold
    # A national workbook: the table's rows with their masks, read a chunk of services at a
    # time as the sheet is written (`table` then holds no rows); and why the What needs
    # attention sheet is left out (`attention` is None), when it is.
    streamed: Iterator[tuple[PerformanceRow, RowMask]] | None = None
    attention_left_out: str | None = None
    # Measures by the RAG shown, by priority, counted as the Performance sheet is written:
    # what a workbook without its What needs attention lines shows in their place.
    rag_tally: RagTally | None = None
    # Whose services a workbook covers, in words: set, the Notes name them instead of who
    # exported it (one workbook is kept for everyone who may see the same: exports.stored).
    exported_for: str | None = None

    def rows_and_masks(self) -> Iterator[tuple[PerformanceRow, RowMask]]:
        """Each row of the table with what it may show, as it is to be written (once)."""
        if self.streamed is not None:
            return self.streamed
        return iter(zip(self.table.rows, self.masks(), strict=True))

    def masks(self) -> list[RowMask]:
        """What each row may show in this export (everything, unless publishing)."""
        return row_masks(self.table, self.disclosure)

    @property
    def title(self) -> str:
        when = (quarter_label(self.table.year, self.table.quarter) if self.table.quarter
                else f"the whole of {year_label(self.table.year)}")
        return f"CWP quarterly performance: {when}"

    def notes(self) -> list[tuple[str, str]]:
        t = self.thresholds
        lines = [
            ("Period", self.title.removeprefix("CWP quarterly performance: ")),
            ("Exported", f"{format_datetime(self.exported_at)} by {self.exported_by}"
             if self.exported_for is None else
             f"{format_datetime(self.exported_at)}, with the figures as they stood then, for "
             f"everyone who may see {self.exported_for}. The same file is given to each of "
             "them until a figure changes."),
            ("Data included", "Approved returns and submitted returns not yet approved "
             "(provisional)" if self.table.provisional else "Approved returns only"),
            ("RAG", rag_rule_text(t)),
            ("Outcome rates", "Pooled across returns: everyone who improved over everyone "
             "assessed, never an average of percentages. Shown with the number of people."),
            ("Targets", "An annual count target splits evenly across quarters unless quarterly "
             "targets are set; a percentage target applies to each quarter as it is."),
            ("Forecast", "Year-end forecast for counts: the year to date divided by the quarters "
             "reported, times four."),
            ("Baselines", f"Published 2018/19 figures from the {SOURCE}, kept as published."),
            ("Due dates", "A quarter is due from its due date, that day included: the 20th day "
             "after it ends unless the lead officer set another. The whole year is due once its "
             "first quarter is, and is judged on the quarters due so far."),
            ("Retired services", "A service that has been retired (or whose provider has) keeps "
             "its rows, marked Retired, in every year where it has figures or targets."),
        ]
        if self.publish:
            lines.append(("Publication mode", publication_rule_text(self.threshold)))
            lines.append(("Narrative", NARRATIVE_LEFT_OUT))
        if self.table.demo:
            lines.append(("DEMO DATA", "These figures are synthetic, made up to show how the app "
                          "works. They are not real performance data."))
        lines += [("Note", n) for n in self.extra_notes]
        return lines


def scope_words(session: Session, actor: Actor) -> str:
    """Whose services an export covers: "every provider's services" (the lead officer and
    CWP members) or "<provider>'s services"."""
    provider = provider_scope(actor)
    if provider is None:
        return "every provider's services"
    name = session.scalar(select(Provider.name).where(Provider.id == provider))
    return f"{name}'s services"


def narrative_entries(session: Session, actor: Actor, year: int, quarter: int | None,
                      include_submitted: bool = False) -> list[NarrativeEntry]:
    """The narrative of the returns the actor may see."""
    states = counted_states(include_submitted)
    stmt = (
        select(Service.name, Provider.name, Period.year, Period.quarter, Return.highlights,
               Return.challenges, Return.case_study)
        .join(Service, Service.id == Return.service_id)
        .join(Provider, Provider.id == Return.provider_id)
        .join(Period, Period.id == Return.period_id)
        .where(Period.year == year, Return.status.in_(states), visible_services(actor))
        .order_by(Service.display_order, Period.quarter)
    )
    if quarter is not None:
        stmt = stmt.where(Period.quarter == quarter)
    return [NarrativeEntry(s, p, quarter_label(y, q), h or "", c or "", cs or "")
            for s, p, y, q, h, c, cs in session.execute(stmt) if h or c or cs]


def chart_quarters(table: PerformanceTable,
                   totals: dict[tuple[int, int], QuarterTotals]) -> dict[int, dict[int, Figure]]:
    """By table row, the quarters the PDF pack charts: each service's first count and first
    rate with figures, quarters 1 to the pack's last (later quarters are not the pack's).
    A published pack treats them as published in every format, so the CSV, the XLSX and the
    PDF of one pack hide the same cells and cannot be set against each other."""
    charted: dict[int, dict[int, Figure]] = {}
    drawn: set[tuple[int, str]] = set()
    for index, row in enumerate(table.rows):
        if row.metric_id is None or (row.service_id, row.unit) in drawn:
            continue
        quarters = {q: _figure(totals.get((row.metric_id, q)), row.unit) for q in range(1, table.through + 1)}
        if any(not figure.empty for figure in quarters.values()):
            drawn.add((row.service_id, row.unit))
            charted[index] = quarters
    return charted


def _figure(found: QuarterTotals | None, unit: str) -> Figure:
    if found is None:
        return Figure()
    return Figure(rate=found.rate) if unit == "percent" else Figure(count=found.count)


def table_figures(session: Session, table: PerformanceTable) -> YearFigures:
    """The year's aggregates for the services in `table` (its quarters, for the charts)."""
    states = counted_states(table.provisional)
    return year_figures(session, table.year, states, service_ids=sorted({r.service_id for r in table.rows}))


def pack_disclosure(session: Session, table: PerformanceTable, publish: bool,
                    figures: YearFigures | None = None) -> Disclosure | None:
    """What a published pack of `table` hides — the same in the grid, CSV, XLSX and PDF."""
    if not publish:
        return None
    figures = figures or table_figures(session, table)
    return table_disclosure(table, disclosure_threshold(session), chart_quarters(table, figures.totals))


def masked_rows(session: Session, chunks: TableChunks, publish: bool
                ) -> Iterator[tuple[PerformanceRow, RowMask]]:
    """Each row of a table read in chunks, with what a published pack of it hides: worked out
    a chunk at a time, which hides exactly what the whole table's disclosure would, since
    every group it weighs (a row's quarters and year to date, a measure and its breakdowns)
    lies within one service, and a service's rows are never split between chunks."""
    for part in chunks:
        yield from zip(part.rows, row_masks(part, pack_disclosure(session, part, publish)),
                       strict=True)


def measures_in_scope(session: Session, actor: Actor, year: int, include_submitted: bool) -> int:
    """How many measures the services of `actor`'s table for `year` have (retired ones with no
    figures that year included): whether a workbook works out each one's control chart."""
    states = counted_states(include_submitted)
    ids = chosen_services(provider_scope(actor), year=year, states=states)
    return session.scalar(select(func.count()).select_from(Metric).where(Metric.service_id.in_(ids))) or 0


def services_in_scope(session: Session, actor: Actor, year: int, include_submitted: bool) -> int:
    """How many services `actor`'s table for `year` has: what a meeting pack draws charts for."""
    ids = chosen_services(provider_scope(actor), year=year, states=counted_states(include_submitted))
    return session.scalar(select(func.count()).select_from(ids.subquery())) or 0


def streamed_context(session: Session, actor: Actor, chunks: TableChunks, now: dt.datetime,
                     publish: bool, measures: int) -> ExportContext:
    """The context of a workbook too big to work out each measure's series (more than
    SERIES_MAX_MEASURES): its table read a chunk of services at a time as it is written
    (with the same masks), no Trends or What needs attention sheet, and notes saying why."""
    ctx = export_context(session, actor, chunks.head, now, publish)
    ctx.streamed = masked_rows(session, chunks, publish)
    why = SERIES_LEFT_OUT.format(measures=measures, limit=SERIES_MAX_MEASURES)
    ctx.trends_left_out = ctx.attention_left_out = why
    ctx.rag_tally = RagTally()
    ctx.extra_notes.append(why)
    return ctx


def pack_attention(session: Session, actor: Actor, ctx: ExportContext, today: dt.date
                   ) -> AttentionReport | None:
    """What needs attention for the pack's quarter — for a whole year's pack, its latest
    quarter due (none due yet: no report). A quarter's pack hands over its own table and
    what it hides, so the report hides exactly what the pack's tables hide."""
    table = ctx.table
    quarter = table.quarter or table.through
    if not quarter:
        return None
    return attention_report(session, actor, table.year, quarter, today,
                            provisional=table.provisional, publish=ctx.publish,
                            table=table if table.quarter else None,
                            disclosure=ctx.disclosure if table.quarter else None)


def export_context(session: Session, actor: Actor, table: PerformanceTable, now: dt.datetime,
                   publish: bool = False, with_trends: bool = False) -> ExportContext:
    """What goes with `table` (built for `actor`) in an export made by `actor`. `with_trends`:
    each metric's XmR series too (the XLSX's Trends sheet), for the services in the table."""
    figures = table_figures(session, table) if publish else None
    left_out = None
    if with_trends:
        # Too many series for a sheet (a national year: 130,000 measures) would also take
        # gigabytes and many minutes to work out (issue 20): say so instead.
        metrics = len({row.metric_id for row in table.rows if row.metric_id is not None})
        quarters = session.scalar(select(func.count()).select_from(Period)) or 0
        if metrics * quarters > TRENDS_MAX_ROWS:
            with_trends, left_out = False, TRENDS_LEFT_OUT.format(metrics=metrics, quarters=quarters)
    ctx = ExportContext(
        table=table,
        # Free text cannot be checked for small numbers: a published pack leaves it out.
        narrative=[] if publish else narrative_entries(session, actor, table.year, table.quarter,
                                                        table.provisional),
        thresholds=rag_thresholds(session), exported_by=actor.email, exported_at=now,
        publish=publish, threshold=disclosure_threshold(session),
        disclosure=pack_disclosure(session, table, publish, figures), figures=figures,
        trends=visible_trends(session, actor, provisional=table.provisional, publish=publish,
                              service_ids={row.service_id for row in table.rows})
        if with_trends else [],
        trends_left_out=left_out,
    )
    if left_out:
        ctx.extra_notes.append(left_out)
    if ctx.trends:
        ctx.extra_notes.append(
            "Trends sheet: each metric's quarterly series as an XmR chart (Making Data Count): "
            "the mean, and process limits at the mean ± 2.66 × the mean moving range; special "
            "causes are a point outside the limits, 7 on one side of the mean (shift), 7 rising "
            "or falling (trend), and two of three beyond two-thirds of the way to a limit. Rates "
            "use XmR on the quarterly percentages (a rate's limits can pass 0% or 100%). Fewer "
            "than 12 quarters: no limits.")
    if publish and ctx.trends:
        # A metric any of whose table cells this pack hides, or whose categories any pack
        # would hide, has its whole series withheld (models.reporting.trends says why).
        touched = metrics_with_small_categories(session, {t.metric_id for t in ctx.trends},
                                                ctx.threshold, table.provisional)
        measure = None
        for row, mask in zip(table.rows, ctx.masks(), strict=True):
            if not row.is_breakdown:
                measure = row.metric_id  # a breakdown's rows follow their measure's row
            if mask.quarter is not None or mask.ytd is not None:
                touched.add(measure)
        ctx.trends = [withheld_series(t) if t.metric_id in touched else t for t in ctx.trends]
    return ctx
