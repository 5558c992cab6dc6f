"""Which return states count (models.rules.workflow): approved only, or with provisional
figures approved and submitted; drafts and returned returns never."""

from models.rules.workflow import (
    COUNTED_STATES,
    HANDED_IN_STATES,
    PROVISIONAL_STATES,
    TRANSITIONS,
    counted_states,
)
from models.store.entities import RETURN_STATES


def test_only_approved_returns_count_by_default():
    assert counted_states(include_submitted=False) == ("approved",) == COUNTED_STATES


def test_provisional_figures_add_submitted_returns():
    assert set(counted_states(include_submitted=True)) == {"approved", "submitted"}
    assert counted_states(include_submitted=True) == PROVISIONAL_STATES


def test_drafts_and_returned_returns_never_count():
    for include_submitted in (False, True):
        counted = counted_states(include_submitted)
        assert "draft" not in counted and "returned" not in counted


def test_the_states_are_stored_states_and_handed_in_is_what_the_provider_has_sent():
    assert set(PROVISIONAL_STATES) <= set(RETURN_STATES)
    # Submitting leads to "submitted" and approving to "approved": both are handed in; the
    # states a provider can still edit (draft, returned) are not.
    assert set(HANDED_IN_STATES) == {TRANSITIONS["submit"][1], TRANSITIONS["approve"][1]}
    assert set(RETURN_STATES) - set(HANDED_IN_STATES) == {"draft", "returned"}
