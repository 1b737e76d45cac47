"""Where a JSON pointer's value lies in a record's source text: the JSON scanning that
puts a finding at its line and column, and byte edits on the value's exact bytes. Only text
formats have source text; a record read from rows (Parquet, Arrow, memory) has its row and
no column."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import orjson

if TYPE_CHECKING:
    from sftlint.records import Record

_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"')
_SCALAR = re.compile(r'[^,\]}\s]+')
_NESTED = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')


def _skip_ws(text: str, pos: int) -> int:
    """The position of the first non-whitespace character at or after `pos`."""
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def value_span(text: str, pointer: str) -> tuple[int, int] | None:
    """Character span of the value at `pointer` in the JSON `text`, or None."""
    import json

    pos = _skip_ws(text, 0)
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    for token in tokens:
        if pos >= len(text):
            return None
        opener = text[pos]
        if opener == "{":
            # the last member of that name: it is the one the parser kept (F007)
            found = None
            pos += 1
            while True:
                pos = _skip_ws(text, pos)
                m = _STRING.match(text, pos)
                if m is None:
                    break
                key = json.loads(m.group())
                pos = _skip_ws(text, m.end()) + 1  # past the colon
                pos = _skip_ws(text, pos)
                if key == token:
                    found = pos
                pos = _skip_value(text, pos)
                pos = _skip_ws(text, pos)
                if text[pos:pos + 1] != ",":
                    break
                pos += 1
            if found is None:
                return None
            pos = found
        elif opener == "[":
            if not token.isdigit():
                return None
            pos += 1
            for _ in range(int(token)):
                pos = _skip_ws(text, pos)
                pos = _skip_value(text, pos)
                pos = _skip_ws(text, pos)
                if text[pos:pos + 1] != ",":
                    return None
                pos += 1
            pos = _skip_ws(text, pos)
        else:
            return None
    return pos, _skip_value(text, pos)


def _skip_value(text: str, pos: int) -> int:
    ch = text[pos:pos + 1]
    if ch == '"':
        m = _STRING.match(text, pos)
        return m.end() if m else len(text)
    if ch in ("{", "["):
        depth = 0
        for m in _NESTED.finditer(text, pos):
            tok = m.group()
            if tok in ("{", "["):
                depth += 1
            elif tok in ("}", "]"):
                depth -= 1
                if depth == 0:
                    return m.end()
        return len(text)
    m = _SCALAR.match(text, pos)
    return m.end() if m else pos


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


def string_literal(record: Record, pointer: str) -> tuple[str, list[int]] | None:
    """The string at `pointer` (a message's content, its reasoning, a value in a tool call's
    arguments) and the offsets of its characters in the JSON string literal in the file;
    None where the value there is no string."""
    text = record.source.raw.decode("utf-8")
    where = value_span(text, pointer)
    if where is None or text[where[0]:where[0] + 1] != '"':
        return None
    literal = text[where[0]:where[1]]
    try:
        value = orjson.loads(literal)
    except orjson.JSONDecodeError:  # a lone surrogate escape, which Python's json reads
        return None
    starts = string_offsets(literal)
    return (value, starts) if len(starts) - 1 == len(value) else None


def content_literal(record: Record, pointer: str) -> tuple[str, list[int]] | None:
    """`string_literal` at a message's content pointer, where the content is that string
    verbatim (not one a shape joins from fields, or one that held the reasoning)."""
    found = string_literal(record, pointer)
    content = next((m.content for m in record.every_turn() if m.pointer == pointer), None)
    return found if found is not None and found[0] == content else None


def locate_span(record: Record, pointer: str,
                span: tuple[int, int] | str) -> tuple[int, int, int] | None:
    """(line, column, length in line characters) of characters [start, end) of the message
    content at `pointer`, mapped through the JSON string's escapes; a phrase (`span` a str):
    its first occurrence in the string at `pointer`, whatever string that is."""
    found = string_literal(record, pointer) if isinstance(span, str) \
        else content_literal(record, pointer)
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
