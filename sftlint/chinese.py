"""Chinese text helpers: jieba tokens (loaded lazily, only when a pre-filter asks), CJK
share, and the sentence, clause and quotation around a position in a text."""

from __future__ import annotations

import re
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from sftlint import regex_cache
from sftlint.traditional import PAIRS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike

_CJK = regex_cache.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = regex_cache.compile(r"[^\W\d_]")
SENTENCE_END = "。！？!?；;\n…"
CLAUSE_END = SENTENCE_END + "，,：:、～~"
_OPEN_QUOTES = "“‘「『《\""
_CLOSE_QUOTES = "”’」』》\""


def literal_trie(words: list[str]) -> str:
    """A regex that matches any of `words`, the longest one where several start at a place,
    written as a trie (`一(?:定|直)`): the regex engine then follows one branch per next
    character, where a plain alternation of some hundreds of words tries each in turn at
    every place (twice as slow for A001's fixed phrases' literals)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def render(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items())
                    if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: the longer word first

    return render(trie)


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


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


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
    """Whether `pos` lies inside quotation marks (“…”, 「…」, "…") in its paragraph: opened
    before it and closed after it (a stray quote mark does not make the rest a quotation)."""
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
    if not (depth or straight):
        return False
    end = text.find("\n", pos)
    after = text[pos:min(pos + REACH, len(text) if end == -1 else end)]
    return bool(straight and '"' in after or depth and any(c in _CLOSE_QUOTES for c in after))


_SPACES = regex_cache.compile(r"\s+")
_DIGITS = regex_cache.compile(r"\d")
# A learned score reads at most this many characters of a turn, so its cost stays bounded.
NGRAM_REACH = 1500
WEIGHTS_FILE = "ngram_weights.json"  # in the rules package, by benchmarks/accuracy/train_scorer.py


# Chinese written with ASCII punctuation (as generated data often is: "您这样,可不行?") is
# read with the full-width marks the rules know; one character for one, so every position
# stays where it was. English is left as written.
_FULL_WIDTH = str.maketrans({",": "，", "?": "？", "!": "！", ";": "；", ":": "："})
_ASCII_MARK_NEAR_CJK = regex_cache.compile(r"[\u3400-\u9fff][,?!;:]|[,?!;:][\u3400-\u9fff]")


def full_width_marks(text: str) -> str:
    """`text` with ASCII , ? ! ; : as full-width marks, where it holds them next to Chinese."""
    # `in` scans at C speed; the regex tries a match at every Chinese character (10x slower)
    if not ("," in text or "?" in text or "!" in text or ";" in text or ":" in text):
        return text
    return text.translate(_FULL_WIDTH) if _ASCII_MARK_NEAR_CJK.search(text) else text


# Traditional characters (Taiwan, Hong Kong) and their Simplified forms (sftlint/traditional.py,
# from OpenCC's tables): a rule written once reads both scripts (您應該 as 您应该, 請提供 as
# 请提供). Only characters that do not stand in Simplified text are keys, and each maps to one
# character, so every position stays where it was.
_SIMPLIFIED = str.maketrans(dict(zip(PAIRS[::2], PAIRS[1::2],
                                      strict=True)))
_TRADITIONAL = regex_cache.compile("[" + PAIRS[::2] + "]")


def reading_form(text: str) -> str:
    """`text` as the style rules read it: Traditional characters as Simplified and ASCII marks
    next to Chinese as full-width; one character for one, so positions carry over."""
    if _TRADITIONAL.search(text):
        text = text.translate(_SIMPLIFIED)
    return full_width_marks(text)


def scorer_input(text: str) -> str:
    """`text` as an n-gram scorer reads it: cut to NGRAM_REACH characters, in its reading
    form (`reading_form`), lowercased, digits as 0, runs of whitespace as one space, with
    \x02 and \x03 marking its start and end."""
    cut = reading_form(text[:NGRAM_REACH])
    return "\x02" + _DIGITS.sub("0", _SPACES.sub(" ", cut.lower())) + "\x03"


def char_ngrams(text: str, n: int) -> list[str]:
    """Every character 1..n-gram of `scorer_input(text)`, as often as it occurs. The scorer's
    features: each distinct one present, scaled by 1/sqrt(all occurrences), so a long text
    does not win on length and a repeated one ("0000 0000") does not win on repetition."""
    return _char_ngrams_of_input(scorer_input(text), n)


def _char_ngrams_of_input(t: str, n: int) -> list[str]:
    return [t[i:i + k] for k in range(1, n + 1) for i in range(len(t) - k + 1)]


# Latin-script words of a scorer's input. Character 3-grams read a Chinese word whole but
# only pieces of an English one, and an English order lives in words together ("sit down",
# "no more", "chin up"): a scorer may read word 1..m-grams too, marked with WORD_MARK.
_WORD = regex_cache.compile(r"[a-z']+")
WORD_MARK = "\x04"


def word_ngrams_of_input(t: str, m: int) -> list[str]:
    """Every Latin-script word 1..m-gram of a scorer input `t`, as often as it occurs, each
    as WORD_MARK and its words joined by a space (punctuation between them is not read)."""
    if not m:
        return []
    found = _WORD.findall(t)
    return [WORD_MARK + " ".join(found[i:i + k]) for k in range(1, m + 1)
            for i in range(len(found) - k + 1)]


def ngrams(text: str, n: int, m: int = 0) -> list[str]:
    """A scorer's features of `text`: its character 1..n-grams (`char_ngrams`), and with
    `m` its word 1..m-grams (`word_ngrams_of_input`)."""
    t = scorer_input(text)
    return _char_ngrams_of_input(t, n) + word_ngrams_of_input(t, m)


class NgramScorer:
    """A score (log-odds) over the distinct n-grams of a text, `ngrams(text, n, m)`
    (character 1..n-grams, and word 1..m-grams where `m` is set), computed for a whole
    column of texts at once with numpy. Each n-gram counts once, and the sum of theirs is
    scaled by 1/sqrt(number of occurrences):

    - linear (a weight per n-gram): `bias + sum(weights) / sqrt(occurrences)`;
    - with a hidden layer (a vector per n-gram, `output` given): `bias + output .
      relu(sum(vectors) / sqrt(occurrences))`, which reads n-grams together (您 with 别
      and 再, not each on its own).

    A text scoring at least `threshold` is flagged; `veto`, where set, is the score under
    which the scorer is confident enough of the opposite to overrule a pattern's finding.
    """

    def __init__(self, n: int, bias: float, threshold: float, chars: ArrayLike,
                 keys: ArrayLike, weights: ArrayLike, output: ArrayLike | None = None,
                 veto: float | None = None, m: int = 0,
                 words: Sequence[str] | Path = ()) -> None:
        """`chars`: the code points the weighted character n-grams hold, sorted; `keys`:
        each weighted character n-gram as one integer, sorted: its characters' ranks in
        `chars` as digits in base len(chars) + 1 (the last rank stands for any other
        character, which no weighted n-gram holds), plus an offset per length so lengths
        never collide; `words`: the weighted word n-grams (WORD_MARK and the words), or
        the JSON file of their list, read when a text first holds a Latin word;
        `weights`: theirs, the keys' in order and then the words' (one row each with a
        hidden layer); `output`: the hidden layer's weights. `from_weights` computes them."""
        import numpy as np

        self.n, self.bias, self.threshold, self.veto = n, bias, threshold, veto
        self.m, self._words = m, words
        self.chars = np.asarray(chars, dtype=np.uint32)
        self.base = len(self.chars) + 1
        self.offsets = [sum(self.base ** j for j in range(1, k)) for k in range(1, n + 1)]
        # code point -> rank, by indexing (a code point past the table is "any other")
        known = len(self.chars)
        self.ranks = np.full(int(self.chars[-1]) + 2 if known else 1, known, dtype=np.int64)
        self.ranks[self.chars] = np.arange(known)
        self.keys = np.asarray(keys, dtype=np.int64)
        self.output = None if output is None else np.asarray(output, dtype=np.float64)
        if self.output is None:
            self.weights = np.asarray(weights, dtype=np.float64)
        else:  # one row per hidden unit, which `scores` gathers from while it stays in
            # cache; float16 rows (the stored ones) are kept as they are
            rows = np.asarray(weights)
            rows = rows if rows.dtype == np.float16 else rows.astype(np.float32)
            self.weights = np.ascontiguousarray(rows.reshape(-1, len(self.output)).T)
        self._rows32: Any = None  # the rows as float32, made once many n-grams are read
        self._read = 0  # n-grams read through the hidden layer so far

    @cached_property
    def words(self) -> list[str]:
        """The weighted word n-grams, in the order of their rows after the keys' rows."""
        import orjson

        if isinstance(self._words, Path):
            return list(orjson.loads(self._words.read_bytes()))
        return list(self._words)

    @cached_property
    def word_rows(self) -> dict[str, int]:
        """Each weighted word n-gram's row after the keys' rows: read when a text first
        holds a Latin word (12 ms for A001's 45,000; a Chinese check never needs them)."""
        return dict(zip(self.words, range(len(self.words)), strict=True))

    @classmethod
    def from_weights(cls, n: int, bias: float, threshold: float,
                     weights: dict[str, Any], output: list[float] | None = None,
                     veto: float | None = None, m: int = 0) -> NgramScorer:
        """The scorer of `weights` (n-gram -> weight, or -> vector with `output`; a word
        n-gram starts with WORD_MARK)."""
        words = sorted(g for g in weights if g.startswith(WORD_MARK)) if m else []
        weights_of_words = {g: weights[g] for g in words}
        weights = {g: w for g, w in weights.items() if g not in weights_of_words}
        chars = sorted({ord(c) for g in weights for c in g})
        base = len(chars) + 1
        rank = {chr(c): i for i, c in enumerate(chars)}

        def key(gram: str) -> int:  # the ranks as digits, plus the offset of its length
            value = 0
            for c in gram:
                value = value * base + rank[c]
            return value + sum(base ** j for j in range(1, len(gram)))

        keyed = sorted((key(g), w) for g, w in weights.items())
        return cls(n, bias, threshold, chars, [k for k, _ in keyed],
                   [w for _, w in keyed] + [weights_of_words[g] for g in words],
                   output, veto, m, words)

    def scores(self, texts: list[str]) -> list[float]:
        import numpy as np

        count = len(texts)
        rows = self.weights.shape[-1]  # a weighted n-gram's row: the keys', then the words'
        if not count or not rows:
            return [self.bias] * count
        inputs = [scorer_input(t) for t in texts]
        codes = np.frombuffer("".join(inputs).encode("utf-32-le", "surrogatepass"),
                              dtype=np.uint32)
        owner = np.repeat(np.arange(count), np.fromiter(map(len, inputs), np.int64, count))
        ranks = self.ranks[np.minimum(codes, len(self.ranks) - 1)]
        grams, texts_of = [], []  # each n-gram occurrence's key, and its text
        key = np.zeros(len(codes), dtype=np.int64)
        for k in range(1, self.n + 1):
            size = len(codes) - k + 1
            if size <= 0:
                break
            key = key[:size] * self.base + ranks[k - 1:]  # the k-gram starting at each place
            inside = owner[:size] == owner[k - 1:]  # not running into the next text
            grams.append(key[inside] + self.offsets[k - 1])
            texts_of.append(owner[:size][inside])
        gram_keys, owners = np.concatenate(grams), np.concatenate(texts_of)
        occurrences = np.bincount(owners, minlength=count)
        # every occurrence looked up, then the weighted ones found sorted by text and each
        # kept once per text, however often it occurs there (as fast as sorting every
        # occurrence first at the engine's column size, 2x faster on 50,000 texts at once)
        where = np.minimum(np.searchsorted(self.keys, gram_keys), max(len(self.keys) - 1, 0))
        hit = self.keys[where] == gram_keys if len(self.keys) else np.zeros(len(where), bool)
        found = owners[hit] * rows + where[hit]  # text * rows + row
        if self.m:
            found = np.concatenate((found, self._word_rows(inputs, occurrences, rows)))
        found = np.sort(found)
        if len(found):
            found = found[np.concatenate(([True], found[1:] != found[:-1]))]
        text, gram = found // rows, found % rows
        scale = 1 / np.sqrt(np.maximum(occurrences, 1))
        if self.output is None:
            return (self.bias + np.bincount(text, weights=self.weights[gram], minlength=count)
                    * scale).tolist()
        hidden = np.zeros((count, len(self.output)), dtype=np.float32)
        if len(text):  # each text's n-grams summed: they are sorted by text
            starts = np.flatnonzero(np.concatenate(([True], text[1:] != text[:-1])))
            sums = np.empty((len(self.output), len(starts)), dtype=np.float32)
            # one hidden unit at a time: its row (1 MB) stays in cache while the n-grams
            # are gathered from it, and no (n-grams x units) matrix is made (520 MB, and
            # 5-9x slower, for 50,000 texts at once)
            for unit, into in zip(self._units(len(gram)), sums, strict=True):
                np.add.reduceat(unit.take(gram).astype(np.float32, copy=False), starts,
                                out=into)
            hidden[text[starts]] = sums.T
        return (self.bias + np.maximum(hidden * scale[:, None], 0) @ self.output).tolist()

    def _word_rows(self, inputs: list[str], occurrences: Any, rows: int) -> Any:
        """The weighted word n-grams of each input, as text * rows + row (each once);
        adds every word n-gram a text holds to its `occurrences`."""
        import numpy as np

        found = []
        for i, t in enumerate(inputs):
            grams = word_ngrams_of_input(t, self.m)
            if grams:
                occurrences[i] += len(grams)
                known = {self.word_rows[g] for g in grams if g in self.word_rows}
                found += [i * rows + len(self.keys) + row for row in known]
        return np.array(found, dtype=np.int64)

    def _units(self, grams: int) -> Any:
        """The hidden layer's rows, one per unit, for a column that reads `grams` n-grams:
        the stored float16 ones, until this scorer has read as many n-grams as it has rows;
        then all of them converted to float32 once (17 ms for A001's), which numpy gathers
        and sums faster. A small check never pays for the conversion."""
        import numpy as np

        self._read += grams
        if self._rows32 is None and (self.weights.dtype == np.float32
                                     or self._read >= self.weights.shape[1]):
            self._rows32 = self.weights.astype(np.float32, copy=False)
        return self.weights if self._rows32 is None else self._rows32

    def flags(self, texts: list[str], threshold: float | None = None) -> list[bool]:
        """Which texts score at least `threshold` (the trained one when None)."""
        at = self.threshold if threshold is None else threshold
        return [score >= at for score in self.scores(texts)]

    # The weights file holds a scorer's few numbers; its arrays (a hidden layer's rows are
    # some 8 million numbers) are .npy files beside it, mapped into memory rather than
    # parsed or decoded: loading A001's scorer is 2 ms, not the 25 ms of base64 inside
    # the JSON. A table can hold them inline as base64 instead (tests; linear scorers).
    _ARRAYS = (("chars", "<u4"), ("keys", "<i8"), ("weights", "<f8"), ("output", "<f8"))

    def to_table(self, stem: str | None = None) -> dict[str, object]:
        """The scorer as stored in the weights file (`from_table` reads it back). With
        `stem`, its arrays are the files `{stem}.{name}.npy` that `save_arrays` writes, and
        the table names them; without, they are inline, as base64 of their little-endian
        bytes (a hidden layer's rows only go to a file)."""
        import base64

        table: dict[str, object] = {"n": self.n, "bias": self.bias, "threshold": self.threshold}
        if self.veto is not None:
            table["veto"] = self.veto
        if self.m:
            table["m"] = self.m
            if stem is None:
                table["words"] = self.words
        if stem is not None:
            files = {name: f"{stem}.{name}.npy" for name, _ in self._ARRAYS
                     if getattr(self, name) is not None}
            table["files"] = {**files, "words": f"{stem}.words.json"} if self.m else files
        elif self.output is not None:
            raise ValueError("a scorer with a hidden layer keeps its arrays in files: "
                             "give to_table the stem save_arrays wrote them under")
        else:
            for name, dtype in self._ARRAYS:
                if getattr(self, name) is not None:
                    table[name] = base64.b64encode(getattr(self, name).astype(dtype)
                                                   .tobytes()).decode()
        return table

    def save_arrays(self, folder: Path, stem: str) -> None:
        """Write the files `to_table(stem)` names into `folder`: a hidden layer's rows
        (one per hidden unit) as float16, the other arrays as the table's dtypes, and the
        word n-grams as a JSON list."""
        import io
        import os

        import numpy as np
        import orjson

        def replace(name: str, data: bytes) -> None:  # a running check may have it mapped:
            temporary = folder / f".{name}.tmp"  # a new file, not the old one rewritten
            temporary.write_bytes(data)
            os.replace(temporary, folder / name)

        if self.m:
            replace(f"{stem}.words.json", orjson.dumps(self.words))
        for name, dtype in self._ARRAYS:
            array = getattr(self, name)
            if array is not None:
                hidden_rows = name == "weights" and self.output is not None
                out = io.BytesIO()
                np.save(out, array.astype("<f2" if hidden_rows else dtype))
                replace(f"{stem}.{name}.npy", out.getvalue())

    @classmethod
    def from_table(cls, table: dict[str, Any], folder: Path | None = None) -> NgramScorer:
        """The scorer stored as `table`, the files of its arrays in `folder`."""
        import base64

        import numpy as np

        arrays: dict[str, Any] = {
            name: np.frombuffer(base64.b64decode(table[name]), dtype=dtype)
            for name, dtype in cls._ARRAYS if name in table}
        files = dict(table.get("files", {}))
        if files and folder is None:
            raise ValueError("a scorer whose arrays are files needs their folder")
        words_file = files.pop("words", None)
        for name, file in files.items():
            arrays[name] = np.load(folder / file, mmap_mode="r")
        if "output" in arrays:  # the file holds one row per hidden unit: one per n-gram here
            arrays["weights"] = arrays["weights"].T
        return cls(table["n"], table["bias"], table["threshold"], arrays["chars"],
                   arrays["keys"], arrays["weights"], arrays.get("output"), table.get("veto"),
                   table.get("m", 0),
                   folder / words_file if words_file else table.get("words", ()))


@cache
def _weights_tables() -> dict[str, Any]:
    import orjson

    from sftlint import rules

    return orjson.loads((Path(rules.__file__).parent / WEIGHTS_FILE).read_bytes())


@cache
def load_scorer(code: str) -> NgramScorer:
    """The scorer of rule `code`, from the weights file (read once per process: it is
    read-only data, like the rules' compiled patterns)."""
    from sftlint import rules

    return NgramScorer.from_table(_weights_tables()[code], Path(rules.__file__).parent)
