"""Records: every supported shape normalized to one conversation type.

A record keeps its source position (path, line, byte offset) and JSON pointers to
each message's content, so rules can point at the exact place. Structural problems
found while normalizing (no message list, a malformed message) are kept on the
record for the S rules to report.

Beyond plain chat (DESIGN.md, Version 2): tool declarations and calls, tool results,
reasoning, media references, and preference pairs or KTO labels, each with the JSON
pointers of its values.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson

from sftlint.reader import RawRecord

ROLES = ("system", "user", "assistant")
TOOL_ROLES = (*ROLES, "tool")  # where the shape allows tools
MEDIA_KINDS = ("image", "video", "audio")
MISSING: Any = object()  # a key that is absent (unlike null)


@dataclass(frozen=True, slots=True)
class Shape:
    """How a record stores its conversation."""

    name: str  # messages | sharegpt | alpaca | xtuner | mapping
    messages: str = "messages"  # key of the message list; "" = the record is the list
    role: str = "role"
    content: str = "content"
    roles: dict[str, str] = field(default_factory=dict)  # raw role -> system/user/assistant
    top_keys: frozenset[str] = frozenset()
    message_keys: frozenset[str] = frozenset()
    tools: bool = False  # tool declarations, calls and results (role `tool`) belong here
    call_role: str = ""  # a raw role whose content is a JSON tool call (sharegpt function_call)
    pair: bool = False  # a preference pair: chosen and rejected replies
    kto: bool = False  # a KTO record: one reply and a boolean `label`

    @property
    def allowed_roles(self) -> tuple[str, ...]:
        return TOOL_ROLES if self.tools else ROLES

    def __reduce_ex__(self, protocol: Any) -> Any:
        # a built-in shape is compared by identity (`shape is SHAREGPT_RANKING`): a worker
        # process, or Ray's, must get this module's object back, not an equal copy
        if BUILTIN_SHAPES.get(self.name) is self:
            return (builtin_shape, (self.name,))
        return object.__reduce_ex__(self, protocol)  # (slots: no zero-argument super)


_MEDIA_LISTS = frozenset({"images", "videos", "audios"})
_MESSAGE_KEYS = frozenset({"role", "content", "name", "weight", "tool_calls", "tool_call_id",
                           "function_call", "loss_weight", "reasoning_content", "reasoning",
                           "thinking"})
_MESSAGES_TOP = frozenset({"messages", "tools", "functions", "parallel_tool_calls"}) | _MEDIA_LISTS
_MESSAGE_ROLES = {"system": "system", "user": "user", "assistant": "assistant", "tool": "tool",
                  "function": "tool"}
_SHAREGPT_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
                   "system": "system", "function_call": "assistant", "observation": "tool",
                   "tool": "tool"}
_SHAREGPT_TOP = frozenset({"conversations", "system", "tools"}) | _MEDIA_LISTS

MESSAGES = Shape("messages", roles=_MESSAGE_ROLES, top_keys=_MESSAGES_TOP,
                 message_keys=_MESSAGE_KEYS, tools=True)
SHAREGPT = Shape("sharegpt", messages="conversations", role="from", content="value",
                 roles=_SHAREGPT_ROLES, top_keys=_SHAREGPT_TOP,
                 message_keys=frozenset({"from", "value", "loss_weight"}), tools=True,
                 call_role="function_call")
ALPACA = Shape("alpaca",
               top_keys=frozenset({"instruction", "input", "output", "system", "history"})
               | _MEDIA_LISTS)
XTUNER = Shape("xtuner", messages="conversation",
               top_keys=frozenset({"conversation"}),
               message_keys=frozenset({"system", "input", "output"}))
# sharegpt ranking (LLaMA-Factory): `conversations` is the prompt, `chosen`/`rejected` one turn each
SHAREGPT_RANKING = Shape("sharegpt-ranking", messages="conversations", role="from",
                         content="value", roles=_SHAREGPT_ROLES,
                         top_keys=_SHAREGPT_TOP | {"chosen", "rejected"},
                         message_keys=frozenset({"from", "value", "loss_weight"}), tools=True,
                         call_role="function_call", pair=True)
# two whole conversations that share everything but their final reply
CHOSEN_REJECTED = Shape("chosen-rejected-messages", messages="chosen_messages",
                        roles=_MESSAGE_ROLES,
                        top_keys=frozenset({"chosen_messages", "rejected_messages", "tools"})
                        | _MEDIA_LISTS,
                        message_keys=_MESSAGE_KEYS, tools=True, pair=True)
# TRL preference: `prompt` (optional) + `chosen` + `rejected`, strings or message lists;
# alpaca ranking (`instruction`, `input` + `chosen`/`rejected` strings) reads the same way
TRL_PREFERENCE = Shape("trl-preference", messages="chosen", roles=_MESSAGE_ROLES,
                       top_keys=frozenset({"prompt", "chosen", "rejected", "tools", "system",
                                           "instruction", "input", "history"}) | _MEDIA_LISTS,
                       message_keys=_MESSAGE_KEYS, tools=True, pair=True)
OPENAI_PREFERENCE = Shape("openai-preference", messages="input", roles=_MESSAGE_ROLES,
                          top_keys=frozenset({"input", "preferred_output",
                                              "non_preferred_output"}),
                          message_keys=_MESSAGE_KEYS, tools=True, pair=True)
KTO = Shape("kto", roles=_MESSAGE_ROLES, top_keys=_MESSAGES_TOP | {"label"},
            message_keys=_MESSAGE_KEYS, tools=True, kto=True)
PROMPT_COMPLETION = Shape("prompt-completion", messages="prompt", roles=_MESSAGE_ROLES,
                          top_keys=frozenset({"prompt", "completion", "tools"}) | _MEDIA_LISTS,
                          message_keys=_MESSAGE_KEYS, tools=True)
KTO_PROMPT_COMPLETION = Shape("kto-prompt-completion", messages="prompt", roles=_MESSAGE_ROLES,
                              top_keys=PROMPT_COMPLETION.top_keys | {"label"},
                              message_keys=_MESSAGE_KEYS, tools=True, kto=True)
BUILTIN_SHAPES = {s.name: s for s in (MESSAGES, SHAREGPT, ALPACA, XTUNER, SHAREGPT_RANKING,
                                      CHOSEN_REJECTED, TRL_PREFERENCE, OPENAI_PREFERENCE, KTO,
                                      PROMPT_COMPLETION, KTO_PROMPT_COMPLETION)}


def builtin_shape(name: str) -> Shape:
    return BUILTIN_SHAPES[name]


def mapping_shape(messages: str, role: str, content: str, roles: dict[str, list[str]]) -> Shape:
    """A user-defined shape from `[tool.sftlint.mapping]`."""
    raw_to_role = {raw: canonical for canonical, names in roles.items() for raw in names}
    return Shape(
        "mapping",
        messages=messages,
        role=role,
        content=content,
        roles=raw_to_role,
        top_keys=frozenset({messages}) if messages else frozenset(),
        message_keys=frozenset({role, content}),
    )


# The top-level keys `detect_shape` reads.
SHAPE_KEYS = frozenset({"messages", "chosen_messages", "rejected_messages", "conversations",
                        "conversation", "chosen", "rejected", "preferred_output",
                        "non_preferred_output", "completion", "instruction", "output", "label"})


def detect_shape(value: Any) -> Shape:
    """Guess the built-in shape of a file from its first record."""
    if isinstance(value, dict):
        kto = isinstance(value.get("label"), bool)
        if "messages" in value:
            return KTO if kto else MESSAGES
        if "chosen_messages" in value or "rejected_messages" in value:
            return CHOSEN_REJECTED
        if "conversations" in value:
            return SHAREGPT_RANKING if "chosen" in value or "rejected" in value else SHAREGPT
        if "conversation" in value:
            return XTUNER
        if "preferred_output" in value or "non_preferred_output" in value:
            return OPENAI_PREFERENCE
        if "chosen" in value or "rejected" in value:
            return TRL_PREFERENCE
        if "completion" in value:
            return KTO_PROMPT_COMPLETION if kto else PROMPT_COMPLETION
        if "instruction" in value or "output" in value:
            return ALPACA
    return MESSAGES


@dataclass(slots=True)
class ToolCall:
    """An assistant's call of a function."""

    name: str | None
    arguments: Any  # parsed: an object when well formed
    error: str | None  # why the arguments are not a JSON object (C001), else None
    id: str | None
    pointer: str  # the call
    arguments_pointer: str
    # the arguments were JSON text (OpenAI's "arguments": "{...}"): a value inside has no
    # pointer of its own, only that text has
    arguments_in_string: bool = False


@dataclass(slots=True)
class MediaRef:
    """An image, video or audio file a record refers to."""

    kind: str  # image | video | audio
    path: str  # a path, URL or data: URL
    pointer: str
    inline: str | None = None  # base64 data given inline (OpenAI input_audio)
    # the file's bytes, embedded in the record: `datasets`' Image/Audio/Video columns as
    # Parquet and Arrow store them, {"bytes", "path"} (the path then only the file's old name)
    data: bytes | None = None


@dataclass(slots=True)
class Message:
    role: str  # system/user/assistant/tool, or the raw role when it is none of them
    content: str  # the text (the answer, for a turn that reasons first)
    pointer: str  # JSON pointer of the content
    raw_role: str
    tool_calls: list[ToolCall] | None = None
    tool_call_id: str | None = None  # the call a tool result answers
    reasoning: str | None = None  # from <think>...</think>, reasoning_content or parts
    reasoning_pointer: str | None = None
    reasoning_issue: str | None = None  # malformed <think> tags or order (R001)
    media: list[MediaRef] | None = None  # from content parts

    def text_fields(self) -> Sequence[tuple[str, str]]:
        """(pointer, text) of every text of the turn that a template puts before the model:
        the content, the reasoning, and each string or number in the arguments of its tool
        calls (for arguments given as JSON text, the pointer of that text, which several
        texts then share)."""
        if self.reasoning is None and not self.tool_calls:  # most turns: no list to build
            return ((self.pointer, self.content),)
        fields = [(self.pointer, self.content)]
        if self.reasoning:
            fields.append((self.reasoning_pointer or self.pointer, self.reasoning))
        for call in self.tool_calls or ():
            if call.error is None:
                fields += _leaves(call.arguments, call.arguments_pointer,
                                  call.arguments_in_string)
        return fields


@dataclass(slots=True)
class ToolDecl:
    """One function declaration of a record's `tools`."""

    name: str | None
    parameters: Any  # the JSON Schema (MISSING when not given)
    pointer: str
    problem: str | None  # why it is not a well-formed declaration (C005)


@dataclass(slots=True)
class Tools:
    """A record's tool declarations."""

    pointer: str
    declarations: list[ToolDecl]
    problem: str | None = None  # the whole `tools` is broken (not a list, unparseable string)

    def find(self, name: str | None) -> ToolDecl | None:
        return next((d for d in self.declarations if d.name == name), None)


@dataclass(slots=True)
class Pair:
    """A preference pair: the replies after the shared prompt (`Record.messages` holds the
    prompt and the chosen reply)."""

    chosen: list[Message] | None  # None: the side is missing
    rejected: list[Message] | None
    chosen_pointer: str
    rejected_pointer: str
    prompt_mismatch: tuple[str, str] | None = None  # (pointer, message) (V003)
    # whole conversations: each side's turns before its reply, which V003 compares (the
    # chosen ones are in `Record.messages` too); S009 trims both alike
    chosen_prompt: list[Message] = field(default_factory=list)
    rejected_prompt: list[Message] = field(default_factory=list)

    def identical(self) -> bool:
        """The two sides teach the same, non-blank reply (V001)."""
        chosen = side_text(self.chosen)
        return chosen is not None and chosen == side_text(self.rejected) and bool(chosen.strip())


def side_text(side: list[Message] | None) -> str | None:
    """What a side of a pair teaches (its reasoning and tool calls included), or None when
    it has no reply: two sides that call the same tool alike, with no text, are one reply."""
    if not side:
        return None
    return "\n".join((m.reasoning or "") + m.content + "".join(
        f"\n{c.name}({json.dumps(c.arguments, ensure_ascii=False, sort_keys=True, default=str)})"
        for c in m.tool_calls or []) for m in side)  # json: orjson refuses ints past 64 bits


@dataclass(slots=True)
class Problem:
    """A structural defect found while normalizing (S001/S002)."""

    code: str
    pointer: str | None
    message: str


@dataclass(slots=True)
class Record:
    path: str
    source: RawRecord
    shape: Shape
    messages: list[Message]
    problems: list[Problem]
    extra_keys: list[tuple[str, str]]  # (pointer of the containing object, key)
    category: str | None = None
    source_path: str = ""  # the file as opened (path is as displayed)
    tools: Tools | None = None
    media: list[MediaRef] | None = None  # from `images`/`videos`/`audios`
    pair: Pair | None = None
    label: Any = MISSING  # KTO
    content_key: str | None = None  # `key()`, once computed

    @property
    def undesirable(self) -> bool:
        """A KTO record labelled false: its reply is a bad example on purpose, so the rules
        that judge how a reply is written (A001-A005) leave it alone, as they leave a
        preference pair's rejected reply."""
        return self.label is False

    def media_refs(self) -> list[MediaRef]:
        """Every media reference: the record's lists and its messages' content parts."""
        refs = list(self.media or ())
        for m in self.messages:
            if m.media:
                refs += m.media
        if self.pair and self.pair.rejected:
            for m in self.pair.rejected:
                if m.media:
                    refs += m.media
        return refs

    def rejected_turns(self) -> list[Message]:
        """The rejected side of a preference pair, as its data holds it (its reply, and for
        whole conversations the turns before it): DPO feeds it to the model too, so what
        must not be trained at all (personal data, control tokens, placeholders) is looked
        for there as well as in `messages`."""
        if self.pair is None:
            return []
        return [*self.pair.rejected_prompt, *(self.pair.rejected or [])]

    def every_turn(self) -> list[Message]:
        """`messages`, then `rejected_turns()`; the messages themselves (no copy) for a record
        that is no pair, as most are."""
        return self.messages if self.pair is None else [*self.messages, *self.rejected_turns()]

    def calls(self) -> Iterator[tuple[Message, ToolCall]]:
        for m in self.messages:
            if m.tool_calls:
                for call in m.tool_calls:
                    yield m, call

    @property
    def line(self) -> int:
        return self.source.line

    def key(self) -> str:
        """A stable hash of the record's whole value (baselines and exceptions key a record's
        findings by it): an edit anywhere in it, a turn, a tool call's arguments, reasoning,
        an image path, a label, the rejected side of a pair, gives another key, so a reviewed
        finding is reviewed again. Its layout in the file (spacing, key order) does not."""
        if self.content_key is None:
            self.content_key = value_key(self.source.value)
        return self.content_key

    def row(self, turns: bool = True) -> Row:
        """The record as dataset rules see it; without `turns`, the user and assistant
        text is left empty (rules that need only the system prompt ship less)."""
        system = None
        users: list[str] = []
        replies: list[str] = []
        reasoning = None
        for m in self.messages:
            role = m.role
            if role == "assistant":
                replies.append(m.content)
                reasoning = reasoning or m.reasoning is not None
            elif role == "user":
                users.append(m.content)
            elif role == "system" and system is None:
                system = sys.intern(m.content)
        column = self.source.col0 + 1
        if not turns:
            return Row(self.path, self.source.line, system, "", "", self.category, reasoning,
                       column)
        return Row(self.path, self.source.line, system, "\n".join(users), "\n".join(replies),
                   self.category, reasoning, column)


class Row(NamedTuple):
    """The compact view of a record that dataset rules observe (cheap to ship between
    processes): its place, system prompt (interned: usually one string for all), and its
    user and assistant turns, each joined with newlines."""

    path: str
    line: int
    system: str | None
    user: str
    assistant: str
    category: str | None
    reasoning: bool | None = None  # an assistant reply carries reasoning; None: no reply
    column: int = 1  # where the record starts on its line: 1 but in a JSON array on one line

    def key(self) -> str:
        turns = [("system", self.system or ""), ("user", self.user),
                 ("assistant", self.assistant)]
        return conversation_key(turns)


class _Mark(bytes):
    """A delimiter `value_key` pushes between the parts of a value (not a value's bytes)."""


_OPEN, _CLOSE, _LIST, _END, _IS = (_Mark(b"{"), _Mark(b"}"), _Mark(b"["), _Mark(b"]"),
                                   _Mark(b"="))


def value_key(value: Any) -> str:
    """A hash of a JSON value, the same for the same value however it was written: object
    members in key order, and null members left out (a Parquet or Arrow row holds a null for
    every field of its schema that the record lacks, and must key as its JSON does). Walked
    with a stack, not recursion: a record may nest as deep as the parser allows, and its
    strings are hashed where they lie, not copied into one large text."""
    h = hashlib.blake2b(digest_size=12)
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if type(item) is _Mark:
            h.update(item)
        elif isinstance(item, str):
            data = item.encode("utf-8", "surrogatepass")
            h.update(b"s%d:" % len(data))
            h.update(data)
        elif isinstance(item, dict):
            members = sorted(((str(k), v) for k, v in item.items() if v is not None),
                             key=lambda member: member[0])
            stack.append(_CLOSE)
            for k, v in reversed(members):
                stack += [v, _IS, k]
            h.update(_OPEN)
        elif isinstance(item, list | tuple):
            stack.append(_END)
            stack += reversed(item)
            h.update(_LIST)
        else:  # a number, true, false, null in a list
            h.update(b"n" + repr(item).encode() + b";")
    return h.hexdigest()


def conversation_key(messages: Iterable[tuple[str, str]]) -> str:
    """A stable hash of a conversation's content (baseline and duplicate keys)."""
    h = hashlib.blake2b(digest_size=12)
    for role, content in messages:
        h.update(role.encode())
        h.update(b"\x1f")
        h.update(content.encode("utf-8", "surrogatepass"))
        h.update(b"\x1e")
    return h.hexdigest()


def turn_pointer(message: Message, shape: Shape) -> str | None:
    """The JSON pointer of the message itself (its content's pointer names the content)."""
    p = message.pointer
    suffix = "/" + escape_pointer(shape.content)
    parts = p.rfind(suffix + "/")
    if parts > 0:  # /messages/2/content/0/value
        return p[:parts]
    if p.endswith(suffix):
        return p[: -len(suffix)] or None
    if message.tool_calls and not message.content:  # a call turn without content
        return p
    return p.rsplit("/", 1)[0] or None


def _leaves(value: Any, pointer: str, in_string: bool) -> Iterator[tuple[str, str]]:
    """(pointer, text) of each string and number inside `value`, depth first; every one at
    `pointer` itself when `in_string` (the value was parsed from the text there)."""
    stack = [(pointer, value)]
    while stack:
        at, item = stack.pop()
        if isinstance(item, str):
            yield at, item
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            yield at, str(item)
        elif isinstance(item, (dict, list)):
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            stack.extend(reversed([(at if in_string else f"{at}/{escape_pointer(str(key))}",
                                    child) for key, child in pairs]))


def escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _type_name(value: Any) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):  # rows in memory, Parquet binary
        return "bytes"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")


def normalize(raw: RawRecord, path: str, shape: Shape, category_field: str | None) -> Record:
    messages: list[Message] = []
    problems: list[Problem] = []
    extra: list[tuple[str, str]] = []
    value = raw.value
    pair = None
    if shape.name == "alpaca":
        _normalize_alpaca(value, messages, problems)
    elif shape.name == "xtuner":
        _normalize_xtuner(value, messages, problems, extra)
    elif shape.pair:
        pair = _normalize_pair(value, shape, messages, problems, extra)
    elif shape.messages == "prompt":
        _normalize_prompt_completion(value, shape, messages, problems, extra)
    else:
        _normalize_list(value, shape, messages, problems, extra)
    record = Record(path, raw, shape, messages, problems, extra, None, "", None, None, pair)
    if type(value) is dict:
        if shape.top_keys:
            extra.extend(("", k) for k in value if k not in shape.top_keys)
        if len(value) > 1 and (shape.kto or shape is OPENAI_PREFERENCE or "label" in value
                               or not _RECORD_EXTRAS.isdisjoint(value)):
            _read_record_extras(value, shape, record)
        if category_field:
            found = lookup(value, category_field)
            # a blank value is no category: the record counts as uncategorized everywhere
            record.category = found if isinstance(found, str) and found.strip() else None
    return record


_RECORD_EXTRAS = frozenset({"tools", "functions"}) | _MEDIA_LISTS


def _read_record_extras(value: dict[str, Any], shape: Shape, record: Record) -> None:
    """Tools, media lists and the KTO label, where the record has them."""
    if shape.tools:
        # null is no tools, as `tools=None` is to a chat template (and `datasets`' to_json
        # writes null where a record had no `tools`)
        if shape is OPENAI_PREFERENCE and type(value.get("input")) is dict:
            given = value["input"].get("tools")
            if given is not None:
                record.tools = read_tools(given, "/input/tools")
        else:
            for key in ("tools", "functions"):
                if value.get(key) is not None:
                    record.tools = read_tools(value[key], "/" + key)
                    break
    for kind in MEDIA_KINDS:
        items = value.get(kind + "s")
        if items is None:
            continue
        refs = record.media if record.media is not None else []
        base = f"/{kind}s"
        if isinstance(items, str | dict):  # one file instead of a list
            ref = _media_item(kind, items, base)
            if ref is None:
                record.problems.append(Problem("S002", base, f'"{kind}s" is '
                                               f"{_type_name(items)}, not a list of paths"))
            else:
                refs.append(ref)
        elif isinstance(items, list):
            for i, item in enumerate(items):
                ref = _media_item(kind, item, f"{base}/{i}")
                if ref is not None:
                    refs.append(ref)
                else:
                    record.problems.append(Problem("S002", f"{base}/{i}", f"{kind} {i} is "
                                                   f"{_type_name(item)}, not a path"))
        else:
            record.problems.append(Problem("S002", base, f'"{kind}s" is {_type_name(items)}, '
                                                         "not a list of paths"))
        record.media = refs
    label = value.get("label", MISSING) if isinstance(value, dict) else MISSING
    # a KTO-like label (true/false, 1/0) in a file of another shape (its first record had
    # none) is still a label: `train --method sft` must refuse it, not learn the bad reply
    if shape.kto or isinstance(label, bool) or (type(label) is int and label in (0, 1)):
        record.label = label


def _media_item(kind: str, item: Any, pointer: str) -> MediaRef | None:
    """One file of a record's media list: a path, {"path"|"url"|"image": ...}, or the file
    itself as `datasets` stores it in a table ({"bytes", "path"}: the path is only its old
    name); None when it is none of these."""
    if isinstance(item, dict) and isinstance(item.get("bytes"), bytes):
        return MediaRef(kind, "", pointer, data=item["bytes"])
    path = _media_path(item)
    return None if path is None else MediaRef(kind, path, pointer)


def _media_path(item: Any) -> str | None:
    """The path of one media list item: a string, or {"path"|"url"|"image": ...}."""
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        for key in ("path", "url", "image", "video", "audio", "file"):
            found = item.get(key)
            if isinstance(found, str):
                return found
    return None


def lookup(value: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _normalize_list(value: Any, shape: Shape, messages: list[Message],
                    problems: list[Problem], extra: list[tuple[str, str]]) -> None:
    if shape.messages == "":
        base = ""
        items = value
        if not isinstance(items, list):
            problems.append(Problem("S001", None, "record is not a list of messages"))
            return
    else:
        base = "/" + escape_pointer(shape.messages)
        if not isinstance(value, dict):
            problems.append(Problem("S001", None, f"record is {_type_name(value)}, not an object"))
            return
        items = value.get(shape.messages)
        if items is None and shape.messages in value:
            problems.append(Problem("S001", base, f'"{shape.messages}" is null, not a list'))
            return
        if items is None:
            problems.append(Problem("S001", None, f'no "{shape.messages}" list'
                                    + _did_you_mean(shape.messages, value)))
            return
        if not isinstance(items, list):
            problems.append(Problem("S001", base, f'"{shape.messages}" is {_type_name(items)}, '
                                                  "not a list"))
            return
        system = value.get("system") if shape.role == "from" else None
        if isinstance(system, str):
            messages.append(Message("system", system, "/system", "system"))
    read_messages(items, base, shape, messages, problems, extra)


def read_messages(items: list[Any], base: str, shape: Shape, messages: list[Message],
                  problems: list[Problem], extra: list[tuple[str, str]]) -> None:
    """Each item of a message list, as a Message (or a Problem), into `messages`."""
    role_key, content_key = shape.role, shape.content
    content_token = "/" + escape_pointer(content_key)
    roles = shape.roles
    call_role = shape.call_role
    for i, item in enumerate(items):
        ptr = f"{base}/{i}"
        if type(item) is not dict:
            problems.append(Problem("S002", ptr, f"message {i} is {_type_name(item)}, "
                                                 "not an object"))
            continue
        role = item.get(role_key)
        content = item.get(content_key)
        if type(role) is str and type(content) is str:  # the common case, kept fast
            message = Message(roles.get(role, role), content, ptr + content_token, role)
            if role == call_role:
                _read_call_turn(message)
            elif "think>" in content and message.role == "assistant":
                _split_think(message)
            if len(item) > 2:
                extra.extend((ptr, k) for k in item if k not in shape.message_keys)
                if shape.tools:
                    _read_message_extras(item, ptr, message, problems)
            messages.append(message)
            continue
        rich = _read_rich_message(item, ptr, i, shape, problems) if shape.tools else None
        if rich is None:
            if not problems or problems[-1].pointer is None or \
                    not problems[-1].pointer.startswith(ptr):
                problems.append(Problem("S002", ptr, _malformed(i, role_key, role, content_key,
                                                                content, item)))
            continue
        if len(item) > 2:
            extra.extend((ptr, k) for k in item if k not in shape.message_keys)
        messages.append(rich)


def _read_rich_message(item: dict[str, Any], ptr: str, i: int, shape: Shape,
                       problems: list[Problem]) -> Message | None:
    """A message whose content is a list of parts, or null/absent beside tool calls; None
    when it is malformed (the caller reports S002 unless a problem was already added)."""
    role = item.get(shape.role)
    if type(role) is not str:
        return None
    content = item.get(shape.content, MISSING)
    canonical = shape.roles.get(role, role)
    if isinstance(content, list):
        message = _read_parts(content, f"{ptr}/{escape_pointer(shape.content)}", i, canonical,
                              role, problems)
        if message is None:
            return None
    elif (content is None or content is MISSING) and (
            item.get("tool_calls") or item.get("function_call")):
        pointer = f"{ptr}/{escape_pointer(shape.content)}" if content is None else ptr
        message = Message(canonical, "", pointer, role)
    else:
        return None
    _read_message_extras(item, ptr, message, problems)
    return message


_TEXT_KEYS = ("text", "value", "content")


def _read_parts(parts: list[Any], base: str, i: int, role: str, raw_role: str,
                problems: list[Problem]) -> Message | None:
    """Content as a list of parts: OpenAI `{"type": "text", "text"}`, `image_url`,
    `input_audio`; LLaMA-Factory v1 `{"type": ..., "value"}` with text, reasoning,
    tool_call, image_url, video_url, audio_url."""
    texts: list[str] = []
    text_pointer: str | None = None
    reasoning: list[str] = []
    reasoning_pointer: str | None = None
    issue: str | None = None
    calls: list[ToolCall] = []
    media: list[MediaRef] = []
    for j, part in enumerate(parts):
        pp = f"{base}/{j}"
        kind = part.get("type") if type(part) is dict else None
        if not isinstance(kind, str):
            problems.append(Problem("S002", pp, f"message {i}: content part {j} is "
                                    + ("an object without a \"type\"" if type(part) is dict
                                       else f"{_type_name(part)}, not an object")))
            return None
        if kind in ("text", "reasoning", "thinking", "refusal"):
            key = next((k for k in (kind, *_TEXT_KEYS) if type(part.get(k)) is str), None)
            if key is None:
                problems.append(Problem("S002", pp, f'message {i}: {kind} part {j} has no text'))
                return None
            if kind in ("reasoning", "thinking"):
                if texts and issue is None:
                    issue = "reasoning after the answer: the reasoning part comes after the text"
                reasoning.append(part[key])
                reasoning_pointer = reasoning_pointer or f"{pp}/{key}"
            else:
                texts.append(part[key])
                text_pointer = text_pointer or f"{pp}/{key}"
        elif kind in ("tool_call", "function_call"):
            key = "value" if "value" in part else "function" if "function" in part else ""
            where = f"{pp}/{key}" if key else pp
            calls.append(_call_from_value(part.get(key, MISSING), where, where))
        else:
            ref = _media_part(part, kind, pp)
            if ref is None:
                problems.append(Problem("S002", pp, f'message {i}: content part {j} has an '
                                                    f'unknown type "{kind}"'))
                return None
            media.append(ref)
    message = Message(role, "\n".join(texts), text_pointer or base, raw_role)
    if reasoning:
        message.reasoning = "\n".join(reasoning)
        message.reasoning_pointer = reasoning_pointer
    elif role == "assistant" and "think>" in message.content:
        _split_think(message)
    message.reasoning_issue = message.reasoning_issue or issue
    if calls:
        message.tool_calls = calls
    if media:
        message.media = media
    return message


def _media_part(part: dict[str, Any], kind: str, pp: str) -> MediaRef | None:
    """An image/video/audio content part, in OpenAI's or LLaMA-Factory's form."""
    media_kind = kind.removesuffix("_url").removeprefix("input_")
    if media_kind not in MEDIA_KINDS:
        return None
    if kind == "input_audio":  # OpenAI: {"input_audio": {"data": base64, "format": "wav"}}
        inner = part.get("input_audio")
        if isinstance(inner, dict) and isinstance(inner.get("data"), str):
            return MediaRef("audio", "", f"{pp}/input_audio/data", inline=inner["data"])
        return None
    for key in (kind, "value", "url", "path", media_kind):
        found = part.get(key)
        if isinstance(found, str):
            return MediaRef(media_kind, found, f"{pp}/{key}")
        if isinstance(found, dict) and isinstance(found.get("bytes"), bytes):  # `datasets`
            return MediaRef(media_kind, "", f"{pp}/{key}", data=found["bytes"])
        if isinstance(found, dict) and isinstance(found.get("url"), str):  # OpenAI image_url
            return MediaRef(media_kind, found["url"], f"{pp}/{key}/url")
    if set(part) == {"type"}:  # HF-style placeholder part: the file is in the record's list
        return MediaRef(media_kind, "", pp)
    return None


def _read_message_extras(item: dict[str, Any], ptr: str, message: Message,
                         problems: list[Problem]) -> None:
    """Tool calls, the call a tool result answers, and a reasoning field."""
    calls = item.get("tool_calls")
    if calls is not None:
        if isinstance(calls, list):
            found = message.tool_calls or []
            for k, call in enumerate(calls):
                found.append(_call_from_openai(call, f"{ptr}/tool_calls/{k}"))
            message.tool_calls = found or None
        else:
            problems.append(Problem("S002", f"{ptr}/tool_calls", '"tool_calls" is '
                                    f"{_type_name(calls)}, not a list"))
    legacy = item.get("function_call")
    if isinstance(legacy, dict):
        message.tool_calls = (message.tool_calls or []) + [
            _call_from_value(legacy, f"{ptr}/function_call", f"{ptr}/function_call")]
    answered = item.get("tool_call_id")
    if isinstance(answered, str):
        message.tool_call_id = answered
    for key in ("reasoning_content", "reasoning", "thinking"):
        text = item.get(key)
        if isinstance(text, str):
            if message.reasoning is not None:
                message.reasoning_issue = (f'reasoning given twice: in "{key}" and in the '
                                           "content")
            else:
                message.reasoning = text
                message.reasoning_pointer = f"{ptr}/{key}"
            break


def _call_from_openai(call: Any, ptr: str) -> ToolCall:
    """`{"id", "type": "function", "function": {"name", "arguments"}}`, or the flat
    `{"name", "arguments"}` many datasets use."""
    if type(call) is not dict:
        return ToolCall(None, MISSING, f"call is {_type_name(call)}, not an object", None, ptr,
                        ptr)
    ident = call.get("id") if isinstance(call.get("id"), str) else None
    function = call.get("function")
    if isinstance(function, dict):
        made = _call_from_value(function, f"{ptr}/function", f"{ptr}/function")
    else:
        made = _call_from_value(call, ptr, ptr)
    made.id = ident
    made.pointer = ptr
    return made


def _call_from_value(value: Any, ptr: str, value_ptr: str, parsed: bool = False) -> ToolCall:
    """A call given as `{"name", "arguments"}`, or as that object in a JSON string (`parsed`:
    `value` was already read from the string at `value_ptr`)."""
    if isinstance(value, str):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError as exc:
            return ToolCall(None, MISSING, f"the call is not valid JSON: {_json_error(exc)}",
                            None, value_ptr, value_ptr)
        parsed = True
    if type(value) is not dict:
        return ToolCall(None, MISSING, "the call is "
                        f"{'missing' if value is MISSING else _type_name(value)}, not an object",
                        None, value_ptr, value_ptr)
    in_string = parsed
    if parsed:  # inside a string: point at the string
        ptr = args_ptr = value_ptr
    else:
        args_ptr = next((f"{ptr}/{key}" for key in ("arguments", "parameters") if key in value),
                        ptr)
    name = value.get("name")
    arguments = value.get("arguments", value.get("parameters", {}))
    error = None
    if isinstance(arguments, str):
        in_string = True
        try:
            arguments = orjson.loads(arguments)
        except orjson.JSONDecodeError as exc:
            error = f"arguments are not valid JSON: {_json_error(exc)}"
            arguments = MISSING
    if error is None and type(arguments) is not dict:
        error = f"arguments are {_type_name(arguments)}, not an object"
    ident = value.get("id") if isinstance(value.get("id"), str) else None
    return ToolCall(name if isinstance(name, str) else None, arguments, error, ident, ptr,
                    args_ptr, in_string)


def _json_error(exc: Exception) -> str:
    return str(exc).split(":", 1)[0].lower()


def _read_call_turn(message: Message) -> None:
    """A sharegpt `function_call` turn: its content is one call, or a list of calls, as JSON."""
    text = message.content
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        value = text  # _call_from_value reports it
    items = value if isinstance(value, list) and value else [value]
    calls = [_call_from_value(item, message.pointer, message.pointer, parsed=value is not text)
             for item in items]
    message.tool_calls = calls
    message.content = ""


def _string_reply(content: str, pointer: str, raw_role: str) -> Message:
    """An assistant reply given as a plain string (alpaca's `output`, a TRL string side):
    its `<think>` block read as in a list of messages (R001, R002, R004 judge it)."""
    message = Message("assistant", content, pointer, raw_role)
    if "think>" in content:
        _split_think(message)
    return message


def _split_think(message: Message) -> None:
    """`<think>reasoning</think>answer` in an assistant's content: the reasoning and the
    answer apart, or a reasoning issue (R001) when the tags are malformed."""
    text = message.content
    opens = text.count("<think>")
    closes = text.count("</think>")
    if opens == 0 and closes == 0:
        return  # "think>" in some other tag
    issue = None
    start = text.find("<think>")
    end = text.find("</think>")
    if opens == 1 and closes == 1 and start < end:
        if text[:start].strip():
            issue = "reasoning after the answer: text comes before <think>"
    elif opens > closes:
        issue = "unterminated <think>: no matching </think>"
    elif closes > opens:
        issue = "</think> without an opening <think>"
    else:
        second = text.find("<think>", start + 7)
        if 0 <= second < end or end < start:
            issue = "nested or misordered <think> tags"
        else:
            issue = f"{opens} <think> blocks: reasoning after the answer"
    if issue is not None:
        message.reasoning_issue = issue
        return
    message.reasoning = text[start + 7:end]
    message.reasoning_pointer = message.pointer
    message.content = text[end + 8:].lstrip()


def read_tools(value: Any, pointer: str) -> Tools:
    """A record's `tools`: a list of declarations (OpenAI's `{"type": "function",
    "function": {...}}` or bare `{"name", "description", "parameters"}`), or that list
    as a JSON string (sharegpt)."""
    base = pointer
    if isinstance(value, str):
        if not value.strip():
            return Tools(pointer, [])
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError as exc:
            return Tools(pointer, [], f"tools string is not valid JSON: {_json_error(exc)}")
        base = ""  # inside the string: every declaration points at the string
    if not isinstance(value, list):
        return Tools(pointer, [], f"tools is {_type_name(value)}, not a list of declarations")
    declarations = []
    for k, item in enumerate(value):
        ptr = f"{base}/{k}" if base else pointer
        if type(item) is dict and type(item.get("function")) is dict:
            item = item["function"]
            ptr = f"{ptr}/function" if base else pointer
        if type(item) is not dict:
            declarations.append(ToolDecl(None, MISSING, ptr, f"tools[{k}] is "
                                         f"{_type_name(item)}, not an object"))
            continue
        name = item.get("name")
        parameters = item.get("parameters", MISSING)
        problem = None
        if not isinstance(name, str) or not name:
            problem = f'tools[{k}] has no "name"'
            name = None
        elif "description" not in item:
            problem = f'tool "{name}" has no "description"'
        elif not isinstance(item["description"], str):
            problem = f'tool "{name}": "description" is {_type_name(item["description"])}'
        elif parameters is not MISSING and type(parameters) is not dict:
            problem = f'tool "{name}": "parameters" is {_type_name(parameters)}, not a schema'
        declarations.append(ToolDecl(name, parameters, ptr, problem))
    return Tools(pointer, declarations)


def _normalize_pair(value: Any, shape: Shape, messages: list[Message], problems: list[Problem],
                    extra: list[tuple[str, str]]) -> Pair | None:
    if not isinstance(value, dict):
        problems.append(Problem("S001", None, f"record is {_type_name(value)}, not an object"))
        return None
    if shape is SHAREGPT_RANKING:
        _normalize_list(value, shape, messages, problems, extra)
        chosen = _side(value, "chosen", shape, problems, extra)
        rejected = _side(value, "rejected", shape, problems, extra)
        pair = Pair(chosen, rejected, "/chosen", "/rejected")
    elif shape is OPENAI_PREFERENCE:
        given = value.get("input")
        if isinstance(given, dict) and isinstance(given.get("messages"), list):
            read_messages(given["messages"], "/input/messages", shape, messages, problems, extra)
        else:
            problems.append(Problem("S001", None, 'no "input" object with a "messages" list'))
        chosen = _side(value, "preferred_output", shape, problems, extra)
        rejected = _side(value, "non_preferred_output", shape, problems, extra)
        pair = Pair(chosen, rejected, "/preferred_output", "/non_preferred_output")
    else:
        pair = _normalize_full_pair(value, shape, messages, problems, extra)
    if pair.chosen:
        messages.extend(pair.chosen)
    return pair


def _normalize_full_pair(value: dict[str, Any], shape: Shape, messages: list[Message],
                         problems: list[Problem], extra: list[tuple[str, str]]) -> Pair:
    """chosen_messages/rejected_messages, or TRL's prompt + chosen + rejected: with no
    prompt, each side is a whole conversation and their shared part is the prompt."""
    if shape is CHOSEN_REJECTED:
        keys = ("chosen_messages", "rejected_messages")
        prompt_given = False
    else:
        keys = ("chosen", "rejected")
        prompt_given = _prompt(value, shape, messages, problems, extra)
    sides: list[list[Message] | None] = []
    for key in keys:
        side = value.get(key)
        if side is None:
            sides.append(None)
        elif isinstance(side, str):
            sides.append([_string_reply(side, f"/{key}", key)])
        elif isinstance(side, list):
            got: list[Message] = []
            read_messages(side, f"/{key}", shape, got, problems, extra)
            sides.append(got)
        elif isinstance(side, dict):
            got = []
            read_messages([side], f"/{key}", shape, got, problems, extra)
            for m in got:  # one message, not a list of them: point at it, not at item 0
                m.pointer = m.pointer.replace(f"/{key}/0", f"/{key}", 1)
            sides.append(got)
        else:
            problems.append(Problem("S002", f"/{key}", f'"{key}" is {_type_name(side)}, '
                                                       "not a reply"))
            sides.append([])
    chosen, rejected = sides
    pair = Pair(chosen, rejected, f"/{keys[0]}", f"/{keys[1]}")
    if not prompt_given and chosen and rejected and (len(chosen) > 1 or len(rejected) > 1):
        # whole conversations: all but the final reply is the prompt, and must agree
        before, after = chosen[:-1], rejected[:-1]
        for a, b in zip(before, after, strict=False):
            differs = _turn_difference(a, b)
            if differs is not None:
                pair.prompt_mismatch = (b.pointer, f"rejected conversation differs from the "
                                        f"chosen one at its {b.role} turn before the reply"
                                        f"{differs}")
                break
        else:
            if len(before) != len(after):
                where = rejected[min(len(before), len(after))].pointer
                pair.prompt_mismatch = (where, f"chosen has {len(before)} turn(s) before its "
                                        f"reply, rejected {len(after)}")
        messages.extend(before)
        pair.chosen_prompt, pair.rejected_prompt = before, after
        pair.chosen, pair.rejected = chosen[-1:], rejected[-1:]
    return pair


def _turn_difference(a: Message, b: Message) -> str | None:
    """What differs between two turns a template renders: None when nothing, "" for the
    role or the text, " (its tool calls)" and so on for the rest. The two sides of a pair
    must share their prompt, tool calls, results and reasoning included, or the rejected
    reply is scored after a conversation it never followed."""
    if a.role != b.role or a.content != b.content:
        return ""

    def calls(m: Message) -> list[tuple[Any, ...]]:
        return [(c.name, c.arguments, c.id) for c in m.tool_calls or []]

    for what, x, y in (("tool calls", calls(a), calls(b)),
                       ("tool call id", a.tool_call_id, b.tool_call_id),
                       ("reasoning", a.reasoning, b.reasoning),
                       ("media", [(r.kind, r.path) for r in a.media or []],
                        [(r.kind, r.path) for r in b.media or []])):
        if x != y:
            return f" (its {what})"
    return None


def _prompt(value: dict[str, Any], shape: Shape, messages: list[Message],
            problems: list[Problem], extra: list[tuple[str, str]]) -> bool:
    """TRL's `prompt` (a string or messages), or alpaca's instruction/input; False when
    the record has neither."""
    if isinstance(value.get("system"), str) and value["system"]:
        messages.append(Message("system", value["system"], "/system", "system"))
    prompt = value.get("prompt")
    if isinstance(prompt, str):
        messages.append(Message("user", prompt, "/prompt", "prompt"))
        return True
    if isinstance(prompt, list):
        read_messages(prompt, "/prompt", shape, messages, problems, extra)
        return True
    if prompt is not None:
        problems.append(Problem("S002", "/prompt", f'"prompt" is {_type_name(prompt)}, not a '
                                                   "string or a list of messages"))
        return True
    instruction = value.get("instruction")
    if isinstance(instruction, str):
        user = instruction
        if isinstance(value.get("input"), str) and value["input"]:
            user = f"{user}\n{value['input']}" if user else value["input"]
        messages.append(Message("user", user, "/instruction", "instruction"))
        return True
    return False


def _side(value: dict[str, Any], key: str, shape: Shape, problems: list[Problem],
          extra: list[tuple[str, str]]) -> list[Message] | None:
    """One side of a pair: a message object, a string, or a list of messages."""
    side = value.get(key)
    if side is None:
        return None
    if isinstance(side, str):
        return [_string_reply(side, f"/{key}", key)]
    got: list[Message] = []
    if isinstance(side, dict):
        read_messages([side], f"/{key}", shape, got, problems, extra)
        for m in got:
            m.pointer = m.pointer.replace(f"/{key}/0", f"/{key}", 1)
    elif isinstance(side, list):
        read_messages(side, f"/{key}", shape, got, problems, extra)
    else:
        problems.append(Problem("S002", f"/{key}", f'"{key}" is {_type_name(side)}, '
                                                   "not a reply"))
    return got


def _normalize_prompt_completion(value: Any, shape: Shape, messages: list[Message],
                                 problems: list[Problem], extra: list[tuple[str, str]]) -> None:
    """TRL prompt-completion (and KTO with `label`): strings or message lists."""
    if not isinstance(value, dict):
        problems.append(Problem("S001", None, f"record is {_type_name(value)}, not an object"))
        return
    if "completion" not in value:
        problems.append(Problem("S001", None, 'no "completion"'))
        return
    _prompt(value, shape, messages, problems, extra)
    completion = _side(value, "completion", shape, problems, extra)
    if completion:
        messages.extend(completion)


def _did_you_mean(key: str, value: dict[str, Any]) -> str:
    typo = _typo_hint(key, value)
    if typo:
        return typo
    # Another shape: a list of objects under another key is most likely its messages.
    lists = [k for k, v in value.items() if isinstance(k, str) and isinstance(v, list)
             and v and isinstance(v[0], dict)]
    if lists:
        return (f' (are the messages in "{lists[0]}"? set [tool.sftlint.mapping] '
                f'messages = "{lists[0]}" and its role and content keys, or let '
                "`sftlint init` propose them)")
    return ""


def _malformed(i: int, role_key: str, role: Any, content_key: str, content: Any,
               item: dict[str, Any]) -> str:
    for key, value in ((role_key, role), (content_key, content)):
        if value is None:
            if key in item:  # "content": null
                return f'message {i} has "{key}": null, not a string'
            return f'message {i} has no "{key}"' + _typo_hint(key, item)
    return _wrong_type(i, role_key, role, content_key, content)


def _typo_hint(key: str, item: dict[str, Any]) -> str:
    """' (found "conent": a typo?)' when the message holds a key close to `key`."""
    import difflib

    close = difflib.get_close_matches(key, [k for k in item if isinstance(k, str) and k != key],
                                      n=1)
    return f' (found "{close[0]}": a typo?)' if close else ""


def _wrong_type(i: int, role_key: str, role: Any, content_key: str, content: Any) -> str:
    if type(role) is not str:
        return f'message {i}: "{role_key}" is {_type_name(role)}, not a string'
    return f'message {i}: "{content_key}" is {_type_name(content)}, not a string'


def _normalize_alpaca(value: Any, messages: list[Message], problems: list[Problem]) -> None:
    if not isinstance(value, dict):
        problems.append(Problem("S001", None, f"record is {_type_name(value)}, not an object"))
        return
    for key in ("instruction", "output"):
        if key not in value:
            problems.append(Problem("S001", None, f'alpaca record has no "{key}"'))
            return
    for key in ("instruction", "input", "output", "system"):
        if key in ("input", "system") and value.get(key) is None:
            continue  # null is none, as LLaMA-Factory reads it (and to_json writes it)
        if key in value and not isinstance(value[key], str):
            problems.append(Problem("S002", f"/{key}", f'"{key}" is {_type_name(value[key])}, '
                                                       "not a string"))
            return
    if value.get("system"):
        messages.append(Message("system", value["system"], "/system", "system"))
    history = value.get("history") or []
    if isinstance(history, list):
        for i, pair in enumerate(history):
            if (isinstance(pair, list) and len(pair) == 2
                    and all(isinstance(t, str) for t in pair)):
                messages.append(Message("user", pair[0], f"/history/{i}/0", "history"))
                messages.append(_string_reply(pair[1], f"/history/{i}/1", "history"))
            else:
                problems.append(Problem("S002", f"/history/{i}",
                                        f"history item {i} is not a [user, assistant] pair"))
    user = value["instruction"]
    if value.get("input"):
        user = f"{user}\n{value['input']}" if user else value["input"]
    messages.append(Message("user", user, "/instruction", "instruction"))
    messages.append(_string_reply(value["output"], "/output", "output"))


def _normalize_xtuner(value: Any, messages: list[Message], problems: list[Problem],
                      extra: list[tuple[str, str]]) -> None:
    if not isinstance(value, dict):
        problems.append(Problem("S001", None, f"record is {_type_name(value)}, not an object"))
        return
    turns = value.get("conversation")
    if not isinstance(turns, list):
        problems.append(Problem("S001", None, 'no "conversation" list'))
        return
    for i, turn in enumerate(turns):
        ptr = f"/conversation/{i}"
        if not isinstance(turn, dict):
            problems.append(Problem("S002", ptr, f"turn {i} is {_type_name(turn)}, not an object"))
            continue
        for key, role in (("system", "system"), ("input", "user"), ("output", "assistant")):
            if key not in turn:
                if key != "system":
                    problems.append(Problem("S002", ptr, f'turn {i} has no "{key}"'))
                continue
            text = turn[key]
            if not isinstance(text, str):
                problems.append(Problem("S002", f"{ptr}/{key}",
                                        f'turn {i}: "{key}" is {_type_name(text)}, not a string'))
                continue
            if role == "system" and not text:
                continue
            messages.append(_string_reply(text, f"{ptr}/{key}", key) if role == "assistant"
                            else Message(role, text, f"{ptr}/{key}", key))
        extra.extend((ptr, k) for k in turn if k not in XTUNER.message_keys)
