"""The rule interface: one small, self-describing unit per check, one signature per scope."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from enum import Enum
from typing import TYPE_CHECKING, ClassVar

from sftlint.findings import Edit, Finding, Severity
from sftlint.options import StrictModel
from sftlint.records import Record, Row, value_span
from sftlint.run_cache import RunCache

if TYPE_CHECKING:
    from sftlint.config import Config
    from sftlint.reader import SourceFacts


class Scope(str, Enum):
    FILE = "file"  # sees the reader's facts about one file
    LINE = "line"  # sees one record
    DATASET = "dataset"  # observes every record of a dataset, then reports
    PROJECT = "project"  # runs once per check, on the configuration


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    scope: ClassVar[Scope]
    severity: ClassVar[Severity] = Severity.ERROR
    fixable: ClassVar[bool] = False

    class Options(StrictModel):
        pass

    def __init__(self, options: StrictModel, config: Config) -> None:
        self.options = options
        self.config = config
        # What the rules of one check share; the engine hands every rule its run's cache.
        self.run = RunCache()

    @classmethod
    def doc(cls) -> str:
        import inspect  # only `sftlint rule` and the docs need it

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        return cls.doc().splitlines()[0] if cls.__doc__ else cls.name

    def finding(self, path: str, line: int | None, column: int | None, message: str, *,
                pointer: str | None = None, edits: tuple[Edit, ...] = (),
                record_key: str | None = None) -> Finding:
        return Finding(self.code, self.name, self.severity, path, line, column, pointer, message,
                       edits, record_key)

    def at(self, record: Record, pointer: str | None, message: str,
           edits: tuple[Edit, ...] = (), *,
           span: tuple[int, int] | str | None = None) -> Finding:
        """A finding at the value `pointer` points to inside `record` (its start if None).

        `span`: the (start, end) characters of the message content at `pointer` that the
        finding is about, or a phrase (its first occurrence there); the column then points at
        its first character in the file line, and `length` says how many characters of the
        line it covers."""
        line, column = locate(record, pointer)
        length = None
        if span is not None and pointer:
            place = locate_span(record, pointer, span)
            if place is not None:
                line, column, length = place
        return replace(self.finding(record.path, line, column, message, pointer=pointer,
                                    edits=edits, record_key=record.key()), length=length)


def byte_span(record: Record, pointer: str) -> tuple[int, int] | None:
    """Absolute byte span, in the file, of the value at `pointer`."""
    text = record.source.raw.decode("utf-8")
    span = value_span(text, pointer)
    if span is None:
        return None
    start = record.source.offset + len(text[: span[0]].encode())
    return start, start + len(text[span[0]: span[1]].encode())


def locate(record: Record, pointer: str | None) -> tuple[int, int | None]:
    """(line, 1-based character column) of the value at `pointer` in the record; a record
    read from rows (Parquet, Arrow, memory) has no bytes: its row, and no column."""
    raw = record.source.raw
    if not raw:
        return record.source.line, None
    if not pointer:
        return record.source.line, record.source.col0 + 1
    text = raw.decode("utf-8")
    span = value_span(text, pointer)
    if span is None:
        return record.source.line, record.source.col0 + 1
    before = text[: span[0]]
    newlines = before.count("\n")
    if newlines == 0:
        return record.source.line, record.source.col0 + len(before) + 1
    return record.source.line + newlines, len(before) - before.rfind("\n")


def string_offsets(literal: str) -> list[int]:
    """For a JSON string literal (quotes included): the offset in it of each decoded
    character, and one past the last character at the end."""
    starts: list[int] = []
    i = 1
    while i < len(literal) - 1:
        starts.append(i)
        if literal[i] != "\\":
            i += 1
        elif literal[i + 1] == "u":
            code = int(literal[i + 2:i + 6], 16)
            i += 12 if 0xD800 <= code < 0xDC00 and literal[i + 6:i + 8] == "\\u" else 6
        else:
            i += 2
    starts.append(max(len(literal) - 1, 1))
    return starts


def content_literal(record: Record, pointer: str) -> tuple[str, list[int]] | None:
    """The message content at `pointer` and the offsets of its characters in the JSON
    string literal in the file; None where the content is not that string verbatim (a shape
    that joins fields, astral characters written as surrogate pairs)."""
    content = next((m.content for m in record.messages if m.pointer == pointer), None)
    text = record.source.raw.decode("utf-8")
    where = value_span(text, pointer)
    if content is None or where is None or text[where[0]:where[0] + 1] != '"':
        return None
    starts = string_offsets(text[where[0]:where[1]])
    return (content, starts) if len(starts) - 1 == len(content) else None


def locate_span(record: Record, pointer: str,
                span: tuple[int, int] | str) -> tuple[int, int, int] | None:
    """(line, column, length in line characters) of characters [start, end) of the message
    content at `pointer`, mapped through the JSON string's escapes."""
    found = content_literal(record, pointer)
    if found is None:
        return None
    content, starts = found
    if isinstance(span, str):
        at = content.find(span) if span else -1
        if at < 0:
            return None
        span = at, at + len(span)
    start, end = span
    if not 0 <= start < end <= len(content):
        return None
    line, column = locate(record, pointer)
    if column is None:
        return None
    return line, column + starts[start], starts[end] - starts[start]


class FileRule(Rule):
    scope = Scope.FILE

    def check(self, facts: SourceFacts) -> Iterator[Finding]:
        raise NotImplementedError


class RecordRule(Rule):
    scope = Scope.LINE

    def check(self, record: Record) -> Iterator[Finding]:
        raise NotImplementedError


class DatasetRule(Rule):
    """Observes rows one by one (bounded, typed state), then reports once."""

    scope = Scope.DATASET
    needs_turns: ClassVar[bool] = True  # False: rows need no user/assistant text

    def observe_file(self, facts: SourceFacts) -> None:
        """Called once per file of the dataset, before its rows."""

    def observe(self, row: Row) -> None:
        """Called once per record; keep state typed and bounded."""

    def finish(self, dataset: str) -> Iterator[Finding]:
        raise NotImplementedError

    def at_row(self, row: Row, message: str) -> Finding:
        return self.finding(row.path, row.line, 1, message, record_key=row.key())


class ProjectRule(Rule):
    scope = Scope.PROJECT

    def check(self) -> Iterator[Finding]:
        raise NotImplementedError
