"""The RAG rule and its vocabulary, in one place: how a figure is judged against its target
(`rag_status`), the word each judgement reads as, their order, how each word looks (chart bar
colour, cell fill, CSS class, chart pattern) and the rule in prose. The pages, the AG Grid,
the charts, the XLSX and the PDF all take them from here; assets/monitor.css styles the class
names given here with the same fills (a unit test keeps the two in step).

Colour is never the only signal: every judgement is shown as its word, and the greys, which
share one colour, also differ in the pattern a chart draws them with.
No Dash, no plotly and no database here."""

from __future__ import annotations

from dataclasses import dataclass

from models.rules.disclosure import WITHHELD
from models.rules.measures import percent_of_target, round_half_up


@dataclass(frozen=True)
class RagThresholds:
    green: float = 1.0  # at or above 100% of target
    amber: float = 0.9  # at or above 90% of target


DEFAULT_THRESHOLDS = RagThresholds()

# The words people read.
GREEN, AMBER, RED = "Green", "Amber", "Red"
NO_DATA, NOT_DUE, NO_TARGET = "No data", "Not due", "No target"

# What `rag_status` returns -> the word shown for it.
RAG_WORDS = {
    "green": GREEN,
    "amber": AMBER,
    "red": RED,
    "no_data": NO_DATA,
    "not_due": NOT_DUE,
    "no_target": NO_TARGET,
}
# The order of every legend, summary and count table. "Withheld" (publication mode hides a
# RAG worked out from a hidden figure) is not a judgement: outputs that can show it add it last.
RAG_ORDER: tuple[str, ...] = tuple(RAG_WORDS.values())


@dataclass(frozen=True)
class RagLook:
    """How one word is drawn. The colours were checked for contrast (WCAG AA): change them
    here and in assets/monitor.css together, and check again."""

    bar: str      # chart bar colour, with white or black text beside it
    fill: str     # cell background: XLSX cells, and the badges and grid cells in monitor.css
    tone: str     # CSS class: a badge is "rag <tone>", a grid cell "rag-cell <tone>"
    pattern: str  # plotly bar pattern shape: "" for solid; each grey has its own

    @property
    def badge_class(self) -> str:
        return f"rag {self.tone}"


GREY_BAR = "#8a9196"
GREY_FILL = "#ECEEEF"
GREY_TONE = "rag-grey"
GREY = RagLook(GREY_BAR, GREY_FILL, GREY_TONE, "")  # anything without a look of its own

RAG_LOOKS: dict[str, RagLook] = {
    GREEN: RagLook("#1a7d4b", "#CCE5D6", "rag-green", ""),
    AMBER: RagLook("#c96a00", "#FFE3C4", "rag-amber", ""),
    RED: RagLook("#c0311a", "#F6D7D2", "rag-red", ""),
    NO_DATA: RagLook(GREY_BAR, GREY_FILL, GREY_TONE, "/"),
    NOT_DUE: RagLook(GREY_BAR, GREY_FILL, GREY_TONE, "."),
    NO_TARGET: RagLook(GREY_BAR, GREY_FILL, GREY_TONE, "x"),
    WITHHELD: RagLook(GREY_BAR, GREY_FILL, GREY_TONE, "-"),
}


def look_of(word: str) -> RagLook:
    """The look of a RAG word; grey for anything else (a status shown in RAG colours)."""
    return RAG_LOOKS.get(word, GREY)


def words_by_tone() -> dict[str, list[str]]:
    """{CSS class: the words drawn with it}, in RAG order: for rules that test a cell's word
    (the AG Grid adds one class name per rule)."""
    out: dict[str, list[str]] = {}
    for word, look in RAG_LOOKS.items():
        out.setdefault(look.tone, []).append(word)
    return out


def rag_status(
    actual: float | None,
    target: float | None,
    *,
    higher_is_better: bool = True,
    due: bool = True,
    thresholds: RagThresholds = DEFAULT_THRESHOLDS,
) -> str:
    """One of green, amber, red, no_data, not_due, no_target (DESIGN §3; `RAG_WORDS` gives the
    word for each), judged on the rounded % of target that is shown beside it.

    Higher is better: Green at or above the green threshold (100%), Amber at or above the
    amber threshold (90%), Red below. Lower is better, the mirror image about 100%: Green at
    or below 100% − (green − 100%), Amber up to 100% + (100% − amber) (110% by default), Red
    above. A zero target is met by any actual when higher is better, and only by zero when
    lower is better."""
    if actual is None:
        return "no_data" if due else "not_due"
    if target is None:
        return "no_target"
    percent = percent_of_target(actual, target)
    if percent is None:  # a zero target
        return "green" if higher_is_better or actual <= 0 else "red"
    green, amber = _percents(thresholds)
    if higher_is_better:
        return "green" if percent >= green else "amber" if percent >= amber else "red"
    return "green" if percent <= 200 - green else "amber" if percent <= 200 - amber else "red"


def _percents(t: RagThresholds) -> tuple[int, int]:
    """The thresholds as the whole percentages they are compared with."""
    return round_half_up(t.green * 100), round_half_up(t.amber * 100)


def rag_rule_text(t: RagThresholds) -> str:
    """The RAG rule in words, for the Notes sheet, the PDF and the admin page."""
    green, amber = _percents(t)
    return (f"% of target is the actual divided by the target, rounded half up to a whole percent; "
            f"the RAG is judged on that shown figure. {GREEN}: at or above {green}%. {AMBER}: at or "
            f"above {amber}%. {RED}: below {amber}%. Where lower is better (such rows say so), "
            f"% of target is still actual divided by target: {GREEN} at or below {200 - green}%, "
            f"{AMBER} up to {200 - amber}%, {RED} above. Grey: {NO_DATA} (no approved figures once "
            f"the due date has passed), {NOT_DUE} (before the due date), {NO_TARGET}.")

