"""CSV of the performance table: UTF-8 with a byte-order mark so Excel reads it right."""

from __future__ import annotations

import csv
import io

from models.reporting.cells import neutralise, row_cells
from models.reporting.performance import COLUMNS, PerformanceTable
from models.reporting.publication import OPEN, RowMask


def performance_csv(table: PerformanceTable, masks: list[RowMask] | None = None) -> bytes:
    """The table as CSV; `masks` (one per row) hide what publication mode withholds. Figures
    stay bare ("1364"): a CSV is for software to read, and a separator would make it text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row, mask in zip(table.rows, masks or [OPEN] * len(table.rows), strict=True):
        writer.writerow([neutralise(cell) for cell in row_cells(row, mask, grouped=False)])
    return buffer.getvalue().encode("utf-8-sig")
