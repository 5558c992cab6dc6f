"""The CWP meeting pack as a PDF: cover, What needs attention, RAG summary by priority, a page per service with
its charts (rendered by kaleido through the system Chromium) and narrative, the full
table, and notes. A4 landscape, page numbers, readable in black and white."""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import escape

import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy.orm import Session

from charts.service import quarterly_count_figure, rate_figure
from charts.text import chart_text
from exports.chart_cache import ChartCache, ChartStore, chart_key
from exports.chart_drawing import BROWSER
from exports.context import ExportContext, chart_quarters, table_figures
from exports.errors import ExportUnavailable
from exports.progress import Progress
from models.access import Actor
from models.reporting.attention import GOING_WELL, NEEDS_ATTENTION
from models.reporting.cells import RagTally, row_cells
from models.reporting.performance import COLUMNS, PerformanceRow
from models.reporting.publication import RowMask, span_of
from models.reporting.service_figures import MetricSeries, service_figures
from models.rules.disclosure import publication_rule_text
from models.rules.formats import format_datetime, format_number
from models.rules.periods import year_label

PAGE = landscape(A4)
STYLES = getSampleStyleSheet()
SMALL = ParagraphStyle("small", parent=STYLES["BodyText"], fontSize=6.2, leading=7.4)
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontSize=9.5, leading=12)
SMALL_BODY = ParagraphStyle("small-body", parent=STYLES["BodyText"], fontSize=8.5, leading=10.5)
CHART_SIZE = (760, 330)
ChartBuilder = Callable[..., go.Figure]
# Image streams binary, not ASCII85 text: ReportLab's ASCII85 is pure Python here and took
# about a second per ten charts (measured, issue 20); every PDF reader reads binary streams.
rl_config.useA85 = 0


CHART_SCALE = 2  # pixels per point: sharp when printed
DRAWING = "Drawing charts"  # the stage's words in a progress report


def start_drawing() -> None:
    """Have the browser that draws the charts start opening while the pack's figures are
    read (exports.chart_drawing.ChartBrowser.warm): with no browser open yet, its start is
    most of a small pack's time."""
    BROWSER.warm()


def render_charts(figures: list[go.Figure], directory: Path, progress: Progress | None = None,
                  chart_store: ChartStore | None = None) -> list[Path]:
    """Each figure as a PNG file in `directory`, in order. A picture found in `chart_store` (keyed
    by the figure itself: exports.chart_cache) is used as it is; the rest are drawn by the
    process's browser (exports.chart_drawing) and kept there. A figure that appears twice
    is drawn once. `progress(DRAWING, done, total)` is called once per chart as it is ready."""
    if not figures:
        return []
    cache = (chart_store if chart_store is None or isinstance(chart_store, ChartCache)
             else ChartCache(chart_store))
    specs = [figure.to_plotly_json() for figure in figures]
    keys = [chart_key(json.dumps(spec, cls=PlotlyJSONEncoder, sort_keys=True), *CHART_SIZE, CHART_SCALE)
            for spec in specs]
    pngs: dict[str, bytes] = {}
    if cache is not None:
        for key in dict.fromkeys(keys):
            if (png := cache.get(key)) is not None:
                pngs[key] = png
    total, ready = len(figures), [0]

    def tell(count: int) -> None:
        for _ in range(count):
            ready[0] += 1
            if progress is not None:
                progress(DRAWING, ready[0], total)

    tell(sum(key in pngs for key in keys))
    wanted = {key: spec for key, spec in zip(keys, specs, strict=True) if key not in pngs}
    order = list(wanted)
    try:
        drawn = BROWSER.draw(list(wanted.values()), *CHART_SIZE, CHART_SCALE,
                             done=lambda i, png: tell(keys.count(order[i])))
    except ExportUnavailable:
        raise
    except Exception as exc:  # kaleido reports browser trouble in many ways
        raise ExportUnavailable(f"The charts for the PDF could not be drawn: {exc}") from exc
    for key, png in zip(order, drawn, strict=True):
        pngs[key] = png
        if cache is not None:
            cache.set(key, png)
    if cache is not None and drawn:
        cache.trim()
    paths = [directory / f"chart-{i}.png" for i in range(total)]
    for path, key in zip(paths, keys, strict=True):
        path.write_bytes(pngs[key])
    return paths


def _footer(ctx: ExportContext):  # noqa: ANN202
    label = ctx.title + (" · DEMO DATA" if ctx.table.demo else "") + (
        " · publication mode" if ctx.publish else "")

    def draw(canvas, doc) -> None:  # noqa: ANN001
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(15 * mm, 8 * mm, label)
        canvas.restoreState()

    return draw


class NumberedCanvas(Canvas):
    """Writes "Page N of M" on every page: M is known only when the last page is done, so
    each page is kept until then (ReportLab's own recipe)."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # ReportLab calls it by this name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont("Helvetica", 8)
            self.drawRightString(PAGE[0] - 15 * mm, 8 * mm, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


# The full table is 18 columns across A4 landscape: cells get 2 pt of padding a side, and a
# column is never narrower than the longest word of its heading, so "Quarter target" wraps
# between its words and never inside one ("Quar ter ta rget").
CELL_PAD = 2
FULL_TABLE_WIDTHS_MM = [15, 22, 16, 26, 14, 11, 13, 10, 15, 10, 10, 15, 10, 10, 11, 12, 15, 24]  # Kind fits "Breakdown"
HEADER = ParagraphStyle("header", parent=SMALL, fontName="Helvetica-Bold", splitLongWords=0)


def header_widths(columns: list[str], wanted_mm: list[float], style: ParagraphStyle = HEADER) -> list[float]:
    """Each column's width in points: as wanted, or wider if its heading's longest word needs it."""
    return [max(w * mm, max(stringWidth(word, style.fontName, style.fontSize) for word in c.split())
                + 2 * CELL_PAD + 1)
            for c, w in zip(columns, wanted_mm, strict=True)]


def _indent(text: str) -> str:
    """Keep a breakdown row's indent: Paragraph drops leading spaces."""
    stripped = text.lstrip(" ")
    return "&nbsp;" * 2 * (len(text) - len(stripped)) + stripped


def _table(data: list[list], widths: list[float] | None = None, header_rows: int = 1,
           font_size: float = 8) -> Table:
    table = Table(data, colWidths=widths, repeatRows=header_rows)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", font_size),
        ("FONT", (0, 0), (-1, header_rows - 1), "Helvetica-Bold", font_size),
        ("LINEBELOW", (0, 0), (-1, header_rows - 1), 1, colors.black),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _rag_summary(rows: list[PerformanceRow], masks: list[RowMask]) -> list:
    tally = RagTally()
    for r, mask in zip(rows, masks, strict=True):
        tally.add(r, mask)
    words = tally.words()
    data = [["Priority", *words]] + [[p, *[format_number(c.get(w, 0)) for w in words]]
                                     for p, c in tally.by_priority.items()]
    return [Paragraph("RAG summary by priority (measures, all services)", STYLES["Heading2"]),
            _table(data), Spacer(1, 6 * mm)]


ATTENTION_WIDTHS_MM = [42, 135, 90]  # priority, the line, the provider's explanation: 267 mm


def _attention_section(ctx: ExportContext) -> list:
    """The pack's first section: What needs attention (models.reporting.attention), a table
    per section — the line (its kind in words, the service, what the figures say) and the
    provider's explanation beside it — or a sentence when a section is empty."""
    report = ctx.attention
    if report is None:
        return []
    story: list = [Paragraph(escape(f"What needs attention: {report.label}"), STYLES["Heading1"])]
    story += [Paragraph(escape(note), BODY) for note in report.notes]
    for section, lines in ((NEEDS_ATTENTION, report.concerns), (GOING_WELL, report.going_well)):
        story.append(Paragraph(escape(f"{section} ({len(lines)})"), STYLES["Heading2"]))
        if not lines:
            story.append(Paragraph(escape(report.empty_words(section)), BODY))
            continue
        head = [Paragraph(f"<b>{escape(h)}</b>", SMALL_BODY)
                for h in ("Priority", "What", "Provider's explanation")]
        body = [[Paragraph(escape(line.priority), SMALL_BODY),
                 Paragraph(f"<b>{escape(line.kind_words)}.</b> <b>{escape(line.service)}</b>: "
                           f"{escape(line.what)}", SMALL_BODY),
                 Paragraph(escape(line.explanation_shown(report.published)), SMALL_BODY)]
                for line in lines]
        story.append(_table([head, *body], [w * mm for w in ATTENTION_WIDTHS_MM]))
    story.append(PageBreak())
    return story


def _service_cell(row: PerformanceRow, mask: RowMask, column: int) -> str:
    """A cell of a service page's table, which has no Note column: the metric's name says when
    lower is better, so its RAG is read the right way round."""
    text = row_cells(row, mask)[column]
    if COLUMNS[column] == "Metric" and not row.higher_is_better:
        text += " (lower is better)"
    return text


def _service_page(row_group: list[tuple[PerformanceRow, RowMask]], images: list[Path],
                  narrative: list, quarter: int | None) -> list:
    first = row_group[0][0]
    story: list = [Paragraph(escape(first.service), STYLES["Heading2"]),
                   Paragraph(escape(f"{first.provider} · {first.priority}"), BODY)]
    wanted = (["Metric", "Quarter target", "Quarter actual", "Quarter % of target", "YTD actual",
               "Annual target", "RAG", "Status"] if quarter else
              ["Metric", "YTD target", "YTD actual", "YTD % of target", "Forecast", "Annual target",
               "RAG", "Status"])
    idx = [COLUMNS.index(w) for w in wanted]
    body = [[Paragraph(_indent(escape(_service_cell(r, mask, i))), SMALL) for i in idx]
            for r, mask in row_group if not r.is_breakdown]
    data = [[Paragraph(f"<b>{w}</b>", SMALL) for w in wanted], *body[:12]]
    story.append(_table(data, [70 * mm, 22 * mm, 38 * mm, 22 * mm, 38 * mm, 22 * mm, 20 * mm,
                               30 * mm]))
    if images:
        cells = [Image(str(p), width=125 * mm, height=125 * mm * CHART_SIZE[1] / CHART_SIZE[0])
                 for p in images]
        story += [Spacer(1, 3 * mm), Table([cells])]
    for quarter, highlights, case_study in narrative:
        if highlights:
            story.append(Paragraph(f"<b>{escape(quarter)} highlights:</b> {escape(highlights)}", BODY))
        if case_study:
            story.append(Paragraph(f"<b>Case study:</b> <i>{escape(case_study)}</i>", BODY))
    story.append(PageBreak())
    return story


def _through(m: MetricSeries, last: int) -> MetricSeries:
    """The series as far as the pack's last quarter: a Q2 pack exported later does not draw
    Q3 and Q4 (nor publish them)."""
    return replace(m, points=[p if p.quarter <= last else replace(p, actual=None, rate=None, interval=None)
                              for p in m.points])


def performance_pdf(session: Session, actor: Actor, ctx: ExportContext,
                    progress: Progress | None = None, chart_store: ChartStore | None = None) -> bytes:
    """The pack, built as `actor` (whose table `ctx` holds): each service page is read as
    that user, so it can hold nothing the user may not see. In publication mode its tables
    and charts are one output to disclosure control: the quarters a chart draws join the
    quarter and year-to-date figures the tables print."""
    table = ctx.table
    year_text = year_label(table.year)
    groups: dict[int, list[int]] = {}
    for i, r in enumerate(table.rows):
        groups.setdefault(r.service_id, []).append(i)
    # Fetched once per pack: publishing already fetched them for its disclosure.
    shared = ctx.figures or table_figures(session, table)
    charted_metrics = {table.rows[i].metric_id: i for i in chart_quarters(table, shared.totals)}
    charts: list[tuple[int, MetricSeries, ChartBuilder]] = []
    narrative: dict[int, list] = {}
    for done, service_id in enumerate(groups):
        if progress is not None:
            progress("Reading each service's figures", done, len(groups))
        f = service_figures(session, actor, service_id, table.year, table.provisional, shared)
        # A published pack leaves free text out: it cannot be checked for small numbers.
        narrative[service_id] = [] if ctx.publish else [
            n for n in f.narrative if table.quarter is None or n[0].startswith(f"Q{table.quarter} ")]
        charts += [(service_id, _through(m, table.through),
                    rate_figure if m.unit == "percent" else quarterly_count_figure)
                   for m in f.metrics if m.id in charted_metrics]
    disclosure = ctx.disclosure
    masks = ctx.masks()
    figures = []
    for _, m, draw in charts:
        row = charted_metrics[m.id]
        hidden = {q: marker for q in (1, 2, 3, 4) if disclosure is not None
                  and (marker := disclosure.marker((row, span_of(q)))) is not None}
        fig = draw(m, year_text, hidden)
        fig.update_layout(title=chart_text(f"{m.name}: ") + fig.layout.title.text)
        figures.append(fig)
    owners = [service_id for service_id, _, _ in charts]
    with tempfile.TemporaryDirectory() as tmp:
        paths = render_charts(figures, Path(tmp), progress=progress, chart_store=chart_store)
        if progress is not None:
            progress("Laying out the pages", 0, 0)
        images: dict[int, list[Path]] = {}
        for owner, path in zip(owners, paths, strict=True):
            images.setdefault(owner, []).append(path)
        story: list = [
            Spacer(1, 30 * mm),
            Paragraph(escape(ctx.title), STYLES["Title"]),
            Paragraph("Stafford Borough Community Wellbeing Partnership", STYLES["Heading3"]),
            Paragraph(escape(f"Exported {format_datetime(ctx.exported_at)} by {ctx.exported_by}"), BODY),
        ]
        if table.demo:
            story.append(Paragraph("<b>DEMO DATA: these figures are synthetic, made up to show how the "
                                   "app works. They are not real performance data.</b>", BODY))
        if ctx.publish:
            story.append(Paragraph("<b>Publication mode.</b> " + escape(publication_rule_text(ctx.threshold)),
                                   BODY))
        story += [PageBreak(), *_attention_section(ctx), *_rag_summary(table.rows, masks),
                  PageBreak()]
        for service_id, rows in groups.items():
            story += _service_page([(table.rows[i], masks[i]) for i in rows],
                                   images.get(service_id, []), narrative[service_id], table.quarter)
        story.append(Paragraph("The full performance table", STYLES["Heading2"]))
        data = [[Paragraph(escape(c), HEADER) for c in COLUMNS]] + [
            [Paragraph(_indent(escape(c)), SMALL) for c in row_cells(r, mask)]
            for r, mask in zip(table.rows, masks, strict=True)]
        full = _table(data, header_widths(COLUMNS, FULL_TABLE_WIDTHS_MM), font_size=6.2)
        full.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD)]))
        story += [full, PageBreak(),
                  Paragraph("Notes", STYLES["Heading2"])]
        story += [Paragraph(f"<b>{escape(label)}:</b> {escape(text)}", BODY) for label, text in ctx.notes()]
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=15 * mm, rightMargin=15 * mm,
                                topMargin=12 * mm, bottomMargin=15 * mm, title=ctx.title,
                                author="CWP Outcomes Monitor")
        footer = _footer(ctx)
        doc.build(story, onFirstPage=footer, onLaterPages=footer, canvasmaker=NumberedCanvas)
    return buffer.getvalue()
