"""V rules: preference data (DPO pairs of a chosen and a rejected reply; KTO labels)."""

from __future__ import annotations

from collections.abc import Iterator

from sftlint.config import StrictModel
from sftlint.findings import Finding, Severity
from sftlint.options import Field
from sftlint.records import MISSING, Message, Record, side_text, turn_pointer
from sftlint.rule import RecordRule


def _well_formed(side: list[Message] | None) -> bool:
    return bool(side) and side is not None and side[-1].role == "assistant" and bool(
        (side[-1].content and not side[-1].content.isspace()) or side[-1].tool_calls)


class IdenticalPair(RecordRule):
    """Chosen and rejected are the same text.

    ## What it does
    Compares the chosen and the rejected reply of a preference pair (every pair shape:
    sharegpt ranking, `chosen_messages`/`rejected_messages`, TRL's `prompt`/`chosen`/
    `rejected`, OpenAI's `preferred_output`/`non_preferred_output`) and flags equal ones.

    ## Why it matters for training
    DPO pushes the two replies apart; with equal replies the gradient cancels and the
    pair only costs compute, or, with some losses, adds noise.

    ## Example
    ```jsonl
    {"prompt": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}], "chosen": [{"role": "assistant", "content": "闷的时候出去走走挺好，要不要一起想想去哪儿？"}], "rejected": [{"role": "assistant", "content": "闷的时候出去走走挺好，要不要一起想想去哪儿？"}]}
    ```

    ## Use instead
    ```jsonl
    {"prompt": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}], "chosen": [{"role": "assistant", "content": "闷的时候出去走走挺好，要不要一起想想去哪儿？"}], "rejected": [{"role": "assistant", "content": "那就别闷着。"}]}
    ```
    """

    code = "V001"
    name = "identical-pair"

    def check(self, record: Record) -> Iterator[Finding]:
        pair = record.pair
        if pair is not None and pair.identical():
            assert pair.rejected is not None
            yield self.at(record, pair.rejected[-1].pointer,
                          "rejected reply is the same text as the chosen one")


class NearIdenticalPair(RecordRule):
    """Chosen and rejected at or above `threshold` similarity.

    ## What it does
    Scores the chosen against the rejected reply with rapidfuzz's `ratio` (0-100) and
    flags pairs at or above `threshold` that are not identical (V001 reports those).

    ## Why it matters for training
    A pair that differs in a comma teaches the preference of that comma: DPO's signal
    comes from what differs, and here almost nothing does.

    ## Example
    ```jsonl
    {"prompt": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}], "chosen": [{"role": "assistant", "content": "闷的时候出去走走挺好，晒晒太阳，吹吹风，心里会松快一些。要不要一起想想明天上午去哪儿走走，公园还是河边，您更喜欢哪一个地方呢？"}], "rejected": [{"role": "assistant", "content": "闷的时候出去走走挺好，晒晒太阳，吹吹风，心里会松快一些。要不要一起想想明天上午去哪儿走走，公园还是河边，您更喜欢哪一个地方呀？"}]}
    ```

    ## Use instead
    ```jsonl
    {"prompt": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}], "chosen": [{"role": "assistant", "content": "闷的时候出去走走挺好，要不要一起想想去哪儿？"}], "rejected": [{"role": "assistant", "content": "那就别闷着。"}]}
    ```

    ## Options
    - `threshold` (default 98): rapidfuzz ratio at or above which a pair is flagged.
    """

    code = "V002"
    name = "near-identical-pair"
    severity = Severity.WARNING

    class Options(StrictModel):
        threshold: float = Field(98, ge=0, le=100)

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        pair = record.pair
        if pair is None:
            return
        chosen, rejected = side_text(pair.chosen), side_text(pair.rejected)
        if not chosen or not rejected or chosen == rejected:
            return
        from rapidfuzz import fuzz

        score = fuzz.ratio(chosen, rejected, score_cutoff=self.options.threshold)
        if score:
            assert pair.rejected is not None
            yield self.at(record, pair.rejected[-1].pointer,
                          f"rejected reply is {score:.1f}% similar to the chosen one "
                          f"(threshold {self.options.threshold:g})")


class PairPromptMismatch(RecordRule):
    """Chosen and rejected conversations differ before their final reply.

    ## What it does
    Where each side of a pair is a whole conversation (`chosen_messages`/
    `rejected_messages`, TRL's implicit prompt), compares everything before the final
    reply, and flags the first turn where the two differ (or a different number of turns).

    ## Why it matters for training
    Trainers take the prompt from one side (usually the chosen one): the rejected reply is
    then scored against a prompt it never answered, and the pair teaches nothing sound.

    ## Example
    ```jsonl
    {"chosen": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}, {"role": "assistant", "content": "闷的时候出去走走挺好，要不要一起想想去哪儿？"}], "rejected": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "晚上总睡不着。"}, {"role": "assistant", "content": "那就别闷着。"}]}
    ```

    ## Use instead
    ```jsonl
    {"chosen": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}, {"role": "assistant", "content": "闷的时候出去走走挺好，要不要一起想想去哪儿？"}], "rejected": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}, {"role": "assistant", "content": "那就别闷着。"}]}
    ```
    """

    code = "V003"
    name = "pair-prompt-mismatch"

    def check(self, record: Record) -> Iterator[Finding]:
        pair = record.pair
        if pair is not None and pair.prompt_mismatch is not None:
            yield self.at(record, pair.prompt_mismatch[0], pair.prompt_mismatch[1])


class PairSideMissing(RecordRule):
    """A chosen or rejected reply is missing, empty or not an assistant turn.

    ## What it does
    Checks both sides of every preference pair: the side must be there, its last turn must
    be an assistant turn, and that turn must say something (or call a tool).

    ## Why it matters for training
    DPO trainers either crash on a missing side or, worse, score an empty string: the
    model learns to prefer (or avoid) saying nothing.

    ## Example
    ```jsonl
    {"prompt": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}], "chosen": [{"role": "assistant", "content": "闷的时候出去走走挺好，要不要一起想想去哪儿？"}], "rejected": []}
    ```

    ## Use instead
    ```jsonl
    {"prompt": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}], "chosen": [{"role": "assistant", "content": "闷的时候出去走走挺好，要不要一起想想去哪儿？"}], "rejected": [{"role": "assistant", "content": "那就别闷着。"}]}
    ```
    """

    code = "V004"
    name = "pair-side-missing"

    def check(self, record: Record) -> Iterator[Finding]:
        pair = record.pair
        if pair is None or (record.problems and not record.messages):
            return  # nothing was read: S001/S002 say why
        for label, side, where in (("chosen", pair.chosen, pair.chosen_pointer),
                                   ("rejected", pair.rejected, pair.rejected_pointer)):
            if _well_formed(side):
                continue
            if side is None:
                yield self.at(record, None, f"{label} reply is missing ({where[1:]})")
            elif not side:
                yield self.at(record, where, f"{label} side has no reply")
            elif side[-1].role != "assistant":
                yield self.at(record, turn_pointer(side[-1], record.shape),
                              f"{label} reply is a {side[-1].role} turn, not an assistant one")
            else:
                yield self.at(record, side[-1].pointer, f"{label} reply is empty")


class KtoLabelInvalid(RecordRule):
    """A KTO record without a boolean `label`.

    ## What it does
    In KTO data (records with `messages` or `prompt`/`completion` and a `label`, detected
    from the file's first record), flags a record whose `label` is missing or not `true`/
    `false` (a string `"true"`, `1`, `null`).

    ## Why it matters for training
    KTO learns from the label alone: a missing one makes loaders fail or, when they cast
    `"false"` to a truthy value, teaches the model the opposite of the intent.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}, {"role": "assistant", "content": "闷的时候出去走走挺好，要不要一起想想去哪儿？"}], "label": true}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的，最想念家里的什么呢？"}], "label": "false"}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}, {"role": "assistant", "content": "闷的时候出去走走挺好，要不要一起想想去哪儿？"}], "label": true}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的，最想念家里的什么呢？"}], "label": false}
    ```
    """

    code = "V005"
    name = "kto-label-invalid"

    def check(self, record: Record) -> Iterator[Finding]:
        if not record.shape.kto or type(record.source.value) is not dict:
            return
        label = record.label
        if label is MISSING:
            yield self.at(record, None, 'KTO record has no "label" (true or false)')
        elif type(label) is not bool:
            shown = repr(label) if not isinstance(label, str) else f'"{label}"'
            yield self.at(record, "/label", f"KTO label is {shown[:40]}, not true or false")
