"""portfolio-duplicate-trigger: its pair search finds what comparing all pairs finds."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from playbook.lint.rules.portfolio_duplicate_trigger import _alike, _words

WORDS = st.frozensets(st.sampled_from("abcdefghij"), max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, max_size=12), st.sampled_from([0.3, 0.5, 0.7, 0.8, 1.0]))
def test_alike_matches_the_brute_force(events, similarity):
    """Each later set is paired once, with the first earlier set alike it."""
    alike = {
        (i, j)
        for i, j in combinations(range(len(events)), 2)
        if events[i]
        and events[j]
        and len(events[i] & events[j]) / len(events[i] | events[j]) >= similarity
    }
    first = {(min(i for i, k in alike if k == j), j) for _, j in alike}
    assert set(_alike(events, similarity)) == first


def test_small_words_case_and_punctuation_do_not_count():
    assert _words("The customer's switches, at end-of-support!") == _words(
        "a Customer's switches at end of support"
    )
