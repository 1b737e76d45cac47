"""JSON Lines: one record per line. Text (file rules, columns), fixable, and split into
newline-aligned byte ranges so that each worker reads and checks its own range."""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

from sftlint.formats.json_text import locate
from sftlint.reader import (
    BOM,
    OPENER_BYTES,
    Data,
    RawRecord,
    SourceFacts,
    chunk_bounds,
    count_newlines,
    document_opener,
    looks_like_one_document,
    open_bytes,
    read_jsonl,
)

if TYPE_CHECKING:
    from sftlint.records import Record

FIRST_RECORD_BYTES = 1 << 24  # where the first record is looked for before a parallel read


class JsonText:
    """JSON text files (JSON Lines or one document). The format of a path is chosen by its
    suffix (`format_for`); each format then owns how it reads its bytes, and where they
    turn out to be the other kind of JSON text, it hands them to that format."""

    name = "json"
    text = True
    can_edit = True
    can_split = False

    def open(self, path: str) -> Data:
        return open_bytes(path)

    def read(self, path: str, display: str, accept_lists: bool
             ) -> tuple[SourceFacts, list[RawRecord]]:
        return self.read_bytes(display, self.open(path), accept_lists)

    def read_bytes(self, display: str, data: Data, accept_lists: bool
                   ) -> tuple[SourceFacts, list[RawRecord]]:
        raise NotImplementedError

    def locate(self, record: Record, pointer: str | None) -> tuple[int, int | None]:
        return locate(record, pointer)


class JsonLines(JsonText):
    name = "jsonl"
    can_split = True

    def read_bytes(self, display: str, data: Data, accept_lists: bool
                   ) -> tuple[SourceFacts, list[RawRecord]]:
        """One record per line; a file whose first line fails but whose whole text is one
        JSON document (a pretty-printed array) is read as that document, and F009 says so."""
        from sftlint.formats.json_array import JSON_ARRAY

        facts, records = read_jsonl(display, data, accept_lists=accept_lists)
        first_bad = facts.json_errors[:1] and facts.json_errors[0][0]
        first_line = facts.blank[0][0] + 1 if facts.blank and facts.blank[0][0] == 1 else 1
        if first_bad and first_bad <= first_line and looks_like_one_document(data):
            facts, records = JSON_ARRAY.read_bytes(display, data, accept_lists)
            opener = document_opener(data[:OPENER_BYTES])
            facts.single_document = "array" if opener == b"[" else "object"
        return facts, records

    def first_value(self, data: Data, accept_lists: bool = False) -> object | None:
        """The value of the file's first record, the one a serial read detects the shape
        from; None when the first line does not parse (it may open one JSON document, which
        only a serial read handles) or when no record starts in the first 16 MB (then read
        serially: parsing a huge line here as well would double its time, and forked workers
        would inherit it)."""
        end = data.find(b"\n", 0, FIRST_RECORD_BYTES)
        if end == -1 and len(data) > FIRST_RECORD_BYTES:
            return None
        first = bytes(data[: end if end != -1 else len(data)])
        try:
            value = orjson.loads(first.removeprefix(BOM))
        except orjson.JSONDecodeError:
            return None
        if _is_record(value, accept_lists):
            return value
        if end == -1:
            return None
        # the first line is not a record (F008): the first line that is one gives the shape
        window = data[end + 1:FIRST_RECORD_BYTES]
        lines = window.split(b"\n")
        if end + 1 + len(window) < len(data):
            lines.pop()  # cut by the window: may be part of a record
        for line in lines:
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if _is_record(value, accept_lists):
                return value
        return None

    def split(self, data: Data, parts: int) -> list[tuple[int, int, int]]:
        """`parts` newline-aligned byte ranges: (start, end, line of start)."""
        bounds = chunk_bounds(data, parts)
        first_lines = [1]
        for a, b in bounds[:-1]:
            first_lines.append(first_lines[-1] + count_newlines(data, a, b))
        return [(a, b, line) for (a, b), line in zip(bounds, first_lines, strict=True)]

    def read_range(self, display: str, data: Data, start: int, end: int, first_line: int,
                   accept_lists: bool) -> tuple[SourceFacts, list[RawRecord]]:
        return read_jsonl(display, data, start, end, accept_lists, first_line)

    @staticmethod
    def merge_facts(parts: list[SourceFacts]) -> SourceFacts:
        """One file's facts from the facts of its consecutive ranges."""
        merged = parts[0]
        for part in parts[1:]:
            merged.crlf += part.crlf
            merged.lone_cr += part.lone_cr
            merged.inner_cr += part.inner_cr
            merged.blank += part.blank
            merged.undecodable += part.undecodable
            merged.json_errors += part.json_errors
            merged.duplicate_keys += part.duplicate_keys
            merged.non_objects += part.non_objects
            merged.lines += part.lines
            merged.records += part.records
            merged.unterminated_last_line = part.unterminated_last_line
        return merged


def _is_record(value: object, accept_lists: bool) -> bool:
    """Whether a line's value is read as a record (read_jsonl's test)."""
    return type(value) is dict or (accept_lists and type(value) is list)


JSON_LINES = JsonLines()
