"""A careful reader's attack on a published performance table, written independently of
models/disclosure.py: it sees only the output (CSV rows, XLSX cells, PDF text, chart data) and
tries to work every hidden figure out exactly. Each finding is a sentence saying what came back.

What it tries (issue #13):
- a small number printed (a count from 1 to 4; a rate whose cohort, numerator or complement is);
- subtraction within each additive group: categories to their metric's total, the quarter to
  the year to date (Q1's quarter is its year to date; later, the earlier quarters are one
  unknown, itself a small number when the two printed figures differ by 1 to 4), and a
  chart's quarters to the table's year to date;
- figures derived from a hidden one: % of target × target, forecast × quarters ÷ 4, a RAG word
  (its band against the target), a rate's "n of d" in a note.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from models.performance import COLUMNS

THRESHOLD = 5
SMALL_TEXT = f"<{THRESHOLD}"
WITHHELD_TEXT = "Withheld"
RAG_COLOURS = {"Green", "Amber", "Red"}
RATE = re.compile(r"(\d+)% \((\d+) of (\d+)\)")
SLACK = 60  # how far past the largest printed figure a hidden one is searched for


@dataclass
class Cell:
    """What a reader knows of one figure: a value, or a marker's range of values."""

    value: int | None = None      # a printed count (None: hidden, or a rate)
    marker: str | None = None     # "<5" or "Withheld"
    rate: tuple[int, int] | None = None  # a printed rate's (numerator, cohort)
    blank: bool = False

    @property
    def hidden(self) -> bool:
        return self.marker is not None

    def candidates(self, cap: int) -> set[int]:
        if self.marker == SMALL_TEXT:
            return set(range(1, THRESHOLD))
        if self.marker is not None:
            return {0, *range(THRESHOLD, cap + 1)}
        return {self.value or 0}


def read_cell(raw: object) -> Cell:
    if raw is None or raw == "":
        return Cell(value=0, blank=True)
    if isinstance(raw, int | float):
        return Cell(value=int(raw)) if float(raw).is_integer() else Cell()
    text = str(raw).replace(",", "")
    if text in (SMALL_TEXT, WITHHELD_TEXT):
        return Cell(marker=text)
    found = RATE.fullmatch(text)
    if found:
        return Cell(rate=(int(found.group(2)), int(found.group(3))))
    if re.fullmatch(r"\d+", text):
        return Cell(value=int(text))
    return Cell()


@dataclass
class Row:
    cells: dict[str, object]
    percent_cells: bool = False  # XLSX: some figure formatted as a percentage

    def __getitem__(self, column: str) -> object:
        return self.cells.get(column)

    @property
    def is_breakdown(self) -> bool:
        return self.cells.get("Kind") == "Breakdown"

    @property
    def is_rate(self) -> bool:
        texts = [str(self.cells.get(c) or "") for c in ("Quarter actual", "YTD actual")]
        targets = [str(self.cells.get(c) or "") for c in ("Quarter target", "Annual target")]
        return (self.percent_cells or any(RATE.fullmatch(t) for t in texts)
                or any(t.endswith("%") for t in targets))

    @property
    def name(self) -> str:
        return f"{self['Service']} / {str(self['Metric']).strip()}"


@dataclass
class Findings:
    recovered: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.recovered.append(text)


def rows_from_csv(body: bytes) -> list[Row]:
    reader = csv.reader(io.StringIO(body.decode("utf-8-sig")))
    header = next(reader)
    assert header == COLUMNS
    return [Row({c: v.removeprefix("'") for c, v in zip(COLUMNS, line, strict=True)}) for line in reader]


def rows_from_xlsx(body: bytes) -> list[Row]:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(body))["Performance"]
    lines = ws.iter_rows()
    assert [c.value for c in next(lines)] == COLUMNS
    return [Row({c: cell.value for c, cell in zip(COLUMNS, line, strict=True)},
                any(cell.number_format == "0%" for cell in line)) for line in lines]


def _bits(values: Iterable[int]) -> int:
    out = 0
    for v in values:
        out |= 1 << v
    return out


def _sumset(sets: list[int]) -> int:
    """All sums of one value from each set (sets as bit masks of non-negative integers)."""
    reach = 1
    for mask in sets:
        total, value = 0, 0
        while mask:
            if mask & 1:
                total |= reach << value
            mask >>= 1
            value += 1
        reach = total
    return reach


def solve_group(total: Cell, parts: list[Cell], extra_unknown: bool = False) -> list[tuple[int, int]]:
    """total = Σ parts (+ one unknown ≥ 0 when `extra_unknown`). Returns (index, value) for
    each hidden cell pinned to one value; index len(parts) is the total, len(parts)+1 the
    unknown (reported only when it is a small number)."""
    cap = max([total.value or 0, *(p.value or 0 for p in parts)]) + SLACK
    addends = [_bits(p.candidates(cap)) for p in parts]
    if extra_unknown:
        addends.append((1 << (cap + 1)) - 1)
    totals = _bits(total.candidates(cap))
    hidden = [i for i, cell in enumerate(parts) if cell.hidden]
    if extra_unknown:
        hidden.append(len(parts) + 1)
    pinned = []
    for i in hidden:
        k = i if i < len(parts) else len(addends) - 1
        others = _sumset([a for j, a in enumerate(addends) if j != k])
        allowed = [v for v in range(cap + 1) if addends[k] >> v & 1 and (totals >> v) & others]
        if len(allowed) == 1:
            pinned.append((i, allowed[0]))
    if total.hidden:
        sums = _sumset(addends)
        allowed = [t for t in range(cap + 1) if totals >> t & 1 and sums >> t & 1]
        if len(allowed) == 1:
            pinned.append((len(parts), allowed[0]))
    return [(i, v) for i, v in pinned
            if v < cap - 5 and (i != len(parts) + 1 or 0 < v < THRESHOLD)]


def attack_table(rows: list[Row], quarter: int | None, findings: Findings, label: str,
                 notes_describe_rates: bool = False) -> None:
    columns = (["Quarter actual"] if quarter else []) + ["YTD actual"]
    judged = "Quarter actual" if quarter else "YTD actual"
    for row in rows:
        for column in columns:
            cell = read_cell(row[column])
            if cell.value is not None and not cell.blank and 0 < cell.value < THRESHOLD and not row.is_rate:
                findings.add(f"{label}: {row.name} {column} printed as {cell.value}")
            if cell.rate is not None:
                _small_rate(cell.rate, f"{label}: {row.name} {column}", findings)
            if not cell.hidden:
                continue
            pct = column.replace("actual", "% of target")
            if row[pct] not in (None, ""):
                findings.add(f"{label}: {row.name} {column} hidden but {pct} shows {row[pct]}")
            if column == "YTD actual" and row["Forecast"] not in (None, "", WITHHELD_TEXT):
                findings.add(f"{label}: {row.name} YTD hidden but forecast shows {row['Forecast']}")
            if column == judged and row["RAG"] in RAG_COLOURS:
                findings.add(f"{label}: {row.name} {column} hidden but RAG shows {row['RAG']}")
        if notes_describe_rates:
            for numerator, cohort in ((int(n), int(d)) for _, n, d in RATE.findall(str(row["Note"] or ""))):
                _small_rate((numerator, cohort), f"{label}: {row.name} note", findings)
        if quarter and not row.is_rate:
            q_cell, y_cell = read_cell(row["Quarter actual"]), read_cell(row["YTD actual"])
            for index, value in solve_group(y_cell, [q_cell], extra_unknown=quarter > 1):
                what = {0: "quarter", 1: "year to date", 2: "earlier quarters"}[index]
                findings.add(f"{label}: {row.name} {what} = {value} from quarter and year to date")
    for metric, children in _breakdown_groups(rows):
        for column in columns:
            total = read_cell(metric[column])
            parts = [read_cell(c[column]) for c in children]
            for index, value in solve_group(total, parts):
                who = metric if index == len(parts) else children[index]
                findings.add(f"{label}: {who.name} {column} = {value} by subtraction")


def attack_charts(charts: Iterable[tuple[str, list[object], list[str]]], rows: list[Row],
                  quarter: int | None, through: int, findings: Findings, label: str) -> None:
    """Each chart: (metric name, the four bars' heights, the four quarters' labels). Its
    quarters 1..through add up to the table's year to date for that metric."""
    by_metric = {str(r["Metric"]).strip(): r for r in rows if not r.is_breakdown}
    for name, heights, texts in charts:
        row = by_metric[name]
        quarters = []
        for q in range(4):
            text = texts[q] or ""
            if heights[q] is None:
                if re.search(r"\d", text.replace(SMALL_TEXT, "")):
                    findings.add(f"{label}: chart {name} Q{q + 1} hidden but labelled {text!r}")
                marker = SMALL_TEXT if SMALL_TEXT in text else WITHHELD_TEXT if WITHHELD_TEXT in text else None
                quarters.append(Cell(marker=marker) if marker else Cell(value=0, blank=True))
            else:
                height = heights[q]
                if not row.is_rate and 0 < height < THRESHOLD:
                    findings.add(f"{label}: chart {name} Q{q + 1} drawn at {height}")
                quarters.append(Cell(value=int(height)) if not row.is_rate else Cell())
        if row.is_rate:
            continue
        if quarter:
            table_q = read_cell(row["Quarter actual"])
            if table_q.hidden != quarters[quarter - 1].hidden:
                findings.add(f"{label}: chart {name} Q{quarter} and the table disagree on hiding it")
        ytd = read_cell(row["YTD actual"])
        for index, value in solve_group(ytd, quarters[:through]):
            findings.add(f"{label}: chart {name} {'YTD' if index == through else f'Q{index + 1}'} = "
                         f"{value} from the chart's quarters and the table")


def _small_rate(rate: tuple[int, int], where: str, findings: Findings) -> None:
    numerator, cohort = rate
    if any(0 < v < THRESHOLD for v in (numerator, cohort, cohort - numerator)):
        findings.add(f"{where}: rate of {numerator} of {cohort} printed")


def _breakdown_groups(rows: list[Row]) -> list[tuple[Row, list[Row]]]:
    groups: list[tuple[Row, list[Row]]] = []
    for row in rows:
        if row.is_breakdown and groups:
            groups[-1][1].append(row)
        elif not row.is_breakdown:
            groups.append((row, []))
    return [(m, c) for m, c in groups if c]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)
