"""Disclosure control: which published figures to hide so that no small number can be read
or worked out (publication mode, DESIGN §3). Every output that publishes figures — the
Performance grid, CSV, XLSX, the PDF's tables and charts — asks this module, and only this
module, what it may show.

The rules, with threshold t (default 5):

- *primary*: a count from 1 to t−1 shows as "<t"; a rate is withheld when its cohort, its
  numerator or its complement (cohort − numerator) is from 1 to t−1, because a percentage of
  a small group gives the count away.
- *secondary*: figures that add up (categories to their metric's total; quarters to the year
  to date) form a group. A reader who knows the group's total and every shown part can work
  out a lone hidden part by subtraction, so hidden cells never stand alone: the smallest
  shown cell of the group is withheld as well, until no hidden figure can be pinned down.
  Quarters not published in the output (earlier quarters behind a year to date) count as one
  unknown part; when that unknown part is itself a small number, it is protected too.
- *derived*: whatever is computed from a hidden figure (forecast, % of target, RAG, chart bar,
  label and hover) is withheld with it — the output formats ask `hides` for each.

"Pinned down" is decided by the attacker's arithmetic, done exactly: each hidden cell has
the set of values a reader could believe of it ("<5" means 1 to 4; "Withheld" means 0 or at
least t; an unpublished part means any number), and a group's equation narrows those sets.
A cell is recovered when its set narrows to a single value. No Dash and no database here."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from models.measures import Rate

if TYPE_CHECKING:
    from models.performance import Figure, PerformanceTable

DEFAULT_THRESHOLD = 5
WITHHELD = "Withheld"
SMALL = "small"        # primary suppression of a count: shown as "<t"
SECONDARY = "withheld"  # every other hidden figure: shown as "Withheld"

INF = math.inf
Span = tuple[float, float]


def small_marker(threshold: int) -> str:
    return f"<{threshold}"


def publication_rule_text(threshold: int) -> str:
    """The disclosure rule in plain English, for the Notes sheet, the PDF and the README."""
    t = threshold
    return (f"To protect the people these services support, counts from 1 to {t - 1} are shown "
            f"as <{t}, and a rate is withheld when the number assessed, the number who improved "
            f"or the number who did not is from 1 to {t - 1}. Where figures add up (categories "
            "to their total, quarters to the year to date), a second figure is withheld as well "
            "so the hidden one cannot be worked out by subtraction; \"Withheld\" marks those. "
            "Everything worked out from a hidden figure (% of target, forecast, RAG, chart bars "
            "and labels) is withheld with it.")


def is_small(value: float | None, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


def sensitive(value: int | Rate | None, threshold: int) -> bool:
    """Primary rule: a count from 1 to t−1, or a rate whose cohort, numerator or complement is."""
    if isinstance(value, Rate):
        n, d = value.numerator, value.denominator
        return any(is_small(v, threshold) for v in (n, d, d - n))
    return is_small(value, threshold)


# Sets of whole numbers as unions of closed intervals (hi may be infinite) ----------------

@dataclass(frozen=True)
class Values:
    """A set of whole numbers a reader could believe of a cell."""

    spans: tuple[Span, ...]

    @staticmethod
    def of(*spans: Span) -> Values:
        return Values(()).union(Values(tuple(spans)))

    @staticmethod
    def point(value: float) -> Values:
        return Values(((value, value),))

    def union(self, other: Values) -> Values:
        merged: list[list[float]] = []
        for lo, hi in sorted(s for s in self.spans + other.spans if s[0] <= s[1]):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        return Values(tuple((lo, hi) for lo, hi in merged))

    def plus(self, other: Values) -> Values:
        return Values.of(*((a + c, b + d) for a, b in self.spans for c, d in other.spans))

    def negated(self) -> Values:
        return Values.of(*((-b, -a) for a, b in self.spans))

    def shifted(self, by: float) -> Values:
        return Values.of(*((a + by, b + by) for a, b in self.spans))

    def intersect(self, other: Values) -> Values:
        return Values.of(*((max(a, c), min(b, d)) for a, b in self.spans for c, d in other.spans))

    @property
    def single(self) -> float | None:
        """The one value in the set, if it holds exactly one."""
        if len(self.spans) == 1 and self.spans[0][0] == self.spans[0][1]:
            return self.spans[0][0]
        return None


ANY = Values(((0, INF),))


def belief(marker: str, threshold: int, is_rate: bool) -> Values:
    """What a reader can believe of one component of a hidden cell from its marker."""
    if is_rate or marker == "unpublished":
        return ANY
    if marker == SMALL:
        return Values(((1, threshold - 1),))
    return Values(((0, 0), (threshold, INF)))


def solve(equation: Sequence[tuple[int, Values]], rhs: float) -> list[Values]:
    """For Σ coefficient × x = rhs (coefficients ±1), each unknown's values that some choice of
    the others allows, intersected with its own."""
    out = []
    for i, (coefficient, own) in enumerate(equation):
        rest = Values.point(0)
        for j, (other_coefficient, values) in enumerate(equation):
            if j != i:
                rest = rest.plus(values if other_coefficient > 0 else values.negated())
        allowed = rest.negated().shifted(rhs)
        out.append(own.intersect(allowed if coefficient > 0 else allowed.negated()))
    return out


# Cells and groups -------------------------------------------------------------------------

Key = tuple[int, str]  # (row of the output, span: "q1".."q4" or "ytd")
CellValue = int | Rate | None


@dataclass
class Group:
    """total = Σ parts. Parts not published in the output are folded into `unpublished`."""

    total: Key
    parts: list[Key]
    unpublished: CellValue = None  # their combined true value, when there are any
    has_unpublished: bool = False


def _components(value: CellValue) -> tuple[float, float, float]:
    """(count) or (numerator, denominator, complement): the additive parts of a cell."""
    if isinstance(value, Rate):
        return (value.numerator, value.denominator, value.denominator - value.numerator)
    return (value or 0, 0, 0)


@dataclass
class Disclosure:
    """What one output hides: hidden[key] is SMALL ("<t") or SECONDARY ("Withheld")."""

    threshold: int = DEFAULT_THRESHOLD
    hidden: dict[Key, str] = field(default_factory=dict)

    def hides(self, key: Key) -> bool:
        return key in self.hidden

    def marker(self, key: Key) -> str | None:
        kind = self.hidden.get(key)
        if kind is None:
            return None
        return small_marker(self.threshold) if kind == SMALL else WITHHELD


def control(values: dict[Key, CellValue], groups: Iterable[Group],
            threshold: int = DEFAULT_THRESHOLD) -> Disclosure:
    """Decide what to hide among published `values` (primary, then secondary to a fixed point)."""
    result = Disclosure(threshold)
    for key, value in values.items():
        if sensitive(value, threshold):
            result.hidden[key] = SECONDARY if isinstance(value, Rate) else SMALL
    groups = [g for g in groups if g.total in values and any(p in values for p in g.parts)]
    groups_of: dict[Key, list[int]] = {}
    for index, group in enumerate(groups):
        for key in (group.total, *group.parts):
            groups_of.setdefault(key, []).append(index)
    # A worklist: a group is looked at again only when one of its cells has just been hidden.
    pending = set(range(len(groups)))
    while pending:
        group = groups[pending.pop()]
        if recovered(group, values, result):
            newly = _withhold_next_smallest(group, values, result)
            if newly is not None:
                pending.update(groups_of[newly])
    return result


def _withhold_next_smallest(group: Group, values: dict[Key, CellValue],
                            result: Disclosure) -> Key | None:
    def size(key: Key) -> tuple:
        count, cohort, _ = _components(values[key])
        magnitude = cohort if isinstance(values[key], Rate) else count
        return (key == group.total, magnitude == 0, magnitude)

    shown = [k for k in [*group.parts, group.total] if k in values and k not in result.hidden]
    if not shown:
        return None
    chosen = min(shown, key=size)
    result.hidden[chosen] = SECONDARY
    return chosen


def recovered(group: Group, values: dict[Key, CellValue], result: Disclosure) -> list[Key | str]:
    """The hidden cells of a group a reader can pin down from what is shown (and "unpublished"
    when the folded-in parts are a small number a reader can pin down)."""
    t = result.threshold
    is_rate = isinstance(values.get(group.total), Rate)
    members = [(k, 1) for k in group.parts if k in values] + [(group.total, -1)]
    found: list[Key | str] = []
    pins: dict[Key | str, list[float | None]] = {}
    for component in range(3 if is_rate else 1):
        equation: list[tuple[int, Values]] = []
        unknown: list[Key | str] = []
        rhs = 0.0
        for key, coefficient in members:
            if key in result.hidden:
                equation.append((coefficient, belief(result.hidden[key], t, is_rate)))
                unknown.append(key)
            else:
                rhs -= coefficient * _components(values[key])[component]
        if group.has_unpublished:
            equation.append((1, belief("unpublished", t, is_rate)))
            unknown.append("unpublished")
        for key, allowed in zip(unknown, solve(equation, rhs), strict=True):
            pins.setdefault(key, []).append(allowed.single)
    for key, pinned in pins.items():
        true = _components(group.unpublished if key == "unpublished" else values[key])
        if key == "unpublished" and not sensitive(group.unpublished, t):
            continue
        if not is_rate:
            if pinned[0] is not None:
                found.append(key)
        # A rate is known when its numerator and cohort are; a small component alone is enough.
        elif (pinned[0] is not None and pinned[1] is not None) or any(
                p is not None and is_small(true[i], t) for i, p in enumerate(pinned)):
            found.append(key)
    return found


# The performance table as an output --------------------------------------------------------

def span_of(quarter: int) -> str:
    return f"q{quarter}"


def figure_value(figure: Figure) -> CellValue:
    return figure.rate if figure.rate is not None else (
        None if figure.count is None else int(figure.count))


def table_disclosure(table: PerformanceTable, threshold: int = DEFAULT_THRESHOLD,
                     charted: dict[int, dict[int, Figure]] | None = None) -> Disclosure:
    """What to hide in an output made of `table` (its quarter and year-to-date columns) and,
    for the PDF, the quarters `charted[row index]` drawn for some of its rows (every quarter
    a chart shows, empty ones included)."""
    charted = charted or {}
    values: dict[Key, CellValue] = {}
    groups: list[Group] = []
    quarter_span = span_of(table.quarter) if table.quarter else None
    parent: int | None = None
    children: dict[int, list[int]] = {}
    for i, row in enumerate(table.rows):
        if row.is_breakdown and parent is not None:
            children[parent].append(i)
        elif not row.is_breakdown:
            parent = i
            children[i] = []
        if not row.ytd_actual.empty:
            values[(i, "ytd")] = figure_value(row.ytd_actual)
        # A quarter printed empty ("no figure") is published too: a reader knows it as nought.
        published: dict[int, Figure] = dict(charted.get(i, {}))
        if table.quarter:
            published[table.quarter] = row.quarter_actual
        for q, figure in published.items():
            if not figure.empty:
                values[(i, span_of(q))] = figure_value(figure)
        through = range(1, table.through + 1)
        parts = [(i, span_of(q)) for q in through if q in published]
        if parts and (i, "ytd") in values:
            groups.append(_year_to_date_group(i, values, parts, len(parts) < len(through)))
    for total, rows in children.items():
        spans = ["ytd"] + ([quarter_span] if quarter_span else [])
        for span in spans:
            if rows:
                groups.append(Group((total, span), [(r, span) for r in rows]))
    return control(values, groups, threshold)


def _year_to_date_group(row: int, values: dict[Key, CellValue], parts: list[Key],
                        has_unpublished: bool) -> Group:
    total = values[(row, "ytd")]
    unpublished: CellValue = None
    if has_unpublished:
        shown = [_components(values.get(p)) for p in parts]
        n, d, _ = (sum(c[i] for c in shown) for i in range(3))
        if isinstance(total, Rate):
            unpublished = Rate(int(total.numerator - n), int(total.denominator - d))
        else:
            unpublished = int((total or 0) - n)
    return Group((row, "ytd"), parts, unpublished, has_unpublished)


@dataclass(frozen=True)
class RowMask:
    """What one table row may show: a marker in place of each hidden actual, and whether the
    figures derived from them (% of target, forecast, RAG) are withheld."""

    quarter: str | None = None
    ytd: str | None = None
    rag_withheld: bool = False
    published: bool = False  # publication mode: notes that hint at a cohort's size are left out


OPEN = RowMask()


def row_masks(table: PerformanceTable, disclosure: Disclosure | None) -> list[RowMask]:
    """One mask per row of `table`; every row open when nothing is being published."""
    if disclosure is None:
        return [OPEN] * len(table.rows)
    masks = []
    for i, _ in enumerate(table.rows):
        quarter = disclosure.marker((i, span_of(table.quarter))) if table.quarter else None
        ytd = disclosure.marker((i, "ytd"))
        judged = quarter if table.quarter else ytd
        masks.append(RowMask(quarter, ytd, judged is not None, True))
    return masks


def published_masks(table: PerformanceTable, publish: bool, threshold: int = DEFAULT_THRESHOLD,
                    charted: dict[int, dict[int, Figure]] | None = None) -> list[RowMask]:
    """The row masks for an output of `table`: open unless `publish`."""
    return row_masks(table, table_disclosure(table, threshold, charted) if publish else None)
