"""The Excel return template: download it pre-filled, fill it in, upload it as a draft.

Every problem comes back with its cell ("C7: Referrals must be a whole number, like 12"),
and nothing is saved unless the whole file is valid."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from defusedxml import ElementTree
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection

from models.reporting.cells import neutralise
from models.returns.view import ReturnView
from models.rules.validation import NARRATIVE_FIELDS, FieldKey, RawReturn

MARKER = "cwp-return-template-v1"
# Column A names what each row holds: a count's or a category's field key, or one of the
# template's own two row keys (a rate's row holds its number improved in C and its number
# assessed in D; a narrative row is named apart from the figures).
RATE_ROW = "rate"
TEXT_ROW = "text"
MAX_BYTES = 1_000_000
FIRST_ROW = 5
INPUT_FILL = PatternFill("solid", fgColor="FFF7BF")


class TemplateError(ValueError):
    """The file cannot be used at all; the message is one plain sentence."""


@dataclass
class TemplateContents:
    service_id: int
    period_id: int
    raw: RawReturn
    cells: dict[FieldKey, str] = field(default_factory=dict)  # field -> its cell, like "C7"

    def located(self, errors: dict[FieldKey, str]) -> list[str]:
        """Validation messages prefixed with their cell; a breakdown that does not add up, with
        its total's cell."""
        def cell(key: FieldKey) -> str:
            shown = FieldKey.count(key.id) if key.kind == "sum" else key
            return self.cells.get(shown, "Sheet")

        return [f"{cell(key)}: {message}" for key, message in errors.items()]


def build_template(view: ReturnView) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Return"
    ws["A1"] = f"{view.service_name}: return for {view.label}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = ("Fill in the yellow cells with whole numbers, then upload this file on the return's "
                "page. Leave out anything that could identify a person.")
    ws.append([])
    ws.append(["Key (do not change)", "Measure", "Number (or number who improved)",
               "Number assessed", "Last quarter", "Target this quarter"])
    for cell in ws[4]:
        cell.font = Font(bold=True)
    values = view.values
    for m in view.metrics:
        target = "" if m.target is None else (f"{m.target:.0f}%" if m.unit == "percent" else m.target)
        if m.unit == "percent":
            ws.append([f"{RATE_ROW}-{m.id}", m.name, _number(values.get(FieldKey.numerator(m.id))),
                       _number(values.get(FieldKey.denominator(m.id))), m.last_quarter, target])
            _inputs(ws, ws.max_row, ("C", "D"))
        else:
            count = FieldKey.count(m.id)
            ws.append([count.text, m.name, _number(values.get(count)), None, m.last_quarter, target])
            _inputs(ws, ws.max_row, ("C",))
            for cid, name in m.categories:
                category = FieldKey.category(cid)
                ws.append([category.text, f"    {name}", _number(values.get(category))])
                _inputs(ws, ws.max_row, ("C",))
    ws.append([])
    for name, label in NARRATIVE_FIELDS.items():
        ws.append([f"{TEXT_ROW}-{name}", label, view.narrative.get(name, "")])
        _inputs(ws, ws.max_row, ("C",))
        ws.cell(ws.max_row, 3).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].hidden = True
    ws.column_dimensions["B"].width = 60
    for column in "CDEF":
        ws.column_dimensions[column].width = 22
    about = wb.create_sheet("About")
    about.append(["template", MARKER])
    about.append(["service", view.service_id])
    about.append(["period", view.period_id])
    about.sheet_state = "hidden"
    for sheet in wb.worksheets:
        _neutralise_text(sheet)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _neutralise_text(ws) -> None:  # noqa: ANN001 - an openpyxl worksheet
    """Every text cell, as the exports' are: openpyxl would store text starting with "=" as
    a live formula (a metric or service name, a narrative). This template writes none."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.value = neutralise(cell.value)


def _number(text: str | None) -> int | None:
    return int(text) if text not in (None, "") else None


def _inputs(ws, row: int, columns: tuple[str, ...]) -> None:  # noqa: ANN001
    for column in columns:
        cell = ws[f"{column}{row}"]
        cell.fill = INPUT_FILL
        cell.protection = Protection(locked=False)


def _as_text(value: object) -> str | None:
    """Excel gives numbers as int or float; a whole float is a whole number."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Caps for an uploaded workbook, checked while it is read, so a hostile file (a "bomb":
# small when zipped, a million rows inside) is refused in milliseconds with little memory.
# A real template is a few dozen rows and six columns, about 30 KB unpacked.
MAX_PARTS = 60  # files inside the .xlsx (zip)
MAX_UNPACKED_BYTES = 2_000_000
MAX_ROWS = 400  # per sheet
MAX_COLUMNS = 26
MAX_SHARED_STRINGS = 2_000
_UNREADABLE = "This file is not an Excel workbook (.xlsx) that can be read."
_TOO_BIG = ("This file holds far more than a return template does; download the template "
            "from the return's page and fill that in.")


NOT_XLSX = "The file must be the Excel return template (.xlsx) downloaded from this page."


def check_file_name(name: object) -> None:
    """Refuse, before reading it, a file not named as the template is (.txt, .csv, the older
    .xls, no extension): its name is all the browser says of its type. A renamed file still
    has its contents checked by read_template."""
    if not isinstance(name, str) or not name.lower().endswith(".xlsx"):
        raise TemplateError(NOT_XLSX)


def read_template(data: bytes) -> TemplateContents:
    """Parse an uploaded template. Raises TemplateError for a file that cannot be used."""
    if len(data) > MAX_BYTES:
        raise TemplateError(f"The file is larger than {MAX_BYTES // 1_000_000} MB; upload the "
                            "return template, which is much smaller.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateError("This file is not an Excel workbook (.xlsx); download the template "
                            "from the return's page and fill that in.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive)
        # Read-only mode streams each sheet's XML instead of building every cell first.
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except TemplateError:
        raise
    except Exception:
        raise TemplateError(_UNREADABLE) from None
    try:
        return _read_workbook(wb)
    except TemplateError:
        raise
    except Exception:
        raise TemplateError(_UNREADABLE) from None
    finally:
        wb.close()


@dataclass(frozen=True)
class WorkbookCaps:
    """How much an uploaded workbook may hold: the return template's by default; the bulk
    import's (exports/returns_file.py) are larger."""

    parts: int = MAX_PARTS
    unpacked_bytes: int = MAX_UNPACKED_BYTES
    rows: int = MAX_ROWS
    columns: int = MAX_COLUMNS
    shared_strings: int = MAX_SHARED_STRINGS


def check_archive(archive: zipfile.ZipFile, caps: WorkbookCaps = WorkbookCaps()) -> None:  # noqa: B008 - frozen
    """Refuse a zip whose declared contents are too many or too big (zipfile never unpacks
    more than a member declares), then stream each sheet and the shared strings, stopping at
    the first row, cell or string over the caps: openpyxl would otherwise walk a whole sheet
    (looking for its dimensions) before the first row is read. Raises TemplateError."""
    members = archive.infolist()
    if len(members) > caps.parts or sum(m.file_size for m in members) > caps.unpacked_bytes:
        raise TemplateError(_TOO_BIG)
    for member in members:
        name = member.filename.lower()
        if name.endswith("sharedstrings.xml"):
            _count(archive, member, {"si": caps.shared_strings})
        elif name.endswith(".xml"):  # a sheet may live at any path the workbook names
            _count(archive, member, {"row": caps.rows}, per_row=caps.columns)


def _count(archive: zipfile.ZipFile, member: zipfile.ZipInfo, caps: dict[str, int],
           per_row: int | None = None) -> None:
    counts = dict.fromkeys(caps, 0)
    cells = 0
    with archive.open(member) as source:
        for event, element in ElementTree.iterparse(source, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "end":
                if tag in ("row", "si"):
                    element.clear()  # keep memory flat
                continue
            if tag in counts:
                counts[tag] += 1
                cells = 0
                if counts[tag] > caps[tag]:
                    raise TemplateError(_TOO_BIG)
            elif tag == "c" and per_row is not None:
                cells += 1
                if cells > per_row:
                    raise TemplateError(_TOO_BIG)


def _rows(ws) -> Iterator[tuple[int, tuple]]:  # noqa: ANN001 - openpyxl's read-only sheet
    """(row number, values) for each row, refusing a sheet beyond the caps as it streams."""
    ws.reset_dimensions()  # a sheet's own claim of its size is not trusted
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS or len(values) > MAX_COLUMNS:
            raise TemplateError(_TOO_BIG)
        yield number, values


def _read_workbook(wb) -> TemplateContents:  # noqa: ANN001 - openpyxl's read-only workbook
    if "About" not in wb.sheetnames or "Return" not in wb.sheetnames:
        raise TemplateError(_NOT_TEMPLATE)
    about = {values[0]: values[1] for _, values in _rows(wb["About"]) if len(values) > 1}
    if about.get("template") != MARKER:
        raise TemplateError(_NOT_TEMPLATE)
    try:
        service_id, period_id = int(about["service"]), int(about["period"])
    except (KeyError, TypeError, ValueError):
        raise TemplateError("This template has been changed in a way that stops it being read; "
                            "download a fresh one.") from None
    values: list[tuple[FieldKey, str | None]] = []
    cells: dict[FieldKey, str] = {}
    for r, row in _rows(wb["Return"]):
        if r < FIRST_ROW or not row or not isinstance(row[0], str):
            continue
        try:
            fields = _row_fields(row[0])
        except ValueError:
            raise TemplateError(f"Cell A{r} has been changed; download a fresh template.") from None
        for key, column in fields:
            text = _as_text(row[column]) if len(row) > column else None
            values.append((key, (text or "") if key.kind == "text" else text))
            cells[key] = f"{'ABCD'[column]}{r}"
    return TemplateContents(service_id, period_id, RawReturn.from_fields(values), cells)


def _row_fields(row_key: str) -> list[tuple[FieldKey, int]]:
    """The fields a row of the Return sheet holds, each with its column (2 is C, 3 is D).
    A row without a key of ours holds none; ValueError for a key that has been changed."""
    prefix, dash, rest = row_key.partition("-")
    if not dash:
        return []
    if prefix == RATE_ROW:
        numerator = FieldKey.parse(f"num-{rest}")  # the row's metric id, checked as a key's is
        return [(numerator, 2), (FieldKey.denominator(numerator.id), 3)]
    if prefix == TEXT_ROW:
        return [(FieldKey.narrative(rest), 2)] if rest in NARRATIVE_FIELDS else []
    if prefix in ("count", "cat"):
        return [(FieldKey.parse(row_key), 2)]
    return []


_NOT_TEMPLATE = ("This is not a CWP return template; download the template from the return's "
                 "page and fill that in.")
