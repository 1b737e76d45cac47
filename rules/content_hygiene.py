"""S008-S009: leftovers in the text itself (template placeholders, stray whitespace)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from sftlint import regex_cache
from sftlint.findings import Edit, Finding, Severity
from sftlint.records import Message, Pair, Record
from sftlint.rule import RecordRule, byte_span

# What str.isspace() calls space, less U+001C-U+001F: those are separators a record may use
# on purpose (str.strip() would take them away).
WHITESPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
              + "\u2028\u2029\u202f\u205f\u3000")

_PLACEHOLDER = regex_cache.compile(
    r"\{\{\s*[^\W\d][\w.-]*\s*\}\}"  # {{name}}, {{用户名}}, {{user-name}}
    r"|(?<![{$\\])\{(?:[A-Za-z_][A-Za-z0-9_]+|[\u4e00-\u9fff]{2,8})\}(?!\})"  # {author}, {用户名};
    # not ${x}, {{x}} or a set {x}
    r"|<[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*>"  # <PLACEHOLDER>, <USER_NAME>
    r"|\[(?:PLACEHOLDER|NAME|INSERT[ _][A-Z ]+)\]"
)
# What comes right before braces in code and markup, not in a sentence: \begin{table},
# textbf{not}, d^{FB}, x_{n}, ${{ github.repository }}, Ruby's #{x}, JSX's onSubmit={f},
# \begin{array}{cc}
_CODE_BEFORE_BRACE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                               "0123456789\\^_$#=})]")
_BACKTICKS = regex_cache.compile(r"`+")
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
        fences += text.count("```", seen, start) + text.count("~~~", seen, start)
        newline = text.rfind("\n", seen, start)
        if newline != -1:  # a new line: its backticks and format strings start afresh
            line_start, ticks, formats = newline + 1, 0, None
        # a run of backticks opens or closes inline code (``{x}``), one character or more
        ticks += len(_BACKTICKS.findall(text, max(seen, line_start), start))
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
    Flags `{{name}}`, `{author}`, `{{用户名}}`, `{用户名}`, `<PLACEHOLDER>` and `[INSERT NAME]`
    in any message, a preference pair's rejected side too: text that a generation script
    should have filled in. Braces that belong to code or markup are not placeholders:
    inside a code block (``` or ~~~) or inline code (`x` or ``x``), on a line that formats
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
        for m in record.every_turn():
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
    Flags a message whose content starts or ends with spaces, tabs or newlines, on both
    sides of a preference pair (the rejected reply, and the rejected conversation's turns).

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
    Safe: only the whitespace at the ends of that content's JSON string is removed, as
    written (a space, `\\n`, `\\u3000`); the rest of the line, the string's escapes
    included, stays byte for byte. A preference pair's sides are trimmed alike; where a
    trim would change whether they match (they differ only in that whitespace, or are
    equal and one side cannot be edited), neither is fixed: a fix never hides an identical
    pair (V001) nor splits a shared turn (V003).
    """

    code = "S009"
    name = "untrimmed-content"
    severity = Severity.WARNING
    fixable = True

    def check(self, record: Record) -> Iterator[Finding]:
        pair = record.pair
        # the rejected side too: a fix of one side only would make equal sides differ,
        # hiding an identical pair (V001) or splitting a shared turn (V003)
        rejected = [] if pair is None else [*pair.rejected_prompt, *(pair.rejected or [])]
        untrimmed = [(m, side) for side, turns in (("", record.messages),
                                                   ("rejected ", rejected))
                     for m in turns if _untrimmed(m.content)]
        if not untrimmed:
            return
        edits = {m.pointer: _trim_edit(record, m.pointer, m.content) for m, _ in untrimmed}
        held = _unsafe_in_pair(pair, {p for p, e in edits.items() if e}) if pair else set()
        for m, side in untrimmed:
            if m.pointer in held:
                yield self.at(record, m.pointer,
                              f"{side}{m.role} content has leading or trailing whitespace "
                              "(no safe fix: trimming it changes whether the chosen and "
                              "rejected sides match)")
            else:
                yield self.at(record, m.pointer,
                              f"{side}{m.role} content has leading or trailing whitespace",
                              edits=edits[m.pointer])


def _untrimmed(content: str) -> bool:
    return bool(content) and (content[0] in WHITESPACE or content[-1] in WHITESPACE) \
        and bool(content.strip(WHITESPACE))


def _unsafe_in_pair(pair: Pair, trimmed: set[str]) -> set[str]:
    """The pointers among `trimmed` whose fix would change whether the two sides agree:
    the replies (V001) or a turn before them (V003). Where one side cannot be fixed (its
    content is assembled from parts, say), the other is left as it is too."""
    def text(m: Message) -> str:
        return m.content.strip(WHITESPACE) if m.pointer in trimmed else m.content

    def reply(side: list[Message], after: bool) -> str:  # as V001 compares them
        return "\n".join((m.reasoning or "") + (text(m) if after else m.content) for m in side)

    held: set[str] = set()
    groups = [(pair.chosen or [], pair.rejected or [],
               reply(pair.chosen or [], False) == reply(pair.rejected or [], False),
               reply(pair.chosen or [], True) == reply(pair.rejected or [], True))]
    groups += [([a], [b], a.role == b.role and a.content == b.content,
                a.role == b.role and text(a) == text(b))
               for a, b in zip(pair.chosen_prompt, pair.rejected_prompt, strict=False)]
    for chosen, rejected, before, after in groups:
        if before != after:
            held.update(m.pointer for m in chosen + rejected)
    return held


# One character of a JSON string as written: an escape or a character
_JSON_CHAR = regex_cache.compile(r'\\u[0-9A-Fa-f]{4}|\\.|.', re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "\\": "\\",
            "/": "/"}


def _written_char(unit: str) -> str:
    if unit[0] != "\\":
        return unit
    return chr(int(unit[2:], 16)) if unit[1] == "u" else _ESCAPES[unit[1]]


def _trim_edit(record: Record, pointer: str, content: str) -> tuple[Edit, ...]:
    span = byte_span(record, pointer)
    if span is None:
        return ()
    token = record.source.raw[span[0] - record.source.offset: span[1] - record.source.offset]
    try:
        if json.loads(token) != content or token[:1] != b'"':
            return ()  # the content was assembled from several fields: no safe edit
        # drop whole characters at the ends, each as written (a space, \n, \u3000), and
        # keep the rest byte for byte: re-encoding would turn \u2028 or \u003c into raw
        # characters (a raw U+2028 splits the line for str.splitlines())
        chars = _JSON_CHAR.findall(token[1:-1].decode("utf-8"))
    except ValueError:
        return ()
    start, end = 0, len(chars)
    while start < end and _written_char(chars[start]) in WHITESPACE:
        start += 1
    while end > start and _written_char(chars[end - 1]) in WHITESPACE:
        end -= 1
    new = ('"' + "".join(chars[start:end]) + '"').encode()
    if json.loads(new) != content.strip(WHITESPACE):
        return ()  # not what trimming means: leave the content as it is
    return (Edit(span[0], span[1], new),)
