"""A long What needs attention report read a part at a time (models/reporting/attention.py):
counts by priority and the order the pages list the lines in, worked out by hand."""

from models.reporting.attention import (
    GOING_WELL,
    NEEDS_ATTENTION,
    AttentionLine,
    AttentionReport,
    PriorityCount,
    lines_in_order,
    priority_counts,
)


def _line(section: str, priority: str, service: str) -> AttentionLine:
    kind = "red" if section == NEEDS_ATTENTION else "green_four_quarters"
    return AttentionLine(section, kind, priority, 1, service, "m", "what", "/service")


# In the report's order (priority, then service): sections interleaved.
LINES = (
    _line(NEEDS_ATTENTION, "Domestic abuse", "A"),
    _line(GOING_WELL, "Domestic abuse", "A"),
    _line(NEEDS_ATTENTION, "Domestic abuse", "B"),
    _line(GOING_WELL, "Youth", "C"),
    _line(NEEDS_ATTENTION, "Youth", "D"),
    _line(GOING_WELL, "Youth", "D"),
)
REPORT = AttentionReport(2025, 2, LINES)


def test_every_line_is_counted_by_priority_and_section_in_the_report_order():
    assert priority_counts(REPORT) == [PriorityCount("Domestic abuse", 2, 1),
                                       PriorityCount("Youth", 1, 2)]
    assert priority_counts(AttentionReport(2025, 2, ())) == []


def test_pages_list_needs_attention_first_then_going_well():
    assert [(line.section[0], line.service) for line in lines_in_order(REPORT)] == [
        ("N", "A"), ("N", "B"), ("N", "D"), ("G", "A"), ("G", "C"), ("G", "D")]


def test_one_priority_s_lines():
    assert [line.service for line in lines_in_order(REPORT, "Youth")] == ["D", "C", "D"]
    assert lines_in_order(REPORT, "No such priority") == []
