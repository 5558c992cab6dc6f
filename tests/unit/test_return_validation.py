"""Validation of a return: errors block, warnings ask, drafts may be incomplete."""

from models.rules.validation import MetricDef, RawReturn, parse_whole_number, validate_return

PEOPLE = MetricDef(1, "People supported", "count", ((10, "Self"), (11, "GP")))
SAFER = MetricDef(2, "Felt safer", "percent")
METRICS = [PEOPLE, SAFER]


def test_whole_number_parsing():
    assert parse_whole_number("12", "X") == (12, None)
    assert parse_whole_number(" 1,200 ", "X") == (1200, None)
    assert parse_whole_number("", "X") == (None, None)
    assert parse_whole_number("text", "X")[1] == "X must be a whole number, like 12"
    assert parse_whole_number("2.5", "X")[1] == "X must be a whole number, like 12"
    assert parse_whole_number("-3", "X")[1] == "X must be 0 or more"
    assert parse_whole_number("99999999", "X")[1] == "X must be 1,000,000 or less"


def test_every_kind_of_error_is_reported_against_its_field():
    raw = RawReturn(counts={1: "30"}, numerators={2: "12"}, denominators={2: "10"},
                    categories={10: "10", 11: "5"}, narrative={"highlights": "x" * 2001})
    result = validate_return(METRICS, raw, submitting=False)
    assert set(result.errors) == {"num-2", "cat-10", "highlights"}
    assert "cannot be more than the number assessed (10)" in result.errors["num-2"]
    assert "add up to 15, but the total is 30" in result.errors["cat-10"]
    assert "2,000 characters or fewer (it has 2,001)" in result.errors["highlights"]


def test_a_draft_may_be_incomplete_but_a_submission_may_not():
    raw = RawReturn(counts={1: "30"})
    assert validate_return(METRICS, raw, submitting=False).ok
    submitted = validate_return(METRICS, raw, submitting=True)
    assert set(submitted.errors) == {"cat-10", "cat-11", "num-2", "den-2"}
    assert submitted.errors["den-2"] == "Enter the number assessed for 'Felt safer'"


def test_a_complete_valid_return_parses():
    raw = RawReturn(counts={1: "30"}, numerators={2: "7"}, denominators={2: "10"},
                    categories={10: "12", 11: "18"}, narrative={"case_study": "  A story  "})
    result = validate_return(METRICS, raw, submitting=True)
    assert result.ok and not result.warnings
    assert result.parsed.counts == {1: 30}
    assert result.parsed.rates == {2: (7, 10)}
    assert result.parsed.categories == {10: 12, 11: 18}
    assert result.parsed.narrative["case_study"] == "A story"


def test_warnings_for_unusual_figures():
    raw = RawReturn(counts={1: "300"}, categories={10: "150", 11: "150"})
    far = validate_return([PEOPLE], raw, submitting=False, history={1: [20, 25, 30, 22]})
    assert "far outside this service's usual range" in far.warnings["count-1"]
    assert far.ok  # a warning never blocks saving
    raw = RawReturn(counts={1: "60"}, categories={10: "30", 11: "30"})
    jump = validate_return([PEOPLE], raw, submitting=False, last_quarter={1: 25})
    assert "changed a lot since last quarter (25 to 60)" in jump.warnings["count-1"]
    steady = validate_return([PEOPLE], raw, submitting=False, last_quarter={1: 55})
    assert not steady.warnings


def test_control_characters_are_removed_from_text():
    from models.rules.validation import clean_text

    assert clean_text("a\x00b\r\nc\td\x1b") == "ab\nc\td"
    raw = RawReturn(narrative={"case_study": "\x00Story\x07"})
    assert validate_return([], raw, submitting=False).parsed.narrative["case_study"] == "Story"
