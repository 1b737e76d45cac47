"""Records -> token ids + labels: the chat template rendered exactly as training sees it,
with loss only on assistant tokens (and each assistant turn's end-of-turn token).

The template gets the record as the data gives it: the record's `tools`, assistant tool
calls, tool results (role `tool`), and reasoning (a `reasoning_content` field, or
`<think>` in the content as written). Templates with `{% generation %}` markers give the
assistant mask directly (the mechanism trl's `assistant_only_loss` uses). Most real
templates lack them; then each assistant turn's character span is found by rendering
prefixes of the conversation: the text rendered for the turns before it plus the
generation prompt is where it starts, the text rendered through it is where its
end-of-turn token ends. Tool results a template folds into user turns (Qwen's
`<tool_response>`) lie outside every span. A template that renders a turn without its
reasoning once later turns follow (Qwen3 drops earlier turns' reasoning) is followed: the
span is the turn as rendered, and the turn is named in `reasoning_dropped` (R003). A
template without tool support drops tool calls, tool results or the `tools` declarations:
those are named too (`tool_turns_dropped`, `tools_dropped`: T002), since the record would
be trained without them (an empty turn where the call was). A
template that ends the last reply its own way (Phi-3 adds the eos there; OLMo ends earlier
replies with `<|im_end|>`, the last with the eos; some leave the last one bare) is followed
too: an earlier turn ends with the marker the template puts between a reply and the next
turn's header, probed once; a turn whose end that cannot place is a TemplateError (T002).
A token holding both the generation prompt's last characters and the reply's first is
trained: it holds the reply's first word.

Preference data is encoded as trl's trainers take it: prompt ids (through the generation
prompt) and completion ids (the reply through its end-of-turn token). Needs no torch.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sftlint.config import ConfigError
from sftlint.records import TOOL_ROLES, Message, Record, turn_pointer

IGNORE_INDEX = -100
PROBE_USER = "SFTLINTUSERPROBE"


class TemplateError(Exception):
    """The chat template fails on a conversation, or renders it in a way masking cannot
    follow: the record cannot be evaluated, so it cannot be trained either."""


@dataclass
class Encoded:
    input_ids: list[int]  # truncated to max_length
    labels: list[int]  # IGNORE_INDEX where no loss
    full_length: int  # tokens before truncation
    assistant_spans: list[tuple[int, int]]  # token [start, end) per assistant turn, untruncated
    reasoning_dropped: list[int] = field(default_factory=list)  # message indices (R003)
    # message indices of assistant turns whose tool calls, and of tool results, that the
    # template leaves out; and whether it leaves out the `tools` declarations (T002)
    tool_turns_dropped: list[int] = field(default_factory=list)
    tools_dropped: bool = False

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
    if not os.path.isdir(path):  # else transformers reads it as a hub repo id, and says so
        raise ConfigError(f"{path}: no such tokenizer folder (a local directory with "
                          "tokenizer.json or tokenizer_config.json; no hub ids)")
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


Messages = Sequence[dict[str, Any]]
Tools = list[dict[str, Any]] | None


def chat_messages(record: Record) -> list[dict[str, Any]]:
    """The record's conversation as chat templates take it (for a pair: the prompt and the
    chosen reply)."""
    return [template_message(record, m) for m in record.messages if m.role in TOOL_ROLES]


def template_message(record: Record, message: Message) -> dict[str, Any]:
    """One message in the form Hugging Face chat templates read: tool calls as
    `{"type": "function", "function": {"name", "arguments": {...}}}`, a tool result's
    `tool_call_id`, reasoning as `reasoning_content`, or, where the data wrote
    `<think>...</think>` in the content, that content exactly as written."""
    out: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.reasoning is not None:
        if message.reasoning_pointer == message.pointer:  # inline <think>: as written
            raw = value_at(record.source.value, message.pointer)
            out["content"] = raw if isinstance(raw, str) else (
                f"<think>{message.reasoning}</think>{message.content}")
        else:
            out["reasoning_content"] = message.reasoning
    if message.tool_calls:
        calls = []
        for call in message.tool_calls:
            made: dict[str, Any] = {"type": "function", "function": {
                "name": call.name, "arguments": call.arguments}}
            if call.id is not None:
                made["id"] = call.id
            calls.append(made)
        out["tool_calls"] = calls
    if message.tool_call_id is not None:
        out["tool_call_id"] = message.tool_call_id
    return out


def loss_weights(record: Record) -> list[Any]:
    """Each template message's per-turn `loss_weight` (LLaMA-Factory), None where the data
    gives none."""
    weights = []
    for m in record.messages:
        if m.role in TOOL_ROLES:
            where = turn_pointer(m, record.shape)
            turn = value_at(record.source.value, where) if where else None
            weights.append(turn.get("loss_weight") if isinstance(turn, dict) else None)
    return weights


def trained_turns(record: Record) -> list[bool] | str:
    """Whether each template message may carry loss, from the data's `loss_weight` (0: no,
    1 or none given: yes); what one trained turn cannot express is said instead."""
    flags = []
    for m, w in zip([m for m in record.messages if m.role in TOOL_ROLES],
                    loss_weights(record), strict=True):
        if w is None or (type(w) in (int, float) and w in (0, 1)):
            if m.role != "assistant" and w == 1:
                return (f'a {m.role} turn with "loss_weight": {w} (sftlint train puts loss '
                        "on assistant turns only)")
            flags.append(w != 0)
        else:
            return (f'a "loss_weight" of {w!r} (sftlint train trains a turn fully, 1, or not '
                    "at all, 0)")
    return flags


def pair_messages(record: Record) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                           list[dict[str, Any]]] | None:
    """A pair record as (prompt, chosen, rejected) template messages; None when it is not
    a pair with both sides."""
    pair = record.pair
    if pair is None or not pair.chosen or not pair.rejected:
        return None
    chosen = [template_message(record, m) for m in pair.chosen]
    rejected = [template_message(record, m) for m in pair.rejected]
    return chat_messages(record)[:-len(chosen)], chosen, rejected


def chat_tools(record: Record) -> Tools:
    """The record's tool declarations as `apply_chat_template(tools=...)` takes them."""
    if record.tools is None or not record.tools.declarations:
        return None
    raw = value_at(record.source.value, record.tools.pointer)
    if isinstance(raw, str):  # sharegpt: the list as a JSON string
        try:
            raw = json.loads(raw)
        except ValueError:  # C005 reports it
            return None
    if not isinstance(raw, list):
        return None
    return [item if isinstance(item, dict) and isinstance(item.get("function"), dict)
            else {"type": "function", "function": item} for item in raw]


def value_at(value: Any, pointer: str) -> Any:
    """The value at a JSON pointer (None when it is not there)."""
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict):
            value = value.get(token)
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return None
    return value


def reasoning_text(message: dict[str, Any]) -> str | None:
    """The reasoning a template message carries, in a field or inline."""
    given = message.get("reasoning_content")
    if isinstance(given, str):
        return given
    content = message.get("content")
    if isinstance(content, str) and "<think>" in content and "</think>" in content:
        return content[content.index("<think>") + 7:content.index("</think>")]
    return None


def without_reasoning(message: dict[str, Any]) -> dict[str, Any]:
    """The message as a template renders it when it drops the turn's reasoning."""
    out = {k: v for k, v in message.items() if k != "reasoning_content"}
    content = out.get("content")
    if isinstance(content, str) and "</think>" in content:
        out["content"] = content.split("</think>", 1)[1].lstrip()
    return out


def render(tokenizer: Any, messages: Messages, generation_prompt: bool,
           tools: Tools = None) -> str:
    text = _apply_template(tokenizer, messages, tools, tokenize=False,
                           add_generation_prompt=generation_prompt)
    return str(text)


def _apply_template(tokenizer: Any, messages: Messages, tools: Tools, **kwargs: Any) -> Any:
    """apply_chat_template, its failures sorted: what no record can get past (jinja2 missing
    or too old) is a ConfigError; a template that fails on this conversation (it raises on
    the roles, reads a key the record lacks) is a TemplateError for this record."""
    if tools:
        kwargs["tools"] = tools
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


UNSTABLE = ("the chat template renders earlier turns differently once later ones follow; "
            "prefix masking cannot be used with it")


def assistant_char_spans(tokenizer: Any, messages: Messages, full: str, tools: Tools = None,
                         trained: Sequence[bool] | None = None
                         ) -> tuple[list[tuple[int, int]], list[int], dict[int, tuple[int, int]]]:
    """Each trained assistant turn's [start, end) in `full`, the turns whose reasoning the
    template leaves out of `full`, and every assistant turn's [start, end) by its index."""
    spans, dropped = [], []
    turns: dict[int, tuple[int, int]] = {}
    context = list(messages)  # earlier turns as `full` renders them
    markers = TurnMarkers(tokenizer)
    for i, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        before = render(tokenizer, context[:i], True, tools)
        if not full.startswith(before):
            raise TemplateError(UNSTABLE)
        end = _turn_end(tokenizer, context, i, full, len(before), tools, markers)
        reasoning = reasoning_text(message)
        if reasoning and reasoning.strip() not in full[len(before):end]:
            dropped.append(i)
        turns[i] = (len(before), end)
        if trained is None or trained[i]:
            spans.append((len(before), end))
    return spans, dropped, turns


class TurnMarkers:
    """What the template puts after an assistant reply, probed once per conversation: at
    the end of the conversation (`last`: Phi-3 adds the eos there) and before a later turn
    (`mid`: OLMo ends those with `<|im_end|>`, the last with the eos)."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self._last: str | None = None
        self._mid: str | None = None

    @property
    def last(self) -> str:
        if self._last is None:
            self._last = end_of_turn_marker(self.tokenizer)
        return self._last

    @property
    def mid(self) -> str:
        if self._mid is None:
            self._mid = mid_turn_marker(self.tokenizer, self.last)
        return self._mid


def _turn_end(tokenizer: Any, context: list[dict[str, Any]], i: int, full: str, start: int,
              tools: Tools, markers: TurnMarkers) -> int:
    """Where assistant turn `i` ends in `full`: its reply and its own end-of-turn marker as
    `full` renders it, never a later turn's header."""
    through = render(tokenizer, context[:i + 1], False, tools).rstrip()
    if full.startswith(through):
        return _with_mid_marker(full, len(through), i, len(context), markers)
    message = context[i]
    if reasoning_text(message) is not None:  # Qwen3 drops earlier turns' reasoning
        bare = without_reasoning(message)
        through_bare = render(tokenizer, [*context[:i], bare], False, tools).rstrip()
        if full.startswith(through_bare):
            context[i] = bare
            return _with_mid_marker(full, len(through_bare), i, len(context), markers)
    last = markers.last
    reply_end = len(through) - len(last)
    if last and through.endswith(last) and full.startswith(through[:reply_end]):
        # Rendered alike through the reply; only the end differs (Phi-3 adds the eos at
        # the end of the conversation, OLMo ends earlier turns with <|im_end|>).
        mid = markers.mid
        if not mid.strip() or not full.startswith(mid, reply_end):
            raise TemplateError(_unplaced(i, last, mid))
        return reply_end + len(mid)
    return _end_by_marker(context, i, full, start, markers)


def _with_mid_marker(full: str, end: int, i: int, count: int, markers: TurnMarkers) -> int:
    """`end` of a turn rendered as `full` renders it. A template that leaves the marker off
    the last turn only shows an earlier turn's marker once later turns follow."""
    if i == count - 1 or markers.last.strip():
        return end
    mid = markers.mid
    if not mid.strip():  # the template ends no turn with a marker
        return end
    rest = full[end:]
    gap = len(rest) - len(rest.lstrip())
    if not rest.lstrip().startswith(mid.lstrip()):
        raise TemplateError(_unplaced(i, markers.last, mid))
    return end + gap + len(mid.lstrip())


def _end_by_marker(context: list[dict[str, Any]], i: int, full: str, start: int,
                   markers: TurnMarkers) -> int:
    """The template renders the last turn in a way of its own (Qwen3 gives the last reply
    an empty `<think>` block): the turn ends at the first end-of-turn marker after it
    starts, and must hold its reply and nothing of the next message."""
    message = context[i]
    mid = markers.mid
    at = full.find(mid, start) if mid.strip() else -1
    bare = without_reasoning(message)
    content = str(bare.get("content") or "").strip()
    if at == -1 or content not in full[start:at]:
        raise TemplateError(UNSTABLE)
    later = context[i + 1] if i + 1 < len(context) else None
    following = str(later.get("content") or "").strip() if later else ""
    if following and following not in content and following in full[start:at]:
        raise TemplateError(UNSTABLE)  # the marker found belongs to a later turn
    reasoning = reasoning_text(message)
    if reasoning and reasoning.strip() not in full[start:at]:
        context[i] = bare  # dropped here: later prefixes must render it without, too
    return at + len(mid)


def _unplaced(i: int, last: str, mid: str) -> str:
    earlier = (f"earlier ones with {mid.strip()!r}, which does not follow message {i}'s reply"
               if mid.strip() else f"earlier ones (message {i}) with no marker sftlint can find")
    return (f"the chat template ends the last reply with {last!r} and {earlier}: where that "
            "turn ends cannot be placed")


PROBE_REPLY, PROBE_NEXT_USER = "SFTLINTREPLYPROBE", "SFTLINTNEXTPROBE"


def end_of_turn_marker(tokenizer: Any) -> str:
    """The text the template puts after an assistant reply to end its turn (`<|im_end|>`),
    or "" when it puts none."""
    text = render(tokenizer, [{"role": "user", "content": PROBE_USER},
                              {"role": "assistant", "content": PROBE_REPLY}], False).rstrip()
    return text[text.rindex(PROBE_REPLY) + len(PROBE_REPLY):] if PROBE_REPLY in text else ""


def mid_turn_marker(tokenizer: Any, last: str) -> str:
    """The text the template puts after an assistant reply that later turns follow, up to
    the next user turn's header (the header as the template renders a first user turn,
    matched from its end, at a token boundary); "" when it puts none. Where the header
    cannot be told from the marker (a default system prompt ends like the marker), what
    the reply's end shares with `last` is the marker."""
    text = render(tokenizer, [{"role": "user", "content": PROBE_USER},
                              {"role": "assistant", "content": PROBE_REPLY},
                              {"role": "user", "content": PROBE_NEXT_USER},
                              {"role": "assistant", "content": PROBE_REPLY}], False)
    first = render(tokenizer, [{"role": "user", "content": PROBE_USER}], False)
    if PROBE_REPLY not in text or PROBE_NEXT_USER not in text or PROBE_USER not in first:
        raise TemplateError("the chat template drops a message's content")
    a = text.index(PROBE_REPLY) + len(PROBE_REPLY)
    gap = text[a:text.index(PROBE_NEXT_USER)]
    header = first[:first.index(PROBE_USER)]
    shared = 0
    while shared < min(len(gap), len(header)) and gap[-1 - shared] == header[-1 - shared]:
        shared += 1
    _, offsets = _tokenize(tokenizer, text)
    boundaries = sorted({s for s, _ in offsets} | {e for _, e in offsets})
    by_header = ""
    if shared == len(header) or shared < len(gap):  # the header's start is known
        cut = a + len(gap) - shared
        cut = next((b for b in boundaries if b >= cut), cut)  # never half a token
        by_header = text[a:cut].rstrip()
    common = 0
    while common < min(len(gap), len(last)) and gap[common] == last[common]:
        common += 1
    cut = max((b for b in boundaries if b <= a + common), default=a)
    by_last = text[a:max(cut, a)].rstrip()
    longer, shorter = sorted((by_header, by_last), key=len, reverse=True)
    if not longer.startswith(shorter):
        raise TemplateError(f"the chat template ends an earlier reply with {gap!r}: where its "
                            "end-of-turn marker stops and the next turn starts is unclear")
    return longer


def _tokenize(tokenizer: Any, text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """Token ids and each token's [start, end) characters."""
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    return list(enc["input_ids"]), [(start, end) for start, end in enc["offset_mapping"]]


def _token_span(offsets: list[tuple[int, int]], s: int, e: int) -> tuple[int, int] | None:
    """The tokens that hold characters of [s, e). A token that straddles `s` (a prompt
    ending in "assistant: " and a tokenizer that merges " am") holds the reply's first
    word: it is trained, or the word would never be."""
    inside = [t for t, (a, b) in enumerate(offsets)
              if (a < e and b > s if b > a else s <= a < e)]
    return (inside[0], inside[-1] + 1) if inside else None


def encode(tokenizer: Any, messages: Messages, max_length: int, tools: Tools = None,
           trained: Sequence[bool] | None = None) -> Encoded:
    """`trained`: per message, whether an assistant turn may carry loss (None: all do)."""
    dropped: list[int] = []
    # assistant turn -> (its text, the text up to the next assistant turn)
    turn_texts: dict[int, tuple[str, str]] = {}
    if has_generation_markers(tokenizer):
        out = _apply_template(tokenizer, messages, tools, tokenize=True, return_dict=True,
                              return_assistant_tokens_mask=True)
        ids = list(out["input_ids"])
        mask = list(out["assistant_masks"])
        turns = [i for i, m in enumerate(messages) if m["role"] == "assistant"]
        token_spans = []
        runs = _runs(mask)
        for k, (i, (a, b)) in enumerate(zip(turns, runs, strict=False)):
            reasoning = reasoning_text(messages[i])
            following = runs[k + 1][0] if k + 1 < len(runs) else len(ids)
            turn_texts[i] = (str(tokenizer.decode(ids[a:b])),
                             str(tokenizer.decode(ids[b:following])))
            if reasoning and reasoning.strip() not in turn_texts[i][0]:
                dropped.append(i)
            if trained is not None and not trained[i]:
                mask[a:b] = [0] * (b - a)
            else:
                token_spans.append((a, b))
    else:
        full = render(tokenizer, messages, False, tools)
        char_spans, dropped, placed = assistant_char_spans(tokenizer, messages, full, tools,
                                                           trained)
        starts = [s for s, _ in placed.values()] + [len(full)]
        turn_texts = {i: (full[s:e], full[e:starts[k + 1]])
                      for k, (i, (s, e)) in enumerate(placed.items())}
        ids, offsets = _tokenize(tokenizer, full)
        token_spans = [span for s, e in char_spans
                       if (span := _token_span(offsets, s, e)) is not None]
        mask = [0] * len(ids)
        for a, b in token_spans:
            mask[a:b] = [1] * (b - a)
    labels = [tok if m else IGNORE_INDEX for tok, m in zip(ids, mask, strict=True)]
    tool_turns = tool_turns_dropped(messages, turn_texts)
    return Encoded(ids[:max_length], labels[:max_length], len(ids), token_spans, dropped,
                   tool_turns, tools_dropped(tokenizer, messages, tools))


def tool_turns_dropped(messages: Messages, turn_texts: dict[int, tuple[str, str]]
                       ) -> list[int]:
    """The assistant turns whose tool calls, and the tool results, that the template does
    not render (a template without tool support). A call counts as rendered when its
    function name and its arguments are in the turn's text; a result when its content is
    between the assistant turn before it and the next one. Turns masking could not place
    are left to the other checks."""
    dropped = []
    after: str | None = None  # between the latest assistant turn and the next
    for i, message in enumerate(messages):
        if message["role"] == "assistant":
            text, after = turn_texts.get(i, (None, None))
            calls = message.get("tool_calls") or []
            if text is not None and not all(_call_rendered(c, text) for c in calls):
                dropped.append(i)
        elif message["role"] == "tool" and after is not None:
            content = message.get("content")
            if isinstance(content, str) and not _appears(content, after):
                dropped.append(i)
    return dropped


def tools_dropped(tokenizer: Any, messages: Messages, tools: Tools) -> bool:
    """Whether the template renders the conversation alike with and without `tools`: it
    then leaves the declarations out, and the model never sees what it may call."""
    if not tools:
        return False
    try:
        return render(tokenizer, messages, False, tools) == render(tokenizer, messages, False)
    except TemplateError:  # a template that needs the tools renders them
        return False


def _call_rendered(call: dict[str, Any], text: str) -> bool:
    function = call.get("function") or {}
    name = function.get("name")
    if isinstance(name, str) and name and name not in text:
        return False
    return all(_appears(value, text) for value in _argument_parts(function.get("arguments")))


def _argument_parts(value: Any) -> list[Any]:
    """The keys and leaf values of tool-call arguments: templates write them as JSON, as
    XML parameters or as keyword arguments, but each key and value is in the text."""
    if isinstance(value, dict):
        return [part for k, v in value.items() for part in [k, *_argument_parts(v)]]
    if isinstance(value, list):
        return [part for v in value for part in _argument_parts(v)]
    return [value]


def _appears(value: Any, text: str) -> bool:
    """Whether `value` is in `text` as written, as a JSON string's inside (escaped, with
    or without `ensure_ascii`) or, for a number, a boolean or null, as JSON or Python
    writes it."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return True
        forms = {value, json.dumps(value, ensure_ascii=False)[1:-1], json.dumps(value)[1:-1]}
    elif value is None or isinstance(value, int | float):  # bool is an int
        forms = {json.dumps(value), str(value)}
    else:  # arguments C001 reports as unreadable: nothing to look for
        return True
    return any(form in text for form in forms)


@dataclass
class EncodedCompletion:
    """A prompt and one reply, as trl's KTO trainer takes them (and one side of a pair)."""

    prompt_ids: list[int]
    completion_ids: list[int]  # through the end-of-turn token, untruncated
    max_length: int
    label: bool | None = None  # KTO: desirable or not
    reasoning_dropped: bool = False

    @property
    def tokens(self) -> int:
        return min(len(self.prompt_ids) + len(self.completion_ids), self.max_length)

    @property
    def truncated(self) -> bool:
        return len(self.prompt_ids) + len(self.completion_ids) > self.max_length

    @property
    def trainable_ids(self) -> list[int]:
        """The completion tokens within max-length (trl cuts prompt + completion there)."""
        return self.completion_ids[:max(0, self.max_length - len(self.prompt_ids))]


@dataclass
class EncodedPair:
    """A preference pair as trl's DPO trainer takes it: one prompt, two completions."""

    prompt_ids: list[int]
    chosen_ids: list[int]  # through the end-of-turn token, untruncated
    rejected_ids: list[int]
    max_length: int
    chosen_reasoning_dropped: bool = False
    rejected_reasoning_dropped: bool = False
    chosen_tools_dropped: bool = False  # a tool call the template leaves out (T002)
    rejected_tools_dropped: bool = False

    def side(self, ids: list[int]) -> EncodedCompletion:
        return EncodedCompletion(self.prompt_ids, ids, self.max_length)

    @property
    def chosen(self) -> EncodedCompletion:
        return self.side(self.chosen_ids)

    @property
    def rejected(self) -> EncodedCompletion:
        return self.side(self.rejected_ids)

    @property
    def diverge_at(self) -> int | None:
        """The first token (counted from the start of the sequence) where chosen and
        rejected differ; None when they do not."""
        a, b = self.chosen_ids, self.rejected_ids
        for k, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return len(self.prompt_ids) + k
        return None if len(a) == len(b) else len(self.prompt_ids) + min(len(a), len(b))

    @property
    def identical_within_max_length(self) -> bool:
        """Replies that are equal as training sees them (T005): cut to the same tokens, or
        the same tokens already (a template that trims what tells them apart)."""
        at = self.diverge_at
        return at is None or at >= self.max_length


def encode_completion(tokenizer: Any, prompt: Messages, completion: Messages,
                      max_length: int, tools: Tools = None
                      ) -> tuple[list[int], list[int], bool, bool]:
    """(prompt ids, completion ids, whether the template dropped the completion's
    reasoning, whether it dropped a tool call of it): the conversation rendered whole and
    tokenized once, split where the generation prompt ends; the completion ends with its
    end-of-turn token."""
    full = render(tokenizer, [*prompt, *completion], False, tools)
    before = render(tokenizer, prompt, True, tools)
    if not full.startswith(before):
        raise TemplateError(UNSTABLE)
    end = len(full.rstrip())
    ids, offsets = _tokenize(tokenizer, full)
    span = _token_span(offsets, len(before), end)
    split, stop = span if span is not None else (len(ids), len(ids))
    reasoning = [r for m in completion if (r := reasoning_text(m))]
    dropped = any(r.strip() not in full[len(before):end] for r in reasoning)
    calls = [c for m in completion for c in m.get("tool_calls") or []]
    calls_dropped = not all(_call_rendered(c, full[len(before):end]) for c in calls)
    return ids[:split], ids[split:stop], dropped, calls_dropped


def encode_pair(tokenizer: Any, prompt: Messages, chosen: Messages, rejected: Messages,
                max_length: int, tools: Tools = None) -> EncodedPair:
    p1, c, d1, t1 = encode_completion(tokenizer, prompt, chosen, max_length, tools)
    p2, r, d2, t2 = encode_completion(tokenizer, prompt, rejected, max_length, tools)
    if p1 != p2:  # tokens merged across the prompt's end: keep what both sides share
        shared = next((k for k, (x, y) in enumerate(zip(p1, p2, strict=False)) if x != y),
                      min(len(p1), len(p2)))
        c, r, p1 = p1[shared:] + c, p2[shared:] + r, p1[:shared]
    return EncodedPair(p1, c, r, max_length, d1, d2, t1, t2)


def kto_split(record: Record) -> int:
    """Where a KTO record's completion starts: after its last turn that is not the
    assistant's (the prompt is everything before)."""
    k = len(record.messages)
    while k > 0 and record.messages[k - 1].role == "assistant":
        k -= 1
    return k


def _runs(mask: list[int]) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, bit in enumerate([*mask, 0]):
        if bit and start is None:
            start = i
        elif not bit and start is not None:
            runs.append((start, i))
            start = None
    return runs


PROBE_SYSTEM = "SFTLINTSYSTEMPROBE"


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
