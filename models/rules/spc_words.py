"""An XmR chart's reading in words, for the pages, the PDF and the exports: what the variation
icon and the assurance icon say, and why. Pure: it reads an SpcResult (models.rules.spc)."""

from __future__ import annotations

from dataclasses import dataclass

from models.rules.spc import (
    CONCERN,
    CONCERNING,
    FAILS,
    HIT_AND_MISS,
    IMPROVEMENT,
    IMPROVING,
    MEETS,
    OUTSIDE,
    SHIFT,
    TREND,
    TWO_OF_THREE,
    SpcPoint,
    SpcResult,
)


@dataclass(frozen=True)
class Icon:
    """A *Making Data Count* icon as text: a letter (as the icons carry: H or L for a special
    cause high or low, P or F for passing or failing the target, ? for hit and miss) and the
    words that say what it means. `look` names its colour: improvement, concern, common or
    neutral — never the only signal, the words are always shown."""

    letter: str
    words: str
    look: str


def point_meaning(point: SpcPoint) -> str:
    """A point's special cause in words: "Concern: shift", "Improvement: outside limits",
    or "Common cause"."""
    if not point.special_cause:
        return "Common cause"
    return f"{point.variation}: {point.special_cause.lower()}"


def _side(point: SpcPoint) -> int:
    if point.mean is None or point.value == point.mean:
        return 0
    return 1 if point.value > point.mean else -1


def _run_start(points: tuple[SpcPoint, ...]) -> int:
    """Where the latest point's run of the same special cause began."""
    latest = points[-1]
    start = len(points) - 1
    while (start > 0 and points[start - 1].special_cause == latest.special_cause
           and points[start - 1].variation == latest.variation):
        start -= 1
    return start


def variation_detail(result: SpcResult) -> str:
    """Why the latest point is special cause, in words ("" for common cause): "a shift below
    the mean since Q3 2024/25", "the latest quarter is above the upper process limit"."""
    latest = result.latest
    if latest is None or not latest.special_cause or latest.variation not in (IMPROVEMENT, CONCERN):
        return ""
    side = _side(latest)
    where = "above" if side > 0 else "below"
    start = _run_start(result.points)
    since = result.points[start].label
    count = len(result.points) - start
    if latest.special_cause == OUTSIDE:
        limit = "upper" if side > 0 else "lower"
        return f"the latest quarter is {where} the {limit} process limit"
    if latest.special_cause == SHIFT:
        return f"a shift {where} the mean since {since} ({count} quarters)"
    if latest.special_cause == TREND:
        rising = start < len(result.points) - 1 and latest.value > result.points[start].value
        return f"{'rising' if rising else 'falling'} {count} quarters in a row since {since}"
    if latest.special_cause == TWO_OF_THREE:
        limit = "upper" if side > 0 else "lower"
        return f"two of the latest three quarters close to the {limit} process limit"
    return ""


def variation_icon(result: SpcResult) -> Icon:
    latest = result.latest
    if result.variation in (IMPROVING, CONCERNING) and latest is not None:
        look = "improvement" if result.variation == IMPROVING else "concern"
        detail = variation_detail(result)
        if latest.special_cause == TREND:
            rising = variation_detail(result).startswith("rising")
            letter = "H" if rising else "L"
        else:
            letter = "H" if _side(latest) > 0 else "L"
        return Icon(letter, f"{result.variation}: {detail}" if detail else result.variation, look)
    look = "common" if result.has_limits else "neutral"
    return Icon("C" if result.has_limits else "–", result.variation, look)


def assurance_icon(result: SpcResult) -> Icon:
    if result.assurance == MEETS:
        return Icon("P", MEETS, "improvement")
    if result.assurance == FAILS:
        return Icon("F", FAILS, "concern")
    if result.assurance == HIT_AND_MISS:
        return Icon("?", f"{HIT_AND_MISS}: the target is inside the process limits, so it will "
                         "sometimes be met and sometimes not", "common")
    why = "no limits to judge it by yet" if not result.has_limits else "no target set"
    return Icon("–", f"Assurance not judged: {why}", "neutral")
