"""Slugs for URLs (models/rules/slugs.py), against hand-worked expectations."""

from models.rules.slugs import find_id, slugify, unique_slugs


def test_a_name_becomes_lower_case_words_joined_by_hyphens():
    assert slugify("Children and young people 1:1 domestic and sexual abuse support") == (
        "children-and-young-people-1-1-domestic-and-sexual-abuse-support")
    assert slugify("Independent Sexual Violence Advisor (ISVA)") == "independent-sexual-violence-advisor-isva"
    assert slugify("Highfields & Western Downs") == "highfields-western-downs"
    assert slugify("  --  ") == "item" and slugify("!!", fallback="provider") == "provider"
    # At most 80 characters, never ending in a hyphen: 39 "ab-" pieces cut at 80 end "-a".
    assert slugify("ab " * 40) == ("ab-" * 26) + "ab"


def test_slugs_are_unique_and_adding_a_record_changes_no_existing_one():
    first = unique_slugs([(7, "A & B"), (3, "A-B"), (5, "Other")])
    # "A-B" (id 3) and "A & B" (id 7) both make "a-b": the lower id keeps it.
    assert first == {3: "a-b", 5: "other", 7: "a-b-7"}
    later = unique_slugs([(7, "A & B"), (3, "A-B"), (5, "Other"), (9, "a b")])
    assert {k: later[k] for k in first} == first and later[9] == "a-b-9"
    # A plain slug that is another's suffixed one, and a name of digits only.
    assert unique_slugs([(1, "x"), (2, "x 5"), (5, "x")]) == {1: "x", 2: "x-5", 5: "x-5-5"}
    assert unique_slugs([(4, "2024")]) == {4: "2024-4"}


def test_a_url_value_names_an_allowed_record_by_slug_or_old_id():
    slugs = {3: "a-b", 5: "other", 7: "a-b-7"}
    assert find_id("other", [3, 5], slugs) == 5
    assert find_id("5", [3, 5], slugs) == 5  # an id, from a link made before slugs
    assert find_id("a-b-7", [3, 5], slugs) is None  # not offered to this reader
    assert find_id("7", [3, 5], slugs) is None
    assert find_id("nothing", [3, 5], slugs) is None and find_id("", [3], slugs) is None
    assert find_id(None, [3], slugs) is None
