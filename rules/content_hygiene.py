"""S008-S009: leftovers in the text itself (template placeholders, stray whitespace)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from sftlint import regex_cache
from sftlint.findings import Edit, Finding, Severity
from sftlint.records import Record
from sftlint.rule import RecordRule, byte_span

_PLACEHOLDER = regex_cache.compile(
    r"\{\{\s*[A-Za-z_][\w.]*\s*\}\}"  # {{name}}
    r"|(?<![{$\\])\{[A-Za-z_][A-Za-z0-9_]+\}(?!\})"  # {author}; not ${x}, {{x}} or a set {x}
    r"|<[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*>"  # <PLACEHOLDER>, <USER_NAME>
    r"|\[(?:PLACEHOLDER|NAME|INSERT[ _][A-Z ]+)\]"
)


class UnfilledPlaceholder(RecordRule):
    """Template placeholders left in the content.

    ## What it does
    Flags `{{name}}`, `{author}`, `<PLACEHOLDER>` and `[INSERT NAME]` in any message:
    text that a generation script should have filled in.

    ## Why it matters for training
    The model learns to say "I am {{name}}" verbatim.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你叫什么？"}, {"role": "assistant", "content": "我是{{name}}，很高兴陪您聊天。"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你叫什么？"}, {"role": "assistant", "content": "我是小安，很高兴陪您聊天。"}]}
    ```
    """

    code = "S008"
    name = "unfilled-placeholder"

    def check(self, record: Record) -> Iterator[Finding]:
        for m in record.messages:
            if ("{" in m.content or "<" in m.content or "[" in m.content):
                found = _PLACEHOLDER.search(m.content)
                if found:
                    yield self.at(record, m.pointer,
                                  f'unfilled placeholder "{found.group()}" in {m.role} turn',
                                  span=found.span())


class UntrimmedContent(RecordRule):
    """Content with leading or trailing whitespace or newlines.

    ## What it does
    Flags a message whose content starts or ends with spaces, tabs or newlines.

    ## Why it matters for training
    The model learns to open or close its replies with stray newlines, and the chat
    template's own separators end up doubled.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？\\n"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    ```

    ## Fix safety
    Safe: only the JSON string of that content is rewritten, trimmed; the rest of the line
    stays byte for byte.
    """

    code = "S009"
    name = "untrimmed-content"
    severity = Severity.WARNING
    fixable = True

    def check(self, record: Record) -> Iterator[Finding]:
        for m in record.messages:
            c = m.content
            if c and (c[0].isspace() or c[-1].isspace()) and not c.isspace():
                yield self.at(record, m.pointer,
                              f"{m.role} content has leading or trailing whitespace",
                              edits=_trim_edit(record, m.pointer, c))


def _trim_edit(record: Record, pointer: str, content: str) -> tuple[Edit, ...]:
    span = byte_span(record, pointer)
    if span is None:
        return ()
    token = record.source.raw[span[0] - record.source.offset: span[1] - record.source.offset]
    try:
        if json.loads(token) != content:
            return ()  # the content was assembled from several fields: no safe edit
    except ValueError:
        return ()
    ascii_only = b"\\u" in token and token.isascii()
    new = json.dumps(content.strip(), ensure_ascii=ascii_only).encode()
    return (Edit(span[0], span[1], new),)
