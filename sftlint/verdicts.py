"""Verdicts kept between checks of a file, for the rules that judge one text alone.

A001 and U003 read each reply or user turn with dozens of patterns and a learned scorer:
most of what a small check costs. A pre-commit run checks a file that is mostly as it
was, so their verdicts are kept per input file in the user's cache folder
(sftlint/user_cache.py) and only new or edited texts are read again. A verdict is keyed by
the rule's key (its code and options) and the BLAKE2 digest of the text; the file as a
whole by the interpreter, sftlint's version and the size and modification time of every
file of its code and data, so that any change to the rules starts afresh. Each check
keeps only the verdicts of the texts it read, so a file's cache never outgrows the file.
Only a check in one process uses it (a file small enough not to be split among workers,
which is what a pre-commit run checks); `SFTLINT_CACHE_DIR=` turns it off.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sftlint import user_cache

if TYPE_CHECKING:
    from sftlint.batch import Turns
    from sftlint.findings import Finding
    from sftlint.rule import RecordRule

# What a rule concluded of one text: None (nothing to report), or a tuple of strings that
# the rule turns into its finding (("phrase", "你应该…"), ("scorer",)).
Verdict = tuple[str, ...] | None

MAX_BYTES = 256 << 20
UNKNOWN: Any = object()  # recall's value for a text it has no verdict of


@cache
def _code_stamp() -> bytes:
    """A digest of the size and modification time of sftlint's own files (the code and the
    rules' weights): changed by any edit, upgrade or checkout."""
    from importlib import import_module

    rules = Path(import_module("sftlint.rules").__file__ or __file__).parent
    stamp = hashlib.blake2b(digest_size=16)
    for top in sorted({Path(__file__).parent, rules}):
        for path in sorted(top.rglob("*")):
            if path.suffix in (".py", ".json", ".npy") and "__pycache__" not in path.parts:
                st = path.stat()
                stamp.update(f"{path.relative_to(top)}\0{st.st_size}\0{st.st_mtime_ns}\n"
                             .encode("utf-8", "surrogateescape"))
    return stamp.digest()


def _header() -> tuple[Any, ...]:
    from sftlint import __version__

    return (sys.hexversion, __version__, _code_stamp())


def _plausible(key: object, verdict: object) -> bool:
    """An entry of the shape `keep` writes: a 16-byte key, and None or a tuple of one or
    two strings (a sealed file is ours, but it is read as data, not trusted as code)."""
    return isinstance(key, bytes) and len(key) == 16 and (verdict is None or (
        isinstance(verdict, tuple) and 1 <= len(verdict) <= 2
        and all(isinstance(word, str) for word in verdict)))


class Verdicts:
    """The verdicts known for one input file, and those its check reads or adds."""

    def __init__(self, path: Path | None = None, known: dict[bytes, Any] | None = None) -> None:
        self.path = path  # None: nothing is recalled or kept
        self._known = known or {}
        self._kept: dict[bytes, Any] = {}

    @classmethod
    def of_input(cls, input_path: str) -> Verdicts:
        """The verdicts kept for the file at `input_path` (none where caching is off)."""
        where = user_cache.folder()
        if where is None:
            return cls()
        name = hashlib.blake2b(str(Path(input_path).resolve()).encode("utf-8", "surrogateescape"),
                               digest_size=16).hexdigest()
        path = where / "verdicts" / f"{name}.marshal"
        known = user_cache.read_sealed(path, _header(), MAX_BYTES)
        if not isinstance(known, dict):
            return cls(path)
        return cls(path, {key: verdict for key, verdict in known.items()
                          if _plausible(key, verdict)})

    def recall(self, rule_key: str, texts: list[str]) -> tuple[list[Any], list[bytes]]:
        """Each text's verdict under `rule_key` (UNKNOWN where there is none), and each
        text's key for `keep` (none where nothing is kept)."""
        if self.path is None:
            return [UNKNOWN] * len(texts), []
        rule = rule_key.encode() + b"\0"  # a text's key: the digest of the rule's and its
        keys = [hashlib.blake2b(rule + text.encode("utf-8", "surrogatepass"),
                                digest_size=16).digest() for text in texts]
        found = []
        for key in keys:
            verdict = self._known.get(key, UNKNOWN)
            if verdict is not UNKNOWN:
                self._kept[key] = verdict
            found.append(verdict)
        return found, keys

    def keep(self, key: bytes, verdict: Any) -> None:
        """Keep `verdict` (None, or a tuple of one or two strings) under a key `recall`
        gave."""
        self._kept[key] = verdict

    def save(self) -> None:
        """Write the verdicts this check read or added, if they differ from those known."""
        if self.path is not None and self._kept != self._known:
            user_cache.write_sealed(self.path, _header(), self._kept)


NO_VERDICTS = Verdicts()


def recalled(rule: RecordRule, turns: Turns, judge: Callable[[Turns], list[Verdict]]
             ) -> list[Verdict]:
    """The verdict of `judge` on each of the turns: recalled where the last check of the
    file read the same text with this rule and these options, judged (and kept) where not.
    `judge` must read each turn alone: a verdict is recalled for the text, wherever it
    stands."""
    store = rule.run.verdicts
    key = f"{rule.code} {rule.options!r}"
    verdicts, keys = store.recall(key, turns.texts)
    unknown = [i for i, verdict in enumerate(verdicts) if verdict is UNKNOWN]
    if unknown:
        judged = judge(turns if len(unknown) == len(verdicts) else turns.subset(unknown))
        for i, verdict in zip(unknown, judged, strict=True):
            verdicts[i] = verdict
            if keys:  # each text hashed once, by recall
                store.keep(keys[i], verdict)
    return verdicts


def judged_findings(rule: RecordRule, turns: Turns, judge: Callable[[Turns], list[Verdict]],
                    said: Callable[[str], str], scored: str) -> Iterator[Finding]:
    """A finding for each turn `judge` flags (its verdict recalled where it can be): a
    pattern's verdict (kind, phrase) names its phrase with `said(phrase)` and marks it; the
    scorer's verdict (kind,) gets the message `scored`."""
    for i, verdict in enumerate(recalled(rule, turns, judge)):
        if verdict is None:
            continue
        record, pointer = turns.records[i], turns.messages[i].pointer
        if len(verdict) == 2:
            yield rule.at(record, pointer, said(verdict[1]), span=verdict[1])
        else:
            yield rule.at(record, pointer, scored)
