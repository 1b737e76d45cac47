"""Findings: what a rule reports, and the edits that fix it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace bytes [start, end) of the original file with `replacement`."""

    start: int
    end: int
    replacement: bytes


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    name: str
    severity: Severity
    path: str
    line: int | None
    column: int | None
    pointer: str | None
    message: str
    edits: tuple[Edit, ...] = ()
    # Hash of the record's canonical content: a baseline key that survives reordering.
    record_key: str | None = None
    # Content hashes of the other records the finding is about (D002: the record it nearly
    # duplicates): baselines keep such findings as groups of records, not counts per file.
    related_keys: tuple[str, ...] = ()
    # Characters of the line, from `column`, that the finding is about (a matched phrase,
    # a placeholder); None when it is about a whole value or a place.
    length: int | None = None
    # Reported by a dataset rule over a whole dataset (DatasetRule.dataset_findings), not by
    # one record: S004's majority half, which the pre-commit dataset hook reports for
    # every file, while the `sftlint` hook reports what S004 finds in one record.
    dataset_level: bool = False

    @property
    def fixable(self) -> bool:
        return bool(self.edits)

    @property
    def related(self) -> list[str]:
        """The JSON output's `related`: the other records' content hashes."""
        return list(self.related_keys)

    @property
    def record(self) -> str | None:
        """The JSON output's `record`: the record's content hash (`record_key`)."""
        return self.record_key

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line or 0, self.column or 0, self.code)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "message": self.message,
            "fixable": self.fixable,
            "record": self.record_key,
            "length": self.length,
            "related": self.related,
        }
