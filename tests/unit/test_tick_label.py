"""Short axis labels for the Overview chart (charts/text.tick_label): worked by hand."""

from __future__ import annotations

from charts.overview import PercentPoint, percent_of_target_figure
from charts.text import chart_text, tick_label


def test_a_short_name_is_kept_whole():
    assert tick_label("Sanctuary scheme") == "Sanctuary scheme"


def test_a_longer_name_wraps_at_a_space_onto_two_lines():
    # 22 characters a line: "ASB early help (boxing" is 22, the rest is the second line.
    assert tick_label("ASB early help (boxing club diversion)") == "ASB early help (boxing<br>club diversion)"


def test_a_name_longer_than_two_lines_ends_at_a_word_with_an_ellipsis():
    name = "Children and young people 1:1 domestic and sexual abuse support"
    assert tick_label(name) == "Children and young<br>people 1:1 domestic…"
    assert tick_label("Independent Sexual Violence Advisor (ISVA)") == "Independent Sexual<br>Violence Advisor…"


def test_one_very_long_word_is_cut_between_characters():
    assert tick_label("Supercalifragilisticexpialidocious") == "Supercalifragilistice…"  # 21 + "…"


def test_escaped_text_is_never_cut_inside_an_entity():
    # "A & B <x> trust" reads as 15 characters, though escaped it is longer.
    label = tick_label(chart_text("A & B <x> trust services for everyone here"))
    assert label == "A &amp; B &lt;x&gt; trust<br>services for everyone…"


def test_the_chart_shows_short_names_and_keeps_the_full_name_for_hover():
    name = "Children and young people 1:1 domestic and sexual abuse support"
    fig = percent_of_target_figure([PercentPoint(name, 50.0, "Red", "5 of 10"),
                                    PercentPoint("Sanctuary scheme", None, "No data", "")], "T")
    assert list(fig.data[0].y) == [name, "Sanctuary scheme"]  # what the hover's %{y} reads
    assert "%{y}" in fig.data[0].hovertemplate
    assert list(fig.layout.yaxis.tickvals) == [name, "Sanctuary scheme"]
    assert list(fig.layout.yaxis.ticktext) == ["Children and young<br>people 1:1 domestic…", "Sanctuary scheme"]


def test_the_rag_count_chart_shortens_priority_names_too():
    from charts.overview import rag_count_figure

    name = "Vulnerable Persons and Safeguarding (incl. Mental Health)"
    fig = rag_count_figure([(name, {"Green": 2, "Red": 1})], "T")
    assert list(fig.data[0].y) == [name] and list(fig.layout.yaxis.tickvals) == [name]
    assert list(fig.layout.yaxis.ticktext) == ["Vulnerable Persons and<br>Safeguarding (incl.…"]
