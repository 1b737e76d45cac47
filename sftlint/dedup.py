"""Near-duplicate search: MinHash over character n-grams with LSH banding, then exact
rapidfuzz verification of the candidate pairs. Small sets are compared exhaustively."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence

import numpy as np

_SPACE = re.compile(r"\s+")
EXHAUSTIVE_MAX = 3000  # below this, rapidfuzz's cdist over all pairs is faster than LSH...
EXHAUSTIVE_WORK = 5e9  # ...unless the texts are long: pairs x length^2 / 64 (bit-parallel)


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


def _gram_hashes(texts: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, record index) of every character n-gram of a batch of texts, vectorized.

    Texts become one array of code points; an n-gram is hashed from its code points with a
    polynomial, and grams that would cross from one text into the next are dropped.
    """
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    owner = np.repeat(np.arange(len(texts)), lengths)
    if len(codes) < n:
        return codes, owner
    h = np.zeros(len(codes) - n + 1, dtype=np.uint64)
    for k in range(n):
        h = h * np.uint64(0x100000001B3) + codes[k:len(codes) - n + 1 + k]
    starts = owner[: len(h)]
    keep = starts == owner[n - 1:]  # the gram's first and last character are in one text
    short = lengths < n  # a text shorter than n is one gram: itself
    h, starts = h[keep], starts[keep]
    if short.any():
        ends = np.cumsum(lengths)
        extra = [i for i in np.flatnonzero(short) if lengths[i] > 0]
        h = np.concatenate([h, codes[ends[extra] - 1]])
        starts = np.concatenate([starts, np.array(extra, dtype=np.int64)])
    return h, starts


def minhash_signatures(texts: Sequence[str], num_perm: int, n: int, seed: int = 1,
                       batch: int = 20000) -> np.ndarray:
    """(len(texts), num_perm) uint32 MinHash signatures over character n-grams."""
    return np.concatenate([sig for sig in _signature_batches(texts, num_perm, n, seed, batch)]
                          or [np.empty((0, num_perm), dtype=np.uint32)])


def band_keys(texts: Sequence[str], bands: int, rows: int, n: int) -> np.ndarray:
    """(len(texts), bands) uint64: each band's `rows` MinHash values folded into one key.

    Kept instead of the signatures: a quarter of their memory for 4 rows a band.
    """
    keys = np.empty((len(texts), bands), dtype=np.uint64)
    done = 0
    for sig in _signature_batches(texts, bands * rows, n, seed=1, batch=20000):
        folded = np.zeros((len(sig), bands), dtype=np.uint64)
        for r in range(rows):
            folded = folded * np.uint64(0x100000001B3) + sig[:, r::rows][:, :bands]
        keys[done:done + len(sig)] = folded
        done += len(sig)
    return keys


def _signature_batches(texts: Sequence[str], num_perm: int, n: int, seed: int, batch: int
                       ) -> Iterator[np.ndarray]:
    """(len(texts), num_perm) uint32 MinHash signatures over character n-grams.

    One-permutation hashing: one multiply-shift hash per gram, whose top bits pick one of
    `num_perm` bins and whose next 32 bits are the value kept as that bin's minimum; bins
    a short text leaves empty borrow from the next filled bin (rotation densification),
    which keeps the collision probability of each bin close to the Jaccard similarity.
    """
    bits = max(1, int(np.ceil(np.log2(num_perm))))
    bins = 1 << bits
    mult = np.uint64(0x9E3779B97F4A7C15 ^ (seed * 0x632BE59BD9B4E019 & 0xFFFFFFFFFFFFFFFF) | 1)
    empty = np.uint32(0xFFFFFFFF)
    for start in range(0, len(texts), batch):
        chunk = texts[start:start + batch]
        hashes, owner = _gram_hashes(chunk, n)
        mixed = (hashes ^ (hashes >> np.uint64(29))) * mult
        bin_of = (mixed >> np.uint64(64 - bits)).astype(np.int64)
        value = ((mixed >> np.uint64(32 - bits)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        flat = np.full(len(chunk) * bins, empty, dtype=np.uint32)
        np.minimum.at(flat, owner * bins + bin_of, value)
        table = flat.reshape(len(chunk), bins)
        yield _densify(table, empty)[:, :num_perm]


def _densify(table: np.ndarray, empty: np.uint32) -> np.ndarray:
    """Fill each empty bin from the next filled bin to its right (circularly), offset by
    the distance so that borrowed values differ between bins."""
    rows, bins = table.shape
    filled = table != empty
    idx = np.where(filled, np.arange(bins), 2 * bins)
    doubled = np.concatenate([idx, idx + bins], axis=1)
    nxt = np.minimum.accumulate(doubled[:, ::-1], axis=1)[:, ::-1][:, :bins]
    src = np.where(nxt >= 2 * bins, 0, nxt % bins)
    distance = (nxt - np.arange(bins)).astype(np.uint32)
    borrowed = table[np.arange(rows)[:, None], src] + distance * np.uint32(0x9E3779B1)
    return np.where(filled, table, borrowed)


MAX_BUCKET = 50


def lsh_candidates(keys: np.ndarray) -> np.ndarray:
    """Sorted unique pairs (i < j), as an (k, 2) array, of records that share the key of
    at least one band (see band_keys).

    A bucket larger than MAX_BUCKET holds records that share template text rather than
    being near-copies (exact copies are removed before); it is skipped, since true
    near-duplicates also meet in other bands, where their own text decides. Pairs are
    generated with array operations: within a band's sorted keys, record k pairs with
    k + d for each distance d that stays inside its bucket.
    """
    n = len(keys)
    found: list[np.ndarray] = []
    for b in range(keys.shape[1]):
        column = keys[:, b]
        order = np.argsort(column)
        sorted_keys = column[order]
        new_bucket = np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1]))
        bucket = np.cumsum(new_bucket) - 1
        size = np.bincount(bucket)[bucket]
        keep = (size > 1) & (size <= MAX_BUCKET)  # most records are alone in their bucket
        order, bucket = order[keep], bucket[keep]
        for d in range(1, MAX_BUCKET):
            same = bucket[d:] == bucket[:-d]
            if not same.any():
                break
            a, c = order[:-d][same], order[d:][same]
            found.append(np.minimum(a, c).astype(np.int64) * n + np.maximum(a, c))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes = np.sort(np.concatenate(found))  # sort + neighbours: faster than np.unique's hash
    codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
    return np.stack([codes // n, codes % n], axis=1)


def lsh_parameters(threshold: float) -> tuple[int, int, int]:
    """(bands, rows, n) so that pairs at `threshold` ratio are found with >= 99% probability.

    With r rows and b bands the chance that a pair of Jaccard similarity J (over character
    3-grams) becomes a candidate is 1 - (1 - J^r)^b; r = 4, b = 32 gives 0.993 at J = 0.6
    and 0.9999 at J = 0.7. Near-copies at ratio >= 90 (a few edits in a sample) sit above
    J = 0.6; the recall against an exhaustive search is measured in tests and benchmarks.
    """
    return 32, 4, 3


def find_near_duplicates(texts: Sequence[str], threshold: float
                         ) -> list[tuple[int, int, float]]:
    """Pairs (i < j, score) with rapidfuzz ratio >= threshold."""
    mean_length = sum(map(len, texts)) / max(len(texts), 1)
    if (len(texts) <= EXHAUSTIVE_MAX
            and len(texts) ** 2 * mean_length ** 2 / 64 <= EXHAUSTIVE_WORK):
        return exhaustive_pairs(texts, threshold)
    from rapidfuzz import fuzz, process

    bands, rows, n = lsh_parameters(threshold)
    candidates = lsh_candidates(band_keys(texts, bands, rows, n))
    pairs: list[tuple[int, int, float]] = []
    step = 1 << 20  # verify a million candidate pairs at a time, on every core
    for start in range(0, len(candidates), step):
        block = candidates[start:start + step]
        left = [texts[i] for i in block[:, 0].tolist()]
        right = [texts[j] for j in block[:, 1].tolist()]
        scores = process.cpdist(left, right, scorer=fuzz.ratio, score_cutoff=threshold,
                                workers=-1)
        hits = np.flatnonzero(scores)
        pairs += [(int(block[k, 0]), int(block[k, 1]), float(scores[k])) for k in hits]
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
