"""Validation of a quarterly return (DESIGN §3), with GOV.UK-style messages.

Errors block saving and submitting; a draft may be incomplete but never invalid.
Warnings (figures far outside the service's history, a large jump from last quarter)
ask the provider to confirm or explain before submitting."""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

MAX_VALUE = 1_000_000
TEXT_LIMIT = 2000
NARRATIVE_FIELDS = {
    "highlights": "Highlights",
    "challenges": "Challenges",
    "case_study": "Case study",
    "warning_note": "Explanation of the figures",
}
_WHOLE = re.compile(r"^\d+$")


@dataclass(frozen=True)
class MetricDef:
    id: int
    name: str
    unit: str  # count | percent
    categories: tuple[tuple[int, str], ...] = ()


@dataclass
class RawReturn:
    """What the browser sent, as text. Keys are metric or category ids."""

    counts: Mapping[int, str | None] = field(default_factory=dict)
    numerators: Mapping[int, str | None] = field(default_factory=dict)
    denominators: Mapping[int, str | None] = field(default_factory=dict)
    categories: Mapping[int, str | None] = field(default_factory=dict)
    narrative: Mapping[str, str | None] = field(default_factory=dict)


@dataclass
class ParsedReturn:
    counts: dict[int, int | None] = field(default_factory=dict)
    rates: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)
    categories: dict[int, int | None] = field(default_factory=dict)
    narrative: dict[str, str] = field(default_factory=dict)


@dataclass
class Validation:
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    parsed: ParsedReturn = field(default_factory=ParsedReturn)

    @property
    def ok(self) -> bool:
        return not self.errors


def clean_text(text: str | None) -> str:
    """Text as people meant it: line endings normalised, control characters (a NUL byte,
    which PostgreSQL refuses, among them) removed, except newlines and tabs."""
    value = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()


def count_key(metric_id: int) -> str:
    return f"count-{metric_id}"


def numerator_key(metric_id: int) -> str:
    return f"num-{metric_id}"


def denominator_key(metric_id: int) -> str:
    return f"den-{metric_id}"


def category_key(category_id: int) -> str:
    return f"cat-{category_id}"


def parse_whole_number(raw: str | None, label: str) -> tuple[int | None, str | None]:
    """(value, error). Blank is (None, None): incomplete, not invalid."""
    text = (raw or "").strip().replace(",", "")
    if text == "":
        return None, None
    if text.startswith("-") and _WHOLE.match(text[1:]):
        return None, f"{label} must be 0 or more"
    if not _WHOLE.match(text):
        return None, f"{label} must be a whole number, like 12"
    value = int(text)
    if value > MAX_VALUE:
        return None, f"{label} must be {MAX_VALUE:,} or less"
    return value, None


def validate_return(
    metrics: Sequence[MetricDef],
    raw: RawReturn,
    *,
    submitting: bool,
    history: Mapping[int, Sequence[int]] | None = None,
    last_quarter: Mapping[int, int] | None = None,
) -> Validation:
    """Check every field; `submitting` also requires every figure to be filled in."""
    result = Validation()
    errors, parsed = result.errors, result.parsed
    for metric in metrics:
        if metric.unit == "percent":
            _validate_rate(metric, raw, submitting, result)
            continue
        key = count_key(metric.id)
        value, error = parse_whole_number(raw.counts.get(metric.id), metric.name)
        if error:
            errors[key] = error
        elif value is None and submitting:
            errors[key] = f"Enter {metric.name.lower()}"
        parsed.counts[metric.id] = value
        if metric.categories:
            _validate_breakdown(metric, value, raw, submitting, result)
        if value is not None and not error:
            warning = _warning(metric.name, value, (history or {}).get(metric.id, ()),
                               (last_quarter or {}).get(metric.id))
            if warning:
                result.warnings[key] = warning
    for name, label in NARRATIVE_FIELDS.items():
        text = clean_text(raw.narrative.get(name))
        if len(text) > TEXT_LIMIT:
            errors[name] = (f"{label} must be {TEXT_LIMIT:,} characters or fewer "
                            f"(it has {len(text):,})")
        parsed.narrative[name] = text
    return result


def _validate_rate(metric: MetricDef, raw: RawReturn, submitting: bool, result: Validation) -> None:
    num_key, den_key = numerator_key(metric.id), denominator_key(metric.id)
    numerator, num_error = parse_whole_number(raw.numerators.get(metric.id),
                                              f"Number improved for '{metric.name}'")
    denominator, den_error = parse_whole_number(raw.denominators.get(metric.id),
                                                f"Number assessed for '{metric.name}'")
    if num_error:
        result.errors[num_key] = num_error
    if den_error:
        result.errors[den_key] = den_error
    if numerator is not None and denominator is not None and numerator > denominator:
        result.errors[num_key] = (f"Number improved for '{metric.name}' cannot be more than "
                                  f"the number assessed ({denominator})")
    if submitting:
        if numerator is None and not num_error:
            result.errors[num_key] = f"Enter the number improved for '{metric.name}'"
        if denominator is None and not den_error:
            result.errors[den_key] = f"Enter the number assessed for '{metric.name}'"
    result.parsed.rates[metric.id] = (numerator, denominator)


def _validate_breakdown(metric: MetricDef, total: int | None, raw: RawReturn, submitting: bool,
                        result: Validation) -> None:
    parts: list[int] = []
    complete = True
    for category_id, name in metric.categories:
        key = category_key(category_id)
        value, error = parse_whole_number(raw.categories.get(category_id),
                                          f"{metric.name}: {name}")
        if error:
            result.errors[key] = error
            complete = False
        elif value is None:
            complete = False
            if submitting:
                result.errors[key] = f"Enter {metric.name.lower()} for {name.lower()} (0 if none)"
        else:
            parts.append(value)
        result.parsed.categories[category_id] = value
    if complete and total is not None and sum(parts) != total:
        first = category_key(metric.categories[0][0])
        result.errors.setdefault(
            first,
            f"The {metric.name.lower()} by category add up to {sum(parts)}, but the total is "
            f"{total}. Make them add up to the total",
        )


def _warning(name: str, value: int, history: Sequence[int], last: int | None) -> str | None:
    if len(history) >= 4:
        typical = statistics.median(history)
        if typical > 0 and abs(value - typical) >= 10 and (value > 3 * typical or value < typical / 3):
            return (f"{name} ({value}) is far outside this service's usual range (usually about "
                    f"{typical:.0f}). Check the figure, or explain it below")
    if last is not None and last >= 10 and abs(value - last) >= 10 and (value >= 2 * last or value <= last / 2):
        return (f"{name} changed a lot since last quarter ({last} to {value}). Check the figure, "
                f"or explain it below")
    return None
