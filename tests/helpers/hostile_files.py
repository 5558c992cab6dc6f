"""Hostile .xlsx files made on the spot (nothing stored): small when zipped, huge inside.
Used by the upload tests and by benchmarks/upload_bomb.py."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

from exports.return_template import MARKER

SHEET = "xl/worksheets/sheet1.xml"  # the Return sheet: the workbook's first
STRINGS = "xl/sharedStrings.xml"
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _base(service_id: int = 1, period_id: int = 1) -> bytes:
    """A workbook shaped like the return template: Return and a hidden About sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Return"
    ws["A1"] = "Return"
    about = wb.create_sheet("About")
    about.append(["template", MARKER])
    about.append(["service", service_id])
    about.append(["period", period_id])
    about.sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def with_parts(parts: dict[str, bytes], service_id: int = 1, period_id: int = 1) -> bytes:
    """The template-shaped workbook with some of its parts replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(_base(service_id, period_id)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename not in parts:
                target.writestr(item, source.read(item.filename))
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def sheet_xml(rows: bytes) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>'.encode()
            + rows + b"</sheetData></worksheet>")


def million_row_workbook(rows: int = 1_000_000) -> bytes:
    """The reported upload bomb: about 30 KB zipped, a million rows in the Return sheet."""
    return with_parts({SHEET: sheet_xml(b'<row><c t="n"><v>1</v></c></row>' * rows)})


def wide_row_workbook(columns: int = 200) -> bytes:
    return with_parts({SHEET: sheet_xml(b"<row>" + b'<c t="n"><v>1</v></c>' * columns + b"</row>")})


def many_strings_workbook(strings: int = 50_000) -> bytes:
    body = b"".join(b"<si><t>s%d</t></si>" % i for i in range(strings))
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS} count="{strings}" '
           f'uniqueCount="{strings}">').encode() + body + b"</sst>"
    return with_parts({STRINGS: xml})


def malformed_xml_workbook() -> bytes:
    return with_parts({SHEET: b'<?xml version="1.0"?><worksheet><sheetData><row><c>'})
