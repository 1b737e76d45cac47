"""A002-A004: the shape of assistant replies (checklists, length, repetition)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import Field

from sftlint.config import StrictModel
from sftlint.findings import Finding, Severity
from sftlint.records import Record
from sftlint.rule import RecordRule

_LIST_ITEM = re.compile(
    r"(?m)^[ \t]*(?:\d{1,2}[.、)）](?!\d)|[（(]\d{1,2}[)）]|[-*•·●][ \t]|[一二三四五六七八九十]、"
    r"|第[一二三四五六七八九十]+[，,、：:])")


class ChecklistReply(RecordRule):
    """Assistant turn is a list of suggestions.

    ## What it does
    Flags assistant turns with `min-items` or more lines that start with a list marker:
    `1.`, `2、`, `（3）`, `-`, `•`, `一、`, `第一，`.

    ## Why it matters for training
    A person who says they feel low and gets "1. 多运动 2. 早睡 3. 找朋友聊天" has been handed
    a leaflet, not listened to. Models copy the format eagerly.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "最近心情不好。"}, {"role": "assistant", "content": "可以试试：\\n1. 多出去走走\\n2. 早点休息\\n3. 找朋友聊天"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "最近心情不好。"}, {"role": "assistant", "content": "心情不好的时候，日子过得特别慢。最近是发生了什么吗？"}]}
    ```

    ## Options
    - `min-items` (default 2): list lines needed to call a reply a checklist.
    """

    code = "A002"
    name = "checklist-reply"

    class Options(StrictModel):
        min_items: int = Field(2, ge=1)

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        need = self.options.min_items
        for m in record.messages:
            if m.role == "assistant" and "\n" in m.content:
                items = len(_LIST_ITEM.findall(m.content))
                if items >= need:
                    yield self.at(record, m.pointer,
                                  f"assistant turn is a checklist ({items} list items); "
                                  "reply in sentences")


class ReplyLength(RecordRule):
    """Assistant turn outside `min-chars`..`max-chars`.

    ## What it does
    Flags assistant turns shorter than `min-chars` or longer than `max-chars` characters
    (surrounding whitespace excluded).

    ## Why it matters for training
    Very short replies teach curtness; very long ones teach the model to talk past the
    user, and are the first to be cut by `max_length`.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天降温了。"}, {"role": "assistant", "content": "哦"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天降温了。"}, {"role": "assistant", "content": "降温了可得多穿点，您那边冷不冷？"}]}
    ```

    ## Options
    - `min-chars` (default 4)
    - `max-chars` (default 500)
    """

    code = "A003"
    name = "reply-length"
    severity = Severity.WARNING

    class Options(StrictModel):
        min_chars: int = Field(4, ge=0)
        max_chars: int = Field(500, gt=0)

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        lo = self.options.min_chars
        hi = self.options.max_chars
        for m in record.messages:
            if m.role == "assistant":
                n = len(m.content)
                if n < lo or n > hi:
                    n = len(m.content.strip())
                    if 0 < n < lo:
                        yield self.at(record, m.pointer,
                                      f"assistant turn is {n} characters (min {lo})")
                    elif n > hi:
                        yield self.at(record, m.pointer,
                                      f"assistant turn is {n} characters (max {hi})")


_TANDEM = re.compile(r"(.{4,80}?)\1{2,}", re.S)
_LETTER = re.compile(r"[^\W\d_]")


def loop_coverage(text: str) -> float:
    """Share of `text` inside runs where one unit (4-80 characters, with a letter in it: not
    a rule of dashes or indentation) repeats three or more times in a row: the signature
    of a generation loop."""
    covered = sum(m.end() - m.start() for m in _TANDEM.finditer(text)
                  if _LETTER.search(m.group(1)))
    return covered / len(text) if text else 0.0


def repeated_share(text: str, n: int) -> float:
    """Share of character n-grams in `text` that repeat an earlier one."""
    total = len(text) - n + 1
    if total <= 0:
        return 0.0
    unique = set(map(text.__getitem__, map(slice, range(total), range(n, total + n))))
    return 1 - len(unique) / total


class DegenerateRepetition(RecordRule):
    """A turn that repeats itself.

    ## What it does
    Measures the share of character n-grams (`n`, default 4) in a turn that repeat an
    earlier one; where it reaches `threshold` (default 0.5) in a turn of at least
    `min-chars` characters, confirms that the repeats are a loop: one unit said three or
    more times in a row, covering at least `min-loop-share` (default 0.3) of the turn, as in
    "Eat a banana! Eat a banana! Eat a banana!". Code and JSON repeat n-grams too (keys,
    indentation) without looping, and are not flagged.

    ## Why it matters for training
    Such turns are usually generation failures; trained on, they teach the model the
    loop it should never fall into.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。想家是很正常的。想家是很正常的。想家是很正常的。"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？"}]}
    ```

    ## Options
    - `n` (default 4), `threshold` (default 0.5), `min-chars` (default 20),
      `min-loop-share` (default 0.3)
    """

    code = "A004"
    name = "degenerate-repetition"

    class Options(StrictModel):
        n: int = Field(4, ge=1)
        threshold: float = Field(0.5, gt=0, le=1)
        min_chars: int = Field(20, ge=1)
        min_loop_share: float = Field(0.3, ge=0, le=1)

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        o = self.options
        for m in record.messages:
            text = m.content
            if m.role != "system" and len(text) >= o.min_chars:
                # Each first occurrence of a character starts or ends a new n-gram, so there
                # are at least (distinct characters - n + 1) distinct n-grams: when that is
                # already too many for the threshold, skip the full count.
                grams = len(text) - o.n + 1
                if len(set(text)) - o.n + 1 > grams * (1 - o.threshold):
                    continue
                share = repeated_share(text, o.n)
                if share >= o.threshold and loop_coverage(text) >= o.min_loop_share:
                    yield self.at(record, m.pointer,
                                  f"{m.role} turn repeats itself ({share:.0%} of its "
                                  f"{o.n}-grams are repeats)")
