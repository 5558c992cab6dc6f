"""Small-number suppression for figures leaving the partnership (publication mode).

Counts from 1 to 4 show as "<5", and rates whose cohort is under 5 are withheld, so that
no one can be picked out of a small group. Zero is shown: it identifies no one."""

from __future__ import annotations

from models.measures import SMALL_COHORT, Rate

SUPPRESSED = "<5"
WITHHELD = "Withheld (fewer than 5 assessed)"


def suppress_count(value: float | None) -> bool:
    return value is not None and 0 < value < SMALL_COHORT


def suppress_rate(rate: Rate | None) -> bool:
    return rate is not None and rate.denominator < SMALL_COHORT
