"""R rules: reasoning traces (`<think>` blocks, `reasoning_content`, reasoning parts)."""

from __future__ import annotations

from array import array
from collections.abc import Iterator

from sftlint.config import StrictModel
from sftlint.findings import Finding, Severity
from sftlint.records import Record, Row
from sftlint.rule import DatasetRule, RecordRule
from sftlint.rules.duplicates import Places


class ReasoningMalformed(RecordRule):
    """Unbalanced, nested or unterminated `<think>` tags, or reasoning after the answer.

    ## What it does
    Reads the reasoning of every assistant turn: one `<think>…</think>` block at the start
    of the content, a `reasoning_content` field, or `reasoning` content parts before the
    text. Flags an opening tag without its closing one (or the reverse), nested or
    repeated blocks, text before the block, reasoning given twice (in a field and in the
    content), and reasoning parts after the answer.

    ## Why it matters for training
    Reasoning templates split the turn at the tags: a missing `</think>` makes the whole
    answer reasoning (which many templates then drop), and reasoning after the answer
    teaches the model to think once it has already replied.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}, {"role": "assistant", "content": "<think>他说闷，可能想聊聊天。闷的时候有人说说话挺好，您想聊点什么？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}, {"role": "assistant", "content": "<think>他可能想出去走走。</think>闷的时候出去走走挺好，要不要一起想想去哪儿？"}]}
    ```
    """

    code = "R001"
    name = "reasoning-malformed"

    def check(self, record: Record) -> Iterator[Finding]:
        for m in record.messages:
            if m.reasoning_issue is not None:
                yield self.at(record, m.reasoning_pointer or m.pointer,
                              f"{m.role} turn: {m.reasoning_issue}")


class ReasoningInconsistent(DatasetRule):
    """Some assistant replies carry reasoning and others do not.

    ## What it does
    Counts the records of a dataset whose assistant replies carry reasoning (a `<think>`
    block, even an empty one, `reasoning_content` or reasoning parts) and those whose
    replies do not. When both kinds occur, each record of the smaller group is reported
    (on a tie, those without reasoning), with the counts.

    ## Why it matters for training
    A model trained on a mix learns to think only sometimes, unpredictably; hybrid
    "thinking on/off" data marks its non-thinking replies explicitly (an empty
    `<think></think>`), which this rule counts as reasoning.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}, {"role": "assistant", "content": "<think>他可能想出去走走。</think>闷的时候出去走走挺好，要不要一起想想去哪儿？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "<think>想家的人需要被听见。</think>想家是很正常的，最想念家里的什么呢？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "晚上总睡不着。"}, {"role": "assistant", "content": "睡不着的夜里特别难熬，最近是有什么心事吗？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}, {"role": "assistant", "content": "<think>他可能想出去走走。</think>闷的时候出去走走挺好，要不要一起想想去哪儿？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "<think>想家的人需要被听见。</think>想家是很正常的，最想念家里的什么呢？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "晚上总睡不着。"}, {"role": "assistant", "content": "<think>先问问原因。</think>睡不着的夜里特别难熬，最近是有什么心事吗？"}]}
    ```
    """

    code = "R002"
    name = "reasoning-inconsistent"
    severity = Severity.WARNING
    needs_turns = False

    def __init__(self, options: StrictModel) -> None:
        super().__init__(options)
        # places as ints, record keys as 12-byte digests: bounded, typed state
        self.places = Places()
        self.groups = {True: array("q"), False: array("q")}
        self.columns = {True: array("Q"), False: array("Q")}  # not 1 where records share a line
        self.keys = {True: bytearray(), False: bytearray()}

    def observe(self, row: Row) -> None:
        if row.reasoning is None:
            return  # no assistant reply: nothing to compare
        self.groups[row.reasoning].append(self.places.encode(row.path, row.line))
        self.columns[row.reasoning].append(row.column)
        self.keys[row.reasoning] += bytes.fromhex(row.key())

    def finish(self, dataset: str) -> Iterator[Finding]:
        with_, without = len(self.groups[True]), len(self.groups[False])
        if not with_ or not without:
            return
        minority = with_ < without
        for n, code in enumerate(self.groups[minority]):
            yield self.report((*self.places.decode(code), self.columns[minority][n]),
                              self.keys[minority][12 * n: 12 * n + 12].hex(), with_, without)

    def report(self, place: tuple[str, int, int], key: str, with_: int, without: int
               ) -> Finding:
        """The finding for a record of the smaller group, given the dataset's counts of
        records with and without reasoning; the Ray engine reports through it too."""
        minority = with_ < without
        what = ("carries reasoning" if minority else "carries no reasoning")
        return self.finding(*place,
                            f"assistant reply {what}, while {max(with_, without)} of the "
                            f"dataset's {with_ + without} records "
                            f"{'do not' if minority else 'do'}", record_key=key)


class EmptyReasoning(RecordRule):
    """An empty or whitespace-only reasoning block.

    ## What it does
    Flags an assistant turn whose reasoning (`<think></think>`, `reasoning_content`,
    reasoning parts) is empty or only whitespace.

    ## Why it matters for training
    An empty block trains the model to skip thinking. That is deliberate in hybrid data
    (Qwen3's non-thinking mode), and then this warning can be ignored for those files;
    elsewhere it is a reasoning trace lost on the way.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}, {"role": "assistant", "content": "<think>\\n\\n</think>闷的时候出去走走挺好，要不要一起想想去哪儿？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}, {"role": "assistant", "content": "<think>他可能想出去走走。</think>闷的时候出去走走挺好，要不要一起想想去哪儿？"}]}
    ```
    """

    code = "R004"
    name = "empty-reasoning"
    severity = Severity.WARNING

    def check(self, record: Record) -> Iterator[Finding]:
        for m in record.messages:
            if m.reasoning is not None and (not m.reasoning or m.reasoning.isspace()):
                yield self.at(record, m.reasoning_pointer or m.pointer,
                              f"{m.role} turn has an empty reasoning block")
