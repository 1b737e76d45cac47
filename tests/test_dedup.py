"""The near-duplicate search: recall against exhaustive comparison on adversarial
low-vocabulary text, candidates bounded by count, the cross-set API D004 builds on, and
the rule's semantics (best earlier match, exact copies left to D001, no module state)."""

from __future__ import annotations

import random
import sys

import numpy as np
import pytest
from rapidfuzz import fuzz

from sftlint import dedup
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import WORDS, edit_words  # noqa: E402


def low_vocabulary_corpus(n: int, seed: int) -> list[str]:
    """Distinct texts of words from a 40-word vocabulary (every short stretch is common),
    with planted near-copies (scattered word and character edits, many near the
    threshold, some copies of copies) and a cluster of 8 variants of one text."""
    rng = random.Random(seed)
    texts: list[str] = []
    while len(texts) < n:
        if texts and rng.random() < 0.15:
            texts.append(edit_words(rng, rng.choice(texts)))
        else:
            texts.append("".join(rng.choices(WORDS, k=rng.randint(12, 40))))
    texts += [edit_words(rng, texts[0]) for _ in range(8)]
    return list(dict.fromkeys(texts))


def search(texts: list[str], threshold: float = 90) -> tuple[np.ndarray, dedup.Pairs]:
    """(every candidate pair the search generates, the pairs it reports)."""
    sketches = dedup.sketch(texts)
    candidates = np.concatenate(list(dedup.neighbour_pairs(sketches.keys)))
    kept = dedup.promising([candidates], sketches, sketches, threshold)
    return candidates, dedup.verify(kept, texts, texts, threshold)


def test_recall_on_low_vocabulary_text_against_exhaustive() -> None:
    texts = low_vocabulary_corpus(2500, seed=1)
    truth = {(i, j) for i, j, _ in dedup.exhaustive_pairs(texts, 90)}
    candidates, pairs = search(texts)
    found = {(i, j) for i, j, _ in pairs}
    assert len(truth) >= 200
    assert found <= truth  # every reported pair is verified exactly
    assert len(found) / len(truth) >= 0.99
    flagged = {j for _, j in truth}
    assert len({j for _, j in found}) / len(flagged) >= 0.99


def test_candidates_are_bounded_by_count() -> None:
    texts = low_vocabulary_corpus(2500, seed=2)
    candidates, _ = search(texts)
    bound = 2 * dedup.KEYS * dedup.CLUSTER_NEIGHBOURS
    per_record = np.bincount(candidates.ravel(), minlength=len(texts))
    assert per_record.max() <= bound
    assert len(candidates) <= len(texts) * dedup.KEYS * dedup.CLUSTER_NEIGHBOURS
    assert (candidates[:, 0] < candidates[:, 1]).all()
    assert 2 * len(np.unique(candidates, axis=0)) / len(texts) <= 2 * dedup.KEYS * dedup.NEIGHBOURS
    # the same bound when every text is nearly the same one (the worst case for buckets)
    same = [("想" * 40)[:k] + "好" + ("想" * 40)[k:] for k in range(40)]
    candidates, pairs = search(same)
    assert np.bincount(candidates.ravel()).max() <= bound
    assert len(pairs) > len(same)  # and the search still finds near-duplicates in it


def test_search_equals_exhaustive_on_what_it_reports() -> None:
    texts = low_vocabulary_corpus(800, seed=3)
    exhaustive = {(i, j): s for i, j, s in dedup.exhaustive_pairs(texts, 90)}
    for i, j, score in search(texts)[1]:
        assert score >= 90 and abs(score - fuzz.ratio(texts[i], texts[j])) < 1e-4  # float32
        assert (i, j) in exhaustive


def test_histogram_filter_never_drops_a_pair_that_reaches_the_threshold() -> None:
    rng = random.Random(4)
    texts = [edit_words(rng, "".join(rng.choices(WORDS, k=rng.randint(1, 30))))
             for _ in range(400)]
    sketches = dedup.sketch(texts)
    i, j = np.triu_indices(len(texts), k=1)
    for threshold in (50, 80, 90, 97):
        ok = dedup._may_reach(sketches, i, sketches, j, threshold)
        scores = np.array([fuzz.ratio(texts[a], texts[b]) for a, b in zip(i, j, strict=True)])
        assert ok[scores >= threshold].all()


def test_exhaustive_comparison_finds_every_pair_a_loop_over_all_pairs_finds() -> None:
    """The length window and the histogram filter only skip pairs that cannot reach the
    threshold: lengths from 0 to 300 characters, so the window leaves most pairs out."""
    rng = random.Random(11)
    texts = ["".join(rng.choices(WORDS, k=rng.randint(0, 60)))[:rng.randint(0, 300)]
             for _ in range(150)]
    texts += [edit_words(rng, t) for t in texts[:60]]
    for threshold in (0.5, 50, 80, 90, 97, 100):  # D002's threshold is above 0
        truth = {(i, j) for i in range(len(texts)) for j in range(i + 1, len(texts))
                 if fuzz.ratio(texts[i], texts[j]) >= threshold}
        found = {(i, j) for i, j, _ in dedup.exhaustive_pairs(texts, threshold)}
        assert found == truth, threshold


def test_matches_across_two_sets() -> None:
    rng = random.Random(5)
    train = low_vocabulary_corpus(3000, seed=6)
    leaked = rng.sample(range(len(train)), 60)
    evaluation = [edit_words(rng, train[k]) for k in leaked]
    evaluation += ["".join(rng.choices(WORDS, k=30)) for _ in range(200)]
    truth = {(q, r) for q, r, _ in dedup.exhaustive_matches(evaluation, train, 90)}
    query_sketches, reference_sketches = dedup.sketch(evaluation), dedup.sketch(train)
    candidates = np.concatenate(list(dedup.neighbour_matches(query_sketches.keys,
                                                             reference_sketches.keys)))
    assert np.bincount(candidates[:, 0]).max() <= 2 * dedup.KEYS * dedup.NEIGHBOURS
    kept = dedup.promising([candidates], query_sketches, reference_sketches, 90)
    found = dedup.verify(kept, evaluation, train, 90)
    assert {(q, r) for q, r, _ in found} <= truth
    leaking = {q for q, _ in truth}
    assert len(leaking) >= 30
    assert len({q for q, _, _ in found}) / len(leaking) >= 0.99
    # the public entry point, small enough to compare exhaustively, gives the same answer
    small = dedup.find_near_matches(evaluation[:50], train[:500], 90)
    assert small == dedup.exhaustive_matches(evaluation[:50], train[:500], 90)


def test_best_match_is_the_most_similar_then_the_earliest() -> None:
    assert dedup.best_matches([(0, 5, 91.0), (1, 5, 95.0), (2, 5, 95.0), (3, 4, 90.0)]) == {
        5: (95.0, 1), 4: (90.0, 3)}


def test_duplicate_rules_keep_no_module_state() -> None:
    from sftlint.rules import duplicates

    for name, value in vars(duplicates).items():
        assert name.startswith("__") or not isinstance(value, (list, dict, set)), name


def test_bucket_bits_rule_out_unrelated_texts_and_never_a_near_pair() -> None:
    """The presence bits are a lower bound of the Indel distance: on texts of a wide
    alphabet (CJK, astral and ASCII) they keep every pair that reaches the threshold, and
    alone they rule out nearly every unrelated pair of the same length."""
    rng = random.Random(12)
    alphabet = [chr(c) for c in (*range(0x4E00, 0x4E00 + 800), *range(0x1F600, 0x1F640),
                                 *range(0x61, 0x7B))]
    texts = ["".join(rng.choices(alphabet, k=rng.randint(20, 120))) for _ in range(200)]
    texts += ["".join(c for c in t if rng.random() > 0.05) for t in texts[:80]]
    sketches = dedup.sketch(texts, keys=0)
    assert sketches.presence is not None
    i, j = np.triu_indices(len(texts), k=1)
    scores = np.array([fuzz.ratio(texts[a], texts[b]) for a, b in zip(i, j, strict=True)])
    without_bits = dedup.Sketches(sketches.keys, sketches.histograms, sketches.lengths)
    for threshold in (60, 90):
        ok = dedup._may_reach(sketches, i, sketches, j, threshold)
        assert ok[scores >= threshold].all()
        # the bits add to the histograms, never loosen them
        assert not (ok & ~dedup._may_reach(without_bits, i, without_bits, j, threshold)).any()
    apart = sum(dedup._popcount(sketches.presence[w][i] ^ sketches.presence[w][j])
                for w in range(dedup.PRESENCE_WORDS))
    same_length = np.abs(sketches.lengths[i] - sketches.lengths[j]) <= 5
    unrelated = same_length & (scores < 60)
    allowed = 0.1 * (sketches.lengths[i] + sketches.lengths[j])
    assert (apart[unrelated] > allowed[unrelated]).mean() > 0.9


def test_popcount_and_runs_agree_with_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(13)
    words = rng.integers(0, 2**63, size=1000, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    expected = np.array([bin(int(w)).count("1") for w in words])
    assert (dedup._popcount(words) == expected).all()
    monkeypatch.delattr(np, "bitwise_count", raising=False)  # numpy 1.x
    assert (dedup._popcount(words) == expected).all()
    values = np.sort(rng.integers(0, 50, size=500))
    distinct, first, counts = dedup._runs(values)
    assert [a.tolist() for a in (distinct, first, counts)] == \
        [a.tolist() for a in np.unique(values, return_index=True, return_counts=True)]
    assert [len(a) for a in dedup._runs(values[:0])] == [0, 0, 0]
