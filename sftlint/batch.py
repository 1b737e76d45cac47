"""Batches: the records of one chunk, seen as columns of turns by role.

A rule that reads every turn of a role pays Python's per-call cost once per turn. A batch
rule (`RecordRule.check_batch`) reads a column instead: one regex pass over the joined
text of a role says which turns are worth a precise look (`Turns.matching`), and numpy reads
characters of the whole column at once (`Turns.codepoints`). Positions map back to turns,
and a finding's line and column are computed only for the turns that get one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sftlint.chinese import reading_form
from sftlint.records import Message, Record

if TYPE_CHECKING:
    import numpy as np

# Between turns in a joined column: a line break, which no clause-level pattern crosses.
SEPARATOR = "\n"


@dataclass
class Turns:
    """Every turn of one role in a batch, in record order: `records[i]` holds `messages[i]`,
    whose text is `texts[i]`, found at `pointers[i]` (the content's, for a column of turns;
    `Batch.fields` holds other texts of a turn too)."""

    records: list[Record] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    pointers: list[str] = field(default_factory=list)
    _joined: str | None = None
    _starts: list[int] | None = None
    _reading: Turns | None = None

    @property
    def joined(self) -> str:
        """Every text after a SEPARATOR: SEPARATOR + SEPARATOR.join(texts)."""
        if self._joined is None:
            self._joined = SEPARATOR + SEPARATOR.join(self.texts)
        return self._joined

    @property
    def starts(self) -> list[int]:
        """Where each text's SEPARATOR is in `joined`: text i is joined[starts[i] + 1:]."""
        if self._starts is None:
            starts, at = [], 0
            for text in self.texts:
                starts.append(at)
                at += len(SEPARATOR) + len(text)
            self._starts = starts
        return self._starts

    def matching(self, pattern: re.Pattern[str]) -> set[int]:
        """The turns in which `pattern` matches, by one pass over the joined text: the i for
        which `pattern.search(SEPARATOR + texts[i])` finds a match, for any pattern without
        ^, $ or a lookbehind past a line break. After a match the search goes on from the
        next turn, so one match per turn is all the Python work there is."""
        joined, starts, texts = self.joined, self.starts, self.texts
        found: set[int] = set()
        search = pattern.search
        last = len(starts) - 1
        at = 0
        while (m := search(joined, at)) is not None:
            i = bisect_right(starts, m.start()) - 1
            # a match that runs on into the next turn is this turn's only if it alone matches
            if m.end() <= starts[i] + len(SEPARATOR) + len(texts[i]) or \
                    search(SEPARATOR + texts[i]) is not None:
                found.add(i)
            if i == last:
                break
            at = starts[i + 1]
        return found

    def reading(self) -> Turns:
        """These turns as the style rules read them (`chinese.reading_form`: Traditional
        characters as Simplified, ASCII marks next to Chinese as full-width). One character
        stands for one, so a position in a reading text is the same position in `texts`."""
        if self._reading is None:
            texts = [reading_form(text) for text in self.texts]
            self._reading = self if texts == self.texts else \
                Turns(self.records, self.messages, texts, self.pointers)
        return self._reading

    def subset(self, indices: list[int]) -> Turns:
        """The turns at `indices`, in that order, as a column of their own."""
        return Turns([self.records[i] for i in indices], [self.messages[i] for i in indices],
                     [self.texts[i] for i in indices], [self.pointers[i] for i in indices])

    def codepoints(self, reach: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(code points of every text, each cut to `reach` characters if given, one after
        another; the start of each text in them): what numpy needs to read a column at once."""
        import numpy as np

        texts = self.texts if reach is None else [t[:reach] for t in self.texts]
        codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"),
                              dtype=np.uint32)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        return codes, np.cumsum(lengths) - lengths


class Batch:
    """The records of one chunk of an input, and their turns by role (built on demand)."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self._turns: dict[tuple[str | None, bool], Turns] = {}
        self._fields: Turns | None = None

    def turns(self, role: str | None, *, desirable_only: bool = False) -> Turns:
        """The turns of `role` in record order; None: every turn, the rejected side of a
        preference pair too (Record.rejected_turns). `desirable_only` leaves out the records
        that show what not to say (a KTO example labeled undesirable)."""
        key = (role, desirable_only)
        column = self._turns.get(key)
        if column is None:
            column = Turns()
            for record in self.records:
                if desirable_only and record.undesirable:
                    continue
                for m in record.messages if role is not None else record.every_turn():
                    if role is None or m.role == role:
                        column.records.append(record)
                        column.messages.append(m)
                        column.texts.append(m.content)
                        column.pointers.append(m.pointer)
            self._turns[key] = column
        return column

    def fields(self) -> Turns:
        """Every text of every turn (`Message.text_fields`: content, reasoning, tool-call
        arguments), the rejected side of a preference pair too: where rules look for what
        must never be trained at all (personal data). The column of every turn, and after
        it the texts of the few turns that hold more than their content."""
        if self._fields is None:
            turns = self._fields = self.turns(None)
            more = [(record, m) for record, m in zip(turns.records, turns.messages, strict=True)
                    if m.reasoning is not None or m.tool_calls]
            if more:
                column = self._fields = Turns(list(turns.records), list(turns.messages),
                                              list(turns.texts), list(turns.pointers))
                for record, m in more:
                    for pointer, text in m.text_fields()[1:]:
                        column.records.append(record)
                        column.messages.append(m)
                        column.texts.append(text)
                        column.pointers.append(pointer)
        return self._fields
