"""What the row formats (Parquet, Arrow, records in memory) share: records are rows, a
finding's `line` is the 1-based row and its `column` is null; no file rules, no byte edits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from sftlint.reader import InputError, RawRecord, SourceFacts

if TYPE_CHECKING:
    from sftlint.records import Record

BATCH_ROWS = 4096


def without_nulls(value: Any) -> Any:
    """`value` less the null fields of its objects. Arrow gives every struct every field
    of the column's schema, null where a record did not have it: left in, a message without
    `tool_calls` would carry `"tool_calls": null` (an unexpected key, a malformed call)."""
    if type(value) is dict:
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if type(value) is list:
        return [without_nulls(v) for v in value]
    return value


class RowFormat:
    name = "rows"
    text = False
    can_edit = False
    can_split = False

    def locate(self, record: Record, pointer: str | None) -> tuple[int, int | None]:
        return record.source.line, None


def row_records(facts: SourceFacts, rows: Iterable[Any], accept_lists: bool
                ) -> Iterator[RawRecord]:
    """RawRecords of `rows` (row 1 first), counted in `facts`. A row that is not a record
    (an element of a list in memory that is not a dict) is an InputError: rows have no
    file rules to report it."""
    for n, value in enumerate(rows, 1):
        facts.lines = n
        if isinstance(value, Mapping) and type(value) is not dict:
            value = dict(value)
        value = without_nulls(value)
        if type(value) is dict or (accept_lists and type(value) is list):
            facts.records += 1
            yield RawRecord(n, 0, b"", value)
        else:
            raise InputError(f"{facts.path}: row {n} is {type(value).__name__}, not a record "
                             "(a dict)")


def table_rows(batches: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """Rows of pyarrow record batches, as dicts, one batch in memory at a time."""
    for batch in batches:
        yield from batch.to_pylist()
