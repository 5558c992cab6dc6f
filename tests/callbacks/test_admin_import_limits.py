"""The admin page's import (issue 21) reads a file inside the web request: a workbook small
when zipped but of many rows (70 KB held 100,000 rows, 48 s to read) is refused before it
is read, at the rows a CSV of the page's size holds; the command line takes more."""

import base64
import io
import zipfile

import pytest
from openpyxl import Workbook

from callbacks.admin import imports
from exports.returns_file import MAX_ROWS, PAGE_MAX_ROWS, read_returns_file
from models.returns.bulk_import import COLUMNS
from tests.helpers.hostile_files import sheet_xml


def _tiny_rows_workbook(rows: int) -> bytes:
    """The import's headings, then `rows` rows of eleven 1s: compresses to almost nothing."""
    book = Workbook()
    made = io.BytesIO()
    book.save(made)
    source = zipfile.ZipFile(io.BytesIO(made.getvalue()))
    head = b"<row>" + b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % c.encode()
                               for c in COLUMNS) + b"</row>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item.filename))
        row = b"<row>" + b"<c><v>1</v></c>" * len(COLUMNS) + b"</row>"
        target.writestr("xl/worksheets/sheet1.xml", sheet_xml(head + row * rows))
    return out.getvalue()


def _upload(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


def test_the_page_refuses_a_workbook_of_more_rows_than_it_reads(signed_in):
    assert PAGE_MAX_ROWS < MAX_ROWS
    data = _tiny_rows_workbook(PAGE_MAX_ROWS + 1)
    assert len(data) < 100_000
    with signed_in("admin@demo.local"):
        shown, checked, off, _ = imports.preview_import(_upload(data), "big.xlsx", "approved", False, "")
    assert f"more than {PAGE_MAX_ROWS:,} rows" in str(shown) and "command line" in str(shown)
    assert checked is None and off is True


def test_the_page_refuses_a_csv_of_more_rows_than_it_reads(signed_in):
    line = "x,y,,2019/20,Q1,1,,\n"
    data = ("service,metric,category,year,quarter,count,numerator,denominator\n"
            + line * (PAGE_MAX_ROWS + 1)).encode()
    with signed_in("admin@demo.local"):
        shown, checked, *_ = imports.preview_import(_upload(data), "big.csv", "approved", False, "")
    assert f"more than {PAGE_MAX_ROWS:,} rows" in str(shown) and checked is None


@pytest.mark.parametrize("name", ["big.xlsx"])
def test_the_command_line_still_reads_more(name):
    contents = read_returns_file(_tiny_rows_workbook(PAGE_MAX_ROWS + 1), name)
    assert len(contents.rows) == PAGE_MAX_ROWS + 1
