"""CSV of the performance table: UTF-8 with a byte-order mark so Excel reads it right.

Written a chunk of rows at a time (`csv_chunks`), so the web route can stream a national
year (tens of megabytes) to the browser without holding the whole text, and the CLI writes
the same bytes by joining the chunks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from models.reporting.cells import neutralise, row_cells
from models.reporting.performance import COLUMNS, PerformanceRow, PerformanceTable
from models.reporting.publication import OPEN, RowMask

BOM = "\ufeff".encode()
ROWS_PER_CHUNK = 500  # about 60 KB of text: few enough writes, little held at once


def csv_chunks(table: PerformanceTable, masks: list[RowMask] | None = None,
               rows_per_chunk: int = ROWS_PER_CHUNK) -> Iterator[bytes]:
    """The table as CSV, in pieces: the byte-order mark and header first, then `rows_per_chunk`
    rows at a time, each encoded as it is made. `masks` (one per row) hide what publication
    mode withholds. Figures stay bare ("1364"): a CSV is for software to read, and a
    separator would make it text."""
    masks = masks or [OPEN] * len(table.rows)
    if len(masks) != len(table.rows):  # checked now, not once the download has begun
        raise ValueError("One mask per row of the table.")
    return _chunks(table, masks, rows_per_chunk)


def _chunks(table: PerformanceTable, masks: list[RowMask], rows_per_chunk: int) -> Iterator[bytes]:
    return csv_pieces(zip(table.rows, masks, strict=True), rows_per_chunk)


def csv_pieces(rows: Iterable[tuple[PerformanceRow, RowMask]],
               rows_per_chunk: int = ROWS_PER_CHUNK) -> Iterator[bytes]:
    """The CSV of `rows` (each with its mask) as they come, in pieces: the byte-order mark and
    header first, then `rows_per_chunk` rows at a time. `rows` may be a stream (a national
    table a chunk of services at a time): nothing but the current piece is held."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield BOM + buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    waiting = 0
    for row, mask in rows:
        writer.writerow([neutralise(cell) for cell in row_cells(row, mask, grouped=False)])
        waiting += 1
        if waiting == rows_per_chunk:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            waiting = 0
    if waiting:
        yield buffer.getvalue().encode("utf-8")


def performance_csv(table: PerformanceTable, masks: list[RowMask] | None = None) -> bytes:
    """The whole CSV at once (the CLI and tests): exactly the streamed chunks, joined."""
    return b"".join(csv_chunks(table, masks))
