"""CSV of the performance table: UTF-8 with a byte-order mark so Excel reads it right.

Written a chunk of rows at a time (`csv_chunks`), so the web route can stream a national
year (tens of megabytes) to the browser without holding the whole text, and the CLI writes
the same bytes by joining the chunks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from models.reporting.cells import neutralise, row_cells
from models.reporting.performance import COLUMNS, PerformanceTable
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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield BOM + buffer.getvalue().encode("utf-8")
    for start in range(0, len(table.rows), rows_per_chunk):
        buffer.seek(0)
        buffer.truncate()
        for row, mask in zip(table.rows[start:start + rows_per_chunk],
                             masks[start:start + rows_per_chunk], strict=True):
            writer.writerow([neutralise(cell) for cell in row_cells(row, mask, grouped=False)])
        yield buffer.getvalue().encode("utf-8")


def performance_csv(table: PerformanceTable, masks: list[RowMask] | None = None) -> bytes:
    """The whole CSV at once (the CLI and tests): exactly the streamed chunks, joined."""
    return b"".join(csv_chunks(table, masks))
