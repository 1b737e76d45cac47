"""Chinese text helpers: jieba tokens (loaded lazily, only when a pre-filter asks), CJK
share, and the sentence, clause and quotation around a position in a text."""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")
SENTENCE_END = "。！？!?；;\n…"
CLAUSE_END = SENTENCE_END + "，,：:、～~"
_OPEN_QUOTES = "“‘「『《\""
_CLOSE_QUOTES = "”’」』》\""


@cache
def _jieba() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def words(text: str) -> list[str]:
    """jieba's tokens of `text` (precise mode, no HMM so results are stable)."""
    return _jieba().lcut(text, HMM=False)


def token_starts(text: str) -> set[int]:
    """Offsets in `text` where a jieba token starts, plus len(text)."""
    starts = {len(text)}
    pos = 0
    for tok in words(text):
        starts.add(pos)
        pos += len(tok)
    return starts


def cjk_share(text: str) -> float:
    """Share of CJK ideographs among the letters of `text` (0 when it has none)."""
    letters = len(_LETTER.findall(text))
    return len(_CJK.findall(text)) / letters if letters else 0.0


class Span(NamedTuple):
    start: int
    end: int  # exclusive; the terminator, if any, is text[end]


# How far the context of a match is read each way: a "sentence" without punctuation for
# longer than this is cut there, so the work per match stays bounded on any input.
REACH = 200


def enclosing(text: str, start: int, end: int, stops: str) -> Span:
    """The stretch of `text` around text[start:end] bounded by any character of `stops`
    (or REACH characters away)."""
    lo = start
    floor = max(0, start - REACH)
    while lo > floor and text[lo - 1] not in stops:
        lo -= 1
    hi = end
    ceiling = min(len(text), end + REACH)
    while hi < ceiling and text[hi] not in stops:
        hi += 1
    return Span(lo, hi)


def sentence_at(text: str, start: int, end: int) -> Span:
    return enclosing(text, start, end, SENTENCE_END)


def clause_at(text: str, start: int, end: int) -> Span:
    return enclosing(text, start, end, CLAUSE_END)


def terminator(text: str, span: Span) -> str:
    """The punctuation that ends `span` (its run of end marks, "" at the end of the text)."""
    hi = span.end
    while hi < len(text) and text[hi] in CLAUSE_END:
        hi += 1
    return text[span.end:hi]


def quoted(text: str, pos: int) -> bool:
    """Whether `pos` lies inside quotation marks (“…”, 「…」, "…") in its paragraph."""
    lo = max(text.rfind("\n", 0, pos) + 1, pos - REACH)
    depth = 0
    straight = 0
    for ch in text[lo:pos]:
        if ch == '"':
            straight ^= 1
        elif ch in _OPEN_QUOTES:
            depth += 1
        elif ch in _CLOSE_QUOTES and depth:
            depth -= 1
    return depth > 0 or straight == 1


_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d")
# A learned score reads at most this many characters of a turn, so its cost stays bounded.
NGRAM_REACH = 1500


def char_ngrams(text: str, n: int) -> set[str]:
    """The character 1..n-grams of `text` (lowercased, digits as 0, runs of whitespace as one
    space), with \\x02 and \\x03 marking its start and end."""
    t = "\x02" + _DIGITS.sub("0", _SPACES.sub(" ", text[:NGRAM_REACH].lower())) + "\x03"
    out = set(t)
    size = len(t)
    for k in range(2, n + 1):  # slices made in C: this runs on most replies
        out.update(map(t.__getitem__, map(slice, range(size - k + 1), range(k, size + 1))))
    return out


def ngram_score(text: str, n: int, bias: float, weights: dict[str, float]) -> float:
    """A logistic-regression score (log-odds) of `text` over its character n-grams, each
    present n-gram counted once and the sum scaled by 1/sqrt(count)."""
    grams = char_ngrams(text, n)
    # n-grams without a weight (None) add nothing; summing the rest in C keeps this cheap
    return bias + sum(filter(None, map(weights.get, grams))) / len(grams) ** 0.5
