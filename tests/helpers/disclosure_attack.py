"""A careful reader's attack on a published performance table, written independently of
models/rules/disclosure.py: it sees only the output (CSV rows, XLSX cells, PDF text, chart data) and
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

from models.reporting.performance import COLUMNS

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


@dataclass
class System:
    """Every additive relation an output prints, as equations total = Σ parts over variables
    (a printed figure is a known value; a hidden one is what its marker allows; an unprinted
    part is any number from 0)."""

    known: dict[object, int] = field(default_factory=dict)
    hidden: dict[object, Cell] = field(default_factory=dict)
    free: set[object] = field(default_factory=set)
    equations: list[tuple[object, list[object]]] = field(default_factory=list)
    names: dict[object, str] = field(default_factory=dict)

    def add(self, name: object, cell: Cell, label: str) -> None:
        self.names[name] = label
        if cell.hidden:
            self.hidden[name] = cell
        else:
            self.known[name] = cell.value or 0

    def solve(self, findings: Findings, label: str) -> None:
        """Narrow every unknown through all equations until nothing narrows; report each hidden
        figure left with one possible value, and each small sum of hidden parts."""
        cap = max([0, *self.known.values()]) + SLACK
        everything = (1 << (cap + 1)) - 1
        domain = {n: _bits(c.candidates(cap)) for n, c in self.hidden.items()} | {n: everything for n in self.free}
        changed = True
        while changed:
            changed = False
            for total, parts in self.equations:
                terms = [total, *parts]
                if not any(t in domain for t in terms):
                    continue
                for i, name in enumerate(terms):
                    if name not in domain:
                        continue
                    others = [self._bits_of(t, domain) for j, t in enumerate(terms) if j and j != i]
                    sum_others = _sumset(others)
                    if i == 0:
                        allowed = domain[name] & sum_others
                    else:
                        totals = self._bits_of(total, domain)
                        allowed = 0
                        for v in range(cap + 1):
                            if domain[name] >> v & 1 and (totals >> v) & sum_others:
                                allowed |= 1 << v
                    if allowed and allowed != domain[name]:
                        domain[name], changed = allowed, True
        for name in self.hidden:
            value = _single(domain[name])
            if value is not None and value < cap - 5:
                findings.add(f"{label}: {self.names[name]} = {value}")
        for total, parts in self.equations:
            unknown = [p for p in parts if p in domain]
            total_value = self.known.get(total, _single(domain.get(total, 0)))
            if unknown and total_value is not None:
                rest = total_value - sum(self.known.get(p, 0) for p in parts if p not in domain)
                if 0 < rest < THRESHOLD:
                    findings.add(f"{label}: hidden parts of {self.names[total]} add up to {rest}")

    def _bits_of(self, name: object, domain: dict[object, int]) -> int:
        return domain[name] if name in domain else 1 << self.known.get(name, 0)


def _single(bits: int) -> int | None:
    return bits.bit_length() - 1 if bits and bits & (bits - 1) == 0 else None


def attack_table(rows: list[Row], quarter: int | None, findings: Findings, label: str,
                 notes_describe_rates: bool = False,
                 charts: Iterable[tuple[str, list[object], list[str]]] = (), through: int = 4) -> None:
    """Everything one output prints — its table and, for the PDF, its charts — attacked as one."""
    columns = (["Quarter actual"] if quarter else []) + ["YTD actual"]
    judged = "Quarter actual" if quarter else "YTD actual"
    system = System()
    for i, row in enumerate(rows):
        for column in columns:
            cell = read_cell(row[column])
            if cell.value is not None and not cell.blank and 0 < cell.value < THRESHOLD and not row.is_rate:
                findings.add(f"{label}: {row.name} {column} printed as {cell.value}")
            if cell.rate is not None:
                _small_rate(cell.rate, f"{label}: {row.name} {column}", findings)
            if not row.is_rate:
                system.add((i, column), cell, f"{row.name} {column}")
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
            note = str(row["Note"] or "").replace(",", "")  # the XLSX's notes read "1,052 of 1,461"
            for numerator, cohort in ((int(n), int(d)) for _, n, d in RATE.findall(note)):
                _small_rate((numerator, cohort), f"{label}: {row.name} note", findings)
        if quarter and not row.is_rate:
            # The year to date is this quarter plus the earlier ones (none before Q2).
            earlier = [("earlier", i)] if quarter > 1 else []
            system.free.update(earlier)
            system.names[("earlier", i)] = f"{row.name} earlier quarters"
            system.equations.append(((i, "YTD actual"), [(i, "Quarter actual"), *earlier]))
    for metric, children in _breakdown_groups(rows):
        for column in columns:
            if not metric.is_rate:
                system.equations.append(((rows.index(metric), column), [(rows.index(c), column) for c in children]))
    _charts_into(system, charts, rows, quarter, through, findings, label)
    system.solve(findings, label)


def _charts_into(system: System, charts: Iterable[tuple[str, list[object], list[str]]], rows: list[Row],
                 quarter: int | None, through: int, findings: Findings, label: str) -> None:
    """Each chart: (metric name, the four bars' heights, the four quarters' labels). Its
    quarters 1..through add up to the table's year to date for that metric."""
    by_metric = {str(r["Metric"]).strip(): i for i, r in enumerate(rows) if not r.is_breakdown}
    for name, heights, texts in charts:
        i = by_metric[name]
        row = rows[i]
        quarters: list[object] = []
        for q in range(4):
            text = texts[q] or ""
            if heights[q] is None:
                if re.search(r"\d", text.replace(SMALL_TEXT, "")):
                    findings.add(f"{label}: chart {name} Q{q + 1} hidden but labelled {text!r}")
                marker = SMALL_TEXT if SMALL_TEXT in text else WITHHELD_TEXT if WITHHELD_TEXT in text else None
                cell = Cell(marker=marker) if marker else Cell(value=0, blank=True)
            else:
                if not row.is_rate and 0 < heights[q] < THRESHOLD:
                    findings.add(f"{label}: chart {name} Q{q + 1} drawn at {heights[q]}")
                cell = Cell(value=int(heights[q])) if not row.is_rate else Cell()
            if q >= through and (heights[q] is not None or cell.hidden):
                findings.add(f"{label}: chart {name} draws Q{q + 1}, after the pack's last quarter")
            if row.is_rate:
                continue
            if quarter == q + 1:
                table_cell = read_cell(row["Quarter actual"])
                if table_cell.hidden != cell.hidden or (not cell.hidden and table_cell.value != cell.value):
                    findings.add(f"{label}: chart {name} Q{quarter} and the table disagree")
                quarters.append((i, "Quarter actual"))
            else:
                system.add(("chart", i, q + 1), cell, f"chart {name} Q{q + 1}")
                quarters.append(("chart", i, q + 1))
        if not row.is_rate:
            system.equations.append(((i, "YTD actual"), quarters[:through]))


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
