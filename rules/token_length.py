"""T rules: the record as the training chat template renders and truncates it.

They run only when `[tokens] tokenizer` names a local model directory, and need the
train extra (transformers) for the tokenizer; the rest of sftlint never imports it.
What they cannot evaluate is never a pass: a record the template fails on, or renders so
that masking cannot follow, is a T002 error; a template that cannot render at all (jinja2
missing) stops the run (exit 2). The tokenizer and each record's encoding live in the
run's cache (`self.run`), so T001-T004 and R003 encode a record once and nothing outlives
the run. R003 and T005 live here too: they are about what the template renders and cuts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sftlint.findings import Finding, Severity
from sftlint.options import StrictModel, from_project
from sftlint.records import TOOL_ROLES, Message, Record
from sftlint.rule import RecordRule
from sftlint.trainer.data import (
    Encoded,
    EncodedCompletion,
    EncodedPair,
    TemplateError,
    chat_messages,
    chat_tools,
    encode,
    encode_completion,
    encode_pair,
    injected_system_prompt,
    kto_split,
    load_tokenizer,
    pair_messages,
    trained_turns,
)


@dataclass(frozen=True)
class Unencodable:
    """Why a record could not be encoded with the chat template."""

    reason: str


class _TokenRule(RecordRule):
    """Shared: the tokenizer from the config, and one encoding per record, per run."""

    class Options(StrictModel):
        tokenizer: str | None = from_project("tokenizer")  # resolved from the config's folder
        max_length: int = from_project("max-length")

    options: Options

    def tokenizer_dir(self) -> str | None:
        return self.options.tokenizer

    def tokenizer(self) -> Any | None:
        path = self.tokenizer_dir()
        if path is None:
            return None
        return self.run.shared(("tokenizer", path), lambda: load_tokenizer(path))

    def encoding(self, record: Record) -> Encoded | Unencodable | None:
        """The record as training encodes it; None where the T rules do not apply (no
        tokenizer configured, or the S rules already report the record's structure)."""
        tokenizer = self.tokenizer()
        messages = chat_messages(record)
        if tokenizer is None or not messages or record.problems:
            return None
        max_length = self.options.max_length

        def compute() -> Encoded | Unencodable:
            trained = trained_turns(record)
            try:
                return encode(tokenizer, messages, max_length, chat_tools(record),
                              None if isinstance(trained, str) else trained)
            except TemplateError as exc:
                return Unencodable(str(exc))

        # T001-T004 and R003 see the same record one after another: encode it once
        return self.run.latest(("encoding", self.tokenizer_dir(), max_length), record, compute)

    def encoded(self, record: Record) -> Encoded | None:
        enc = self.encoding(record)
        return enc if isinstance(enc, Encoded) else None

    def pair_encoding(self, record: Record) -> EncodedPair | None:
        """A pair as DPO trains it; None where there is no pair with both sides, no
        tokenizer, or the template fails (T002 reports that)."""
        tokenizer = self.tokenizer()
        sides = pair_messages(record)
        if tokenizer is None or sides is None or record.problems:
            return None
        max_length = self.options.max_length

        def compute() -> EncodedPair | None:
            try:
                return encode_pair(tokenizer, *sides, max_length, chat_tools(record))
            except TemplateError:
                return None

        return self.run.latest(("pair-encoding", self.tokenizer_dir(), max_length), record,
                               compute)

    def completion_encoding(self, record: Record) -> EncodedCompletion | None:
        """A KTO record (a boolean `label`) as KTO trains it: only its final reply carries
        the label. None for other records, or where the template fails (T002 reports it)."""
        tokenizer = self.tokenizer()
        if tokenizer is None or not isinstance(record.label, bool) or record.problems or \
                record.pair is not None or any(m.role not in TOOL_ROLES for m in record.messages):
            return None
        messages, split = chat_messages(record), kto_split(record)
        if split == len(messages):  # no reply to label: refused by the gate
            return None
        max_length = self.options.max_length

        def compute() -> EncodedCompletion | None:
            try:
                prompt, completion, _, _ = encode_completion(
                    tokenizer, messages[:split], messages[split:], max_length,
                    chat_tools(record))
            except TemplateError:
                return None
            return EncodedCompletion(prompt, completion, max_length, record.label)

        return self.run.latest(("completion-encoding", self.tokenizer_dir(), max_length),
                               record, compute)

    def rejected_dropping(self, record: Record, carries: Callable[[Message], bool],
                          dropped: Callable[[EncodedPair], bool]) -> Message | None:
        """The rejected reply's first turn that `carries` what the template leaves out of
        it (`dropped` of the pair's encoding: its tool calls, its reasoning), or None."""
        pair = record.pair
        if pair is None or not pair.rejected or not any(carries(m) for m in pair.rejected):
            return None
        encoded = self.pair_encoding(record)
        if encoded is None or not dropped(encoded):
            return None
        return next(m for m in pair.rejected if carries(m))


class ExceedsMaxLength(_TokenRule):
    """Tokenized with the training chat template, the record is longer than `max-length`.

    ## What it does
    Renders the record with the tokenizer's chat template (as `sftlint train` does) and
    counts tokens; flags records over `[tokens] max-length` with how many tokens are cut.
    For a preference pair, the prompt with either reply.

    ## Why it matters for training
    The trainer truncates silently: the end of the conversation, usually the last reply,
    is never learned.

    ## Example
    ```text
    a 900-token conversation with max-length = 512
    ```

    ## Use instead
    ```text
    shorten the conversation, split it, or raise max-length
    ```
    """

    code = "T001"
    name = "exceeds-max-length"
    severity = Severity.WARNING

    def check(self, record: Record) -> Iterator[Finding]:
        enc = self.encoded(record)
        limit = self.options.max_length
        if enc is not None and enc.truncated:
            yield self.at(record, None, f"record is {enc.full_length} tokens (max-length "
                                        f"{limit}): {enc.full_length - limit} are cut")
        elif enc is not None and record.pair is not None:  # the rejected side may be longer
            pair = self.pair_encoding(record)
            if pair is not None and pair.rejected.truncated:
                total = len(pair.prompt_ids) + len(pair.rejected_ids)
                yield self.at(record, None, f"prompt and rejected reply are {total} tokens "
                                            f"(max-length {limit}): {total - limit} are cut")


class NoTrainableTokens(_TokenRule):
    """After truncation no assistant token is left: the sample teaches nothing.

    ## What it does
    Flags records whose assistant tokens all lie past `max-length`, so every label is
    masked; for a KTO record (a boolean `label`), whose labelled reply (the final assistant
    turns) keeps no token. Also flags, saying why, a record the chat template fails on or
    renders so that masking cannot place each assistant turn: a template that ends the last
    reply its own way (Phi-3 adds the eos, OLMo ends earlier replies with `<|im_end|>` and
    the last with the eos) is followed where an earlier turn's own end-of-turn marker can be
    told from the next turn's header, and refused where it cannot. And each tool call
    (its function name and arguments), tool result or `tools` declaration list the template
    does not render: templates without tool support (plain ChatML, Llama-2, Mistral v0.1,
    Gemma-2, Phi-3) drop them.

    ## Why it matters for training
    The record costs compute and contributes no gradient; with loss averaged per batch it
    can even produce NaN losses; a KTO record's label is never trained. A record whose
    masking is guessed could put a later user turn in the loss: the model would learn to
    speak for the user. A tool call the template drops leaves an empty turn in the loss:
    the model learns to answer with nothing.

    ## Example
    ```text
    a 700-token user turn and its reply, with max-length = 512
    ```

    ## Use instead
    ```text
    shorten the user turn or raise max-length
    ```
    """

    code = "T002"
    name = "no-trainable-tokens"

    def check(self, record: Record) -> Iterator[Finding]:
        enc = self.encoding(record)
        if isinstance(enc, Unencodable):  # cannot be evaluated, nor trained: never a pass
            yield self.at(record, None, f"cannot tell what this record trains: {enc.reason}")
            return
        if enc is None:
            return
        yield from self.tools_dropped(record, enc)
        if enc.trainable_tokens == 0:
            yield self.at(record, None, f"no assistant token within max-length "
                                        f"{self.options.max_length} "
                                        f"({enc.full_length} tokens): nothing to learn")
            return
        # KTO trains the final reply only: an earlier reply's tokens do not carry the label
        kto = self.completion_encoding(record)
        if kto is not None and not kto.trainable_ids:
            reply = record.messages[kto_split(record)]
            yield self.at(record, reply.pointer,
                          f"the labelled reply keeps no token within max-length "
                          f"{kto.max_length} (the prompt is {len(kto.prompt_ids)} tokens): "
                          "its label is never trained")

    def tools_dropped(self, record: Record, enc: Encoded) -> Iterator[Finding]:
        """Tool calls, results and declarations the template leaves out (as R003 does for
        reasoning): the record would be trained without them."""
        messages = [m for m in record.messages if m.role in TOOL_ROLES]
        for i in enc.tool_turns_dropped:
            message = messages[i]
            if message.tool_calls:
                names = ", ".join(str(c.name) for c in message.tool_calls)
                calls, them = ("calls", "them") if len(message.tool_calls) > 1 else ("call", "it")
                yield self.at(record, message.tool_calls[0].pointer,
                              f"the chat template does not render this turn's tool {calls} "
                              f"({names}): the turn would be trained without {them}; use a "
                              "template with tool support")
            else:
                yield self.at(record, message.pointer,
                              f"the chat template does not render this tool result "
                              f"({len(message.content)} characters): the reply after it "
                              "would be trained without it; use a template with tool support")
        if enc.tools_dropped and record.tools is not None:
            count = len(record.tools.declarations)
            yield self.at(record, record.tools.pointer,
                          f"the chat template does not render the record's tools ({count} "
                          f"declaration{'s' if count != 1 else ''}): the model would never "
                          "see what it may call; use a template with tool support")
        rejected = self.rejected_dropping(record, lambda m: bool(m.tool_calls),
                                          lambda pair: pair.rejected_tools_dropped)
        if rejected is not None and rejected.tool_calls:
            yield self.at(record, rejected.tool_calls[0].pointer,
                          "the chat template does not render the rejected reply's tool "
                          "call: it would be scored without it; use a template with tool "
                          "support")


class TemplateInjectedSystem(_TokenRule):
    """The chat template adds a system prompt the record does not have.

    ## What it does
    Renders a conversation without a system message and checks whether the template puts
    one in (Qwen2.5's templates add "You are a helpful assistant."); flags each record
    without a system message when it does.

    ## Why it matters for training
    The model is trained under a prompt nobody chose, and served under whatever the
    serving code sends instead.

    ## Example
    ```text
    a record without a system turn, and a template that injects a default one
    ```

    ## Use instead
    ```text
    give every record the system prompt you serve with
    ```
    """

    code = "T003"
    name = "template-injected-system"

    def check(self, record: Record) -> Iterator[Finding]:
        tokenizer = self.tokenizer()
        if tokenizer is None or not record.messages or record.problems:
            return
        if any(m.role == "system" for m in record.messages):
            return
        def probe() -> str | Unencodable | None:
            try:
                return injected_system_prompt(tokenizer)
            except TemplateError as exc:
                return Unencodable(str(exc))

        injected = self.run.shared(("injected-system", self.tokenizer_dir()), probe)
        if isinstance(injected, Unencodable):
            yield self.at(record, None, "cannot tell whether the chat template adds a system "
                                        f"prompt: {injected.reason}")
            return
        if injected:
            yield self.at(record, None, f'chat template adds a system prompt the record does '
                                        f'not have: "{injected[:60]}"')


class EndOfTurnTruncated(_TokenRule):
    """Truncation cuts an assistant turn's end-of-turn token.

    ## What it does
    Flags records where `max-length` falls inside an assistant turn, so its end-of-turn
    token (`<|im_end|>`, `</s>`) is cut while part of the reply is kept; for a preference
    pair, inside either reply.

    ## Why it matters for training
    The model learns the reply but never where it stops, and rambles at inference.

    ## Example
    ```text
    a reply whose last tokens lie past max-length
    ```

    ## Use instead
    ```text
    shorten the reply or raise max-length
    ```
    """

    code = "T004"
    name = "end-of-turn-truncated"
    severity = Severity.WARNING

    def check(self, record: Record) -> Iterator[Finding]:
        enc = self.encoded(record)
        if enc is None:
            return
        limit = self.options.max_length
        for start, end in enc.assistant_spans if enc.truncated else []:
            if start < limit < end:
                yield self.at(record, None, f"max-length {limit} cuts an assistant turn at "
                                            f"token {limit - start} of {end - start}: its "
                                            "end-of-turn token is lost")
                return
        pair = self.pair_encoding(record) if record.pair is not None else None
        if pair is not None and len(pair.prompt_ids) < limit and pair.rejected.truncated:
            kept = limit - len(pair.prompt_ids)
            yield self.at(record, None, f"max-length {limit} cuts the rejected reply at token "
                                        f"{kept} of {len(pair.rejected_ids)}: its end-of-turn "
                                        "token is lost")


class ReasoningDroppedByTemplate(_TokenRule):
    """With a tokenizer: the chat template drops this turn's reasoning.

    ## What it does
    Renders the record with the tokenizer's chat template, as `sftlint train` does, and
    flags each assistant turn whose reasoning (a `reasoning_content` field, reasoning
    content parts, or `<think>` in the content) is not in the text rendered for that turn.
    Qwen3's template keeps the reasoning of the turns after the last user message only;
    a template that knows no reasoning field drops it everywhere. For a preference pair,
    both replies are checked.

    ## Why it matters for training
    What is trained is what the template renders: the reply without its reasoning. A model
    fine-tuned on data with reasoning then never sees, for these turns, the reasoning you
    wrote, and learns to answer without thinking first.

    ## Example
    ```text
    a two-exchange conversation with reasoning in both replies, and Qwen3's template:
    the first reply's reasoning is not rendered
    ```

    ## Use instead
    ```text
    one exchange per record (split multi-turn conversations at each reasoning reply), or
    a template that renders every turn's reasoning
    ```
    """

    code = "R003"
    name = "reasoning-dropped-by-template"

    def check(self, record: Record) -> Iterator[Finding]:
        if not any(m.reasoning for m in record.messages) and not (
                record.pair and any(m.reasoning for m in record.pair.rejected or [])):
            return
        enc = self.encoded(record)
        if enc is None:
            return
        messages = [m for m in record.messages if m.role in TOOL_ROLES]
        for i in enc.reasoning_dropped:
            message = messages[i]
            yield self.at(record, message.reasoning_pointer or message.pointer,
                          f"the chat template drops this turn's reasoning "
                          f"({len(message.reasoning or '')} characters): the reply is trained "
                          "without it")
        rejected = self.rejected_dropping(record, lambda m: bool(m.reasoning),
                                          lambda pair: pair.rejected_reasoning_dropped)
        if rejected is not None:
            yield self.at(record, rejected.reasoning_pointer or rejected.pointer,
                          "the chat template drops the rejected reply's reasoning "
                          f"({len(rejected.reasoning or '')} characters): it is trained "
                          "without it")


class PairIdenticalAfterTruncation(_TokenRule):
    """With a tokenizer: chosen and rejected are equal within `max-length`.

    ## What it does
    Encodes a preference pair as `sftlint train --method dpo` does (the prompt through
    the generation prompt, then each reply through its end-of-turn token) and flags pairs
    whose two replies differ only past `[tokens] max-length` (cut there, the two training
    sequences are the same tokens), or not at all once encoded (a template that trims the
    trailing space that told them apart). A pair equal as text is reported here too, beside
    V001: the gate refuses it with V001 ignored.

    ## Why it matters for training
    DPO learns from where chosen and rejected differ. Cut to the same tokens, the pair's
    gradient cancels: it costs compute and teaches nothing, and the preference you
    labelled is never seen.

    ## Example
    ```text
    a 500-token prompt whose chosen and rejected replies share their first 40 tokens,
    with max-length = 512
    ```

    ## Use instead
    ```text
    shorten the prompt, raise max-length, or make the replies differ early
    ```
    """

    code = "T005"
    name = "pair-identical-after-truncation"

    def check(self, record: Record) -> Iterator[Finding]:
        enc = self.pair_encoding(record)
        if enc is None or not enc.identical_within_max_length:
            return
        assert record.pair is not None and record.pair.rejected
        where = record.pair.rejected[-1].pointer
        if enc.diverge_at is None:
            yield self.at(record, where, "chosen and rejected encode to the same "
                                         f"{len(enc.chosen_ids)} tokens with the chat "
                                         "template: the pair is identical as trained")
        elif len(enc.prompt_ids) >= enc.max_length:
            yield self.at(record, where, f"the prompt alone is {len(enc.prompt_ids)} tokens "
                                         f"(max-length {enc.max_length}): no token of either "
                                         "reply is left, the pair is identical")
        else:
            yield self.at(record, where, f"chosen and rejected first differ at token "
                                         f"{enc.diverge_at}, past max-length {enc.max_length}: "
                                         "cut there, the pair is identical")
