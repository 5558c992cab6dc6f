"""The performance table as an Excel workbook: Performance, What needs attention, Narrative,
Trends and Notes sheets.

Written with XlsxWriter in its constant-memory mode, row after row straight to the file's XML:
a county's year (thousands of rows) takes a fraction of a second, where building openpyxl's
cell objects took seconds, and a national year's memory stays bounded."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from exports.context import NARRATIVE_LEFT_OUT, ExportContext
from models.reporting.attention import GOING_WELL, NEEDS_ATTENTION
from models.reporting.cells import neutralise, row_cells
from models.reporting.performance import COLUMNS, PerformanceRow
from models.reporting.publication import RowMask
from models.rules.disclosure import WITHHELD
from models.rules.formats import format_rate
from models.rules.measures import round_half_up
from models.rules.rag import RAG_LOOKS

HEADER = {"bold": True, "font_color": "#FFFFFF", "bg_color": "#0B0C0C", "pattern": 1,
          "text_wrap": True, "valign": "top"}
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0%"
DECIMAL_FORMAT = "#,##0.0"
_COL = {name: i for i, name in enumerate(COLUMNS)}


def _text(value: str) -> str:
    return neutralise(value) if value else value


def _numeric_cells(row: PerformanceRow, mask: RowMask) -> dict[str, tuple[object, str | None]]:
    """Cells written as numbers (with a format) rather than text. Percentages are written as
    the whole percent shown (rounded half up), so Excel shows what the other formats show;
    a hidden figure, and every figure derived from it, is written as its marker or not at all."""
    out: dict[str, tuple[object, str | None]] = {}
    rate = row.unit == "percent"

    def target(value: float | None) -> tuple[object, str | None]:
        if value is None:
            return None, None
        if rate:
            return value / 100, PERCENT_FORMAT
        # An even split can leave half a person (1.5 a quarter): show it as the CSV does.
        return value, COUNT_FORMAT if float(value).is_integer() else DECIMAL_FORMAT

    out["Baseline"] = target(row.baseline)
    out["Quarter target"] = target(row.quarter_target)
    out["YTD target"] = target(row.ytd_target)
    out["Annual target"] = target(row.annual_target)
    for column, figure, pct, marker in (
            ("Quarter actual", row.quarter_actual, row.quarter_pct, mask.quarter),
            ("YTD actual", row.ytd_actual, row.ytd_pct, mask.ytd)):
        pct_column = column.replace("actual", "% of target")
        if marker is not None:
            out[column], out[pct_column] = (marker, None), (None, None)
            continue
        shown = figure.shown
        if figure.rate is not None and shown is None:
            out[column], out[pct_column] = (format_rate(figure.rate), None), (None, None)  # no one assessed
            continue
        out[column] = ((None, None) if shown is None else
                       (shown / 100, PERCENT_FORMAT) if figure.rate is not None else (shown, COUNT_FORMAT))
        out[pct_column] = (None, None) if pct is None else (pct / 100, PERCENT_FORMAT)
    if row.forecast is None:
        out["Forecast"] = (None, None)
    elif mask.ytd is not None:
        out["Forecast"] = (WITHHELD, None)
    elif rate:
        out["Forecast"] = target(round_half_up(row.forecast))
    else:
        out["Forecast"] = target(round(row.forecast))  # a forecast of people is whole people
    return out


class _Widths:
    """Longest text per column, for widths that fit (capped)."""

    def __init__(self, columns: int, cap: int) -> None:
        self.longest = [8] * columns
        self.cap = cap

    def see(self, col: int, value: object) -> None:
        if value is not None:
            self.longest[col] = max(self.longest[col], len(str(value)))

    def apply(self, ws: Worksheet) -> None:
        for col, longest in enumerate(self.longest):
            ws.set_column(col, col, min(self.cap, max(8, longest + 2)))


def _performance_sheet(wb: Workbook, ctx: ExportContext) -> None:
    ws = wb.add_worksheet("Performance")
    formats = {COUNT_FORMAT: wb.add_format({"num_format": COUNT_FORMAT}),
               DECIMAL_FORMAT: wb.add_format({"num_format": DECIMAL_FORMAT}),
               PERCENT_FORMAT: wb.add_format({"num_format": PERCENT_FORMAT})}
    rag_formats = {word: wb.add_format({"bold": True, "bg_color": look.fill, "pattern": 1})
                   for word, look in RAG_LOOKS.items()}
    plain_rag = wb.add_format({"bold": True, "bg_color": "#FFFFFF", "pattern": 1})
    indent = wb.add_format({"indent": 2})
    widths = _Widths(len(COLUMNS), cap=60)
    ws.write_row(0, 0, COLUMNS, wb.add_format(HEADER))
    for col, name in enumerate(COLUMNS):
        widths.see(col, name)
    excel_row = 0
    tally = ctx.rag_tally
    for excel_row, (row, mask) in enumerate(ctx.rows_and_masks(), start=1):
        texts = row_cells(row, mask)
        if tally is not None:
            tally.add(row, mask)
        numbers = _numeric_cells(row, mask)
        cohort_notes = [format_rate(f.rate) for f, marker in ((row.quarter_actual, mask.quarter),
                                                            (row.ytd_actual, mask.ytd))
                        if f.rate is not None and marker is None]
        for col, (name, text) in enumerate(zip(COLUMNS, texts, strict=True)):
            cell_format = None
            if name in numbers:
                value, fmt = numbers[name]
                cell_format = formats.get(fmt)
            elif name == "Note" and cohort_notes:
                value = _text("; ".join(filter(None, [text, *cohort_notes])))
            else:
                value = _text(text)
            if name == "RAG" and not row.is_breakdown:
                cell_format = rag_formats.get(text, plain_rag)
            elif name == "Metric" and row.is_breakdown:
                cell_format = indent
            widths.see(col, value)
            if value is None or value == "":
                if cell_format is not None and name == "RAG":
                    ws.write_blank(excel_row, col, None, cell_format)
                continue
            if isinstance(value, str):
                # write_string, never write(): text is never read as a formula or number.
                ws.write_string(excel_row, col, value, cell_format)
            else:
                ws.write_number(excel_row, col, value, cell_format)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, excel_row, len(COLUMNS) - 1)
    widths.apply(ws)


def _narrative_sheet(wb: Workbook, ctx: ExportContext) -> None:
    ws = wb.add_worksheet("Narrative")
    heads = ["Service", "Provider", "Quarter", "Highlights", "Challenges", "Case study"]
    ws.write_row(0, 0, heads, wb.add_format(HEADER))
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    widths = _Widths(len(heads), cap=70)
    for col, name in enumerate(heads):
        widths.see(col, name)
    rows = [[_text(v) for v in (n.service, n.provider, n.quarter, n.highlights, n.challenges,
                                n.case_study)] for n in ctx.narrative]
    if ctx.publish:
        rows = [[NARRATIVE_LEFT_OUT]]
    elif not rows:
        rows = [["No highlights or case studies in approved returns for this period."]]
    for r, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            ws.write_string(r, col, value or "", wrap)
            widths.see(col, value)
    ws.freeze_panes(1, 0)
    widths.apply(ws)


ATTENTION_COLUMNS = ["Section", "Priority", "Service", "Metric", "What", "Provider's explanation",
                     "Link"]


def _attention_sheet(wb: Workbook, ctx: ExportContext) -> None:
    """"What needs attention": one row per line of the report (models.reporting.attention),
    a row saying so for an empty section, then the report's notes. In publication mode the
    report has already hidden what the pack hides, and the explanations are left out."""
    report = ctx.attention
    if report is None and ctx.attention_left_out is None:
        return
    ws = wb.add_worksheet("What needs attention")
    if report is None:  # too big a workbook to work it out: why, and the RAG summary instead
        _rag_summary_sheet(wb, ws, ctx)
        return
    ws.write_row(0, 0, ATTENTION_COLUMNS, wb.add_format(HEADER))
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    widths = _Widths(len(ATTENTION_COLUMNS), cap=70)
    for col, name in enumerate(ATTENTION_COLUMNS):
        widths.see(col, name)
    rows: list[list[str]] = []
    for section, lines in ((NEEDS_ATTENTION, report.concerns), (GOING_WELL, report.going_well)):
        rows += [[section, line.priority, line.service, line.metric, line.what,
                  line.explanation_shown(report.published), line.link]
                 for line in lines] or [[section, "", "", "", report.empty_words(section), "", ""]]
    rows += [["Note", "", "", "", note, "", ""] for note in report.notes]
    for r, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            if value:
                ws.write_string(r, col, _text(value), wrap)
                widths.see(col, value)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), len(ATTENTION_COLUMNS) - 1)
    widths.apply(ws)


RAG_SUMMARY_TITLE = "Measures by RAG and priority, as the Performance sheet shows them"


def _rag_summary_sheet(wb: Workbook, ws: Worksheet, ctx: ExportContext) -> None:
    """In place of the lines: why they are left out, then the measures counted by the RAG
    shown for them (Withheld when a published version hides it), by priority — counted from
    the Performance sheet's rows as they were written, so a filter there gives each number."""
    ws.write_string(0, 0, ctx.attention_left_out or "")
    ws.write_string(2, 0, RAG_SUMMARY_TITLE, wb.add_format({"bold": True}))
    tally = ctx.rag_tally
    if tally is None:
        return
    words = tally.words()
    ws.write_row(3, 0, ["Priority", *words, "Measures"], wb.add_format(HEADER))
    count = wb.add_format({"num_format": COUNT_FORMAT})
    total: Counter[str] = Counter()
    r = 3
    for priority, counts in tally.by_priority.items():
        r += 1
        ws.write_string(r, 0, _text(priority))
        for col, word in enumerate(words, start=1):
            ws.write_number(r, col, counts.get(word, 0), count)
        ws.write_number(r, len(words) + 1, sum(counts.values()), count)
        total.update(counts)
    r += 1
    ws.write_string(r, 0, "All priorities", wb.add_format({"bold": True}))
    for col, word in enumerate(words, start=1):
        ws.write_number(r, col, total.get(word, 0), count)
    ws.write_number(r, len(words) + 1, sum(total.values()), count)
    ws.set_column(0, 0, 50)
    ws.set_column(1, len(words) + 1, 12)


TRENDS_COLUMNS = ["Service", "Metric", "Quarter", "Value", "Mean", "Lower process limit",
                  "Upper process limit", "Special cause", "Variation"]
RATE_FORMAT = "0.0%"


def _trends_sheet(wb: Workbook, ctx: ExportContext) -> None:
    """One row per metric and quarter of its series (models.reporting.trends): the value, the
    XmR chart's mean and process limits, the special-cause rule and its meaning. Numbers as
    numbers (a rate as a fraction shown as a percentage); in publication mode a hidden value
    is its marker, and the mean and limits worked out from it are left blank."""
    ws = wb.add_worksheet("Trends")
    ws.write_row(0, 0, TRENDS_COLUMNS, wb.add_format(HEADER))
    formats = {"count": wb.add_format({"num_format": COUNT_FORMAT}),
               "decimal": wb.add_format({"num_format": DECIMAL_FORMAT}),
               "percent": wb.add_format({"num_format": RATE_FORMAT})}
    widths = _Widths(len(TRENDS_COLUMNS), cap=60)
    for col, name in enumerate(TRENDS_COLUMNS):
        widths.see(col, name)
    r = 0
    for trend in ctx.trends:
        rate = trend.is_rate
        for point, marker in zip(trend.spc.points, trend.markers, strict=True):
            r += 1
            for col, text in ((0, trend.service_name), (1, trend.metric_name), (2, point.label)):
                ws.write_string(r, col, _text(text))
                widths.see(col, text)
            if marker is not None:
                ws.write_string(r, 3, marker)
            else:
                ws.write_number(r, 3, point.value / 100 if rate else point.value,
                                formats["percent" if rate else "count" if point.value.is_integer()
                                        else "decimal"])
            for col, figure in ((4, point.mean), (5, point.lower), (6, point.upper)):
                if figure is not None:
                    ws.write_number(r, col, figure / 100 if rate else figure,
                                    formats["percent" if rate else "decimal"])
            if point.special_cause:
                ws.write_string(r, 7, point.special_cause)
            ws.write_string(r, 8, point.variation if point.mean is not None else "")
    if r == 0:
        ws.write_string(1, 0, ctx.trends_left_out or "No quarterly figures to chart for these services yet.")
    ws.freeze_panes(1, 0)
    widths.apply(ws)


def _notes_sheet(wb: Workbook, ctx: ExportContext) -> None:
    ws = wb.add_worksheet("Notes")
    ws.write_string(0, 0, ctx.title, wb.add_format({"bold": True, "font_size": 14}))
    label = wb.add_format({"bold": True})
    warning = wb.add_format({"bold": True, "font_color": "#B35C00"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    for r, (name, text) in enumerate(ctx.notes(), start=2):
        ws.write_string(r, 0, _text(name), warning if name == "DEMO DATA" else label)
        ws.write_string(r, 1, _text(text), wrap)
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 100)


def performance_xlsx(ctx: ExportContext, *, constant_memory: bool = True) -> bytes:
    """The workbook. `constant_memory`: each row goes to a temporary file as soon as the next
    one starts (every sheet is written top to bottom), so a national year's 150,000 rows never
    sit in memory as cells (issue 20: the whole workbook did, hundreds of megabytes); strings
    are then written inline rather than shared, which Excel, LibreOffice and openpyxl read
    alike. False only for the test that checks both modes make the same cells."""
    buffer = io.BytesIO()
    # strings_to_numbers/formulas off: every cell is written with an explicit type anyway.
    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    options |= {"constant_memory": True, "in_memory": False} if constant_memory else {"in_memory": True}
    wb = xlsxwriter.Workbook(buffer, options)
    # Made when the export says (not when XlsxWriter runs): the same figures at the same
    # moment make the same bytes, which a kept workbook relies on (exports.stored).
    wb.set_properties({"created": ctx.exported_at.astimezone(dt.UTC)})
    _performance_sheet(wb, ctx)
    _attention_sheet(wb, ctx)
    _narrative_sheet(wb, ctx)
    _trends_sheet(wb, ctx)
    _notes_sheet(wb, ctx)
    wb.close()
    return buffer.getvalue()
