"""Validation of a return: errors block, warnings ask, drafts may be incomplete."""

import pytest

from models.rules.validation import FieldKey, MetricDef, RawReturn, parse_whole_number, validate_return

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
    errors = {key.text: message for key, message in result.errors.items()}
    assert set(errors) == {"num-2", "sum-1", "highlights"}
    assert "cannot be more than the number assessed (10)" in errors["num-2"]
    assert "add up to 15, but the total is 30" in errors["sum-1"]
    assert "2,000 characters or fewer (it has 2,001)" in errors["highlights"]


def test_a_breakdown_that_does_not_add_up_is_blamed_on_the_categories_together_not_the_first():
    # 10 + 5 = 15 against a total of 30; neither category is wrong on its own.
    raw = RawReturn(counts={1: "30"}, categories={10: "10", 11: "5"})
    result = validate_return([PEOPLE], raw, submitting=False)
    assert result.errors == {FieldKey.breakdown(1): (
        "The people supported by category add up to 15, but the total is 30. Make them add up "
        "to the total")}
    # Over the total too (20 + 15 = 35 of 30); a category with its own error is reported
    # against itself, and the sum is not checked until every category is a number.
    over = validate_return([PEOPLE], RawReturn(counts={1: "30"}, categories={10: "20", 11: "15"}),
                           submitting=False)
    assert "add up to 35, but the total is 30" in over.errors[FieldKey.breakdown(1)]
    bad = validate_return([PEOPLE], RawReturn(counts={1: "30"}, categories={10: "x", 11: "5"}),
                          submitting=False)
    assert set(bad.errors) == {FieldKey.category(10)}
    exact = validate_return([PEOPLE], RawReturn(counts={1: "30"}, categories={10: "25", 11: "5"}),
                            submitting=False)
    assert exact.ok


def test_a_group_key_holds_no_text():
    raw = RawReturn.from_fields([(FieldKey.count(1), "3"), (FieldKey.breakdown(1), "9")])
    assert raw.counts == {1: "3"} and not raw.categories


def test_a_draft_may_be_incomplete_but_a_submission_may_not():
    raw = RawReturn(counts={1: "30"})
    assert validate_return(METRICS, raw, submitting=False).ok
    submitted = validate_return(METRICS, raw, submitting=True)
    assert set(submitted.errors) == {FieldKey.category(10), FieldKey.category(11),
                                     FieldKey.numerator(2), FieldKey.denominator(2)}
    assert submitted.errors[FieldKey.denominator(2)] == "Enter the number assessed for 'Felt safer'"


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
    assert "far outside this service's usual range" in far.warnings[FieldKey.count(1)]
    assert far.ok  # a warning never blocks saving
    raw = RawReturn(counts={1: "60"}, categories={10: "30", 11: "30"})
    jump = validate_return([PEOPLE], raw, submitting=False, last_quarter={1: 25})
    assert "changed a lot since last quarter (25 to 60)" in jump.warnings[FieldKey.count(1)]
    steady = validate_return([PEOPLE], raw, submitting=False, last_quarter={1: 55})
    assert not steady.warnings


def test_control_characters_are_removed_from_text():
    from models.rules.validation import clean_text

    assert clean_text("a\x00b\r\nc\td\x1b") == "ab\nc\td"
    raw = RawReturn(narrative={"case_study": "\x00Story\x07"})
    assert validate_return([], raw, submitting=False).parsed.narrative["case_study"] == "Story"


# The field key: one name per field, and nothing else parses --------------------------------

@pytest.mark.parametrize(("key", "text"), [
    (FieldKey.count(12), "count-12"),
    (FieldKey.numerator(3), "num-3"),
    (FieldKey.denominator(3), "den-3"),
    (FieldKey.category(40), "cat-40"),
    (FieldKey.narrative("case_study"), "case_study"),
    (FieldKey.count(2**31 - 1), "count-2147483647"),
    (FieldKey.breakdown(7), "sum-7"),
])
def test_a_field_key_round_trips_through_its_text(key, text):
    assert key.text == text
    assert FieldKey.parse(text) == key
    assert FieldKey.parse(key.text).kind == key.kind


@pytest.mark.parametrize("text", [
    "", "count", "count-", "count-x", "count-1-2-3", "count-01", "count-0", "count--1", "count-+1",
    "count- 1", " count-1", "count-1 ", "count-1\n", "COUNT-1", "count-1.0", "count-١", "rate-1",
    "text-highlights", "cat-", "num-1e3", "../", "../../etc/passwd", "count-../1", "Highlights",
    "count-2147483648", "count-" + "9" * 400, "num-" + "1" * 11, "sum-", "sum-0", "sum-x",
])
def test_a_field_key_refuses_anything_it_never_writes(text):
    with pytest.raises(ValueError):
        FieldKey.parse(text)


@pytest.mark.parametrize("value", [None, 12, 1.5, ["count-1"], {"field": "count-1"}, b"count-1"])
def test_a_field_key_is_parsed_only_from_text(value):
    with pytest.raises(ValueError):
        FieldKey.parse(value)


@pytest.mark.parametrize("build", [
    lambda: FieldKey.count(0), lambda: FieldKey.count(-1), lambda: FieldKey.count(True),
    lambda: FieldKey.count("12"), lambda: FieldKey.count(12.0), lambda: FieldKey.category(2**31),
    lambda: FieldKey.narrative("count-1"), lambda: FieldKey.narrative(["highlights"]),
    lambda: FieldKey("rate", 1), lambda: FieldKey("count", 1, "highlights"),
])
def test_a_field_key_cannot_be_built_for_an_id_out_of_range_or_a_field_that_does_not_exist(build):
    with pytest.raises(ValueError):
        build()


def test_every_key_validation_reports_is_a_field_key():
    raw = RawReturn(counts={1: "x"}, numerators={2: "y"}, denominators={2: "z"},
                    categories={10: "-1"}, narrative={"highlights": "x" * 2001})
    result = validate_return(METRICS, raw, submitting=True)
    assert result.errors and all(FieldKey.parse(key.text) == key for key in result.errors)
