"""U rules: user turns should sound like a person talking, not a survey."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import Field

from sftlint.chinese import cjk_share, words
from sftlint.config import MAX_CHARS, StrictModel
from sftlint.findings import Finding, Severity
from sftlint.records import Record
from sftlint.rule import RecordRule


class UserTooLong(RecordRule):
    """User turn longer than `max-chars`: it reads like a survey, not speech.

    ## What it does
    Counts the characters of each user turn (surrounding whitespace excluded) and flags
    those over `max-chars`. By default only turns that are mostly Chinese are measured,
    since the limit is set for Chinese, where one character carries about a word.

    ## Why it matters for training
    People chatting with a companion say a sentence at a time. Trained on long, written
    prompts, the model learns a user who never exists and does worse on the real one.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "我最近总是睡不好觉，晚上躺在床上翻来覆去，脑子里一直想着过去的事情，想着孩子们小时候的样子，现在他们都在外地工作，一年也回不来几次。"}, {"role": "assistant", "content": "听起来您很想念孩子们，夜里格外难熬吧？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "最近老睡不好，总想起孩子们小时候。"}, {"role": "assistant", "content": "听起来您很想念孩子们，夜里格外难熬吧？"}]}
    ```

    ## Options
    - `max-chars` (default 50)
    - `cjk-only` (default `true`): measure only turns whose letters are mostly CJK.
    """

    code = "U001"
    name = "user-too-long"
    severity = Severity.WARNING

    class Options(StrictModel):
        max_chars: int = Field(50, gt=0, le=MAX_CHARS)
        cjk_only: bool = True

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        limit = self.options.max_chars
        for m in record.messages:
            if m.role == "user" and len(m.content) > limit:
                n = len(m.content.strip())
                if n > limit and (not self.options.cjk_only
                                  or cjk_share(m.content) >= 0.5):
                    yield self.at(record, m.pointer, f"user turn is {n} characters "
                                                     f"(max {limit})")


class UserTooShort(RecordRule):
    """User turn shorter than `min-chars`.

    ## What it does
    Flags user turns with fewer than `min-chars` characters (surrounding whitespace excluded).

    ## Why it matters for training
    A one-character turn ("嗯", "?") gives the reply nothing to respond to; the model
    learns to answer context it was never given.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "嗯"}, {"role": "assistant", "content": "今天过得怎么样？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "嗯，还行。"}, {"role": "assistant", "content": "还行就好，今天做了些什么？"}]}
    ```

    ## Options
    - `min-chars` (default 2)
    """

    code = "U002"
    name = "user-too-short"
    severity = Severity.WARNING

    class Options(StrictModel):
        min_chars: int = Field(2, ge=0, le=MAX_CHARS)

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        limit = self.options.min_chars
        for m in record.messages:
            if m.role == "user" and len(m.content) < limit + 4:
                n = len(m.content.strip())
                if 0 < n < limit:
                    yield self.at(record, m.pointer, f"user turn is {n} character(s) "
                                                     f"(min {limit})")


_REQUEST_VERBS = {"给出", "列出", "分析", "提供", "说明", "总结", "解释", "介绍", "描述", "阐述"}
# Cheap pre-filter: only turns where a whole marker appears as characters go to jieba,
# which then decides whether they are words (您好 vs 您/好像, 咨询 vs 咨询师).
_FORMAL_HINT = re.compile(
    r"您好|请问|咨询|请.{0,12}?(?:" + "|".join(sorted(_REQUEST_VERBS)) + ")"
    r"|(?m:^\s*(?:\d{1,2}[.、)）]|[-*•]\s))", re.S)
_LIST_LINE = re.compile(r"(?m)^\s*(?:\d{1,2}[.、)）]|[（(]\d{1,2}[)）]|[-*•]\s)")
_FORMAL_WORDS = {"您好", "请问", "咨询"}


def formal_marker(text: str) -> str | None:
    """The first written-request marker in a user turn, or None."""
    if not _FORMAL_HINT.search(text):
        return None
    if _LIST_LINE.search(text):
        return "a list"
    tokens = words(text)
    for i, tok in enumerate(tokens):
        if tok in _FORMAL_WORDS:
            return tok
        if tok == "请":
            verb = next((t for t in tokens[i + 1:i + 8] if t in _REQUEST_VERBS), None)
            if verb:
                return f"请…{verb}"
    return None


class FormalUserTurn(RecordRule):
    """User turn reads like a written request, not speech.

    ## What it does
    Flags user turns with the markers of a written request: 您好, 请问, 咨询, "请…给出/列出/
    分析", or list markers. Words are matched on jieba tokens, so 咨询师 or 请客 do not count;
    jieba runs only on turns a cheap substring test has flagged.

    ## Why it matters for training
    A companion model hears "最近老睡不好", not "您好，请问如何改善睡眠？请列出建议". Trained on
    the second, it answers the first like a help desk.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "请问怎样才能睡好？"}, {"role": "assistant", "content": "睡不好挺磨人的，最近是心里有事吗？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "最近老睡不好。"}, {"role": "assistant", "content": "睡不好挺磨人的，最近是心里有事吗？"}]}
    ```
    """

    code = "U003"
    name = "formal-user-turn"
    severity = Severity.WARNING

    def check(self, record: Record) -> Iterator[Finding]:
        for m in record.messages:
            if m.role == "user":
                marker = formal_marker(m.content)
                if marker:
                    yield self.at(record, m.pointer, f'user turn reads like a written request '
                                                     f'("{marker}"); write it as speech')
