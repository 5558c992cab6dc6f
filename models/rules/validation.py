"""Validation of a quarterly return (DESIGN §3), with GOV.UK-style messages.

Errors block saving and submitting; a draft may be incomplete but never invalid.
Warnings (figures far outside the service's history, a large jump from last quarter)
ask the provider to confirm or explain before submitting."""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, cast

MAX_VALUE = 1_000_000
TEXT_LIMIT = 2000
NARRATIVE_FIELDS = {
    "highlights": "Highlights",
    "challenges": "Challenges",
    "case_study": "Case study",
    "warning_note": "Explanation of the figures",
}
_WHOLE = re.compile(r"^\d+$")


FieldKind = Literal["count", "num", "den", "cat", "text", "sum"]
FIGURE_KINDS: tuple[FieldKind, ...] = ("count", "num", "den", "cat")
# A breakdown's categories taken together: not an input, but what "does not add up" is about.
GROUP_KINDS: tuple[FieldKind, ...] = ("sum",)
MAX_RECORD_ID = 2**31 - 1  # ids are INTEGER columns (PostgreSQL's int4)
_FIGURE_TEXT = re.compile(r"(count|num|den|cat|sum)-([1-9][0-9]{0,9})")  # ASCII digits, no leading 0


@dataclass(frozen=True)
class FieldKey:
    """One field of a return, by the one name everything uses for it: validation's errors and
    warnings, the form's inputs and error slots, the Excel template's cells, the audit trail.

    As text: `count-12` (metric 12's count), `num-12` and `den-12` (a rate's number improved
    and number assessed), `cat-40` (breakdown category 40's count), `sum-12` (metric 12's
    categories taken together, which must add up to its count: a message's place, never an
    input's), or a narrative field's own name (`highlights`). `parse` is the only way back
    from text, and refuses anything else; a key cannot be built for an id that is not a whole
    number in range."""

    kind: FieldKind
    id: int = 0  # the metric's id (count, num, den), the category's (cat); 0 for narrative
    name: str = ""  # the narrative field (text); "" for a figure

    def __post_init__(self) -> None:
        if self.kind == "text":
            if self.id != 0 or type(self.name) is not str or self.name not in NARRATIVE_FIELDS:
                raise ValueError("not a narrative field of a return")
        elif self.kind in FIGURE_KINDS or self.kind in GROUP_KINDS:
            # bool is an int to Python, and JSON from the browser could carry one.
            if type(self.id) is not int or not 0 < self.id <= MAX_RECORD_ID or self.name:
                raise ValueError("not a field of a return")
        else:
            raise ValueError("not a kind of field of a return")

    @classmethod
    def count(cls, metric_id: int) -> FieldKey:
        return cls("count", metric_id)

    @classmethod
    def numerator(cls, metric_id: int) -> FieldKey:
        return cls("num", metric_id)

    @classmethod
    def denominator(cls, metric_id: int) -> FieldKey:
        return cls("den", metric_id)

    @classmethod
    def category(cls, category_id: int) -> FieldKey:
        return cls("cat", category_id)

    @classmethod
    def breakdown(cls, metric_id: int) -> FieldKey:
        return cls("sum", metric_id)

    @classmethod
    def narrative(cls, name: str) -> FieldKey:
        return cls("text", name=name)

    @classmethod
    def parse(cls, text: object) -> FieldKey:
        """The key a text names (from the browser, a template, the audit trail); ValueError
        for anything `.text` never produces: "count-", "count-x", "count-01", "count-1-2",
        an id beyond the database's range, an unknown narrative name."""
        if not isinstance(text, str):
            raise ValueError("a field key is text")
        if text in NARRATIVE_FIELDS:
            return cls.narrative(text)
        match = _FIGURE_TEXT.fullmatch(text)
        if match is None:
            raise ValueError("not a field of a return")
        return cls(cast(FieldKind, match.group(1)), int(match.group(2)))

    @property
    def text(self) -> str:
        return self.name if self.kind == "text" else f"{self.kind}-{self.id}"


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

    @classmethod
    def from_fields(cls, fields: Iterable[tuple[FieldKey, str | None]]) -> RawReturn:
        """Each field's text where validation looks for it (a later value for a field wins)."""
        by_kind: dict[FieldKind, dict] = {"count": {}, "num": {}, "den": {}, "cat": {}, "text": {}}
        for key, text in fields:
            if key.kind in GROUP_KINDS:
                continue  # a group's key names no input, so holds no text
            by_kind[key.kind][key.name if key.kind == "text" else key.id] = text
        return cls(counts=by_kind["count"], numerators=by_kind["num"], denominators=by_kind["den"],
                   categories=by_kind["cat"], narrative=by_kind["text"])


@dataclass
class ParsedReturn:
    counts: dict[int, int | None] = field(default_factory=dict)
    rates: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)
    categories: dict[int, int | None] = field(default_factory=dict)
    narrative: dict[str, str] = field(default_factory=dict)


@dataclass
class Validation:
    errors: dict[FieldKey, str] = field(default_factory=dict)
    warnings: dict[FieldKey, str] = field(default_factory=dict)
    parsed: ParsedReturn = field(default_factory=ParsedReturn)

    @property
    def ok(self) -> bool:
        return not self.errors


def clean_text(text: str | None) -> str:
    """Text as people meant it: line endings normalised, control characters (a NUL byte,
    which PostgreSQL refuses, among them) removed, except newlines and tabs."""
    value = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()


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
        key = FieldKey.count(metric.id)
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
            errors[FieldKey.narrative(name)] = (f"{label} must be {TEXT_LIMIT:,} characters or fewer "
                            f"(it has {len(text):,})")
        parsed.narrative[name] = text
    return result


def _validate_rate(metric: MetricDef, raw: RawReturn, submitting: bool, result: Validation) -> None:
    num_key, den_key = FieldKey.numerator(metric.id), FieldKey.denominator(metric.id)
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
        key = FieldKey.category(category_id)
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
        # Against the categories taken together (shown at their running total), not against
        # any one category: none of them is wrong on its own.
        result.errors[FieldKey.breakdown(metric.id)] = (
            f"The {metric.name.lower()} by category add up to {sum(parts)}, but the total is "
            f"{total}. Make them add up to the total")


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
