"""S rules: the conversation's structure (messages, roles, order, keys)."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from functools import cache
from typing import Literal

from sftlint.config import CategoriesConfig, StrictModel
from sftlint.findings import Finding, Severity
from sftlint.options import Field, from_project
from sftlint.records import Record, Row, escape_pointer, turn_pointer
from sftlint.rule import DatasetRule, RecordRule, Scope
from sftlint.rules.duplicates import Places

SYSTEM_OK = '{"role": "system", "content": "你是一位耐心的陪伴者。"}'


class _ProblemRule(RecordRule):
    """Reports the structural problems the normalizer found, for this rule's code."""

    def check(self, record: Record) -> Iterator[Finding]:
        for problem in record.problems:
            if problem.code == self.code:
                yield self.at(record, problem.pointer, problem.message)


class MissingMessages(_ProblemRule):
    """The record has no list of messages.

    ## What it does
    Flags a record without its conversation: no `messages` list (or `conversations` for
    sharegpt, `instruction`/`output` for alpaca, the key set by `[tool.sftlint.mapping]`).

    ## Why it matters for training
    Without a message list there is nothing to train on; trainers either crash or skip it.

    ## Example
    ```jsonl
    {"mesages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    ```
    """

    code = "S001"
    name = "missing-messages"


class MalformedMessage(_ProblemRule):
    """A message lacks `role` or `content`, or they are not strings.

    ## What it does
    Flags a message that is not an object, misses its role or content key, or holds a
    non-string there (a list of content parts, `null`).

    ## Why it matters for training
    Chat templates index `message['content']` as text; anything else crashes the
    template or renders `None` into the prompt.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "text": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    ```
    """

    code = "S002"
    name = "malformed-message"


class UnknownRole(RecordRule):
    """A role other than system, user or assistant.

    ## What it does
    Flags a message whose role (after `[tool.sftlint.mapping] roles`) is none of
    `system`, `user`, `assistant`.

    ## Why it matters for training
    The chat template has no rendering for it, or renders it as something the model
    never sees at inference.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "human", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    ```
    """

    code = "S003"
    name = "unknown-role"

    def check(self, record: Record) -> Iterator[Finding]:
        allowed = record.shape.allowed_roles
        for m in record.messages:
            if m.role not in allowed:
                expected = ", ".join(allowed[:-1]) + " or " + allowed[-1]
                yield self.at(record, turn_pointer(m, record.shape),
                              f'unknown role "{m.raw_role}" (expected {expected}; map it in '
                              "[tool.sftlint.mapping] roles)")
                return  # one per record: the rest is usually the same role again


class RoleOrder(RecordRule, DatasetRule):
    """Roles do not follow `system, user, assistant (, user, assistant)*`.

    ## What it does
    Checks the order of roles: a system message first where one is required, then turns
    that alternate user, assistant, starting with user. A missing system message is
    reported here. Unknown roles are left to S003, and a conversation that ends on a user
    turn to S007.

    A system message is required (`require-system = "auto"`) when a system prompt is
    configured, or when most records of the dataset have one; data without system turns
    (LLaMA-Factory's demos, most multimodal sets) is left alone. That majority is a
    dataset judgment: `--no-dataset` (the `sftlint` pre-commit hook) leaves it to the
    dataset hook.

    ## Why it matters for training
    Chat templates assume alternation; two user turns in a row render as a conversation
    the model will never see, and a missing system prompt trains a different model from
    the one served with one.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "assistant", "content": "您好，今天过得怎么样？"}, {"role": "user", "content": "还行吧。"}, {"role": "assistant", "content": "还行就好，想聊点什么吗？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "还行吧。"}, {"role": "assistant", "content": "还行就好，想聊点什么吗？"}]}
    ```

    ## Options
    - `require-system` (default `"auto"`): `true` (every conversation starts with a system
      message), `false` (never required), or `"auto"`: required when `system-prompt` or
      `system-prompt-file` is set, or when most records of the dataset have one.
    """

    code = "S004"
    name = "role-order"
    scope = Scope.LINE  # a record rule; its dataset half only counts system prompts

    class Options(StrictModel):
        require_system: bool | Literal["auto"] = "auto"
        prompt_configured: bool = from_project("prompt-configured")

    options: Options

    def __init__(self, options: StrictModel) -> None:
        super().__init__(options)
        self.with_system = 0
        # records without a system message: places as ints, content keys as 12-byte digests
        # (a million tuples of strings would cost ~150 MB on data that has no system turns)
        self.places = Places()
        self.without = array("q")
        self.columns = array("Q")  # each one's column: not 1 where records share a line
        self.keys = bytearray()

    @property
    def per_record(self) -> bool:
        """Whether each record is judged on its own (else the dataset's majority decides)."""
        required = self.options.require_system
        return required is True or (required == "auto" and self.options.prompt_configured)

    def check(self, record: Record) -> Iterator[Finding]:
        allowed = record.shape.allowed_roles
        if record.problems or any(m.role not in allowed for m in record.messages):
            return  # an unreadable message or unknown role (S001-S003) leaves no order to judge
        # Tool results belong to the assistant's turn (C002 judges where they stand): after
        # a call or a result, the assistant may speak again.
        msgs = record.messages
        if not msgs:
            return
        if msgs[0].role != "system":
            if self.per_record:
                yield self.at(record, turn_pointer(msgs[0], record.shape),
                              f"conversation starts with {msgs[0].role}, not system "
                              "(no system prompt)")
        else:
            msgs = msgs[1:]
        expected = "user"
        calling = False
        for m in msgs:
            if m.role == "tool":
                calling = True
                continue
            if m.role != expected and not (calling and m.role == "assistant"):
                yield self.at(record, turn_pointer(m, record.shape),
                              f"expected a {expected} turn here, found {m.role}")
                return
            calling = m.role == "assistant" and bool(m.tool_calls)
            expected = "assistant" if m.role == "user" else "user"

    def observe(self, row: Row) -> None:
        if self.options.require_system != "auto" or self.per_record:
            return
        if row.system is not None:
            self.with_system += 1
        elif row.user or row.assistant:  # else nothing was read (S001-S003 say why)
            self.without.append(self.places.encode(row.path, row.line))
            self.columns.append(row.column)
            self.keys += bytes.fromhex(row.key())

    def finish(self, dataset: str) -> Iterator[Finding]:
        if self.with_system <= len(self.without):
            return  # most records have no system message: the data does without one
        total = self.with_system + len(self.without)
        for n, code in enumerate(self.without):
            path, line = self.places.decode(code)
            yield self.finding(path, line, self.columns[n], f"conversation has no system "
                               "message, while "
                               f"{self.with_system} of the dataset's {total} records have one",
                               record_key=self.keys[12 * n: 12 * n + 12].hex())


class EmptyContent(RecordRule):
    """Empty or whitespace-only content.

    ## What it does
    Flags a message whose content is empty or only whitespace.

    ## Why it matters for training
    An empty assistant turn teaches the model to say nothing; an empty user turn is a
    conversation nobody has.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": " "}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    ```
    """

    code = "S005"
    name = "empty-content"

    def check(self, record: Record) -> Iterator[Finding]:
        for m in record.messages:
            if (not m.content or m.content.isspace()) and not m.tool_calls and not m.media:
                yield self.at(record, m.pointer, f"{m.role} message is empty")


class UnexpectedKey(RecordRule):
    """Keys outside the record's schema that look like typos of schema keys.

    ## What it does
    Flags keys the shape does not define, at the top level and in messages, when they are
    close to a key it does define: `mesages`, `conent`, `wieght`. Other extra keys (ids,
    metadata such as `emotion` or `annotation`) are left alone unless `strict = true`, which
    flags every key outside the schema. The category field and the keys listed in `allow`
    are accepted. Reported once per record, listing the keys.

    ## Why it matters for training
    A misspelled key is silently ignored by the trainer: the field you meant to set
    (a weight, the messages themselves) does nothing.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？", "wieght": 1}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？", "weight": 1}]}
    ```

    ## Options
    - `strict` (default `false`): flag every key outside the schema, not only likely typos.
    - `allow` (default `[]`): extra keys your data carries on purpose (`id`, `meta`, ...).
    """

    code = "S006"
    name = "unexpected-key"
    severity = Severity.WARNING

    class Options(StrictModel):
        strict: bool = False
        allow: list[str] = Field(default_factory=list)
        categories: CategoriesConfig | None = from_project("categories")

    options: Options

    def __init__(self, options: StrictModel) -> None:
        super().__init__(options)
        allowed = set(self.options.allow)
        categories = self.options.categories
        if categories and categories.field:
            allowed.add(categories.field.split(".")[0])
        self.allowed = frozenset(allowed)

    def check(self, record: Record) -> Iterator[Finding]:
        if not record.extra_keys or any(p.code == "S001" for p in record.problems):
            return  # S001 already names the misspelled message key
        shape = record.shape
        keys = [(p, k, self._typo_of(k, shape.message_keys if p else shape.top_keys))
                for p, k in record.extra_keys
                if k not in self.allowed]
        keys = [(p, k, t) for p, k, t in keys if t or self.options.strict]
        if not keys:
            return
        names = ", ".join(f'"{k}"' + (f' (for "{t}"?)' if t else "") for _, k, t in keys)
        pointer, key, _ = keys[0]
        yield self.at(record, f"{pointer}/{escape_pointer(key)}",
                      f"unexpected key(s) {names}; allow extra keys with "
                      "[tool.sftlint.rules.S006] allow")

    @staticmethod
    @cache
    def _typo_of(key: str, known: frozenset[str]) -> str | None:
        import difflib

        close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
        return close[0] if close else None


class NoAssistantReply(RecordRule):
    """The conversation does not end with an assistant turn.

    ## What it does
    Flags a conversation whose last message is not from the assistant.

    ## Why it matters for training
    With loss on assistant tokens only, trailing user turns teach nothing, and a record
    without any assistant turn contributes no gradient at all.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你好呀。"}, {"role": "assistant", "content": "你好，今天过得怎么样？"}]}
    ```
    """

    code = "S007"
    name = "no-assistant-reply"

    def check(self, record: Record) -> Iterator[Finding]:
        if record.problems and not record.messages:
            return  # nothing was read: S001/S002 already say why
        if record.pair is not None and not (record.pair.chosen and
                                            record.pair.chosen[-1].role == "assistant"):
            return  # a pair without its chosen reply: V004 says so
        if not record.messages:
            yield self.at(record, None, "conversation has no messages")
        elif record.messages[-1].role != "assistant":
            last = record.messages[-1]
            yield self.at(record, turn_pointer(last, record.shape),
                          f"conversation ends with a {last.role} turn, not an assistant reply")
