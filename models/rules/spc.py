"""Statistical process control: XmR charts read as NHS England's *Making Data Count* reads
them (as NHSRplotthedots implements it). Pure: no database, no Dash. The two means are
numpy sums, added up as pandas adds them (so the limits are the same to the last bit as when
this was written with pandas); the rest is plain Python over a short list, since a chart has
at most a few dozen points and a county's report draws thousands of them (pandas' per-call
overhead made that 7 ms a chart).

The chart, per segment of the series (a segment starts at the series' start and at each
change the lead officer marked in the service):

- mean of the segment's values; moving ranges |x[i] − x[i−1]| within the segment (the first
  point of a segment has none: a change's jump is not common-cause variation); process limits
  at mean ± 2.66 × the mean moving range. Moving ranges are not screened for outliers (the
  issue asks for the plain rule; NHSRplotthedots screens ranges over 3.267 × the mean by
  default, which can only narrow the limits).
- Fewer than MIN_POINTS (12) points in a segment: no mean, no limits and no special-cause
  rules in it (NHSRplotthedots draws "trial limits" and warns; we show none and say why).

The special-cause rules, each judged within one segment, as NHSRplotthedots does:

- *Outside limits*: a value strictly above the upper or strictly below the lower limit (a
  value exactly on a limit is inside).
- *Shift*: a run of 7 or more points in a row on the same side of the mean; every point of
  the run is flagged. A point exactly on the mean (to floating-point noise, see ON_MEAN_TOL)
  is on neither side: it ends the run, as NHSRplotthedots' sign() of 0 does.
- *Trend*: 7 or more points in a row each strictly higher (or each strictly lower) than the
  one before; every point of the run is flagged. A tie (two equal values in a row) ends the
  run, as a zero difference does in NHSRplotthedots.
- *Two of three*: in any three points in a row that are all on the same side of the mean,
  two or more lie beyond two-thirds of the way from the mean to the limit on that side (but
  not outside the limit: those are the first rule's). Only the points beyond two-thirds are
  flagged, not the third point of the window — as NHSRplotthedots.

A point's `special_cause` is the first rule, in that order, that flags it. Its `variation`
is Improvement or Concern from the direction of that rule: for Outside limits, Shift and Two
of three, the side of the mean the point lies on; for a Trend, the direction of the trend (a
rising trend is an improvement when higher is better, even while still below the mean —
*Making Data Count*'s reading, and newer NHSRplotthedots'; older versions used the side of
the mean for trends too).

The series' variation (the variation icon) is the latest point's: special cause improving
or concerning, or common cause. Its assurance (the assurance icon) compares the target with
the latest segment's limits: a target beyond the limit on the failing side (above the upper
limit when higher is better) is consistently failed, beyond the limit on the passing side is
consistently met, and between them (or on a limit) is hit and miss."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

LIMIT = 2.66  # 3 / d2 (1.128): three sigma from the mean moving range
CLOSE = 2 * LIMIT / 3  # two-thirds of the way to a limit
RUN = 7  # points in a row for a shift or a trend
MIN_POINTS = 12  # points a segment needs before limits are drawn
ON_MEAN_TOL = 1e-9  # relative: a value this close to the mean is on it (float noise)

# A point's special cause, in the order the rules are tried.
OUTSIDE, SHIFT, TREND, TWO_OF_THREE = "Outside limits", "Shift", "Trend", "Two of three"
# A point's variation.
COMMON, IMPROVEMENT, CONCERN = "Common cause", "Improvement", "Concern"
# The series' variation (the variation icon).
COMMON_CAUSE = "Common cause"
IMPROVING = "Special cause improving"
CONCERNING = "Special cause concerning"
NOT_JUDGED = "Not enough points to judge"  # the latest segment has no limits
# The series' assurance (the assurance icon).
MEETS = "Consistently meets the target"
FAILS = "Consistently fails the target"
HIT_AND_MISS = "Hit and miss"


@dataclass(frozen=True)
class SpcPoint:
    label: str  # "Q1 2021/22"
    value: float
    mean: float | None  # None when the point's segment is too short for limits
    lower: float | None  # lower process limit
    upper: float | None  # upper process limit
    special_cause: str  # "", OUTSIDE, SHIFT, TREND or TWO_OF_THREE (the first that applies)
    variation: str  # COMMON, IMPROVEMENT or CONCERN


@dataclass(frozen=True)
class SpcResult:
    points: tuple[SpcPoint, ...]
    variation: str  # COMMON_CAUSE, IMPROVING, CONCERNING; NOT_JUDGED when has_limits is False
    assurance: str | None  # MEETS, FAILS, HIT_AND_MISS; None (no target, or no limits)
    has_limits: bool  # the latest segment (the current process) has limits
    note: str  # plain English: why limits are missing, where they were recalculated

    @property
    def latest(self) -> SpcPoint | None:
        return self.points[-1] if self.points else None


@dataclass(frozen=True)
class _Segment:
    start: int
    end: int  # exclusive
    reason: str  # the change that starts it ("" for the series' start)


def xmr(values: Sequence[float], labels: Sequence[str], higher_is_better: bool,
        target: float | None = None, changes: Sequence[tuple[int, str]] = ()) -> SpcResult:
    """The XmR chart of `values` (oldest first; one label each). `changes`: (index of the
    first point of the new process, reason) — limits are recalculated from each. Changes at
    index 0 or past the end are ignored; several at one index keep the last reason."""
    if len(values) != len(labels):
        raise ValueError("values and labels differ in length")
    series = [float(v) for v in values]
    if not all(math.isfinite(v) for v in series):
        raise ValueError("values must be finite numbers")
    segments = _segments(len(series), changes)
    points: list[SpcPoint] = []
    notes: list[str] = []
    for segment in segments:
        part = series[segment.start:segment.end]
        seg_labels = list(labels[segment.start:segment.end])
        points.extend(_segment_points(part, seg_labels, higher_is_better))
        notes.append(_segment_note(segment, len(part), labels))
    current = segments[-1] if segments else None
    has_limits = current is not None and current.end - current.start >= MIN_POINTS
    return SpcResult(
        points=tuple(points),
        variation=_series_variation(points, has_limits),
        assurance=_assurance(points[-1], higher_is_better, target) if has_limits else None,
        has_limits=has_limits,
        note=" ".join(n for n in notes if n),
    )


def _segments(length: int, changes: Sequence[tuple[int, str]]) -> list[_Segment]:
    if length == 0:
        return []
    starts: dict[int, str] = {0: ""}
    for index, reason in changes:
        if 0 < index < length:
            starts[index] = reason
    ordered = sorted(starts)
    return [_Segment(s, e, starts[s]) for s, e in zip(ordered, [*ordered[1:], length], strict=True)]


def _segment_note(segment: _Segment, size: int, labels: Sequence[str]) -> str:
    short = size < MIN_POINTS
    if segment.start == 0:
        return (f"Fewer than {MIN_POINTS} quarters: limits are not shown yet "
                f"({size} of {MIN_POINTS}).") if short else ""
    why = f" ({segment.reason})" if segment.reason else ""
    note = (f"Limits recalculated from {labels[segment.start]}, after a change in the "
            f"service{why}.")
    if short:
        note += (f" Fewer than {MIN_POINTS} quarters since: limits for them are not shown yet "
                 f"({size} of {MIN_POINTS}).")
    return note


def _means(part: list[float]) -> tuple[float, float]:
    """The segment's mean and mean moving range, summed exactly as pandas' Series.mean()
    sums (numpy's pairwise sum over the whole array; the first point's missing range counted
    as 0 in the sum and left out of the count), so the limits do not move by a last bit."""
    values = np.asarray(part, dtype="float64")
    ranges = np.empty_like(values)
    ranges[0] = 0.0
    np.abs(np.diff(values), out=ranges[1:])
    return float(values.sum() / np.float64(len(values))), float(ranges.sum() / np.float64(len(values) - 1))


def _segment_points(part: list[float], labels: list[str], higher_is_better: bool) -> list[SpcPoint]:
    if len(part) < MIN_POINTS:
        return [SpcPoint(label, v, None, None, None, "", COMMON)
                for label, v in zip(labels, part, strict=True)]
    mean, mean_moving_range = _means(part)  # the first point has no range
    lower, upper = mean - LIMIT * mean_moving_range, mean + LIMIT * mean_moving_range
    near = CLOSE * mean_moving_range
    tolerance = ON_MEAN_TOL * max(1.0, abs(mean))
    side = [0 if abs(v - mean) <= tolerance else (1 if v - mean > 0 else -1) for v in part]
    outside = [v > upper or v < lower for v in part]
    close = [not out and abs(v - mean) > near and s != 0
             for v, out, s in zip(part, outside, side, strict=True)]
    rules = (  # in the order they are tried
        (OUTSIDE, [s if out else 0 for s, out in zip(side, outside, strict=True)]),
        (SHIFT, _runs(side)),
        (TREND, _trend(part)),
        (TWO_OF_THREE, _two_of_three(close, side)),
    )
    better = 1 if higher_is_better else -1
    points = []
    for i, (label, value) in enumerate(zip(labels, part, strict=True)):
        cause, variation = "", COMMON
        for name, flags in rules:
            if flags[i] != 0:  # the first rule that flags the point names it
                cause, variation = name, IMPROVEMENT if flags[i] == better else CONCERN
                break
        points.append(SpcPoint(label, value, mean, lower, upper, cause, variation))
    return points


def _runs(signs: list[int]) -> list[int]:
    """Each point's sign when it is part of a run of RUN or more equal non-zero signs, else 0
    (a shift: +1/−1 for points in a run of RUN or more above/below the mean)."""
    flagged = [0] * len(signs)
    start = 0
    for i in range(1, len(signs) + 1):
        if i == len(signs) or signs[i] != signs[start]:
            if signs[start] != 0 and i - start >= RUN:
                flagged[start:i] = [signs[start]] * (i - start)
            start = i
    return flagged


def _trend(values: list[float]) -> list[int]:
    """+1/−1 for points in a run of RUN or more each higher/lower than the one before.
    Differences d[i] = x[i] − x[i−1]: a run of RUN − 1 rising differences covers RUN points."""
    steps = [0] + [1 if d > 0 else (-1 if d < 0 else 0)
                   for d in (b - a for a, b in pairwise(values))]
    flagged = [0] * len(steps)
    start = 1
    for i in range(2, len(steps) + 1):
        if i == len(steps) or steps[i] != steps[start]:
            if steps[start] != 0 and i - start >= RUN - 1:
                # the point before the first rising step starts the trend
                for j in range(start - 1, i):
                    flagged[j] = flagged[j] or steps[start]
            start = i
    return flagged


def _two_of_three(near: list[bool], sides: list[int]) -> list[int]:
    """+1/−1 for points beyond two-thirds of the way to a limit that, with two others in a
    row, make a window of three all on that side with at least two such points."""
    flagged = [0] * len(near)
    for start in range(len(near) - 2):
        window = range(start, start + 3)
        if abs(sum(sides[i] for i in window)) == 3 and sum(near[i] for i in window) >= 2:
            for i in window:
                if near[i]:
                    flagged[i] = sides[i]
    return flagged


def _series_variation(points: list[SpcPoint], has_limits: bool) -> str:
    if not has_limits:
        return NOT_JUDGED
    latest = points[-1].variation
    return IMPROVING if latest == IMPROVEMENT else CONCERNING if latest == CONCERN else COMMON_CAUSE


def _assurance(latest: SpcPoint, higher_is_better: bool, target: float | None) -> str | None:
    if target is None or latest.lower is None or latest.upper is None:
        return None
    if target > latest.upper:
        return FAILS if higher_is_better else MEETS
    if target < latest.lower:
        return MEETS if higher_is_better else FAILS
    return HIT_AND_MISS
