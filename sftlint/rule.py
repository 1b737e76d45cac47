"""The rule interface: one small, self-describing unit per check, one signature per scope."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from enum import Enum
from typing import TYPE_CHECKING, ClassVar

from sftlint.batch import Batch
from sftlint.findings import Edit, Finding, Severity

# re-exported: rules and the report locate values with them
from sftlint.formats.json_text import byte_span as byte_span
from sftlint.formats.json_text import content_literal as content_literal
from sftlint.formats.json_text import locate as locate
from sftlint.formats.json_text import locate_span
from sftlint.options import StrictModel
from sftlint.records import Record, Row
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
    # each finding is about a pair of records (`Finding.related_keys`): an exception names both
    about_pairs: ClassVar[bool] = False

    class Options(StrictModel):
        pass

    def __init__(self, options: StrictModel) -> None:
        # The rule's options, with the project settings it reads (`options.from_project`):
        # the one way the configuration reaches a rule.
        self.options = options
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


class FileRule(Rule):
    scope = Scope.FILE

    def check(self, facts: SourceFacts) -> Iterator[Finding]:
        raise NotImplementedError


class RecordRule(Rule):
    """A check of each record. Write `check` (one record) or `check_batch` (the records of a
    chunk, read as columns of turns: see sftlint/batch.py); the engine calls `check_batch`
    on rules that define it and `check` on the others, and each is there for the other."""

    scope = Scope.LINE

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.check is RecordRule.check and cls.check_batch is RecordRule.check_batch and \
                "code" in cls.__dict__:
            raise TypeError(f"{cls.__name__} defines neither check nor check_batch")

    @classmethod
    def batched(cls) -> bool:
        return cls.check_batch is not RecordRule.check_batch

    def check(self, record: Record) -> Iterator[Finding]:
        return self.check_batch(Batch([record]))

    def check_batch(self, batch: Batch) -> Iterator[Finding]:
        for record in batch.records:
            yield from self.check(record)


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

    def dataset_findings(self, dataset: str) -> list[Finding]:
        """What `finish` reports, each finding marked as the dataset's (what the engines
        call, so a rule that also reads records tells its two halves apart)."""
        return [replace(f, dataset_level=True) for f in self.finish(dataset)]

    def at_row(self, row: Row, message: str) -> Finding:
        return self.finding(row.path, row.line, 1, message, record_key=row.key())


class ProjectRule(Rule):
    scope = Scope.PROJECT

    def check(self) -> Iterator[Finding]:
        raise NotImplementedError
