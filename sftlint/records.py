"""Records: every supported shape normalized to one conversation type.

A record keeps its source position (path, line, byte offset) and JSON pointers to
each message's content, so rules can point at the exact place. Structural problems
found while normalizing (no message list, a malformed message) are kept on the
record for the S rules to report.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sftlint.reader import RawRecord

ROLES = ("system", "user", "assistant")


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


MESSAGES = Shape(
    "messages",
    roles={r: r for r in ROLES},
    top_keys=frozenset({"messages", "tools", "functions", "parallel_tool_calls"}),
    message_keys=frozenset(
        {"role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call"}
    ),
)
SHAREGPT = Shape(
    "sharegpt",
    messages="conversations",
    role="from",
    content="value",
    roles={"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
           "system": "system"},
    top_keys=frozenset({"conversations", "system", "tools"}),
    message_keys=frozenset({"from", "value"}),
)
ALPACA = Shape("alpaca",
               top_keys=frozenset({"instruction", "input", "output", "system", "history"}))
XTUNER = Shape("xtuner", messages="conversation",
               top_keys=frozenset({"conversation"}),
               message_keys=frozenset({"system", "input", "output"}))
BUILTIN_SHAPES = {s.name: s for s in (MESSAGES, SHAREGPT, ALPACA, XTUNER)}


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


def detect_shape(value: Any) -> Shape:
    """Guess the built-in shape of a file from its first record."""
    if isinstance(value, dict):
        if "messages" in value:
            return MESSAGES
        if "conversations" in value:
            return SHAREGPT
        if "conversation" in value:
            return XTUNER
        if "instruction" in value or "output" in value:
            return ALPACA
    return MESSAGES


@dataclass(slots=True)
class Message:
    role: str  # system/user/assistant, or the raw role when it is none of them
    content: str
    pointer: str  # JSON pointer of the content
    raw_role: str


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

    @property
    def line(self) -> int:
        return self.source.line

    def key(self) -> str:
        return conversation_key((m.role, m.content) for m in self.messages)

    def row(self, turns: bool = True) -> Row:
        """The record as dataset rules see it; without `turns`, the user and assistant
        text is left empty (rules that need only the system prompt ship less)."""
        system = next((m.content for m in self.messages if m.role == "system"), None)
        if not turns:
            return Row(self.path, self.source.line,
                       sys.intern(system) if system is not None else None, "", "",
                       self.category)
        return Row(self.path, self.source.line,
                   sys.intern(system) if system is not None else None,
                   "\n".join(m.content for m in self.messages if m.role == "user"),
                   "\n".join(m.content for m in self.messages if m.role == "assistant"),
                   self.category)


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

    def key(self) -> str:
        turns = [("system", self.system or ""), ("user", self.user),
                 ("assistant", self.assistant)]
        return conversation_key(turns)


def conversation_key(messages: Iterable[tuple[str, str]]) -> str:
    """A stable hash of a conversation's content (baseline and duplicate keys)."""
    h = hashlib.blake2b(digest_size=12)
    for role, content in messages:
        h.update(role.encode())
        h.update(b"\x1f")
        h.update(content.encode("utf-8", "surrogatepass"))
        h.update(b"\x1e")
    return h.hexdigest()


def escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")


def normalize(raw: RawRecord, path: str, shape: Shape, category_field: str | None) -> Record:
    messages: list[Message] = []
    problems: list[Problem] = []
    extra: list[tuple[str, str]] = []
    value = raw.value
    if shape.name == "alpaca":
        _normalize_alpaca(value, messages, problems)
    elif shape.name == "xtuner":
        _normalize_xtuner(value, messages, problems, extra)
    else:
        _normalize_list(value, shape, messages, problems, extra)
    if isinstance(value, dict) and shape.top_keys:
        extra.extend(("", k) for k in value if k not in shape.top_keys)
    category = None
    if category_field and isinstance(value, dict):
        found = lookup(value, category_field)
        category = found if isinstance(found, str) else None
    return Record(path, raw, shape, messages, problems, extra, category)


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
        if items is None:
            problems.append(Problem("S001", None, f'no "{shape.messages}" list'
                                    + _did_you_mean(shape.messages, value)))
            return
        if not isinstance(items, list):
            problems.append(Problem("S001", base, f'"{shape.messages}" is {_type_name(items)}, '
                                                  "not a list"))
            return
        system = value.get("system") if shape.name == "sharegpt" else None
        if isinstance(system, str):
            messages.append(Message("system", system, "/system", "system"))
    role_key, content_key = shape.role, shape.content
    content_token = "/" + escape_pointer(content_key)
    roles = shape.roles
    for i, item in enumerate(items):
        ptr = f"{base}/{i}"
        if type(item) is not dict:
            problems.append(Problem("S002", ptr, f"message {i} is {_type_name(item)}, "
                                                 "not an object"))
            continue
        role = item.get(role_key)
        content = item.get(content_key)
        if type(role) is not str or type(content) is not str:
            problems.append(Problem("S002", ptr, _malformed(i, role_key, role, content_key,
                                                            content)))
            continue
        messages.append(Message(roles.get(role, role), content, ptr + content_token, role))
        if len(item) > 2:
            extra.extend((ptr, k) for k in item if k not in shape.message_keys)


def _did_you_mean(key: str, value: dict[str, Any]) -> str:
    import difflib

    close = difflib.get_close_matches(key, [k for k in value if isinstance(k, str)], n=1)
    return f' (found "{close[0]}": a typo?)' if close else ""


def _malformed(i: int, role_key: str, role: Any, content_key: str, content: Any) -> str:
    if role is None:
        return f'message {i} has no "{role_key}"'
    if content is None:
        return f'message {i} has no "{content_key}"'
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
                messages.append(Message("assistant", pair[1], f"/history/{i}/1", "history"))
            else:
                problems.append(Problem("S002", f"/history/{i}",
                                        f"history item {i} is not a [user, assistant] pair"))
    user = value["instruction"]
    if value.get("input"):
        user = f"{user}\n{value['input']}" if user else value["input"]
    messages.append(Message("user", user, "/instruction", "instruction"))
    messages.append(Message("assistant", value["output"], "/output", "output"))


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
            messages.append(Message(role, text, f"{ptr}/{key}", key))
        extra.extend((ptr, k) for k in turn if k not in XTUNER.message_keys)


_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"')
_SCALAR = re.compile(r'[^,\]}\s]+')
_NESTED = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')


def _skip_ws(text: str, pos: int) -> int:
    """The position of the first non-whitespace character at or after `pos`."""
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def value_span(text: str, pointer: str) -> tuple[int, int] | None:
    """Character span of the value at `pointer` in the JSON `text`, or None."""
    import json

    pos = _skip_ws(text, 0)
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    for token in tokens:
        if pos >= len(text):
            return None
        opener = text[pos]
        if opener == "{":
            pos += 1
            while True:
                pos = _skip_ws(text, pos)
                m = _STRING.match(text, pos)
                if m is None:
                    return None
                key = json.loads(m.group())
                pos = _skip_ws(text, m.end()) + 1  # past the colon
                pos = _skip_ws(text, pos)
                if key == token:
                    break
                pos = _skip_value(text, pos)
                pos = _skip_ws(text, pos)
                if text[pos:pos + 1] != ",":
                    return None
                pos += 1
        elif opener == "[":
            if not token.isdigit():
                return None
            pos += 1
            for _ in range(int(token)):
                pos = _skip_ws(text, pos)
                pos = _skip_value(text, pos)
                pos = _skip_ws(text, pos)
                if text[pos:pos + 1] != ",":
                    return None
                pos += 1
            pos = _skip_ws(text, pos)
        else:
            return None
    return pos, _skip_value(text, pos)


def _skip_value(text: str, pos: int) -> int:
    ch = text[pos:pos + 1]
    if ch == '"':
        m = _STRING.match(text, pos)
        return m.end() if m else len(text)
    if ch in ("{", "["):
        depth = 0
        for m in _NESTED.finditer(text, pos):
            tok = m.group()
            if tok in ("{", "["):
                depth += 1
            elif tok in ("}", "]"):
                depth -= 1
                if depth == 0:
                    return m.end()
        return len(text)
    m = _SCALAR.match(text, pos)
    return m.end() if m else pos
