"""Figures from counts: pooled rates, Wilson intervals, performance against target.
The RAG judged on them, its words and looks are in models.rules.rag."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

Z_95 = 1.959963984540054
# A rate of fewer people than this is flagged as too few to read a rate from, wherever it is
# shown. Not the publication threshold (models.rules.disclosure), which hides small numbers
# in published outputs and which the lead officer can change.
SMALL_COHORT = 5


@dataclass(frozen=True)
class Rate:
    """An outcome rate kept as counts, so that rates pool correctly."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """Percentage, or None when nobody was assessed."""
        if self.denominator == 0:
            return None
        return 100.0 * self.numerator / self.denominator

    @property
    def percent(self) -> int | None:
        """The whole percentage a reader sees (half up), or None when nobody was assessed."""
        if self.denominator == 0:
            return None
        # floor(100n/d + 1/2) in integers: exact, and no Fraction to build (see _ratio).
        return (200 * self.numerator + self.denominator) // (2 * self.denominator)

    @property
    def small_cohort(self) -> bool:
        return self.denominator < SMALL_COHORT



def exact(value: float | int | Fraction) -> Fraction:
    """A number as an exact fraction, reading a float as it prints (12.1 is 121/10, not the
    binary fraction nearest to it), so that rounding matches what people see."""
    if isinstance(value, Fraction | int):
        return Fraction(value)
    return Fraction(Decimal(repr(value)))


def _ratio(value: float | int | Fraction) -> tuple[int, int]:
    """`exact(value)` as (numerator, denominator > 0), without building a Fraction: the
    performance table rounds half a million figures nationally, and Fraction's arithmetic
    (a gcd at every step) was most of its time (issue 20). The same numbers exactly."""
    if isinstance(value, int):
        return value, 1
    if isinstance(value, Fraction):
        return value.numerator, value.denominator
    if isinstance(value, Decimal):  # PostgreSQL's numeric sums
        return value.as_integer_ratio()
    value = float(value)  # numpy's floats too, whose repr is not a number
    if value.is_integer():
        return int(value), 1
    return Decimal(repr(value)).as_integer_ratio()


def round_half_up(value: float | int | Fraction) -> int:
    """The one rounding rule for every percentage in every format: half up (62.5 -> 63)."""
    numerator, denominator = _ratio(value)
    return (2 * numerator + denominator) // (2 * denominator)  # floor(n/d + 1/2), in integers


def pool_rates(rates: Iterable[Rate]) -> Rate:
    """Pooled numerators over pooled denominators — never an average of percentages."""
    numerator = denominator = 0
    for rate in rates:
        numerator += rate.numerator
        denominator += rate.denominator
    return Rate(numerator, denominator)


def wilson_interval(numerator: int, denominator: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion, as percentages; None when n is 0."""
    if denominator <= 0:
        return None
    if not 0 <= numerator <= denominator:
        raise ValueError("numerator must be between 0 and the denominator")
    n = denominator
    p = numerator / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (100.0 * max(0.0, centre - half), 100.0 * min(1.0, centre + half))


def percent_of_target(actual: float | None, target: float | None) -> int | None:
    """Actual ÷ target as a whole percentage, rounded half up: the figure shown and the figure
    judged. None without an actual or a positive target. For rates pass the rate as shown
    (`Rate.percent`), so "70%" against a target of 70% is 100%."""
    if actual is None or target is None or target <= 0:
        return None
    (a, b), (c, d) = _ratio(actual), _ratio(target)  # actual = a/b, target = c/d, b, c, d > 0
    return (200 * a * d + b * c) // (2 * b * c)  # floor(100·(a/b)/(c/d) + 1/2), in integers


def forecast_year_end(ytd_actual: float, quarters_reported: int) -> float | None:
    """Year-end forecast for a count from the run rate so far."""
    if quarters_reported <= 0:
        return None
    return ytd_actual / quarters_reported * 4


def baseline_comparable_quarter(unit: str) -> int | None:
    """Where a baseline may be drawn against this year's figures. A count's baseline is a
    full year's total (e.g. 2018/19), comparable only with a whole year: the year-to-date
    total at Q4, never Q1–Q3's part-year totals. A rate's baseline is a level, comparable
    with every quarter: None (draw it across)."""
    return None if unit == "percent" else 4
