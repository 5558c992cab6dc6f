"""The RAG vocabulary (models.rules.rag): every word has a colour, a class and a pattern; the
stylesheet draws the same classes with the same fills; the rule in prose states the thresholds
it is given. Expected values are worked by hand."""

import re
from pathlib import Path

import pytest

from models.rules.disclosure import WITHHELD
from models.rules.rag import (
    GREY,
    RAG_LOOKS,
    RAG_ORDER,
    RAG_WORDS,
    RagThresholds,
    look_of,
    rag_rule_text,
    words_by_tone,
)

CSS = (Path(__file__).parents[2] / "assets" / "monitor.css").read_text()
EVERY_WORD = [*RAG_ORDER, WITHHELD]


def test_the_words_and_their_order():
    assert RAG_ORDER == ("Green", "Amber", "Red", "No data", "Not due", "No target")
    assert RAG_WORDS == {"green": "Green", "amber": "Amber", "red": "Red", "no_data": "No data",
                         "not_due": "Not due", "no_target": "No target"}


def test_every_word_has_a_colour_a_class_and_a_fill():
    assert list(RAG_LOOKS) == EVERY_WORD
    for word in EVERY_WORD:
        look = look_of(word)
        assert re.fullmatch(r"#[0-9a-fA-F]{6}", look.bar), word
        assert re.fullmatch(r"#[0-9a-fA-F]{6}", look.fill), word
        assert look.badge_class == f"rag {look.tone}"


def test_the_colours_keep_the_values_checked_for_contrast():
    # (bar, fill, class, pattern): the values the WCAG check was made on.
    assert {w: (lk.bar, lk.fill, lk.tone, lk.pattern) for w, lk in RAG_LOOKS.items()} == {
        "Green": ("#1a7d4b", "#CCE5D6", "rag-green", ""),
        "Amber": ("#c96a00", "#FFE3C4", "rag-amber", ""),
        "Red": ("#c0311a", "#F6D7D2", "rag-red", ""),
        "No data": ("#8a9196", "#ECEEEF", "rag-grey", "/"),
        "Not due": ("#8a9196", "#ECEEEF", "rag-grey", "."),
        "No target": ("#8a9196", "#ECEEEF", "rag-grey", "x"),
        "Withheld": ("#8a9196", "#ECEEEF", "rag-grey", "-"),
    }


def test_words_that_share_a_colour_differ_in_pattern():
    """Colour is not the only signal: where two words share a bar colour, a chart tells them
    apart by pattern (and always by the word itself)."""
    by_colour: dict[str, list[str]] = {}
    for word, look in RAG_LOOKS.items():
        by_colour.setdefault(look.bar, []).append(word)
    for words in by_colour.values():
        if len(words) > 1:
            patterns = [RAG_LOOKS[w].pattern for w in words]
            assert all(patterns) and len(set(patterns)) == len(patterns), words


def test_anything_else_is_drawn_grey():
    assert look_of("Submitted") == GREY and look_of("") == GREY
    assert GREY.badge_class == "rag rag-grey" and GREY.pattern == ""


def test_words_by_tone_for_the_grid():
    assert words_by_tone() == {"rag-green": ["Green"], "rag-amber": ["Amber"], "rag-red": ["Red"],
                               "rag-grey": ["No data", "Not due", "No target", "Withheld"]}


def _rule(selector: str) -> dict[str, str]:
    """The declarations of one CSS rule, by its exact selector."""
    found = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert found, f"{selector} is not in monitor.css"
    return dict((k.strip(), v.strip()) for k, v in
                (d.split(":", 1) for d in found.group(1).split(";") if d.strip()))


@pytest.mark.parametrize("tone", sorted({look.tone for look in RAG_LOOKS.values()}))
def test_the_stylesheet_draws_each_class_with_its_fill(tone):
    fill = next(look.fill for look in RAG_LOOKS.values() if look.tone == tone).lower()
    assert _rule(f".{tone}")["background"] == fill  # badges
    assert _rule(f".rag-cell.{tone}")["background"] == fill  # grid cells
    assert ".rag {" in CSS


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_of_bars_and_badges():
    # Bars against the white chart: 3:1 for graphics (WCAG 1.4.11).
    for word, look in RAG_LOOKS.items():
        assert _contrast(look.bar, "#ffffff") >= 3, word
    # A badge's text on its fill: 4.5:1 for text (WCAG 1.4.3).
    for tone in {look.tone for look in RAG_LOOKS.values()}:
        rule = _rule(f".{tone}")
        assert _contrast(rule["color"], rule["background"]) >= 4.5, tone


def test_the_rule_in_prose_with_the_default_thresholds():
    assert rag_rule_text(RagThresholds()) == (
        "% of target is the actual divided by the target, rounded half up to a whole percent; "
        "the RAG is judged on that shown figure. Green: at or above 100%. Amber: at or above 90%. "
        "Red: below 90%. Where lower is better (such rows say so), % of target is still actual "
        "divided by target: Green at or below 100%, Amber up to 110%, Red above. Grey: No data "
        "(no approved figures once the due date has passed), Not due (before the due date), "
        "No target.")


def test_the_rule_in_prose_states_the_thresholds_given():
    # Green at 105%, Amber at 85%: lower is better mirrors them about 100% (95%, 115%).
    text = rag_rule_text(RagThresholds(green=1.05, amber=0.85))
    for phrase in ("Green: at or above 105%.", "Amber: at or above 85%.", "Red: below 85%.",
                   "Green at or below 95%", "Amber up to 115%"):
        assert phrase in text
    assert "100%" not in text and "90%" not in text
