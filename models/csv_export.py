"""CSV of the performance table: UTF-8 with a byte-order mark so Excel reads it right."""

from __future__ import annotations

import csv
import io

from models.performance import COLUMNS, PerformanceTable
from models.table_format import neutralise, row_cells


def performance_csv(table: PerformanceTable, publish: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in table.rows:
        writer.writerow([neutralise(cell) for cell in row_cells(row, publish)])
    return buffer.getvalue().encode("utf-8-sig")
