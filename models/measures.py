"""Figures from counts: pooled rates, Wilson intervals, performance against target, RAG."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

Z_95 = 1.959963984540054
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
    def small_cohort(self) -> bool:
        return self.denominator < SMALL_COHORT

    def describe(self) -> str:
        """'68% (52 of 76)'."""
        if self.value is None:
            return "No one assessed"
        return f"{self.value:.0f}% ({self.numerator} of {self.denominator})"


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


@dataclass(frozen=True)
class RagThresholds:
    green: float = 1.0  # at or above 100% of target
    amber: float = 0.9  # at or above 90% of target


DEFAULT_THRESHOLDS = RagThresholds()

RAG_WORDS = {
    "green": "Green",
    "amber": "Amber",
    "red": "Red",
    "no_data": "No data",
    "not_due": "Not due",
    "no_target": "No target",
}


def performance(actual: float, target: float, higher_is_better: bool = True) -> float:
    """Performance as a fraction of target (1.0 = on target), inverted when lower is better.

    A zero target is met by anything (higher is better), and a zero actual meets any
    target (lower is better): both give infinity, which reads as Green."""
    if higher_is_better:
        if target <= 0:
            return math.inf
        return actual / target
    # Lower is better: at or under target is on track; a zero actual beats any target.
    if actual <= 0:
        return math.inf
    return target / actual


def rag_status(
    actual: float | None,
    target: float | None,
    *,
    higher_is_better: bool = True,
    due: bool = True,
    thresholds: RagThresholds = DEFAULT_THRESHOLDS,
) -> str:
    """One of green, amber, red, no_data, not_due, no_target (DESIGN §3)."""
    if actual is None:
        return "no_data" if due else "not_due"
    if target is None:
        return "no_target"
    ratio = performance(actual, target, higher_is_better)
    if ratio >= thresholds.green:
        return "green"
    if ratio >= thresholds.amber:
        return "amber"
    return "red"


def forecast_year_end(ytd_actual: float, quarters_reported: int) -> float | None:
    """Year-end forecast for a count from the run rate so far."""
    if quarters_reported <= 0:
        return None
    return ytd_actual / quarters_reported * 4
