"""Returns in long form, as files (issue 21): reading a bulk import's CSV or XLSX, and writing
the same form back out (a history export, and the import's template).

Read with pandas, every cell as text (a figure's "007" or "1,364" reaches the form's own rules
as written, never as a float). An XLSX is checked as the return template's upload is
(exports/return_template.check_archive: a "bomb" is refused before it is unpacked), with caps
sized for a partnership's years of history."""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from openpyxl.reader.excel import ExcelReader

from exports.return_template import TemplateError, WorkbookCaps, check_archive
from models.reporting.cells import neutralise
from models.returns.bulk_import import COLUMNS

MAX_BYTES = 20_000_000  # eight years of a county's returns in long form is about 6 MB of CSV
MAX_ROWS = 300_000
# The admin page reads a file inside the web request: no more rows than a CSV of its upload
# limit (exports.return_template.MAX_BYTES, 1 MB) holds, so a workbook small when zipped
# (70 KB held 100,000 rows, 48 s to read) is refused before it is read. More: the command line.
PAGE_MAX_ROWS = 10_000


def _caps(max_rows: int) -> WorkbookCaps:
    return WorkbookCaps(parts=60, unpacked_bytes=200_000_000, rows=max_rows + 1,
                        columns=len(COLUMNS) + 5, shared_strings=max_rows * 4)
ACCEPTED = (".csv", ".xlsx")


class ReturnsFileError(ValueError):
    """The file cannot be read at all; the message says why, in plain English."""


@dataclass(frozen=True)
class ReturnsFile:
    headings: list[str]
    rows: list[dict[str, str]]
    # Each row's number as a spreadsheet shows it (the heading is row 1): blank rows are
    # left out of `rows`, so a problem's row is said from here, not from a row's place.
    row_numbers: list[int]


def read_returns_file(data: bytes, filename: str, *, max_rows: int = MAX_ROWS,
                      too_many: str = "split it into several files") -> ReturnsFile:
    """A CSV (UTF-8, with or without a byte-order mark) or an XLSX's first sheet, of at most
    `max_rows` rows (`too_many`: what to do about more, in words)."""
    name = filename.lower()
    if not name.endswith(ACCEPTED):
        raise ReturnsFileError("The file must be a CSV (.csv) or an Excel workbook (.xlsx).")
    if len(data) > MAX_BYTES:
        raise ReturnsFileError(f"The file is larger than {MAX_BYTES // 1_000_000} MB; split it "
                               "into several files, a few years each.")
    if not data.strip():
        raise ReturnsFileError("The file is empty.")
    try:
        frame = _xlsx(data, max_rows, too_many) if name.endswith(".xlsx") else _csv(data)
    except ReturnsFileError:
        raise
    except Exception:
        raise ReturnsFileError("This file cannot be read as a "
                               f"{'workbook' if name.endswith('.xlsx') else 'CSV file'}.") from None
    if len(frame) > max_rows:
        raise ReturnsFileError(f"The file has more than {max_rows:,} rows; {too_many}.")
    frame = _without_empty_unheaded_columns(frame)
    headings = [str(c) for c in frame.columns]
    rows = [{str(k): ("" if v is None else str(v)) for k, v in record.items()}
            for record in frame.to_dict("records")]
    # A spreadsheet's blank lines (every cell empty) are not rows of figures, but the rows
    # below them keep the numbers the spreadsheet gives them.
    kept = [(number, row) for number, row in enumerate(rows, start=2)
            if any(v.strip() for v in row.values())]
    return ReturnsFile(headings, [row for _, row in kept], [number for number, _ in kept])


def _csv(data: bytes) -> pd.DataFrame:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReturnsFileError("The CSV file is not in UTF-8: save it from Excel as "
                               "\"CSV UTF-8 (Comma delimited)\".") from None
    _check_row_lengths(text)
    # index_col=False: a line one cell longer than the heading (Excel's trailing comma) is
    # not a sign that the first column is an index; without it every figure moved one column
    # to the left. Those cells are blank (checked above), so nothing is lost.
    # Blank lines are read as rows (of empty cells), so every row keeps its place.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                           skip_blank_lines=False, index_col=False)


def _check_row_lengths(text: str) -> None:
    """Refuse a line with something in a cell past the last heading (a figure no column
    names, which would otherwise be left out without a word); empty ones are nothing."""
    # csv refuses a cell over 131,072 characters unless told; a too-long text is for the
    # form's rules to name (the file itself is capped at MAX_BYTES).
    limit = csv.field_size_limit(MAX_BYTES + 1)
    try:
        lines = csv.reader(io.StringIO(text))
        width = len(next(lines, []))
        for number, cells in enumerate(lines, start=2):
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                raise ReturnsFileError(f"Row {number} has a cell past the last heading; give every "
                                       "figure a column with a heading, or delete the cell.")
    finally:
        csv.field_size_limit(limit)


def _xlsx(data: bytes, max_rows: int, too_many: str) -> pd.DataFrame:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReturnsFileError("This file is not an Excel workbook (.xlsx).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive, _caps(max_rows))
    except TemplateError:
        raise ReturnsFileError(f"The workbook holds more than an import may (more than "
                               f"{max_rows:,} rows, or too much in them); {too_many}.") from None
    hidden = _hidden_first_sheet(data)
    if hidden is not None:
        # The import reads the first sheet; hidden, Excel shows whoever checked the file
        # another one.
        raise ReturnsFileError(f"The workbook's first sheet ('{hidden[:40]}'), which the import "
                               "reads, is hidden: unhide it, or move the sheet of returns to the front.")
    frame = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=str, keep_default_na=False,
                          na_filter=False, engine="openpyxl")
    return frame


def _without_empty_unheaded_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A column with no heading and nothing in it (a spreadsheet's formatted but empty
    column, or a trailing comma on the heading line) is not a column of the file; pandas
    names it "Unnamed: 11"."""
    empty = [column for column in frame.columns
             if str(column).startswith("Unnamed: ") and not frame[column].astype(str).str.strip().any()]
    return frame.drop(columns=empty)


def _hidden_first_sheet(data: bytes) -> str | None:
    """The name of the first worksheet (pandas' sheet 0) if it is hidden. Only the workbook's
    list of sheets is read: openpyxl's load_workbook would read every shared string too."""
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_workbook()
        for sheet, rel in reader.parser.find_sheets():
            if rel.Type.endswith("/worksheet"):  # a chart sheet is not one of pandas' sheets
                return sheet.name if sheet.state != "visible" else None
        return None
    finally:
        reader.archive.close()


def returns_csv(rows: Iterable[Mapping[str, object]], columns: Sequence[str] = COLUMNS) -> bytes:
    """Rows in long form as a CSV the import reads back, text made safe to open in a
    spreadsheet (a cell starting "=" is not a formula: models.reporting.cells.neutralise)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe(row.get(c, "")) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    return neutralise(text) if isinstance(text, str) else text
