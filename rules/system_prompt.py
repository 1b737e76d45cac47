"""P rules: the system prompt is the same, verbatim, in training data and at inference."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

from sftlint.config import StrictModel
from sftlint.findings import Finding
from sftlint.options import from_project
from sftlint.records import Record, Row
from sftlint.rule import DatasetRule, ProjectRule, RecordRule, Scope

WINDOW = 8  # characters quoted from each side: enough to see the change, never a whole file


def describe_difference(actual: str, expected: str) -> str:
    """Where two prompts first differ, as `at char N: "x" vs "y"` (actual vs expected), or
    that they differ from the start."""
    n = 0
    for a, b in zip(actual, expected, strict=False):
        if a != b:
            break
        n += 1
    a_part = actual[n:n + WINDOW]
    e_part = expected[n:n + WINDOW]
    if n == len(actual) == len(expected):
        return "identical"
    if n == len(expected):
        return f"has {len(actual) - n} extra character(s) at the end: {_quote(a_part)}"
    if n == len(actual):
        return f"is missing {len(expected) - n} character(s) at the end: {_quote(e_part)}"
    edit = actual[1:] in (expected, expected[1:]) or actual == expected[1:] \
        or actual.casefold() == expected.casefold()  # of the first character, or of case
    if n == 0 and not edit:  # another prompt: say so, with how each starts
        return (f"is another prompt: {_quote(a_part)}{'…' * (len(actual) > WINDOW)} vs "
                f"{_quote(e_part)}{'…' * (len(expected) > WINDOW)}")
    return f"differs at char {n + 1}: {_quote(a_part)} vs {_quote(e_part)}"


def _quote(part: str) -> str:
    """`part` in quotes, escaped: a newline keeps the message one line, and a character one
    cannot see (a zero-width space, a BOM, a no-break or full-width space) is shown as
    \\uXXXX, or two prompts that differ only there would be quoted alike."""
    import unicodedata

    text = json.dumps(part, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in _UNSEEN
                   or (c != " " and unicodedata.category(c) == "Zs") else c for c in text)


_UNSEEN = {"Cc", "Cf", "Zl", "Zp"}  # controls, format characters, line/paragraph separators


class SystemPromptMismatch(RecordRule):
    """The system prompt is not verbatim the configured one.

    ## What it does
    Compares every system message with `system-prompt` (or the text of
    `system-prompt-file`, without its final newline) character by character, and says
    where they first differ: a full-width comma, a trailing space, an old version.

    ## Why it matters for training
    A model fine-tuned under one prompt and served under another behaves like a
    different model; near-identical prompts are the hardest to notice by eye.

    ## Config
    ```toml
    system-prompt = "你是一位耐心的陪伴者。"
    ```

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    ```
    """

    code = "P001"
    name = "system-prompt-mismatch"

    class Options(StrictModel):
        expected: str | None = from_project("system-prompt")  # its file read once

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        expected = self.options.expected
        if expected is None:
            return
        for m in record.messages:
            if m.role == "system" and m.content != expected:
                yield self.at(record, m.pointer, "system prompt "
                              + describe_difference(m.content, expected))


class SystemPromptInconsistent(DatasetRule):
    """No prompt is configured and the records disagree on the system prompt.

    ## What it does
    When neither `system-prompt` nor `system-prompt-file` is set, takes the most common
    system prompt of the dataset as the reference and flags every record whose system
    prompt differs from it, saying where.

    ## Why it matters for training
    Mixed prompts split what the model learns between them; at inference only one is used.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "下雨了。"}, {"role": "assistant", "content": "下雨天适合泡杯热茶，您那边冷吗？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者"}, {"role": "user", "content": "有点闷。"}, {"role": "assistant", "content": "闷的时候，想聊点什么吗？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "下雨了。"}, {"role": "assistant", "content": "下雨天适合泡杯热茶，您那边冷吗？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点闷。"}, {"role": "assistant", "content": "闷的时候，想聊点什么吗？"}]}
    ```
    """

    code = "P002"
    name = "system-prompt-inconsistent"
    scope = Scope.LINE  # reported per record, once the whole dataset is seen
    needs_turns = False

    class Options(StrictModel):
        prompt_configured: bool = from_project("prompt-configured")

    options: Options

    def __init__(self, options: StrictModel) -> None:
        super().__init__(options)
        self.counts: Counter[str] = Counter()
        self.where: dict[str, list[tuple[str, int]]] = {}

    def observe(self, row: Row) -> None:
        prompt = row.system
        if prompt is None:
            return
        self.counts[prompt] += 1
        self.where.setdefault(prompt, []).append((row.path, row.line))

    def finish(self, dataset: str) -> Iterator[Finding]:
        if len(self.counts) < 2 or self.options.prompt_configured:
            return
        reference, count = self.counts.most_common(1)[0]
        for prompt, places in self.where.items():
            if prompt == reference:
                continue
            detail = describe_difference(prompt, reference)
            for place in places:
                yield self.report(place, detail, count)

    def report(self, place: tuple[str, int], detail: str, count: int) -> Finding:
        """The finding for a record whose prompt differs from the majority's (`detail`:
        describe_difference's, `count`: the majority's records); the Ray engine reports
        through it too."""
        return self.finding(place[0], place[1], None,
                            f"system prompt {detail} (reference: the majority prompt, "
                            f"{count} records)")


class SystemPromptDrift(ProjectRule):
    """The configured prompt differs from the one used at inference.

    ## What it does
    Reads each entry of `inference-prompt-sources`: a text file (its content, without the
    final newline) or `file.py:NAME`, a string constant assigned to `NAME` in a Python file,
    found by parsing the file (it is never run). Each must equal the configured prompt.

    ## Why it matters for training
    The serving code keeps its own copy of the prompt; when someone edits one copy, the
    model is served under a prompt it was never trained with.

    ## Example
    ```text
    system-prompt = "你是一位耐心的陪伴者。"
    verify_lora.py: SYSTEM_PROMPT = "你是一位耐心的陪伴者"
    ```

    ## Use instead
    ```text
    verify_lora.py: SYSTEM_PROMPT = "你是一位耐心的陪伴者。"
    ```
    """

    code = "P003"
    name = "system-prompt-drift"

    class Options(StrictModel):
        expected: str | None = from_project("system-prompt")
        # (path, prompt, line, column) of each source, read where a prompt is configured
        inference_prompts: list[tuple[str, str, int, int]] = from_project("inference-prompts")

    options: Options

    def check(self) -> Iterator[Finding]:
        expected = self.options.expected
        if expected is None:
            return
        for path, prompt, line, col in self.options.inference_prompts:
            if prompt != expected:
                yield self.finding(path, line, col,
                                   "inference prompt " + describe_difference(prompt, expected)
                                   + " (compared with the configured system-prompt)")
