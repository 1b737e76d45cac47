"""Reader: file bytes -> parsed JSON values with exact positions, plus file-level facts.

The reader never decides what is a defect worth reporting; it records facts
(a BOM, CRLF endings, undecodable bytes, JSON errors, ...) that the F rules turn
into findings. It works on byte ranges so that a large file can be split into
newline-aligned chunks, one per worker process.
"""

from __future__ import annotations

import json
import mmap
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

BOM = b"\xef\xbb\xbf"
JSON_SUFFIXES = (".jsonl", ".json")


class InputError(Exception):
    """Input that cannot be linted at all (missing, unreadable, binary): exit code 2."""


@dataclass(slots=True)
class RawRecord:
    """One JSON value read from the file: a line of JSON Lines or an element of an array."""

    line: int
    offset: int  # byte offset of `raw` in the file
    raw: bytes  # the record's bytes, without line ending
    value: Any
    col0: int = 0  # bytes before `raw` on its first line (an indented array element)


@dataclass(slots=True)
class SourceFacts:
    """What the reader saw in one file (or one chunk of it)."""

    path: str
    size: int
    bom: bool = False
    # (line, byte offset of the end of the file) when the last line has no "\n"
    unterminated_last_line: tuple[int, int] | None = None
    crlf: list[tuple[int, int]] = field(default_factory=list)  # (line, offset of "\r")
    blank: list[tuple[int, int, int]] = field(default_factory=list)  # (line, start, end incl. "\n")
    undecodable: list[tuple[int, int, bytes]] = field(default_factory=list)  # (line, byte col, raw)
    json_errors: list[tuple[int, int, str, bytes]] = field(default_factory=list)  # line, col, msg
    duplicate_keys: list[tuple[int, str, bytes]] = field(default_factory=list)
    non_objects: list[tuple[int, str, bytes]] = field(default_factory=list)
    single_document: str | None = None  # "array" / "object" when a .jsonl holds one JSON document
    lines: int = 0
    records: int = 0


def open_bytes(path: str) -> bytes | mmap.mmap:
    """The file's bytes, memory-mapped when large so that workers share the page cache."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            if size == 0:
                return b""
            if size < (1 << 20):
                data: bytes | mmap.mmap = f.read()
            else:
                data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc}); check the path") from exc
    nul = data.find(b"\x00", 0, 8192)
    if nul != -1:
        raise InputError(
            f"{path}: binary file (NUL byte at offset {nul}), not JSON; "
            "pass only .jsonl/.json data files"
        )
    return data


def count_newlines(data: bytes | mmap.mmap, start: int, end: int) -> int:
    """Newlines in data[start:end]; mmap has no count(), so count block by block."""
    block = 1 << 26
    return sum(data[a:min(a + block, end)].count(b"\n") for a in range(start, end, block))


def chunk_bounds(data: bytes | mmap.mmap, parts: int) -> list[tuple[int, int]]:
    """Split into `parts` newline-aligned byte ranges."""
    size = len(data)
    bounds = [0]
    for i in range(1, parts):
        cut = data.find(b"\n", max(size * i // parts, bounds[-1]))
        if cut == -1:
            break
        bounds.append(cut + 1)
    bounds.append(size)
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _type_name(value: Any) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def _shallow_keys(value: Any) -> int:
    """Keys of a record and of the objects directly inside it or its lists (the usual
    shape: a list of message objects); a cheap first try before _count_keys."""
    count = len(value) if type(value) is dict else 0
    for v in value.values() if type(value) is dict else value:
        if type(v) is list:
            for item in v:
                if type(item) is dict:
                    count += len(item)
        elif type(v) is dict:
            count += len(v)
    return count


def _count_keys(value: Any) -> int:
    """Keys in all objects nested in `value`."""
    count = 0
    stack = [value]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        if type(item) is dict:
            count += len(item)
            push(v for v in item.values() if type(v) in (dict, list))
        elif type(item) is list:
            push(v for v in item if type(v) in (dict, list))
    return count


def find_duplicate_key(raw: bytes, value: Any) -> str | None:
    """The first repeated key in `raw`, if any.

    orjson keeps the last of repeated keys silently. Counting `":` is a cheap
    upper bound on the keys written; only when it disagrees with the parsed
    key count do we pay for a full parse that sees every pair.
    """
    written = raw.count(b'":') + raw.count(b'" :')
    if written == _shallow_keys(value) or written == _count_keys(value):
        return None
    found: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen and not found:
                found.append(key)
            seen.add(key)
        return dict(items)

    try:
        json.loads(raw, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return None
    return found[0] if found else None


def _json_error(raw: bytes) -> tuple[int, int, str]:
    """(line within raw, 1-based character column, message) of a JSON syntax error."""
    try:
        orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return exc.lineno, exc.colno, exc.msg
    return 1, 1, "invalid JSON"


def read_jsonl(
    path: str,
    data: bytes | mmap.mmap,
    start: int = 0,
    end: int | None = None,
    accept_lists: bool = False,
    first_line: int | None = None,
) -> tuple[SourceFacts, list[RawRecord]]:
    """Read the JSON Lines in bytes [start, end) of `data`.

    `accept_lists`: a line may be a bare list of messages (a mapping with `messages = ""`).
    """
    end = len(data) if end is None else end
    facts = SourceFacts(path=path, size=len(data))
    records: list[RawRecord] = []
    if first_line is None:
        first_line = count_newlines(data, 0, start) + 1 if start else 1
    line = first_line
    pos = start
    if start == 0 and data[:3] == BOM:
        facts.bom = True
        pos = 3
    loads = orjson.loads
    append = records.append
    while pos < end:
        nl = data.find(b"\n", pos, end)
        if nl == -1:
            raw = data[pos:end]
            next_pos = end
            facts.unterminated_last_line = (line, end)
        else:
            raw = data[pos:nl]
            next_pos = nl + 1
        if raw[-1:] == b"\r":
            facts.crlf.append((line, pos + len(raw) - 1))
            raw = raw[:-1]
        if not raw or raw.isspace():  # no copy of the line, unlike strip()
            facts.blank.append((line, pos, next_pos))
        else:
            try:
                value = loads(raw)
            except orjson.JSONDecodeError:
                _record_bad_line(facts, line, raw)
            else:
                if type(value) is dict:
                    append(RawRecord(line, pos, raw, value))
                    if b'":' in raw:
                        dup = find_duplicate_key(raw, value)
                        if dup is not None:
                            facts.duplicate_keys.append((line, dup, raw))
                elif accept_lists and type(value) is list:
                    append(RawRecord(line, pos, raw, value))
                else:
                    facts.non_objects.append((line, _type_name(value), raw))
        pos = next_pos
        line += 1
    facts.lines = line - first_line
    facts.records = len(records)
    return facts, records


def _record_bad_line(facts: SourceFacts, line: int, raw: bytes) -> None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        facts.undecodable.append((line, exc.start + 1, raw))
        return
    _, col, msg = _json_error(raw)
    facts.json_errors.append((line, col, msg, raw))


_TOKEN = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{},]')


def array_element_spans(data: bytes) -> list[tuple[int, int]]:
    """Byte spans of the elements of a top-level JSON array in `data`."""
    spans: list[tuple[int, int]] = []
    depth = 0
    elem_start: int | None = None
    for m in _TOKEN.finditer(data):
        tok = m.group()
        ch = tok[:1]
        if ch == b'"':
            continue
        if ch in (b"[", b"{"):
            depth += 1
            if depth == 1:
                elem_start = m.end()
        elif ch in (b"]", b"}"):
            if depth == 1 and elem_start is not None:
                _add_span(data, elem_start, m.start(), spans)
            depth -= 1
        elif depth == 1 and elem_start is not None:  # a comma between elements
            _add_span(data, elem_start, m.start(), spans)
            elem_start = m.end()
    return spans


def _add_span(data: bytes, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    chunk = data[start:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))


def read_json_document(
    path: str, data: bytes | mmap.mmap, accept_lists: bool = False
) -> tuple[SourceFacts, list[RawRecord]]:
    """Read a file that holds one JSON document: an array of records (or a single record)."""
    facts = SourceFacts(path=path, size=len(data))
    body = bytes(data)
    offset = 0
    if body[:3] == BOM:
        facts.bom = True
        offset = 3
    facts.lines = body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1)
    if body and not body.endswith(b"\n"):
        facts.unterminated_last_line = (facts.lines, len(body))
    for match in re.finditer(rb"\r\n", body):
        facts.crlf.append((body.count(b"\n", 0, match.start()) + 1, match.start()))
    text = body[offset:]
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        try:
            text.decode("utf-8")
        except UnicodeDecodeError as uexc:
            bad = offset + uexc.start
            line = body.count(b"\n", 0, bad) + 1
            col = bad - (body.rfind(b"\n", 0, bad) + 1) + 1
            facts.undecodable.append((line, col, b""))
            return facts, []
        facts.json_errors.append((exc.lineno, exc.colno, exc.msg or "invalid JSON", b""))
        return facts, []
    records: list[RawRecord] = []
    if isinstance(value, list):
        spans = array_element_spans(text)
        if len(spans) != len(value):  # should not happen for valid JSON; keep every record anyway
            spans = [(0, len(text))] * len(value)
        for element, (a, b) in zip(value, spans, strict=True):
            line = body.count(b"\n", 0, offset + a) + 1
            col0 = offset + a - (body.rfind(b"\n", 0, offset + a) + 1)
            if isinstance(element, dict) or (accept_lists and isinstance(element, list)):
                records.append(RawRecord(line, offset + a, text[a:b], element, col0))
            else:
                facts.non_objects.append((line, _type_name(element), text[a:b]))
    elif isinstance(value, dict):
        records.append(RawRecord(1, offset, text, value))
    else:
        facts.non_objects.append((1, _type_name(value), text))
    dup = find_duplicate_key(text, value)
    if dup is not None:
        facts.duplicate_keys.append((1, dup, text))
    facts.records = len(records)
    return facts, records


def looks_like_one_document(data: bytes | mmap.mmap) -> bool:
    """A .jsonl whose first line is not a record but whose whole text parses as JSON."""
    head = bytes(data[:3]).removeprefix(BOM) + bytes(data[3:64])
    first = head.lstrip()[:1]
    if first not in (b"[", b"{"):
        return False
    try:
        orjson.loads(bytes(data).removeprefix(BOM))
    except orjson.JSONDecodeError:
        return False
    return True


def read_file(
    path: str, data: bytes | mmap.mmap, accept_lists: bool = False
) -> tuple[SourceFacts, list[RawRecord]]:
    """Read a whole file, choosing JSON Lines or one JSON document by suffix and content."""
    if path.endswith(".json"):
        facts, records = read_json_document(path, data, accept_lists)
        if facts.json_errors and _first_line_is_record(data):
            return read_jsonl(path, data, accept_lists=accept_lists)  # JSON Lines in a .json
        return facts, records
    facts, records = read_jsonl(path, data, accept_lists=accept_lists)
    first_bad = facts.json_errors[:1] and facts.json_errors[0][0]
    first_line = facts.blank[0][0] + 1 if facts.blank and facts.blank[0][0] == 1 else 1
    if first_bad and first_bad <= first_line and looks_like_one_document(data):
        facts, records = read_json_document(path, data, accept_lists)
        opener = bytes(data).removeprefix(BOM).lstrip()[:1]
        facts.single_document = "array" if opener == b"[" else "object"
    return facts, records


def _first_line_is_record(data: bytes | mmap.mmap) -> bool:
    nl = data.find(b"\n")
    first = bytes(data[: nl if nl != -1 else len(data)]).removeprefix(BOM).strip()
    try:
        return isinstance(orjson.loads(first), dict)
    except orjson.JSONDecodeError:
        return False


def iter_data_files(root: str, exclude: list[str]) -> Iterator[str]:
    """Data files under a directory, sorted, skipping hidden and excluded folders."""
    import fnmatch

    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and not any(fnmatch.fnmatch(d, pat) for pat in exclude)
        )
        for name in sorted(filenames):
            if name.endswith(JSON_SUFFIXES) and not any(
                fnmatch.fnmatch(name, pat) for pat in exclude
            ):
                yield os.path.join(dirpath, name)
