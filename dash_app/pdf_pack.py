"""The CWP meeting pack as a PDF: cover, RAG summary by priority, a page per service with
its charts (rendered by kaleido through the system Chromium) and narrative, the full
table, and notes. A4 landscape, page numbers, readable in black and white."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
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

from layouts.chart_text import chart_text
from layouts.service_charts import quarterly_count_figure, rate_figure
from models.aggregation import COUNTED_STATES, PROVISIONAL_STATES, year_figures
from models.export_context import ExportContext
from models.performance import COLUMNS, PerformanceRow
from models.periods import year_label
from models.service_figures import service_figures
from models.table_format import row_cells

PAGE = landscape(A4)
STYLES = getSampleStyleSheet()
SMALL = ParagraphStyle("small", parent=STYLES["BodyText"], fontSize=6.2, leading=7.4)
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontSize=9.5, leading=12)
RAG_GREYS = {"Green": "#d9d9d9", "Amber": "#a6a6a6", "Red": "#595959"}  # words carry the meaning
CHART_SIZE = (760, 330)


@dataclass
class _Reader:
    """Who the pack's service pages are built for (the export's own scope)."""

    id: int
    role: str
    provider_id: int | None


def _chromium() -> str | None:
    for candidate in (os.environ.get("BROWSER_PATH"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def render_charts(figures: list, directory: Path) -> list[Path]:
    """Render plotly figures to PNG in one browser session (kaleido batch)."""
    import plotly.io as pio

    from dash_app.exports import ExportUnavailable

    if not figures:
        return []
    browser = _chromium()
    if browser is None:
        raise ExportUnavailable("The PDF pack needs Chromium to draw its charts; install the "
                                "Debian package chromium and try again.")
    os.environ.setdefault("BROWSER_PATH", browser)
    paths = [directory / f"chart-{i}.png" for i in range(len(figures))]
    try:
        pio.write_images(figures, paths, format="png", width=CHART_SIZE[0], height=CHART_SIZE[1],
                         scale=2)
    except Exception as exc:  # kaleido reports browser trouble in many ways
        raise ExportUnavailable(f"The charts for the PDF could not be drawn: {exc}") from exc
    return paths


def _footer(ctx: ExportContext):  # noqa: ANN202
    label = ctx.title + (" · DEMO DATA" if ctx.table.demo else "") + (
        " · publication mode" if ctx.publish else "")

    def draw(canvas, doc) -> None:  # noqa: ANN001
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(15 * mm, 8 * mm, label)
        canvas.drawRightString(PAGE[0] - 15 * mm, 8 * mm, f"Page {doc.page}")
        canvas.restoreState()

    return draw


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


def _rag_summary(rows: list[PerformanceRow]) -> list:
    by_priority: dict[str, Counter] = {}
    for r in rows:
        if not r.is_breakdown:
            by_priority.setdefault(r.priority, Counter())[r.rag_word] += 1
    words = ["Green", "Amber", "Red", "No data", "Not due", "No target"]
    data = [["Priority", *words]] + [[p, *[str(c.get(w, 0)) for w in words]]
                                     for p, c in by_priority.items()]
    return [Paragraph("RAG summary by priority (measures, all services)", STYLES["Heading2"]),
            _table(data), Spacer(1, 6 * mm)]


def _service_page(row_group: list[PerformanceRow], ctx: ExportContext, images: list[Path],
                  narrative: list) -> list:
    first = row_group[0]
    story: list = [Paragraph(escape(first.service), STYLES["Heading2"]),
                   Paragraph(escape(f"{first.provider} · {first.priority}"), BODY)]
    wanted = ["Metric", "Quarter target", "Quarter actual", "Quarter % of target", "YTD actual",
              "Annual target", "RAG", "Status"]
    idx = [COLUMNS.index(w) for w in wanted]
    body = [[Paragraph(_indent(escape(row_cells(r, ctx.publish)[i])), SMALL) for i in idx]
            for r in row_group if not r.is_breakdown]
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


def performance_pdf(session: Session, ctx: ExportContext, scope: int | None) -> bytes:
    table = ctx.table
    reader = _Reader(0, "provider" if scope else "admin", scope)
    year_text = year_label(table.year)
    groups: dict[int, list[PerformanceRow]] = {}
    for r in table.rows:
        groups.setdefault(r.service_id, []).append(r)
    states = PROVISIONAL_STATES if table.provisional else COUNTED_STATES
    shared = year_figures(session, table.year, states, service_ids=list(groups))
    figures, owners = [], []
    narrative: dict[int, list] = {}
    for service_id in groups:
        f = service_figures(session, reader, service_id, table.year, table.provisional, shared)
        narrative[service_id] = [n for n in f.narrative
                                 if table.quarter is None or n[0].startswith(f"Q{table.quarter} ")]
        headline = next((m for m in f.metrics if m.unit == "count" and m.has_data), None)
        outcome = next((m for m in f.metrics if m.unit == "percent" and m.has_data), None)
        for m, draw in ((headline, quarterly_count_figure), (outcome, rate_figure)):
            if m is not None:
                fig = draw(m, year_text)
                fig.update_layout(title=chart_text(f"{m.name}: ") + fig.layout.title.text)
                figures.append(fig)
                owners.append(service_id)
    with tempfile.TemporaryDirectory() as tmp:
        paths = render_charts(figures, Path(tmp))
        images: dict[int, list[Path]] = {}
        for owner, path in zip(owners, paths, strict=True):
            images.setdefault(owner, []).append(path)
        story: list = [
            Spacer(1, 30 * mm),
            Paragraph(escape(ctx.title), STYLES["Title"]),
            Paragraph("Stafford Borough Community Wellbeing Partnership", STYLES["Heading3"]),
            Paragraph(escape(f"Exported {ctx.exported_at:%-d %B %Y at %H:%M} by {ctx.exported_by}"), BODY),
        ]
        if table.demo:
            story.append(Paragraph("<b>DEMO DATA: these figures are synthetic, made up to show how the "
                                   "app works. They are not real performance data.</b>", BODY))
        if ctx.publish:
            story.append(Paragraph("Publication mode: counts from 1 to 4 show as &lt;5 and rates for "
                                   "fewer than 5 people are withheld.", BODY))
        story += [PageBreak(), *_rag_summary(table.rows), PageBreak()]
        for service_id, rows in groups.items():
            story += _service_page(rows, ctx, images.get(service_id, []), narrative[service_id])
        story.append(Paragraph("The full performance table", STYLES["Heading2"]))
        data = [[Paragraph(f"<b>{escape(c)}</b>", SMALL) for c in COLUMNS]] + [
            [Paragraph(_indent(escape(c)), SMALL) for c in row_cells(r, ctx.publish)] for r in table.rows]
        widths = [15, 22, 16, 26, 11, 10, 13, 10, 15, 10, 10, 15, 10, 10, 10, 12, 15, 27]
        story += [_table(data, [w * mm for w in widths], font_size=6.2), PageBreak(),
                  Paragraph("Notes", STYLES["Heading2"])]
        story += [Paragraph(f"<b>{escape(label)}:</b> {escape(text)}", BODY) for label, text in ctx.notes()]
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=15 * mm, rightMargin=15 * mm,
                                topMargin=12 * mm, bottomMargin=15 * mm, title=ctx.title,
                                author="CWP Outcomes Monitor")
        footer = _footer(ctx)
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
