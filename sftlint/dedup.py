"""Near-duplicate search: candidate pairs from sorted anchored keys, then exact rapidfuzz
verification of every candidate. Small sets are compared exhaustively.

Two questions, one search: pairs within one set (D002: `find_near_duplicates`) and, for
each record of a set of queries, the records of a set of references it is near
(`find_near_matches`, what split leakage between train and eval needs).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

_SPACE = re.compile(r"\s+")
EXHAUSTIVE_MAX = 3000  # below this, rapidfuzz's cdist over all pairs is cheap...
EXHAUSTIVE_WORK = 1e9  # ...unless the texts are long: pairs x length^2 / 64 (bit-parallel)

# The candidate search (see sketch): KEYS sort orders, each record paired with its
# NEIGHBOURS next records in each order, so at most 2 * KEYS * NEIGHBOURS candidates a record
# whatever the data.
KEYS = 16
NEIGHBOURS = 2
CLUSTER_NEIGHBOURS = 16  # ...or up to this many where keys agree on 17 characters
GRAM = 3  # the anchor is a character 3-gram...
# ...and a key orders by the text's prefixes of these lengths from it, 8 bits each: two
# 64-bit words, the second for templates that keep texts apart only far from the anchor
LEVELS = ((3, 4, 5, 6, 8, 10, 13, 17), (24, 32, 48, 64, 128, 256, 512, 1024))
_BASE = 0x100000001B3  # of the polynomial hash of a stretch of text
BATCH = 1 << 15  # records hashed at a time: bounds the memory of the gram arrays
BUCKETS = 32  # characters are counted in this many buckets for the histogram filter...
PRESENCE_WORDS = 2  # ...and marked present in 64 bits a word for a cheaper filter before it

_MASK64 = 0xFFFFFFFFFFFFFFFF
_POSITION_BITS = 24  # an anchor's offset in its text, kept in the low bits of its hash

Pairs = list[tuple[int, int, float]]


def normalize_text(text: str) -> str:
    """Case and whitespace do not make two samples different."""
    return _SPACE.sub(" ", text).strip().lower()


def exhaustive_pairs(texts: Sequence[str], threshold: float) -> Pairs:
    """Every pair (i < j) with rapidfuzz ratio >= threshold: all pairs whose lengths could
    reach it, less those that their characters rule out (exactly, see _may_reach)."""
    n = len(texts)
    if n < 2:
        return []
    sketches = sketch(texts, keys=0)
    return verify(promising(_length_window_pairs(sketches, threshold), sketches, sketches,
                            threshold), texts, texts, threshold)


def _length_window_pairs(sketches: Sketches, threshold: float) -> Iterator[np.ndarray]:
    """The pairs (i < j) that neither their lengths nor their bucket bits rule out.

    A pair reaches the threshold only if |la - lb| <= f * (la + lb), f = 1 - threshold/100,
    so with la <= lb only if lb <= la * (1 + f) / (1 - f): in length order, each text is
    compared with the texts from it up to that bound (a little over it: _may_reach applies
    the exact test), not with all the others. The texts are compared a block of rows at a
    time against the columns the block's bounds reach, on arrays in length order: slices,
    not the gathers of a list of pairs (which cost more than the comparisons here).
    """
    lengths, presence = sketches.lengths, sketches.presence
    order = np.argsort(lengths, kind="stable")
    ordered = lengths[order]
    bits = None if presence is None else presence[:, order]
    f = 1 - threshold / 100
    ends = np.searchsorted(ordered, ordered * (1 + f) / max(1 - f, 1e-9) + 1, side="right")
    n = len(order)
    start = 0
    while start < n - 1:  # ends never decrease: a block's last row reaches furthest
        width = int(ends[min(start + 255, n - 1)]) - start  # what the next 256 rows reach
        stop = min(n, start + max(1, min(256, (1 << 16) // max(width, 1))))
        rows, cols = slice(start, stop), slice(start + 1, min(n, int(ends[stop - 1])))
        row_at = np.arange(start, stop)[:, None]
        col_at = np.arange(cols.start, cols.stop)[None, :]
        keep = (col_at > row_at) & (col_at < ends[rows, None])
        if bits is not None:
            allowed = f * (ordered[rows, None] + ordered[None, cols]) + 1e-6
            apart = sum(_popcount(bits[w, rows, None] ^ bits[w, None, cols])
                        for w in range(PRESENCE_WORDS))
            keep &= apart <= allowed
        i, j = np.nonzero(keep)
        a, b = order[start + i], order[cols.start + j]
        yield np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)
        start = stop


def exhaustive_matches(queries: Sequence[str], references: Sequence[str], threshold: float
                       ) -> Pairs:
    """Every (query, reference) pair with rapidfuzz ratio >= threshold, less those that
    lengths and character histograms rule out."""
    if not queries or not references:
        return []
    left, right = sketch(queries, keys=0), sketch(references, keys=0)
    rows = max(1, (1 << 22) // len(references))

    def blocks() -> Iterator[np.ndarray]:
        for start in range(0, len(queries), rows):
            i = np.arange(start, min(start + rows, len(queries)))
            yield np.stack([np.repeat(i, len(references)),
                            np.tile(np.arange(len(references)), len(i))], axis=1)

    return verify(promising(blocks(), left, right, threshold), queries, references,
                  threshold)


def _mix(x: np.ndarray, seed: int) -> np.ndarray:
    """A well-mixed 64-bit hash of each value (splitmix64's finalizer, seeded)."""
    x = (x ^ np.uint64((0x9E3779B97F4A7C15 * (seed + 1)) & _MASK64)) * np.uint64(
        0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(31)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(29)
    return x


def _odd_constants(count: int) -> list[np.uint64]:
    """Fixed random odd 64-bit multipliers (one hash function each)."""
    return list(_mix(np.arange(1, count + 1, dtype=np.uint64), 7) | np.uint64(1))


def _doubled_prefix_hashes(codes: np.ndarray, lengths: np.ndarray
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Polynomial prefix hashes over the texts each written twice (so that reading from
    any offset for up to a text's length wraps around its end), the powers of the base,
    and where each doubled text starts. The hash of the `size` characters from `at` is
    prefix[at + size] - prefix[at] * powers[size] (mod 2**64)."""
    offsets = np.cumsum(lengths) - lengths
    index = np.arange(2 * len(codes)) - np.repeat(2 * offsets, 2 * lengths)  # within each
    owner_lengths = np.repeat(lengths, 2 * lengths)
    doubled = codes[np.repeat(offsets, 2 * lengths) + index % owner_lengths] + np.uint64(1)
    powers = np.cumprod(np.full(len(doubled) + 1, _BASE, dtype=np.uint64))
    powers = np.concatenate(([np.uint64(1)], powers[:-1]))
    inverse = np.uint64(pow(_BASE, -1, 1 << 64))
    inverse_powers = np.cumprod(np.full(len(doubled), inverse, dtype=np.uint64))
    inverse_powers = np.concatenate(([np.uint64(1)], inverse_powers[:-1]))
    # prefix[i] = sum over j < i of doubled[j] * BASE**(i - 1 - j)
    prefix = np.zeros(len(doubled) + 1, dtype=np.uint64)
    prefix[1:] = np.cumsum(doubled * inverse_powers) * powers[:-1]
    return prefix, powers, 2 * offsets


def _gram_hashes(texts: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code points of all texts, hash of every character n-gram, its record), vectorized.

    Texts become one array of code points; an n-gram is hashed from its code points with a
    polynomial, and grams that would cross from one text into the next are dropped. A text
    shorter than n is one gram: its last character.
    """
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    owner = np.repeat(np.arange(len(texts)), lengths)
    if len(codes) < n:
        return codes, codes.copy(), owner
    h = np.zeros(len(codes) - n + 1, dtype=np.uint64)
    for k in range(n):
        h = h * np.uint64(0x100000001B3) + codes[k:len(codes) - n + 1 + k]
    starts = owner[: len(h)]
    keep = starts == owner[n - 1:]  # the gram's first and last character are in one text
    short = lengths < n
    h, starts = h[keep], starts[keep]
    extra = np.flatnonzero(short & (lengths > 0))
    if len(extra):
        ends = np.cumsum(lengths)
        h = np.concatenate([h, codes[ends[extra] - 1]])
        starts = np.concatenate([starts, extra])
        order = np.argsort(starts, kind="stable")
        h, starts = h[order], starts[order]
    return codes, h, starts


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(each distinct value, where its run starts, its length) of sorted `values`: what
    np.unique returns for them, without its import of numpy.ma (10 ms of a small check)."""
    if not len(values):
        return values, values.astype(np.int64), values.astype(np.int64)
    first = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    return values[first], first, np.diff(np.append(first, len(values)))


def _popcount(words: np.ndarray) -> np.ndarray:
    """The number of bits set in each uint64 (numpy < 2 has no bitwise_count)."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(words)
    return np.unpackbits(words.view(np.uint8).reshape(-1, 8), axis=1).sum(
        axis=1, dtype=np.uint8)


@dataclass
class Sketches:
    """What the search keeps of each text: its sort keys, a histogram of its characters,
    which character buckets it holds and its length (about 200 bytes a text, whatever its
    length)."""

    keys: np.ndarray  # (KEYS, n, 2) uint64, see sketch
    histograms: np.ndarray  # (n, BUCKETS) uint8: characters counted by bucket, capped at 255
    lengths: np.ndarray  # (n,) int64
    # (PRESENCE_WORDS, n) uint64: a bit per bucket of 64 * PRESENCE_WORDS, set where the text
    # holds a character of that bucket (None: not computed, the filter is skipped)
    presence: np.ndarray | None = None


def sketch(texts: Sequence[str], keys: int = KEYS) -> Sketches:
    """Anchored sort keys and character histograms of the texts.

    The keys: records that share a long stretch of text get close keys, so
    near-duplicates end up next to each other when the records are sorted by one of them.
    For each of `keys` hash functions, a text's anchor is its 3-gram of least hash (as in
    MinHash: two texts share it with probability their 3-gram Jaccard similarity), and
    the key encodes the text read from the anchor on, as nested prefixes: 8 bits each of
    the hash of the first 3, 4, 5, 6, 8, 10, 13 and 17 characters (wrapping around at the
    text's end). Sorting by the key groups records by anchor, then by how far the text
    after it agrees: the band width adapts to the data. Where every short stretch is common
    (a vocabulary of a few dozen words) records sharing the anchor are told apart by the
    longer prefixes, and where text is diverse the first characters already do it.
    """
    n = len(texts)
    result = Sketches(np.zeros((keys, n, len(LEVELS)), dtype=np.uint64),
                      np.zeros((n, BUCKETS), dtype=np.uint8),
                      np.fromiter((len(t) for t in texts), dtype=np.int64, count=n),
                      np.zeros((PRESENCE_WORDS, n), dtype=np.uint64))
    for start in range(0, n, BATCH):
        _sketch_batch(texts, start, result)
    return result


def _sketch_batch(texts: Sequence[str], start: int, into: Sketches) -> None:
    """Fill the keys and histograms of texts[start:start + BATCH] (see sketch)."""
    keys = into.keys.shape[0]
    chunk = texts[start:start + BATCH]
    if keys:
        codes, grams, owner = _gram_hashes(chunk, GRAM)
    else:  # histograms only
        codes = np.frombuffer("".join(chunk).encode("utf-32-le"), dtype=np.uint32
                              ).astype(np.uint64)
        grams = codes[:0]
    chunk_lengths = into.lengths[start:start + len(chunk)]
    # characters counted in 64 * PRESENCE_WORDS fine buckets; each histogram bucket is
    # BUCKETS of them merged (the top bits of one hash), and a fine bucket's bit is set
    # where its count is not 0
    fine = 64 * PRESENCE_WORDS
    bucket = (codes * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - (fine - 1).bit_length())
    counts = np.bincount(np.repeat(np.arange(len(chunk)) * fine, chunk_lengths)
                         + bucket.astype(np.int64), minlength=len(chunk) * fine
                         ).reshape(-1, fine)
    into.histograms[start:start + len(chunk)] = np.minimum(
        counts.reshape(len(chunk), BUCKETS, -1).sum(axis=2), 255)
    assert into.presence is not None
    into.presence[:, start:start + len(chunk)] = np.packbits(
        counts > 0, axis=1, bitorder="little").view("<u8").T
    if not len(grams):
        return
    high = np.uint64(_MASK64 ^ ((1 << _POSITION_BITS) - 1))
    multipliers = _odd_constants(keys * (1 + sum(map(len, LEVELS))))
    present, first, per_text = _runs(owner)
    position = np.minimum(np.arange(len(grams)) - np.repeat(first, per_text),
                          (1 << _POSITION_BITS) - 1).astype(np.uint64)
    base = _mix(grams, 0)
    prefix, powers, doubled_at = _doubled_prefix_hashes(codes, chunk_lengths)
    spans = chunk_lengths[present]
    for k in range(keys):
        scored = base * multipliers[k]
        scored &= high
        scored |= position
        anchor = (np.minimum.reduceat(scored, first)
                  & np.uint64((1 << _POSITION_BITS) - 1)).astype(np.int64)
        at = doubled_at[present] + anchor
        at_hash = prefix[at]
        m = keys + k * sum(map(len, LEVELS))
        for word, stops in enumerate(LEVELS):
            key = np.zeros(len(present), dtype=np.uint64)
            for level, stop in enumerate(stops):
                size = np.minimum(stop, spans)  # a text shorter than that: all of it
                stretch = prefix[at + size] - at_hash * powers[size]
                top = (stretch * multipliers[m]) >> np.uint64(56)  # multiply-shift
                key |= top << np.uint64(8 * (len(stops) - 1 - level))
                m += 1
            into.keys[k, start + present, word] = key


def _may_reach(a: Sketches, i: np.ndarray, b: Sketches, j: np.ndarray, threshold: float
               ) -> np.ndarray:
    """Whether texts a[i] and b[j] can reach `threshold`, from their sketches alone.

    The ratio is 100 * (1 - d / (la + lb)) with d the Indel distance (insertions and
    deletions), and d is at least |la - lb| and at least the L1 distance of the character
    histograms (each insertion or deletion changes one count by one; merging characters
    into buckets and capping counts only lowers it), so at least the number of buckets
    that one text holds and the other does not. Exact, and far cheaper than handing
    rapidfuzz the pairs it would reject; the bucket bits go first, as they cost a few
    word operations a pair where the histograms cost 32 byte ones.
    """
    total = a.lengths[i] + b.lengths[j]
    allowed = (1 - threshold / 100) * total + 1e-6  # the largest d that reaches threshold
    ok = np.abs(a.lengths[i] - b.lengths[j]) <= allowed
    if a.presence is not None and b.presence is not None:
        apart = sum(_popcount(a.presence[w][i] ^ b.presence[w][j]) for w in range(PRESENCE_WORDS))
        ok &= apart <= allowed
    i, j = i[ok], j[ok]
    distance = np.abs(a.histograms[i].astype(np.int16) - b.histograms[j]).sum(
        axis=1, dtype=np.int32)
    ok[ok] = distance <= allowed[ok]
    return ok


def _key_order(key: np.ndarray) -> np.ndarray:
    """Indices that sort the (n, 2) key, first word first: a sort of the first word, then
    of the second only among records that tie on the first (few, unless templated)."""
    order = np.argsort(key[:, 0], kind="stable")
    first = key[order, 0]
    tied = np.zeros(len(order), dtype=bool)
    tied[1:] = first[1:] == first[:-1]
    tied[:-1] |= tied[1:]
    if tied.any():
        at = np.flatnonzero(tied)
        order[at] = order[at][np.lexsort((key[order[at], 1], first[at]))]
    return order


def neighbour_pairs(keys: np.ndarray, neighbours: int = NEIGHBOURS) -> Iterator[np.ndarray]:
    """Candidate pairs (i < j), as (k, 2) int64 arrays, one array per key: records among
    each other's `neighbours` nearest in that key's order. A record is in at most
    2 * neighbours pairs of each key, so in at most 2 * neighbours * len(keys) candidates
    whatever the data; the same pair may come from several keys."""
    n = keys.shape[1]
    for key in keys:
        order = _key_order(key)
        first = key[order, 0]
        found = []
        for d in range(1, min(CLUSTER_NEIGHBOURS, n - 1) + 1):
            a, c = order[:-d], order[d:]
            if d > neighbours:  # beyond the window, only records whose first 17 characters
                same = first[:-d] == first[d:]  # from the anchor agree: a cluster
                if not same.any():
                    break
                a, c = a[same], c[same]
            found.append(np.stack([np.minimum(a, c), np.maximum(a, c)], axis=1))
        if found:
            yield np.concatenate(found)


def neighbour_matches(query_keys: np.ndarray, reference_keys: np.ndarray,
                      neighbours: int = NEIGHBOURS) -> Iterator[np.ndarray]:
    """Candidate pairs (query, reference), as (k, 2) int64 arrays, one array per key: for
    every query, the `neighbours` references on each side of it in that key's order
    (queries in between do not count), so at most 2 * neighbours * len(keys) a query."""
    nq, nr = query_keys.shape[1], reference_keys.shape[1]
    if not nq or not nr:
        return
    for query_key, reference_key in zip(query_keys, reference_keys, strict=True):
        order = _key_order(np.concatenate([query_key, reference_key]))
        is_reference = order >= nq
        references = order[is_reference] - nq  # the references in key order
        before = np.cumsum(is_reference)[~is_reference]  # references before each query
        queries = order[~is_reference]
        found = []
        for d in range(1, neighbours + 1):
            for rank in (before - d, before + d - 1):
                ok = (rank >= 0) & (rank < nr)
                found.append(np.stack([queries[ok], references[rank[ok]]], axis=1))
        yield np.concatenate(found)


def promising(blocks: Iterable[np.ndarray], left: Sketches, right: Sketches,
              threshold: float) -> np.ndarray:
    """The distinct candidate pairs of `blocks` that the sketches cannot rule out (see
    _may_reach), sorted; filtered block by block, so that the many candidates that
    cannot reach the threshold are never all in memory at once."""
    kept = [np.empty((0, 2), dtype=np.int64)]
    step = 1 << 18
    for block in blocks:
        for start in range(0, len(block), step):
            part = block[start:start + step]
            kept.append(part[_may_reach(left, part[:, 0], right, part[:, 1], threshold)])
    pairs = np.concatenate(kept)
    if not len(pairs):
        return pairs
    width = max(len(right.lengths), 1)
    codes, _, _ = _runs(np.sort(pairs[:, 0] * width + pairs[:, 1]))
    return np.stack([codes // width, codes % width], axis=1)


def verify(candidates: np.ndarray, left: Sequence[str], right: Sequence[str],
           threshold: float) -> Pairs:
    """The candidate pairs (index into left, index into right) whose rapidfuzz ratio is at
    least `threshold`, with the score: exactly what the exhaustive comparison finds."""
    from rapidfuzz import fuzz, process

    pairs: Pairs = []
    step = 1 << 20  # verify a million candidate pairs at a time, on every core
    for start in range(0, len(candidates), step):
        block = candidates[start:start + step]
        scores = process.cpdist([left[i] for i in block[:, 0].tolist()],
                                [right[j] for j in block[:, 1].tolist()],
                                scorer=fuzz.ratio, score_cutoff=threshold, workers=-1)
        hits = np.flatnonzero(scores)
        pairs += [(int(block[k, 0]), int(block[k, 1]), float(scores[k])) for k in hits]
    return pairs


def _mean_length(*sets: Sequence[str]) -> float:
    return sum(len(t) for texts in sets for t in texts) / max(sum(map(len, sets)), 1)


def exhaustive_search(left: int, right: int, mean_length: float) -> bool:
    """Whether sets of `left` and `right` texts are compared pair by pair rather than
    searched (the Ray engine decides from counts, without the texts at hand)."""
    pairs = left * right
    return pairs <= EXHAUSTIVE_MAX ** 2 and pairs * mean_length ** 2 / 64 <= EXHAUSTIVE_WORK


def find_near_duplicates(texts: Sequence[str], threshold: float) -> Pairs:
    """Pairs (i < j, score) of texts with rapidfuzz ratio >= threshold: all of them for a
    small set, else those among the candidates of the anchored-key search."""
    if exhaustive_search(len(texts), len(texts), _mean_length(texts)):
        return exhaustive_pairs(texts, threshold)
    sketches = sketch(texts)
    candidates = promising(neighbour_pairs(sketches.keys), sketches, sketches, threshold)
    return verify(candidates, texts, texts, threshold)


def find_near_matches(queries: Sequence[str], references: Sequence[str], threshold: float
                      ) -> Pairs:
    """(query, reference, score) for each query near a reference (rapidfuzz ratio >=
    threshold): which records of one set (an evaluation split) are near one of another
    (the training split). Exhaustive for small sets, else the anchored-key search."""
    if exhaustive_search(len(queries), len(references), _mean_length(queries, references)):
        return exhaustive_matches(queries, references, threshold)
    query_sketches, reference_sketches = sketch(queries), sketch(references)
    candidates = promising(neighbour_matches(query_sketches.keys, reference_sketches.keys),
                           query_sketches, reference_sketches, threshold)
    return verify(candidates, queries, references, threshold)


def best_matches(pairs: Pairs) -> dict[int, tuple[float, int]]:
    """For each later record j of the pairs (i, j, score), its most similar earlier one as
    (score, i); on equal scores the earliest."""
    best: dict[int, tuple[float, int]] = {}
    for i, j, score in pairs:
        if j not in best or score > best[j][0] or (score == best[j][0] and i < best[j][1]):
            best[j] = (score, i)
    return best


def clusters(pairs: Pairs) -> list[list[int]]:
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

