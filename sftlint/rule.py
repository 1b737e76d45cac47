"""The rule interface: one small, self-describing unit per check, one signature per scope."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING, ClassVar

from sftlint.config import Config, StrictModel
from sftlint.findings import Edit, Finding, Severity
from sftlint.records import Record, Row, value_span
from sftlint.run_cache import RunCache

if TYPE_CHECKING:
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
           edits: tuple[Edit, ...] = ()) -> Finding:
        """A finding at the value `pointer` points to inside `record` (its start if None)."""
        line, column = locate(record, pointer)
        return self.finding(record.path, line, column, message, pointer=pointer, edits=edits,
                            record_key=record.key())


def byte_span(record: Record, pointer: str) -> tuple[int, int] | None:
    """Absolute byte span, in the file, of the value at `pointer`."""
    text = record.source.raw.decode("utf-8")
    span = value_span(text, pointer)
    if span is None:
        return None
    start = record.source.offset + len(text[: span[0]].encode())
    return start, start + len(text[span[0]: span[1]].encode())


def locate(record: Record, pointer: str | None) -> tuple[int, int]:
    """(line, 1-based character column) of the value at `pointer` in the record."""
    raw = record.source.raw
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
