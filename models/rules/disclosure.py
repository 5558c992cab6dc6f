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
  label and hover) is withheld with it — each format reads a row's `RowMask`.

"Pinned down" is decided by the reader's arithmetic, done exactly: each hidden cell has
the set of values a reader could believe of it ("<5" means 1 to 4; "Withheld" means 0 or at
least t; an unpublished part means any number from 0), and every group's equation narrows
those sets, all groups together, until nothing narrows further (so "a quarter is at most its
year to date" is used as a reader would). A cell is recovered when its set narrows to one
value; a group also leaks when its hidden parts add up to a small number a reader can work
out. The performance table's groups are built in models.reporting.publication; the same pack's
formats share one set of hidden cells (exports.context).
No Dash and no database here."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from models.rules.measures import Rate

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
            "so the hidden one cannot be worked out by subtraction; \"Withheld\" marks those, and "
            f"a withheld count is 0 or {t} and over. "
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


def belief(marker: str, threshold: int) -> Values:
    """What a reader can believe of a hidden count from its marker."""
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


def components(value: CellValue) -> tuple[float, float, float]:
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
    """Decide what to hide among published `values`: primary, then secondary until a reader
    working through every group at once can pin down no hidden figure and no small sum."""
    result = Disclosure(threshold)
    for key, value in values.items():
        if sensitive(value, threshold):
            result.hidden[key] = SECONDARY if isinstance(value, Rate) else SMALL
    groups = [g for g in groups if g.total in values and any(p in values for p in g.parts)]
    # Groups that share no cell cannot inform each other: settle each connected set alone.
    for component in _connected(groups):
        if not _may_leak(component, values, result):
            continue
        # Widen the first leaking group that still has a figure to withhold, then look again.
        # A nought is withheld only when no leaking group has anything else to give: a
        # hidden nought is easily pinned (it cannot be "<5").
        while leaking := list(_leaks(component, values, result)):
            if not any(_withhold_next_smallest(g, values, result, noughts) is not None
                       for noughts in (False, True) for g in leaking):
                break
    return result


def _may_leak(groups: list[Group], values: dict[Key, CellValue], result: Disclosure) -> bool:
    """A quick pass: with nothing hidden and no small unpublished remainder, nothing can leak."""
    return any(k in result.hidden for g in groups for k in (g.total, *g.parts)) or any(
        g.has_unpublished and sensitive(g.unpublished, result.threshold) for g in groups)


def _connected(groups: list[Group]) -> list[list[Group]]:
    """Groups joined by the cells they share (union-find over their keys)."""
    parent: dict[object, object] = {}

    def root(key: object) -> object:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for index, group in enumerate(groups):
        for key in (group.total, *group.parts):
            parent[root(key)] = root(("group", index))
    joined: dict[object, list[Group]] = {}
    for index, group in enumerate(groups):
        joined.setdefault(root(("group", index)), []).append(group)
    return list(joined.values())


def _leaks(groups: list[Group], values: dict[Key, CellValue], result: Disclosure) -> Iterator[Group]:
    """Groups to widen: where a reader pins down a hidden figure, or the sum of a group's
    hidden parts to a small number."""
    counts = [g for g in groups if not isinstance(values[g.total], Rate)]
    beliefs = propagate(counts, values, result)
    for index, group in enumerate(counts):
        pinned = any(k in result.hidden and beliefs[k].single is not None for k in (group.total, *group.parts))
        if pinned or small_sum(group, values, result, beliefs) or (
                group.has_unpublished and beliefs[("unpublished", index)].single is not None
                and sensitive(group.unpublished, result.threshold)):
            yield group
    yield from (g for g in groups if isinstance(values[g.total], Rate) and rate_leaks(g, values, result))


def _equation(group: Group, index: int, values: dict[Key, CellValue], result: Disclosure,
              beliefs: dict[object, Values], component: int = 0
              ) -> tuple[list[tuple[int, Values]], list[object], float]:
    """The group's sum as an equation in its hidden cells: Σ coefficient × x = rhs."""
    equation: list[tuple[int, Values]] = []
    unknown: list[object] = []
    rhs = 0.0
    for key, coefficient in [(k, 1) for k in group.parts if k in values] + [(group.total, -1)]:
        if key in result.hidden:
            equation.append((coefficient, beliefs[key]))
            unknown.append(key)
        else:
            rhs -= coefficient * components(values[key])[component]
    if group.has_unpublished:
        equation.append((1, beliefs[("unpublished", index)]))
        unknown.append(("unpublished", index))
    return equation, unknown, rhs


def propagate(groups: list[Group], values: dict[Key, CellValue],
              result: Disclosure) -> dict[object, Values]:
    """What a reader can believe of every hidden count, narrowed through all the groups until
    nothing narrows further (each group's equation, in turn, again and again)."""
    # Only this component's cells: building beliefs for every hidden cell of the output, per
    # component, made a county's pack quadratic.
    beliefs: dict[object, Values] = {k: belief(result.hidden[k], result.threshold)
                                     for g in groups for k in (g.total, *g.parts) if k in result.hidden}
    groups_of: dict[object, list[int]] = {}
    for index, group in enumerate(groups):
        beliefs[("unpublished", index)] = ANY
        for key in (group.total, *group.parts, ("unpublished", index)):
            groups_of.setdefault(key, []).append(index)
    pending, rounds = list(range(len(groups))), 0
    while pending and rounds < 50 * len(groups):
        rounds += 1
        index = pending.pop()
        equation, unknown, rhs = _equation(groups[index], index, values, result, beliefs)
        for key, narrowed in zip(unknown, solve(equation, rhs), strict=True):
            # An empty set means the printed figures do not add up (a return without its
            # breakdown): that group tells a reader nothing exact, so it narrows nothing.
            if narrowed.spans and narrowed != beliefs[key]:
                beliefs[key] = narrowed
                pending.extend(i for i in groups_of[key] if i not in pending)
    return beliefs


def small_sum(group: Group, values: dict[Key, CellValue], result: Disclosure,
              beliefs: dict[object, Values]) -> bool:
    """The hidden parts of a group add up to a small number a reader can work out (shown
    total minus shown parts): "these categories together were 3 people"."""
    hidden_parts = [k for k in group.parts if k in result.hidden] + (["u"] if group.has_unpublished else [])
    if not hidden_parts:
        return False
    total = values[group.total] if group.total not in result.hidden else beliefs[group.total].single
    if total is None:
        return False
    rest = sum(components(values[k])[0] for k in group.parts if k in values and k not in result.hidden)
    return is_small(components(total)[0] - rest, result.threshold)


def rate_leaks(group: Group, values: dict[Key, CellValue], result: Disclosure) -> bool:
    """A group of rates (quarters to the year to date) gives away a hidden rate, or the hidden
    rates together, when its numerators, cohorts or complements pin them down."""
    t = result.threshold
    beliefs: dict[object, Values] = {k: ANY for k in (group.total, *group.parts) if k in result.hidden}
    beliefs[("unpublished", 0)] = ANY
    hidden = [k for k in group.parts if k in result.hidden] + ([("unpublished", 0)] if group.has_unpublished else [])
    if hidden and group.total not in result.hidden:
        shown = [components(values[k]) for k in group.parts if k in values and k not in result.hidden]
        total = components(values[group.total])
        if any(is_small(total[c] - sum(v[c] for v in shown), t) for c in range(3)):
            return True
    pins: dict[object, list[float | None]] = {}
    for component in range(3):
        equation, unknown, rhs = _equation(group, 0, values, result, beliefs, component)
        for key, allowed in zip(unknown, solve(equation, rhs), strict=True):
            pins.setdefault(key, []).append(allowed.single)
    for key, pinned in pins.items():
        if key == ("unpublished", 0):
            continue  # its sum is judged above
        true = components(values[key])
        # A rate is known when its numerator and cohort are; a small component alone is enough.
        if (pinned[0] is not None and pinned[1] is not None) or any(
                p is not None and is_small(true[i], t) for i, p in enumerate(pinned)):
            return True
    return False


def _magnitude(value: CellValue) -> float:
    count, cohort, _ = components(value)
    return cohort if isinstance(value, Rate) else count


def _withhold_next_smallest(group: Group, values: dict[Key, CellValue], result: Disclosure,
                            noughts: bool = True) -> Key | None:
    """Withhold the group's smallest shown part (its total last); None when it has none."""
    def size(key: Key) -> tuple:
        return (key == group.total, _magnitude(values[key]))

    shown = [k for k in [*group.parts, group.total] if k in values and k not in result.hidden
             and (noughts or _magnitude(values[k]) != 0)]
    if not shown:
        return None
    chosen = min(shown, key=size)
    result.hidden[chosen] = SECONDARY
    return chosen
