"""S008-S009: leftovers in the text itself (template placeholders, stray whitespace)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from sftlint import regex_cache
from sftlint.findings import Edit, Finding, Severity
from sftlint.records import Record
from sftlint.rule import RecordRule, byte_span

# What str.isspace() calls space, less U+001C-U+001F: those are separators a record may use
# on purpose (str.strip() would take them away).
WHITESPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
              + "\u2028\u2029\u202f\u205f\u3000")

_PLACEHOLDER = regex_cache.compile(
    r"\{\{\s*[A-Za-z_][\w.]*\s*\}\}"  # {{name}}
    r"|(?<![{$\\])\{[A-Za-z_][A-Za-z0-9_]+\}(?!\})"  # {author}; not ${x}, {{x}} or a set {x}
    r"|<[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*>"  # <PLACEHOLDER>, <USER_NAME>
    r"|\[(?:PLACEHOLDER|NAME|INSERT[ _][A-Z ]+)\]"
)
# What comes right before braces in code and markup, not in a sentence: \begin{table},
# textbf{not}, d^{FB}, x_{n}, ${{ github.repository }}, Ruby's #{x}, JSX's onSubmit={f},
# \begin{array}{cc}
_CODE_BEFORE_BRACE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                               "0123456789\\^_$#=})]")
_MATH_INDEX = regex_cache.compile(r"\{[A-Za-z]_[A-Za-z0-9]{1,2}\}")  # a sequence {x_n}, {a_ij}
_FORMAT_STRING = regex_cache.compile(r"""\bf["']|\.format\(|%\(""")  # f"…{x}…", "{x}".format(
# A placeholder the text talks about rather than one left unfilled: named as a token
# ("replace the <MASK> token", "占位符 {name}") or quoted ('<MASK>', “{name}”).
_NOUN = (r"(?:tokens?|tags?|placeholders?|markers?|symbols?|variables?|fields?|"
         r"标记|符号|占位符|标签|变量|字段)")
_NAMED_AFTER = regex_cache.compile(r"""['"“‘「『]?\s?""" + _NOUN, re.IGNORECASE)
_NAMED_BEFORE = regex_cache.compile(_NOUN + r"""\s?[:：]?\s?['"“‘「『]?$""", re.IGNORECASE)
_QUOTES = {"'": "'", '"': '"', "“": "”", "‘": "’", "「": "」", "『": "』"}


def _mentioned(text: str, m: re.Match[str]) -> bool:
    start, end = m.span()
    before = text[start - 1:start]
    if before in _QUOTES and text.startswith(_QUOTES[before], end):
        return True
    return bool(_NAMED_AFTER.match(text, end)
                or _NAMED_BEFORE.search(text, max(0, start - 16), start))


def placeholders(text: str) -> Iterator[re.Match[str]]:
    """The placeholders in `text` that stand in prose: a brace that follows code or LaTeX
    syntax, or one inside a code block, inline code or a format string, is the code's own.
    One pass: the counts of fences and backticks before a match carry over from the match
    before it (a long text of many braces stays linear)."""
    fences = ticks = 0
    seen = line_start = 0
    formats = None  # whether the current line formats strings, once asked
    for m in _PLACEHOLDER.finditer(text):
        start = m.start()
        if text[start] == "{" and (start and text[start - 1] in _CODE_BEFORE_BRACE
                                   or _MATH_INDEX.fullmatch(m.group())):
            continue
        fences += text.count("```", seen, start)
        newline = text.rfind("\n", seen, start)
        if newline != -1:  # a new line: its backticks and format strings start afresh
            line_start, ticks, formats = newline + 1, 0, None
        ticks += text.count("`", max(seen, line_start), start)
        seen = start
        if fences % 2 or ticks % 2:
            continue  # inside a fenced code block, or inline code
        if formats is None:
            line_end = text.find("\n", start)
            formats = _FORMAT_STRING.search(
                text, line_start, len(text) if line_end == -1 else line_end) is not None
        if formats:
            continue  # a line of code that formats strings
        yield m



class UnfilledPlaceholder(RecordRule):
    """Template placeholders left in the content.

    ## What it does
    Flags `{{name}}`, `{author}`, `<PLACEHOLDER>` and `[INSERT NAME]` in any message:
    text that a generation script should have filled in. Braces that belong to code or
    markup are not placeholders: inside a code block or inline code, on a line that formats
    strings (`f"…{x}"`, `"{x}".format(`), or right after code or LaTeX syntax
    (`\\begin{table}`, `textbf{x}`, `d^{FB}`, `${{ github.repository }}`, `#{x}`, `={x}`),
    and a sequence in math (`{x_n}`). Nor is a placeholder the text talks about: one named
    as a token or quoted ("replace the <MASK> token", `'{name}'`), or one an assistant
    repeats from the prompt of the same conversation (a task about that token).

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
        in_prompt: set[str] = set()  # placeholders of the turns before the assistant's
        for m in record.messages:
            if not ("{" in m.content or "<" in m.content or "[" in m.content):
                continue
            matches = list(placeholders(m.content))
            # once the text names a placeholder as a token, its other uses are examples
            talked_about = {match.group() for match in matches
                            if _mentioned(m.content, match)}
            if m.role == "assistant":
                talked_about |= in_prompt
            else:
                in_prompt.update(match.group() for match in matches)
            found = next((match for match in matches if match.group() not in talked_about),
                         None)
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
            if c and (c[0] in WHITESPACE or c[-1] in WHITESPACE) and c.strip(WHITESPACE):
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
    new = json.dumps(content.strip(WHITESPACE), ensure_ascii=ascii_only).encode()
    return (Edit(span[0], span[1], new),)
