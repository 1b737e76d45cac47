"""Records -> token ids + labels: the chat template rendered exactly as training sees it,
with loss only on assistant tokens (and each assistant turn's end-of-turn token).

Templates with `{% generation %}` markers give the assistant mask directly (the mechanism
trl's `assistant_only_loss` uses). Most real templates lack them; then each assistant turn's
character span is found by rendering prefixes of the conversation: the text rendered for
the turns before it plus the generation prompt is where its content starts, the text
rendered through it is where its end-of-turn token ends. Needs no torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sftlint.config import ConfigError
from sftlint.records import ROLES, Record

IGNORE_INDEX = -100


class TemplateError(Exception):
    """The chat template fails on a conversation, or renders it in a way masking cannot
    follow: the record cannot be evaluated, so it cannot be trained either."""


@dataclass
class Encoded:
    input_ids: list[int]  # truncated to max_length
    labels: list[int]  # IGNORE_INDEX where no loss
    full_length: int  # tokens before truncation
    assistant_spans: list[tuple[int, int]]  # token [start, end) per assistant turn, untruncated

    @property
    def truncated(self) -> bool:
        return self.full_length > len(self.input_ids)

    @property
    def trainable_tokens(self) -> int:
        return sum(1 for label in self.labels if label != IGNORE_INDEX)


def quiet_transformers() -> None:
    """transformers' warnings ("Token indices sequence length is longer ...") are not
    sftlint's findings: T001 says it, with the record's place."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def quiet_libraries() -> None:
    """Keep the libraries' progress bars and deprecation chatter out of sftlint's output:
    sftlint prints its own progress (per-step loss lines)."""
    import warnings

    quiet_transformers()
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"(transformers|trl|peft)")
    warnings.filterwarnings("ignore", category=UserWarning, module=r"(transformers|trl|peft)")
    try:
        import datasets

        datasets.disable_progress_bars()
    except ImportError:  # only the trainer needs datasets
        pass


def load_tokenizer(path: str) -> Any:
    """A tokenizer from a local directory only (no hub), never running remote code.
    Not cached here: a run keeps what it loads (RunCache), and callers may change it."""
    try:
        from transformers import AutoTokenizer
    except ImportError:
        raise ConfigError("token rules and training need the train extra: "
                          "pip install 'sftlint[train]'") from None
    quiet_transformers()
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=False,
                                                  local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot load a tokenizer from {path}: "
                          f"{str(exc).splitlines()[0]}") from None
    if not getattr(tokenizer, "chat_template", None):
        raise ConfigError(f"{path}: the tokenizer has no chat template")
    return tokenizer


def chat_messages(record: Record) -> list[dict[str, str]]:
    return [{"role": m.role, "content": m.content} for m in record.messages if m.role in ROLES]


def render(tokenizer: Any, messages: Sequence[dict[str, str]], generation_prompt: bool) -> str:
    text = _apply_template(tokenizer, messages, tokenize=False,
                           add_generation_prompt=generation_prompt)
    return str(text)


def _apply_template(tokenizer: Any, messages: Sequence[dict[str, str]], **kwargs: Any) -> Any:
    """apply_chat_template, its failures sorted: what no record can get past (jinja2 missing
    or too old) is a ConfigError; a template that fails on this conversation (it raises on
    the roles, reads a key the record lacks) is a TemplateError for this record."""
    try:
        return tokenizer.apply_chat_template(list(messages), **kwargs)
    except ImportError as exc:
        raise ConfigError(f"cannot render the chat template: {_first_line(exc)}") from None
    except Exception as exc:
        raise TemplateError(f"the chat template fails on this conversation: "
                            f"{type(exc).__name__}: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else "(no message)"


def has_generation_markers(tokenizer: Any) -> bool:
    template = tokenizer.chat_template
    return isinstance(template, str) and "{% generation %}" in template.replace("{%-", "{%")


def assistant_char_spans(tokenizer: Any, messages: Sequence[dict[str, str]], full: str
                         ) -> list[tuple[int, int]]:
    spans = []
    for i, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        before = render(tokenizer, messages[:i], generation_prompt=True)
        through = render(tokenizer, messages[:i + 1], generation_prompt=False).rstrip()
        if not full.startswith(before) or not full.startswith(through):
            raise TemplateError("the chat template renders earlier turns differently once "
                                "later ones follow; prefix masking cannot be used with it")
        spans.append((len(before), len(through)))
    return spans


def encode(tokenizer: Any, messages: Sequence[dict[str, str]], max_length: int) -> Encoded:
    if has_generation_markers(tokenizer):
        out = _apply_template(tokenizer, messages, tokenize=True, return_dict=True,
                              return_assistant_tokens_mask=True)
        ids = list(out["input_ids"])
        mask = list(out["assistant_masks"])
        token_spans = _runs(mask)
    else:
        full = render(tokenizer, messages, generation_prompt=False)
        char_spans = assistant_char_spans(tokenizer, messages, full)
        enc = tokenizer(full, add_special_tokens=False, return_offsets_mapping=True,
                        verbose=False)
        ids = list(enc["input_ids"])
        starts = [start for start, _ in enc["offset_mapping"]]
        token_spans = []
        for s, e in char_spans:
            inside = [t for t, start in enumerate(starts) if s <= start < e]
            if inside:
                token_spans.append((inside[0], inside[-1] + 1))
        mask = [0] * len(ids)
        for a, b in token_spans:
            mask[a:b] = [1] * (b - a)
    labels = [tok if m else IGNORE_INDEX for tok, m in zip(ids, mask, strict=True)]
    return Encoded(ids[:max_length], labels[:max_length], len(ids), token_spans)


def _runs(mask: list[int]) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, bit in enumerate([*mask, 0]):
        if bit and start is None:
            start = i
        elif not bit and start is not None:
            runs.append((start, i))
            start = None
    return runs


PROBE_USER, PROBE_SYSTEM = "SFTLINTUSERPROBE", "SFTLINTSYSTEMPROBE"


def injected_system_prompt(tokenizer: Any) -> str | None:
    """The system prompt the template adds to a conversation that has none, if any.
    A template that cannot render at all (jinja2 missing) raises ConfigError."""
    try:
        bare = render(tokenizer, [{"role": "user", "content": PROBE_USER}], False)
        with_system = render(tokenizer, [{"role": "system", "content": PROBE_SYSTEM},
                                         {"role": "user", "content": PROBE_USER}], False)
    except TemplateError:  # templates may reject a system role; then nothing is injected
        return None
    for text, probe, role in ((bare, PROBE_USER, "user"), (with_system, PROBE_SYSTEM, "system")):
        if probe not in text:
            raise TemplateError(f"the chat template drops the {role} message's content")
    header = with_system[:with_system.index(PROBE_SYSTEM)]
    after = with_system[with_system.index(PROBE_SYSTEM) + len(PROBE_SYSTEM):]
    prefix = bare[:bare.index(PROBE_USER)]
    if not header.strip() or header not in prefix:
        return None
    start = prefix.index(header) + len(header)
    closer = after.split("\n")[0] or after[:8]
    end = prefix.find(closer, start) if closer else -1
    return prefix[start:end if end != -1 else len(prefix)].strip() or None
