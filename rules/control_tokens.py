"""S011: chat-template control tokens inside content."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sftlint import regex_cache
from sftlint.batch import Batch
from sftlint.findings import Finding
from sftlint.rule import RecordRule

# The turn markers of the common chat templates (ChatML/Qwen, Llama 2 and 3, Mistral, Gemma,
# Phi-3, DeepSeek, GPT-OSS harmony). `<s>` alone is left out: it is HTML strikethrough too.
CONTROL_TOKENS = (
    "<|im_start|>", "<|im_end|>", "<|im_sep|>", "<|endoftext|>", "<|eot_id|>",
    "<|start_header_id|>", "<|end_header_id|>", "<|begin_of_text|>", "<|end_of_text|>",
    "<|eom_id|>", "<|user|>", "<|assistant|>", "<|system|>", "<|end|>",
    "[INST]", "[/INST]", "<<SYS>>", "<</SYS>>", "</s>", "<start_of_turn>", "<end_of_turn>",
    "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>",
    "<|start|>", "<|message|>", "<|channel|>", "<|return|>", "<|call|>",
)
_PATTERN = regex_cache.compile("|".join(re.escape(t) for t in CONTROL_TOKENS))


class ControlTokenInContent(RecordRule):
    """Content holds chat-template control tokens.

    ## What it does
    Flags content that contains a turn marker of a common chat template (`<|im_start|>`,
    `<|im_end|>`, `<|endoftext|>`, `<|eot_id|>`, `<|start_header_id|>`, `[INST]`, `</s>`,
    `<start_of_turn>`, ...); a turn's reasoning and the values in its tool calls' arguments
    are read too, since the template renders them. One finding per string. `<s>` alone is
    not flagged, since HTML uses it.

    ## Why it matters for training
    The chat template wraps each turn in these tokens. One inside the content splits the
    rendered sample into turns that are not in the data, and the model learns to end or
    start turns in the middle of a reply.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}, {"role": "assistant", "content": "闷的时候出去走走挺好。<|im_end|>"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天有点闷。"}, {"role": "assistant", "content": "闷的时候出去走走挺好，要不要一起想想去哪儿？"}]}
    ```
    """

    code = "S011"
    name = "control-token-in-content"

    def check_batch(self, batch: Batch) -> Iterator[Finding]:
        # the content, reasoning and tool-call arguments of every turn (`Batch.fields`): the
        # template renders them all; one finding per string
        fields = batch.fields()
        reported: set[tuple[int, str]] = set()
        for i in sorted(fields.matching(_PATTERN)):
            place = id(fields.records[i]), fields.pointers[i]
            found = _PATTERN.search(fields.texts[i])
            if found and place not in reported:
                reported.add(place)
                yield self.at(fields.records[i], fields.pointers[i],
                              f'control token "{found.group()}" in {fields.messages[i].role} '
                              "turn; remove it or escape it as plain text", span=found.group())
