"""Reader: file bytes -> parsed JSON values with exact positions, plus file-level facts.

The reader never decides what is a defect worth reporting; it records facts
(a BOM, CRLF endings, undecodable bytes, JSON errors, ...) that the F rules turn
into findings. It works on byte ranges so that a large file can be split into
newline-aligned chunks, one per worker process.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any

import orjson

BOM = b"\xef\xbb\xbf"
WINDOW_BYTES = 4 << 20  # a large file is read this much at a time


class InputError(Exception):
    """Input that cannot be linted at all (missing, unreadable, binary): exit code 2."""


@dataclass(slots=True)
class RawRecord:
    """One JSON value read from the file: a line of JSON Lines or an element of an array."""

    line: int
    offset: int  # byte offset of `raw` in the file
    raw: bytes  # the record's bytes, without line ending
    value: Any
    col0: int = 0  # characters before `raw` on its first line (an array element), BOM excluded


@dataclass(slots=True)
class SourceFacts:
    """What the reader saw in one file (or one chunk of it)."""

    path: str
    size: int
    bom: bool = False
    # (line, byte offset of the end of the file) when the last line has no "\n"
    unterminated_last_line: tuple[int, int] | None = None
    crlf: list[tuple[int, int]] = field(default_factory=list)  # (line, offset of "\r")
    # (line, offset of "\r") of a lone "\r" that ends a record (classic Mac OS line endings)
    lone_cr: list[tuple[int, int]] = field(default_factory=list)
    # (line, offset of "\r") of a raw "\r" between the tokens of a record that parses
    inner_cr: list[tuple[int, int]] = field(default_factory=list)
    blank: list[tuple[int, int, int]] = field(default_factory=list)  # (line, start, end incl. "\n")
    # (line, character column, byte column, raw) of the first byte that is not UTF-8
    undecodable: list[tuple[int, int, int, bytes]] = field(default_factory=list)
    # (line, character column, message, raw): the message says what is wrong and what to do
    json_errors: list[tuple[int, int, str, bytes]] = field(default_factory=list)
    duplicate_keys: list[tuple[int, str, bytes]] = field(default_factory=list)
    # (line, character column, "line"/"array element"/"document", JSON type name, raw)
    non_objects: list[tuple[int, int, str, str, bytes]] = field(default_factory=list)
    single_document: str | None = None  # "array" / "object" when a .jsonl holds one JSON document
    lines: int = 0
    records: int = 0


_NONBLOCKING = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def open_bytes(path: str) -> Data:
    """The file's bytes: read at once when small, else a `FileBytes` that reads on demand.

    Opened without blocking and checked to be a regular file before any read: a FIFO,
    a device or a socket would block forever or never end."""
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCKING)
    except OSError as exc:
        raise InputError(unreadable_message(path, exc)) from exc
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise InputError(f"{path}: is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{path}: {file_kind(st.st_mode)}, not a regular file; "
                             "pass only .jsonl/.json data files")
        view = FileBytes(path, fd, st.st_size)
        fd = -1  # closed by `view`
        data: Data = view if st.st_size >= (1 << 20) else view[:]
    except OSError as exc:
        raise InputError(unreadable_message(path, exc)) from exc
    finally:
        if fd != -1:
            os.close(fd)
    nul = data.find(b"\x00", 0, 8192)
    if nul != -1:
        encoding = _utf16_or_32(bytes(data[:8192]))
        if encoding:
            raise InputError(f"{path}: encoded as {encoding}, not UTF-8; re-encode it "
                             f"(iconv -f {encoding} -t UTF-8 {path} > utf8.jsonl)")
        raise InputError(
            f"{path}: binary file (NUL byte at offset {nul}), not JSON; "
            "pass only .jsonl/.json data files"
        )
    return data


def _utf16_or_32(head: bytes) -> str | None:
    """The UTF-16/32 encoding that a file's first bytes show (a BOM, or the NUL bytes that
    ASCII characters get in it), or None."""
    for bom, name in ((b"\xff\xfe\x00\x00", "UTF-32LE"), (b"\x00\x00\xfe\xff", "UTF-32BE"),
                      (b"\xff\xfe", "UTF-16LE"), (b"\xfe\xff", "UTF-16BE")):
        if head.startswith(bom):
            return name
    if len(head) >= 4 and head[0] in b"{[" and head[1:4] == b"\x00\x00\x00":
        return "UTF-32LE"
    if len(head) >= 4 and head[:3] == b"\x00\x00\x00" and head[3] in b"{[":
        return "UTF-32BE"
    if len(head) >= 2 and head[0] in b"{[" and head[1] == 0:
        return "UTF-16LE"
    if len(head) >= 2 and head[0] == 0 and head[1] in b"{[":
        return "UTF-16BE"
    return None


class FileBytes:
    """A large file's bytes, read with `pread` when asked for.

    Not a memory mapping: when another process truncates a mapped file, touching the lost
    pages kills the reader with SIGBUS (a crash in one process; a worker pool waiting
    forever for its dead worker). A read of a file cut short comes back short, and that is
    a one-line error. Forked workers inherit the descriptor and read their own ranges, from
    the file that was opened even when a `--fix` has since replaced the path."""

    __slots__ = ("path", "fd", "size")
    BLOCK = 1 << 20  # what `find` reads at a time

    def __init__(self, path: str, fd: int, size: int) -> None:
        self.path, self.fd, self.size = path, fd, size

    def __del__(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.close(self.fd)

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, key: slice) -> bytes:
        start, stop, _ = key.indices(self.size)
        want = stop - start
        if want <= 0:
            return b""
        data = os.pread(self.fd, want, start)
        if len(data) < want:  # one read returns at most 2 GiB, or the file was cut short
            parts = [data]
            got = len(data)
            while got < want:
                more = os.pread(self.fd, want - got, start + got)
                if not more:
                    raise InputError(
                        f"{self.path}: changed while being checked (cut to "
                        f"{os.fstat(self.fd).st_size:,} of its {self.size:,} bytes); "
                        "check it again once nothing is writing it")
                parts.append(more)
                got += len(more)
            data = b"".join(parts)
        return data

    def find(self, sub: bytes, start: int = 0, end: int | None = None) -> int:
        """Like `bytes.find`, reading a block at a time."""
        end = self.size if end is None else min(end, self.size)
        overlap = len(sub) - 1  # a match may straddle two blocks
        pos = start
        while pos < end:
            stop = min(pos + self.BLOCK, end)
            first = max(pos - overlap, start)
            hit = self[first:stop].find(sub)
            if hit != -1:
                return first + hit
            pos = stop
        return -1


Data = bytes | FileBytes


def as_bytes(data: Data) -> bytes:
    """All of it, for readers that need the whole text at once (one JSON document)."""
    return data if isinstance(data, bytes) else data[:]


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "a special file"


def unreadable_reason(path: str, exc: OSError) -> str:
    """Why `path` cannot be opened, in words."""
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return "broken symbolic link (its target does not exist)"
    if exc.errno == errno.ENOENT:
        return "no such file or directory"
    return f"cannot read ({exc.strerror or exc})"


def one_line(exc: BaseException) -> str:
    """A library's error message on one line (pyarrow's end in a newline)."""
    return " ".join(str(exc).split())


def unreadable_message(path: str, exc: OSError) -> str:
    """A one-line error for a path that cannot be opened: what is wrong and what to do."""
    reason = unreadable_reason(path, exc)
    if exc.errno == errno.ELOOP or reason.startswith("broken"):
        return f"{path}: {reason}; fix or remove the link"
    if exc.errno == errno.ENOENT:
        return f"{path}: {reason}"
    return f"{path}: {reason}; check the path"


def count_newlines(data: Data, start: int, end: int) -> int:
    """Newlines in data[start:end], read block by block from a large file."""
    if isinstance(data, bytes):
        return data.count(b"\n", start, end)
    block = 1 << 24
    return sum(data[a:min(a + block, end)].count(b"\n") for a in range(start, end, block))


_CONTINUATION = bytes(range(0x80, 0xC0))


def char_count(data: Data, start: int, end: int) -> int:
    """Characters in the UTF-8 bytes data[start:end]: the bytes that start a character
    (counted block by block, so a huge range never needs one large copy)."""
    block = 1 << 22
    if end - start <= block:
        return len(data[start:end].translate(None, _CONTINUATION))
    return sum(len(data[a:min(a + block, end)].translate(None, _CONTINUATION))
               for a in range(start, end, block))


def chunk_bounds(data: Data, parts: int) -> list[tuple[int, int]]:
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
    if type(value) not in (dict, list):
        return 0
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


# A string's closing quote, then its colon: a quote after an even run of backslashes, so a
# tool call's arguments, JSON inside a string (\"city\": ...), count no keys
_KEY_END = re.compile(rb'(?<!\\)(?:\\\\)*"[ \t\r\n]*:')


def find_duplicate_key(raw: bytes, value: Any) -> str | None:
    """The first repeated key in `raw`, if any.

    orjson keeps the last of repeated keys silently. Every key written is a string
    followed by optional whitespace and a colon, so the colons in `raw`, and then the
    quote-colon pairs, are upper bounds on the keys written: when one equals the parsed
    key count, no key was repeated. Only when both exceed it (colons in text, a repeated
    key) do we pay for a full parse that sees every pair.
    """
    parsed = _shallow_keys(value)
    if raw.count(b":") == parsed:
        return None
    written = len(_KEY_END.findall(raw))
    if written == parsed or written == _count_keys(value):
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


MAX_DEPTH = 1024  # orjson's nesting limit


def _json_error(raw: bytes | memoryview) -> tuple[int, int, str]:
    """(line within raw, 1-based character column, message) of why `raw` does not load."""
    try:
        orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        line, col, msg = exc.lineno, exc.colno, (exc.msg or "").lower()
    else:
        return 1, 1, "invalid JSON"
    return line, col, _unsupported_json(raw, msg) or f"invalid JSON: {msg or 'cannot parse'}"


def _unsupported_json(raw: bytes | memoryview, msg: str) -> str | None:
    """What makes `raw` unreadable when it is valid JSON that orjson refuses (a number
    beyond a double, an unpaired surrogate escape, nesting deeper than MAX_DEPTH), or None
    when it is not valid JSON. The stdlib parser, which accepts all three, tells them apart;
    it runs only on text that already failed."""
    if "depth" in msg:
        return (f"nesting deeper than {MAX_DEPTH} levels, too deep for the JSON parser; "
                "flatten the record")
    huge: list[str] = []

    def parse_float(text: str) -> float:
        number = float(text)
        if number in (float("inf"), float("-inf")) and not huge:
            huge.append(text)
        return number

    def parse_int(text: str) -> int:
        # float() of a decimal string too big for a double is inf; it raises nothing
        if abs(float(text)) == float("inf") and not huge:
            huge.append(text)
        return 0

    def parse_constant(text: str) -> None:
        raise ValueError(text)  # NaN and Infinity are not JSON

    try:
        value = json.loads(bytes(raw), parse_float=parse_float, parse_int=parse_int,
                           parse_constant=parse_constant)
    except (ValueError, RecursionError):
        return None
    if huge:
        number = huge[0] if len(huge[0]) <= 24 else huge[0][:20] + "..."
        return (f"number {number} is out of range (valid JSON, but beyond a 64-bit float); "
                "write a smaller number or a string")
    surrogate = _find_surrogate(value)
    if surrogate is not None:
        return (f"unpaired surrogate \\u{ord(surrogate):04x} in a string (valid JSON, but "
                "not a Unicode character); remove the escape or complete the pair")
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _find_surrogate(value: Any) -> str | None:
    """The first lone surrogate in any string or key nested in `value`."""
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is str:
            m = _SURROGATE.search(item)
            if m:
                return m.group()
        elif type(item) is dict:
            stack.extend(item.keys())
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
    return None


def read_jsonl(
    path: str,
    data: Data,
    start: int = 0,
    end: int | None = None,
    accept_lists: bool = False,
    first_line: int | None = None,
) -> tuple[SourceFacts, list[RawRecord]]:
    """Read the JSON Lines in bytes [start, end) of `data`. A large file is read a window
    of whole lines at a time, and a line longer than a window on its own.

    `accept_lists`: a line may be a bare list of messages (a mapping with `messages = ""`).
    """
    end = len(data) if end is None else end
    facts = SourceFacts(path=path, size=len(data))
    records: list[RawRecord] = []
    if first_line is None:
        first_line = count_newlines(data, 0, start) + 1 if start else 1
    pos = start
    if start == 0 and data[:3] == BOM:
        facts.bom = True
        pos = 3
    if isinstance(data, bytes):
        line = _read_lines(facts, records, data, 0, pos, end, first_line, accept_lists)
    else:
        line = first_line
        while pos < end:
            text = data[pos:min(pos + WINDOW_BYTES, end)]
            cut = text.rfind(b"\n") + 1 if pos + len(text) < end else len(text)
            terminated = False
            if not cut:  # a line longer than the window: read it alone, without its "\n"
                nl = data.find(b"\n", pos + len(text), end)
                text = data[pos:end if nl == -1 else nl]
                cut, terminated = len(text), nl != -1
            line = _read_lines(facts, records, text, pos, 0, cut, line, accept_lists,
                               terminated)
            pos += cut + terminated
    facts.lines = line - first_line
    facts.records = len(records)
    return facts, records


def _read_lines(facts: SourceFacts, records: list[RawRecord], text: bytes, base: int,
                pos: int, end: int, line: int, accept_lists: bool,
                terminated: bool = False) -> int:
    """Read the lines of text[pos:end], the file's bytes from offset `base`, into `facts`
    and `records`; the line number after them. `terminated`: a "\n" follows `end` in the
    file (the text of one long line)."""
    loads = orjson.loads
    append = records.append
    while pos < end:
        nl = text.find(b"\n", pos, end)
        last = nl == -1 and not terminated  # the file's last line, without a "\n"
        if nl != -1:
            line_end, next_pos = nl, nl + 1
        elif terminated:
            line_end, next_pos = end, end + 1
        else:
            line_end = next_pos = end
            facts.unterminated_last_line = (line, base + end)
        raw = text[pos:line_end]  # the whole text, not a copy, when it is one line
        if raw.endswith(b"\r"):  # left out of the record's copy
            raw = raw[:-1]
            line_end -= 1
            if last and b"\r" in raw:  # "…}\r…}\r" at the end: lone CRs, not CRLF
                facts.lone_cr.append((line, base + line_end))
            else:
                facts.crlf.append((line, base + line_end))
        if not raw or raw.isspace():  # no copy of the line, unlike strip()
            facts.blank.append((line, base + pos, base + next_pos))
        else:
            try:
                value = loads(raw)
            except orjson.JSONDecodeError:
                _record_bad_line(facts, line, raw)
                if b"\r" in raw:
                    _find_lone_cr(facts, line, base + pos, raw)
            else:
                if type(value) is dict or (accept_lists and type(value) is list):
                    if raw[0] in _WHITESPACE:  # an indented line: the record starts later
                        lead = len(raw) - len(raw.lstrip())
                        append(RawRecord(line, base + pos + lead, raw[lead:], value, lead))
                    else:
                        append(RawRecord(line, base + pos, raw, value))
                    if b":" in raw:  # a record (an object, or an accepted list) with keys
                        dup = find_duplicate_key(raw, value)
                        if dup is not None:
                            facts.duplicate_keys.append((line, dup, raw))
                    if b"\r" in raw:
                        _note_inner_cr(facts, line, base + pos, raw)
                else:
                    lead = len(raw) - len(raw.lstrip())
                    facts.non_objects.append((line, lead + 1, "line", _type_name(value), raw))
        pos = next_pos
        line += 1
    return line


MAX_CRS_NOTED = 10_000


def _note_inner_cr(facts: SourceFacts, line: int, pos: int, raw: bytes) -> None:
    """The raw "\r"s of a line that parses: JSON whitespace to the parser, but a line
    break to readers that split lines on CR too (Python's open() and str.splitlines()),
    which cut the record there. At most MAX_CRS_NOTED of one line: a line of millions of
    CRs would cost memory, and the next --fix takes the rest."""
    cr = raw.find(b"\r")
    for _ in range(MAX_CRS_NOTED):
        if cr == -1:
            break
        facts.inner_cr.append((line, pos + cr))
        cr = raw.find(b"\r", cr + 1)


def _find_lone_cr(facts: SourceFacts, line: int, pos: int, raw: bytes) -> None:
    """A line that does not parse and holds a "\\r" between whole records ({…}\\r{…}): the
    "\\r"s are line endings. A raw "\\r" cannot stand in a JSON string, so in a record that
    parses it is whitespace between tokens, and is left alone."""
    pieces = raw.split(b"\r")
    for piece in pieces:
        if piece and not piece.isspace():
            try:
                value = orjson.loads(piece)
            except orjson.JSONDecodeError:
                return
            if type(value) is not dict and type(value) is not list:
                return
    offset = pos
    for piece in pieces[:-1]:
        offset += len(piece)
        facts.lone_cr.append((line, offset))
        offset += 1


def _record_bad_line(facts: SourceFacts, line: int, raw: bytes) -> None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        facts.undecodable.append((line, char_count(raw, 0, exc.start) + 1, exc.start + 1, raw))
        return
    _, col, msg = _json_error(raw)
    facts.json_errors.append((line, col, msg, raw))


# One match is one bracket or brace outside strings: strings and everything else are
# skipped inside the match (run only on text that parsed: no backtracking traps).
_BRACKET = re.compile(rb'(?:[^"\[\]{}]++|"(?:[^"\\]++|\\.)*+")*+([\[\]{}])', re.S)
_SEPARATORS = re.compile(rb"[ \t\r\n,]*")
_GAP_TOKEN = re.compile(rb'"(?:[^"\\]++|\\.)*+"|,', re.S)
_WHITESPACE = b" \t\r\n"


def array_element_spans(data: bytes, start: int = 0) -> list[tuple[int, int]]:
    """Byte spans (in `data`) of the elements of the JSON array that starts at or after
    `start`, in one forward pass that visits only brackets and braces (and the commas
    between elements that are not containers)."""
    spans: list[tuple[int, int]] = []
    depth = 0
    gap = elem_start = start
    for m in _BRACKET.finditer(data, start):
        ch = m.group(1)
        if ch == b"{" or ch == b"[":
            depth += 1
            if depth == 2:  # an element opens; scalars may sit before it
                elem_start = m.start(1)
                _gap_spans(data, gap, elem_start, spans)
            elif depth == 1:
                gap = m.end()
        else:
            depth -= 1
            if depth == 1:
                spans.append((elem_start, m.end()))
                gap = m.end()
            elif depth == 0:
                _gap_spans(data, gap, m.start(1), spans)
                break
    return spans


def _gap_spans(data: bytes, start: int, end: int,
               spans: list[tuple[int, int]]) -> None:
    """Spans of the scalar elements between two container elements (usually none)."""
    sep = _SEPARATORS.match(data, start, end)
    if sep is not None and sep.end() == end:
        return
    for m in _GAP_TOKEN.finditer(data, start, end):
        if m.group() == b",":
            _add_span(data, start, m.start(), spans)
            start = m.end()
    _add_span(data, start, end, spans)


def _add_span(data: bytes, start: int, end: int,
              spans: list[tuple[int, int]]) -> None:
    while start < end and data[start] in _WHITESPACE:
        start += 1
    while end > start and data[end - 1] in _WHITESPACE:
        end -= 1
    if end > start:
        spans.append((start, end))


class _Places:
    """Line and character column of byte offsets visited in increasing order: one forward
    pass over the file however many elements it has (counting from the start for each
    one is quadratic)."""

    def __init__(self, data: bytes, start: int) -> None:
        self.data = data
        self.pos = self.line_start = start  # line 1 starts after a BOM
        self.line = 1
        self.col = 0  # characters from line_start to pos

    def at(self, offset: int) -> tuple[int, int]:
        """(line, 0-based character column) of `offset` (>= the previous one)."""
        data, pos = self.data, self.pos
        last = data.rfind(b"\n", pos, offset)
        if last != -1:
            self.line += count_newlines(data, pos, last + 1)
            self.line_start = last + 1
            self.col = char_count(data, last + 1, offset)
        else:  # the same line (an array on one line): count the characters in between
            self.col += char_count(data, pos, offset)
        self.pos = offset
        return self.line, self.col


def _value_start(data: bytes, pos: int) -> int:
    while pos < len(data) and data[pos] in _WHITESPACE:
        pos += 1
    return pos


def _document_end(data: bytes, start: int) -> int:
    end = len(data)
    while end > start and data[end - 1] in _WHITESPACE:
        end -= 1
    return end


def read_json_document(
    path: str, source: Data, accept_lists: bool = False
) -> tuple[SourceFacts, list[RawRecord]]:
    """Read a file that holds one JSON document: an array of records (or a single record).

    Linear in the file's size; the text is parsed in place (no second copy of it), and each
    element's own bytes are kept on its record."""
    data = as_bytes(source)
    facts = SourceFacts(path=path, size=len(data))
    size = len(data)
    offset = 3 if data[:3] == BOM else 0
    facts.bom = offset == 3
    ends_with_newline = data[size - 1:size] == b"\n"
    facts.lines = count_newlines(data, 0, size) + (0 if ends_with_newline or not size else 1)
    if size and not ends_with_newline:
        facts.unterminated_last_line = (facts.lines, size)
    _find_crlf(data, facts)
    with memoryview(data) as whole, whole[offset:] as text:
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            _document_error(data, offset, text, facts)
            return facts, []
    places = _Places(data, offset)
    records: list[RawRecord] = []
    if isinstance(value, list):
        spans = array_element_spans(data, offset)
        if len(spans) != len(value):  # should not happen for valid JSON; keep every record
            start = _value_start(data, offset)
            spans = [(start, _document_end(data, start))] * len(value)
        for element, (a, b) in zip(value, spans, strict=True):
            line, col = places.at(a)
            raw = data[a:b]
            if type(element) is dict or (accept_lists and type(element) is list):
                records.append(RawRecord(line, a, raw, element, col))
                if b":" in raw:
                    dup = find_duplicate_key(raw, element)
                    if dup is not None:
                        facts.duplicate_keys.append((line, dup, raw))
            else:
                facts.non_objects.append((line, col + 1, "array element", _type_name(element),
                                          raw))
    else:
        a = _value_start(data, offset)
        line, col = places.at(a)
        raw = data[a:_document_end(data, a)]
        if type(value) is dict:
            records.append(RawRecord(line, a, raw, value, col))
            dup = find_duplicate_key(raw, value)
            if dup is not None:
                facts.duplicate_keys.append((line, dup, raw))
        else:
            facts.non_objects.append((line, col + 1, "document", _type_name(value), raw))
    facts.records = len(records)
    return facts, records


def _find_crlf(data: bytes, facts: SourceFacts) -> None:
    line, pos = 1, 0
    cr = data.find(b"\r\n")
    while cr != -1:
        line += count_newlines(data, pos, cr)
        facts.crlf.append((line, cr))
        pos = cr
        cr = data.find(b"\r\n", cr + 2)


def _document_error(data: bytes, offset: int, text: memoryview,
                    facts: SourceFacts) -> None:
    """Record why a whole JSON document does not load: bytes that are not UTF-8 (F003), or
    a JSON error (F006) at orjson's line and character column."""
    try:
        str(text, "utf-8")
    except UnicodeDecodeError as uexc:
        bad = offset + uexc.start
        line = count_newlines(data, 0, bad) + 1
        line_start = max(data.rfind(b"\n", 0, bad) + 1, offset)
        facts.undecodable.append((line, char_count(data, line_start, bad) + 1,
                                  bad - line_start + 1, b""))
        return
    line, col, msg = _json_error(text)
    facts.json_errors.append((line, col, msg, b""))


_LEADING_SPACE = re.compile(rb"[ \t\r\n]*")
OPENER_BYTES = 1 << 16  # where a document's first bracket is looked for


def document_opener(data: bytes) -> bytes:
    """The first byte of the document after a BOM and whitespace."""
    start = _LEADING_SPACE.match(data, 3 if data[:3] == BOM else 0)
    assert start is not None  # the pattern matches the empty string
    return data[start.end():start.end() + 1]


def looks_like_one_document(data: Data) -> bool:
    """A .jsonl whose first line is not a record but whose whole text parses as JSON."""
    if document_opener(data[:OPENER_BYTES]) not in (b"[", b"{"):
        return False
    with memoryview(as_bytes(data)) as whole, whole[3 if data[:3] == BOM else 0:] as text:
        try:
            orjson.loads(text)
        except orjson.JSONDecodeError:
            return False
    return True


def first_line_is_record(data: Data) -> bool:
    nl = data.find(b"\n")
    first = bytes(data[: nl if nl != -1 else len(data)]).removeprefix(BOM).strip()
    try:
        return isinstance(orjson.loads(first), dict)
    except orjson.JSONDecodeError:
        return False
