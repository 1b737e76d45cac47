"""Near-duplicate search: MinHash over character n-grams with LSH banding, then exact
rapidfuzz verification of the candidate pairs. Small sets are compared exhaustively."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

_SPACE = re.compile(r"\s+")
EXHAUSTIVE_MAX = 3000  # below this, rapidfuzz's cdist over all pairs is faster than LSH


def normalize_text(text: str) -> str:
    """Case and whitespace do not make two samples different."""
    return _SPACE.sub(" ", text).strip().lower()


def exhaustive_pairs(texts: Sequence[str], threshold: float) -> list[tuple[int, int, float]]:
    """Every pair (i < j) with rapidfuzz ratio >= threshold, by brute force."""
    from rapidfuzz import fuzz, process

    if len(texts) < 2:
        return []
    scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=threshold,
                           dtype=np.uint8, workers=-1)
    i, j = np.nonzero(np.triu(scores, k=1))
    return [(int(a), int(b), float(scores[a, b])) for a, b in zip(i, j, strict=True)]


def _shingle_hashes(text: str, n: int) -> np.ndarray:
    grams = {text[i:i + n] for i in range(max(1, len(text) - n + 1))}
    return np.fromiter((hash(g) & 0xFFFFFFFFFFFFFFFF for g in grams), dtype=np.uint64,
                       count=len(grams))


def minhash_signatures(texts: Sequence[str], num_perm: int, n: int, seed: int = 1,
                       batch: int = 512) -> np.ndarray:
    """(len(texts), num_perm) uint32 MinHash signatures over character n-grams.

    Each permutation is a multiply-shift hash ((a*x + c) mod 2^64) >> 32, evaluated for a
    whole batch of records at once; the minimum per record comes from minimum.reduceat.
    """
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=(num_perm, 1), dtype=np.uint64) | np.uint64(1)
    c = rng.integers(0, 2**63, size=(num_perm, 1), dtype=np.uint64)
    out = np.empty((len(texts), num_perm), dtype=np.uint32)
    for start in range(0, len(texts), batch):
        chunk = [_shingle_hashes(t, n) for t in texts[start:start + batch]]
        lengths = np.fromiter((len(h) for h in chunk), dtype=np.int64, count=len(chunk))
        flat = np.concatenate(chunk)
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        hashed = ((a * flat[None, :] + c) >> np.uint64(32)).astype(np.uint32)
        out[start:start + len(chunk)] = np.minimum.reduceat(hashed, offsets, axis=1).T
    return out


def lsh_candidates(signatures: np.ndarray, bands: int, rows: int) -> set[tuple[int, int]]:
    """Pairs of records that agree on all rows of at least one band."""
    candidates: set[tuple[int, int]] = set()
    for b in range(bands):
        band = np.ascontiguousarray(signatures[:, b * rows:(b + 1) * rows])
        keys = band.view(np.dtype((np.void, band.dtype.itemsize * rows))).ravel()
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
        ends = np.concatenate((starts[1:], [len(order)]))
        for s, e in zip(starts[ends - starts > 1], ends[ends - starts > 1], strict=True):
            members = sorted(order[s:e].tolist())
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    candidates.add((members[x], members[y]))
    return candidates


def lsh_parameters(threshold: float) -> tuple[int, int, int]:
    """(bands, rows, n) so that pairs at `threshold` ratio are found with >= 99% probability.

    For character 3-grams, a pair at ratio 90 on ~100 characters has a Jaccard similarity
    near 0.5 in the worst case (every edit breaks 3 grams); with r rows and b bands the
    chance to be a candidate is 1 - (1 - J^r)^b: 0.995 for J = 0.5 with r = 3, b = 40.
    """
    if threshold >= 95:
        return 24, 4, 3
    return 40, 3, 3


def find_near_duplicates(texts: Sequence[str], threshold: float
                         ) -> list[tuple[int, int, float]]:
    """Pairs (i < j, score) with rapidfuzz ratio >= threshold."""
    if len(texts) <= EXHAUSTIVE_MAX:
        return exhaustive_pairs(texts, threshold)
    from rapidfuzz import fuzz

    bands, rows, n = lsh_parameters(threshold)
    signatures = minhash_signatures(texts, bands * rows, n)
    pairs = []
    ratio = fuzz.ratio
    for i, j in sorted(lsh_candidates(signatures, bands, rows)):
        score = ratio(texts[i], texts[j], score_cutoff=threshold)
        if score:
            pairs.append((i, j, score))
    return pairs


def clusters(pairs: list[tuple[int, int, float]]) -> list[list[int]]:
    """Connected groups of near-duplicate records (union-find over the pairs)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j, _ in pairs:
        parent[find(i)] = find(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for x in list(parent):
        groups[find(x)].append(x)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])
