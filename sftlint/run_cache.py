"""What the rules of one check share: work several rules do on the same record or row, and
resources loaded once (a tokenizer). The engine makes one per check and hands it to every
rule as `rule.run`; it dies with the check, so nothing outlives a run or leaks between runs.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar, cast

from sftlint.verdicts import NO_VERDICTS

T = TypeVar("T")


class RunCache:
    def __init__(self) -> None:
        self._latest: dict[Hashable, tuple[object, object]] = {}
        self._shared: dict[Hashable, object] = {}
        # the verdicts kept from earlier checks of the file in hand (sftlint/verdicts.py);
        # the engine sets them while it checks a file in one process
        self.verdicts = NO_VERDICTS

    def latest(self, kind: Hashable, subject: object, compute: Callable[[], T]) -> T:
        """`compute()` for `subject`, reused until another subject comes under `kind`.

        Rules see one record (or row) after another, so one entry per kind is all the reuse
        there is, and memory stays bounded. The entry holds `subject` itself and matches it
        by identity: an object kept alive cannot hand its address to another, as a bare
        `id()` key can (CPython reuses the address of a freed record for the next one).
        """
        entry = self._latest.get(kind)
        if entry is not None and entry[0] is subject:
            return cast(T, entry[1])
        value = compute()
        self._latest[kind] = (subject, value)
        return value

    def preset(self, key: Hashable, value: object) -> None:
        """What `shared(key, ...)` returns in this run, given (a tokenizer already loaded
        by the caller of the Python API)."""
        self._shared[key] = value

    def shared(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` once per run for `key` (a tokenizer by its directory)."""
        if key not in self._shared:
            self._shared[key] = compute()
        return cast(T, self._shared[key])
