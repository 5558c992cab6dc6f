"""The performance table as an Excel workbook: Performance, Narrative and Notes sheets."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.export_context import ExportContext
from models.performance import COLUMNS, PerformanceRow
from models.publication import SUPPRESSED, WITHHELD, suppress_count, suppress_rate
from models.table_format import neutralise, row_cells

RAG_FILLS = {
    "Green": "CCE5D6", "Amber": "FFE3C4", "Red": "F6D7D2",
    "No data": "ECEEEF", "Not due": "ECEEEF", "No target": "ECEEEF",
}
HEADER_FILL = PatternFill("solid", fgColor="0B0C0C")
# Style objects made once: openpyxl shares equal styles, but building them per row is slow.
RAG_PATTERNS = {word: PatternFill("solid", fgColor=colour) for word, colour in RAG_FILLS.items()}
WHITE_FILL = PatternFill("solid", fgColor="FFFFFF")
BOLD = Font(bold=True)
INDENT = Alignment(indent=2)
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0%"
_COL = {name: i for i, name in enumerate(COLUMNS)}


def _text(value: str) -> str:
    return neutralise(value) if value else value


def _numeric_cells(row: PerformanceRow, publish: bool) -> dict[str, tuple[object, str | None]]:
    """Cells written as numbers (with a format) rather than text."""
    out: dict[str, tuple[object, str | None]] = {}
    rate = row.unit == "percent"

    def target(value: float | None) -> tuple[object, str | None]:
        if value is None:
            return None, None
        return (value / 100, PERCENT_FORMAT) if rate else (value, COUNT_FORMAT)

    out["Baseline"] = target(row.baseline)
    out["Quarter target"] = target(row.quarter_target)
    out["YTD target"] = target(row.ytd_target)
    out["Annual target"] = target(row.annual_target)
    for column, figure, pct in (("Quarter actual", row.quarter_actual, row.quarter_pct),
                                ("YTD actual", row.ytd_actual, row.ytd_pct)):
        pct_column = column.replace("actual", "% of target")
        if figure.rate is not None:
            hidden = publish and suppress_rate(figure.rate)
            out[column] = (WITHHELD, None) if hidden else (figure.rate.value / 100 if figure.rate.value
                                                           is not None else None, PERCENT_FORMAT)
        else:
            hidden = publish and suppress_count(figure.count)
            out[column] = (SUPPRESSED, None) if hidden else (figure.count, COUNT_FORMAT)
        out[pct_column] = (None, None) if hidden or pct is None else (pct / 100, PERCENT_FORMAT)
    if row.forecast is None:
        out["Forecast"] = (None, None)
    elif not rate and publish and suppress_count(row.forecast):
        out["Forecast"] = (SUPPRESSED, None)
    else:
        out["Forecast"] = target(round(row.forecast, 1) if not rate else row.forecast)
    return out


def _performance_sheet(ws: Worksheet, ctx: ExportContext) -> None:
    ws.title = "Performance"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for excel_row, row in enumerate(ctx.table.rows, start=2):
        texts = row_cells(row, ctx.publish)
        numbers = _numeric_cells(row, ctx.publish)
        cohort_notes = [f.rate.describe() for f in (row.quarter_actual, row.ytd_actual)
                        if f.rate is not None and not (ctx.publish and suppress_rate(f.rate))]
        values: list[object] = []
        for name, text in zip(COLUMNS, texts, strict=True):
            if name in numbers:
                values.append(numbers[name][0])
            elif name == "Note" and cohort_notes:
                values.append(_text("; ".join(filter(None, [text, *cohort_notes]))))
            else:
                values.append(_text(text))
        ws.append(values)  # ws.max_row would rescan every cell on each row
        for name, (_, fmt) in numbers.items():
            if fmt:
                ws.cell(excel_row, _COL[name] + 1).number_format = fmt
        if row.is_breakdown:
            ws.cell(excel_row, _COL["Metric"] + 1).alignment = INDENT
        else:
            rag_cell = ws.cell(excel_row, _COL["RAG"] + 1)
            rag_cell.fill = RAG_PATTERNS.get(row.rag_word, WHITE_FILL)
            rag_cell.font = BOLD
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    _fit_widths(ws)


def _fit_widths(ws: Worksheet, cap: int = 60) -> None:
    for index, column in enumerate(ws.iter_cols(values_only=True), start=1):
        longest = max((len(str(v)) for v in column if v is not None), default=8)
        ws.column_dimensions[get_column_letter(index)].width = min(cap, max(8, longest + 2))


def _narrative_sheet(ws: Worksheet, ctx: ExportContext) -> None:
    ws.append(["Service", "Provider", "Quarter", "Highlights", "Challenges", "Case study"])
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
    for n in ctx.narrative:
        ws.append([_text(v) for v in (n.service, n.provider, n.quarter, n.highlights, n.challenges,
                                      n.case_study)])
    if not ctx.narrative:
        ws.append(["No highlights or case studies in approved returns for this period."])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    _fit_widths(ws, cap=70)


def _notes_sheet(ws: Worksheet, ctx: ExportContext) -> None:
    ws.append([ctx.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    for label, text in ctx.notes():
        ws.append([_text(label), _text(text)])
        ws.cell(ws.max_row, 1).font = Font(bold=True, color="B35C00" if label == "DEMO DATA" else "000000")
        ws.cell(ws.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 100


def performance_xlsx(ctx: ExportContext) -> bytes:
    workbook = Workbook()
    _performance_sheet(workbook.active, ctx)
    _narrative_sheet(workbook.create_sheet("Narrative"), ctx)
    _notes_sheet(workbook.create_sheet("Notes"), ctx)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
