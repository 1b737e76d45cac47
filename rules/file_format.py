"""F rules: the bytes and lines of a file, before any record is read."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from sftlint.findings import Edit, Finding, Severity
from sftlint.options import StrictModel, from_project
from sftlint.reader import BOM, SourceFacts
from sftlint.rule import FileRule, Scope


def _line_key(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=12).hexdigest()


class Utf8Bom(FileRule):
    """File starts with a UTF-8 byte order mark (BOM).

    ## What it does
    Flags a file whose first bytes are `EF BB BF`. With `bom = "require"` it flags a
    file that lacks one instead, for upload services that want it.

    ## Why it matters for training
    Many JSON Lines loaders read the BOM as part of the first line, fail to parse it,
    and drop the first sample without a word.

    ## Example
    ```text
    \\ufeff{"messages": [...]}
    ```

    ## Use instead
    ```text
    {"messages": [...]}
    ```

    ## Fix safety
    Safe: removes (or, with `bom = "require"`, adds) the three BOM bytes; nothing else changes.
    """

    code = "F001"
    name = "utf8-bom"
    fixable = True

    class Options(StrictModel):
        bom: str = from_project("bom")  # "forbid" or "require"

    options: Options

    def check(self, facts: SourceFacts) -> Iterator[Finding]:
        if self.options.bom == "forbid" and facts.bom:
            yield self.finding(facts.path, 1, 1, "file starts with a UTF-8 BOM",
                               edits=(Edit(0, 3, b""),))
        elif self.options.bom == "require" and not facts.bom and facts.size and facts.lines:
            yield self.finding(facts.path, 1, 1, 'file has no UTF-8 BOM (bom = "require")',
                               edits=(Edit(0, 0, BOM),))


class MissingFinalNewline(FileRule):
    """The last line does not end with a newline.

    ## What it does
    Flags a file whose last byte is not `\\n`.

    ## Why it matters for training
    `wc -l` undercounts the records by one, and `cat a.jsonl b.jsonl` glues the last
    sample of one file to the first of the next, so both are lost.

    ## Example
    ```text
    {"messages": [...]}<end of file>
    ```

    ## Use instead
    ```text
    {"messages": [...]}\\n<end of file>
    ```

    ## Fix safety
    Safe: appends one `\\n`.
    """

    code = "F002"
    name = "missing-final-newline"
    fixable = True

    def check(self, facts: SourceFacts) -> Iterator[Finding]:
        if facts.unterminated_last_line is not None:
            line, end = facts.unterminated_last_line
            yield self.finding(facts.path, line, None, "no newline at end of file",
                               edits=(Edit(end, end, b"\n"),))


class InvalidUtf8(FileRule):
    """Bytes that are not valid UTF-8.

    ## What it does
    Flags each line holding bytes that do not decode as UTF-8 (a GBK export, a truncated
    multi-byte character). The message gives the byte column of the first bad byte; the
    finding's column, like every column, counts characters (the bytes before it decode).

    ## Why it matters for training
    Loaders either crash on the line or replace the bytes with U+FFFD, and the model
    learns the replacement characters.

    ## Example
    ```text
    {"messages": [{"role": "user", "content": "\\xc4\\xe3\\xba\\xc3"}]}   (GBK bytes)
    ```

    ## Use instead
    Re-encode the file as UTF-8 (`iconv -f gbk -t utf-8`).
    """

    code = "F003"
    name = "invalid-utf8"
    scope = Scope.LINE  # reported per line, from the reader's facts

    def check(self, facts: SourceFacts) -> Iterator[Finding]:
        for line, col, byte_col, raw in facts.undecodable:
            yield self.finding(facts.path, line, col,
                               f"invalid UTF-8 byte at byte column {byte_col}; re-encode the "
                               "file as UTF-8", record_key=_line_key(raw))


class CrlfLineEnding(FileRule):
    """Lines end with `\\r\\n` (Windows line endings) or a lone `\\r` (classic Mac OS).

    ## What it does
    Flags a file with CRLF line endings, once, with the number of such lines; and, in a
    second finding, records that end with a lone `\\r` (no `\\n`), so that several records
    stand on one line (which F006 also reports); in a third, lines that hold a raw `\\r`
    between the tokens of a record that parses (`},\\r{`, `\\r{…}`).

    ## Why it matters for training
    Tools that split on `\\n` leave a `\\r` at the end of every record; some parsers
    reject it, others keep it in the last string of the line. Readers that split lines on
    `\\r` as well (Python's `open()` and `str.splitlines()`) cut a record with a raw `\\r`
    inside it in two, and neither half parses.

    ## Example
    ```text
    {"messages": [...]}\\r\\n
    ```

    ## Use instead
    ```text
    {"messages": [...]}\\n
    ```

    ## Fix safety
    Safe: each `\\r\\n` becomes `\\n`, and each lone `\\r` that ends a record becomes `\\n`
    (only where every piece between them parses as a record). A `\\r` between the tokens
    of a record becomes a space: a raw `\\r` cannot stand inside a JSON string, so the
    record's value is unchanged.
    """

    code = "F004"
    name = "crlf-line-ending"
    severity = Severity.WARNING
    fixable = True

    def check(self, facts: SourceFacts) -> Iterator[Finding]:
        if facts.crlf:
            first = facts.crlf[0][0]
            yield self.finding(
                facts.path, first, None,
                f"{len(facts.crlf)} line(s) end with CRLF, first at line {first}",
                edits=tuple(Edit(offset, offset + 1, b"") for _, offset in facts.crlf))
        if facts.lone_cr:
            first = facts.lone_cr[0][0]
            yield self.finding(
                facts.path, first, None,
                f"{len(facts.lone_cr)} record(s) end with a lone CR (classic Mac OS line "
                f"endings), first on line {first}: the records between them read as one "
                "line",
                edits=tuple(Edit(offset, offset + 1, b"\n") for _, offset in facts.lone_cr))
        if facts.inner_cr:
            first = facts.inner_cr[0][0]
            lines = len({line for line, _ in facts.inner_cr})
            yield self.finding(
                facts.path, first, None,
                f"{lines} line(s) hold a raw CR between JSON tokens, first at line {first}: "
                "readers that split lines on CR too (Python's open(), splitlines) cut the "
                "record there",
                edits=tuple(Edit(offset, offset + 1, b" ") for _, offset in facts.inner_cr))


class BlankLine(FileRule):
    """An empty or whitespace-only line.

    ## What it does
    Flags lines that hold nothing but whitespace.

    ## Why it matters for training
    Strict JSON Lines readers fail on an empty line; lenient ones skip it, and the
    line numbers in their errors no longer match the file.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}, {"role": "assistant", "content": "闷的时候，想聊点什么吗？"}]}

    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "下雨了。"}, {"role": "assistant", "content": "下雨天适合泡杯热茶，您那边冷吗？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}, {"role": "assistant", "content": "闷的时候，想聊点什么吗？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "下雨了。"}, {"role": "assistant", "content": "下雨天适合泡杯热茶，您那边冷吗？"}]}
    ```

    ## Fix safety
    Safe: the blank line is removed; records are untouched.
    """

    code = "F005"
    name = "blank-line"
    scope = Scope.LINE  # reported per line, from the reader's facts
    severity = Severity.WARNING
    fixable = True

    def check(self, facts: SourceFacts) -> Iterator[Finding]:
        for line, start, end in facts.blank:
            yield self.finding(facts.path, line, 1, "blank line",
                               edits=(Edit(start, end, b""),))


class InvalidJson(FileRule):
    """A line that is not parseable JSON.

    ## What it does
    Flags each line that fails to parse, with the line and character column of the error.
    Valid JSON that the parser cannot represent is reported here too, with what it is: a
    number beyond a 64-bit float (`1e999`), an unpaired surrogate escape (`"\\ud800"`),
    nesting deeper than 1,024 levels.

    ## Why it matters for training
    Most loaders stop at the first bad line; some skip it and the sample is gone.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "你好"},]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    ```
    """

    code = "F006"
    name = "invalid-json"
    scope = Scope.LINE  # reported per line, from the reader's facts

    def check(self, facts: SourceFacts) -> Iterator[Finding]:
        for line, col, msg, raw in facts.json_errors:  # the reader words the message
            yield self.finding(facts.path, line, col, msg, record_key=_line_key(raw))


class DuplicateKey(FileRule):
    """A JSON object with a repeated key.

    ## What it does
    Flags a record in which one object has the same key twice.

    ## Why it matters for training
    JSON parsers keep the last value silently: the text you reviewed is not the text
    that trains.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "睡不着。", "content": "今天睡不着。"}, {"role": "assistant", "content": "睡不着的时候，想聊聊吗？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天睡不着。"}, {"role": "assistant", "content": "睡不着的时候，想聊聊吗？"}]}
    ```
    """

    code = "F007"
    name = "duplicate-key"
    scope = Scope.LINE  # reported per line, from the reader's facts

    def check(self, facts: SourceFacts) -> Iterator[Finding]:
        for line, key, raw in facts.duplicate_keys:
            yield self.finding(facts.path, line, None,
                               f'key "{key}" appears twice in one object; the last one wins',
                               record_key=_line_key(raw))


class NotAnObject(FileRule):
    """The line's JSON value is not an object.

    ## What it does
    Flags a line (or an element of a `.json` array, or a whole `.json` document) whose JSON
    is a string, number, array, `true`, `false` or `null`. A bare list of messages is
    accepted when `[tool.sftlint.mapping] messages = ""` says that is the shape.

    ## Why it matters for training
    A record must be an object with a conversation in it; anything else is skipped or crashes
    the loader.

    ## Example
    ```jsonl
    "你好"
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    ```
    """

    code = "F008"
    name = "not-an-object"
    scope = Scope.LINE  # reported per line, from the reader's facts

    def check(self, facts: SourceFacts) -> Iterator[Finding]:
        for line, col, what, type_name, raw in facts.non_objects:
            if what == "document":
                hint = "; a .json file holds one array of records (or one record)"
            elif type_name == "array":
                hint = (' (a list of messages? set [tool.sftlint.mapping] messages = "", or let '
                        "`sftlint init` propose the mapping)")
            else:
                hint = ""
            yield self.finding(facts.path, line, col, f"{what} is a JSON {type_name}, not an "
                               f"object{hint}", record_key=_line_key(raw))


class NotJsonLines(FileRule):
    """A `.jsonl` file that holds one JSON document.

    ## What it does
    Flags a JSON Lines file that is one JSON array or one pretty-printed object. The records
    in it are still read and checked.

    ## Why it matters for training
    A JSON Lines loader reads `[` as the first record and fails, or reads each
    pretty-printed line as a broken record.

    ## Example
    ```jsonl
    [
      {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    ]
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    ```
    Or rename the file to `.json`.
    """

    code = "F009"
    name = "not-json-lines"

    def check(self, facts: SourceFacts) -> Iterator[Finding]:
        if facts.single_document:
            yield self.finding(
                facts.path, 1, 1,
                f"file is one JSON {facts.single_document}, not JSON Lines; write one record "
                "per line or rename it to .json")
