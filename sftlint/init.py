"""`sftlint init`: a starter config written from the data itself.

It reads the data once and writes what it found: the record shape (or, for a shape sftlint
does not know, a proposed `[mapping]`), the majority system prompt, the field that looks
like a category and its names, and the counts, so the first `sftlint check` compares the
data with itself rather than with defaults.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sftlint.config import Config, ConfigError, find_config_file, parse_config, tomllib
from sftlint.engine import iter_records
from sftlint.formats import display_path, format_for
from sftlint.records import MESSAGES, SHAPE_KEYS, detect_shape
from sftlint.reporters import printable

# Keys that hold the conversation or media in some shape: never a category.
CONVERSATION_KEYS = frozenset({
    "messages", "conversations", "conversation", "system", "instruction", "input", "output",
    "history", "images", "videos", "audios", "tools", "chosen", "rejected", "prompt",
    "completion", "label", "id"})
LIKELY_CATEGORY_NAMES = ("category", "categories", "topic", "type", "label", "class", "domain")
MAX_CATEGORIES = 50
MAPPING_SAMPLE = 500  # records read to propose a [mapping]

# Role names that say which side of a conversation a speaker is on, casefolded: the
# datasets people train on use these (sharegpt, ESConv, SMILECHAT, Eldercare-agent, ...).
ROLE_NAMES = {
    "system": {"system", "sys", "system_prompt", "系统"},
    "user": {"user", "human", "client", "seeker", "usr", "patient", "customer", "questioner",
             "elder", "student", "visitor", "speaker1", "用户", "来访者", "患者", "求助者"},
    "assistant": {"assistant", "gpt", "ai", "bot", "model", "chatbot", "agent", "counselor",
                  "counsellor", "supporter", "listener", "therapist", "doctor", "helper",
                  "speaker2", "助手", "咨询师", "医生", "心理咨询师"},
}
ROLE_KEYS = ("role", "from", "speaker", "sender", "author", "party", "type")
CONTENT_KEYS = ("content", "value", "text", "utterance", "message", "msg")


@dataclass
class Mapping:
    """A proposed `[mapping]`: where the messages are and what their roles mean."""

    messages: str  # "" when the record is the list of messages
    role: str
    content: str
    roles: dict[str, list[str]]
    unmapped: Counter[str] = field(default_factory=Counter)  # role values left to the user


def _message_lists(value: Any) -> dict[str, list[Any]]:
    """The lists of objects a record holds at its top, by key ("" for a bare list)."""
    if isinstance(value, list):
        return {"": value}
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items()
            if isinstance(v, list) and v and all(isinstance(m, dict) for m in v)}


def _pick_key(messages: list[dict[str, Any]], preferred: tuple[str, ...],
              score: Any, exclude: str | None = None) -> str | None:
    """The key of string values in nearly every message with the best `score` (a known
    name wins a tie)."""
    present: Counter[str] = Counter()
    values: dict[str, list[str]] = {}
    for m in messages:
        for k, v in m.items():
            if isinstance(v, str) and k != exclude:
                present[k] += 1
                values.setdefault(k, []).append(v)
    ranked = [(score(values[k]), k in preferred, k) for k, n in present.items()
              if n >= 0.9 * len(messages) and score(values[k]) is not None]
    return max(ranked)[2] if ranked else None


def _role_score(values: list[str]) -> float | None:
    """A role column has a few distinct short values."""
    distinct = set(values)
    if not 2 <= len(distinct) <= 8 or max(len(v) for v in distinct) > 40:
        return None
    return -len(distinct)


def _content_score(values: list[str]) -> float:
    return sum(len(v) for v in values) / len(values)


def propose_mapping(values: list[Any]) -> Mapping | None:
    """A `[mapping]` for records whose shape sftlint does not know (no key it reads, or a
    bare list of messages per line), from a sample of their values; None when they have a
    known shape or no list of messages to map."""
    if not values or any(isinstance(v, dict) and SHAPE_KEYS & v.keys() for v in values[:1]):
        return None
    lists: Counter[str] = Counter()
    for value in values:
        lists.update(_message_lists(value).keys())
    if not lists:
        return None
    key = max(lists, key=lambda k: (lists[k], k in ("dialogue", "dialog", "turns")))
    messages = [m for v in values for m in _message_lists(v).get(key, [])]
    role = _pick_key(messages, ROLE_KEYS, _role_score)
    content = _pick_key(messages, CONTENT_KEYS, _content_score, exclude=role)
    if role is None or content is None:
        return None
    roles: dict[str, list[str]] = {"system": [], "user": [], "assistant": []}
    found = Counter(m[role] for m in messages if isinstance(m.get(role), str))
    unmapped: Counter[str] = Counter()
    for raw, n in found.items():
        side = next((s for s, names in ROLE_NAMES.items() if raw.casefold() in names), None)
        if side is None:
            unmapped[raw] = n
        else:
            roles[side].append(raw)
    _place_by_turn_order(values, key, role, roles, unmapped)
    return Mapping(key, role, content, {k: sorted(v) for k, v in roles.items() if v},
                   unmapped)


def _place_by_turn_order(values: list[Any], key: str, role: str,
                         roles: dict[str, list[str]], unmapped: Counter[str]) -> None:
    """With two unknown role names and no known one for a side, the one that speaks first
    in most conversations is the user: conversations open with the person's turn. With one
    unknown name and one side known (ESConv: `listener` and `speaker`), it is the other
    side: a conversation has two."""
    if len(unmapped) == 1 and bool(roles["user"]) != bool(roles["assistant"]):
        roles["assistant" if roles["user"] else "user"].append(next(iter(unmapped)))
        unmapped.clear()
        return
    if len(unmapped) != 2 or roles["user"] or roles["assistant"]:
        return
    first: Counter[str] = Counter()
    for value in values:
        turns = [m.get(role) for m in _message_lists(value).get(key, [])
                 if m.get(role) in unmapped]
        if turns:
            first[turns[0]] += 1
    opener = first.most_common(1)[0][0] if first else None
    if opener is None:
        return
    other = next(r for r in unmapped if r != opener)
    roles["user"].append(opener)
    roles["assistant"].append(other)
    unmapped.clear()


def _sample_values(paths: list[str], config: Config) -> list[Any]:
    """The raw values of the first records of the first file (bare lists too)."""
    for dataset in config.datasets(paths):
        for path in dataset.files:
            _, raws = format_for(path).read(path, path, True)
            sample = []
            for raw in raws:
                sample.append(raw.value)
                if len(sample) >= MAPPING_SAMPLE:
                    break
            if sample:
                return sample
    return []


def _refuse_mixed_shapes(paths: list[str], config: Config, mapping: Mapping) -> None:
    """A [mapping] applies to every file: with files of a built-in shape beside those that
    need it, the config would turn the built-in ones into S001 on every record."""
    for dataset in config.datasets(paths):
        for path in dataset.files:
            _, raws = format_for(path).read(path, path, True)
            first = next(iter(raws), None)
            value = first.value if first is not None else None
            if not isinstance(value, dict):
                continue
            shape = detect_shape(value)
            if shape is not MESSAGES or "messages" in value:
                where = (f'messages under "{mapping.messages}"' if mapping.messages
                         else "bare lists of messages")
                raise ConfigError(
                    f"the files differ in shape: some hold {where}, which needs a [mapping], "
                    f'and {display_path(path)} is "{shape.name}"; a [mapping] applies to every '
                    "file, so run `sftlint init` on each kind in a folder of its own")


@dataclass
class DataSummary:
    files: int = 0
    records: int = 0
    shapes: Counter[str] = field(default_factory=Counter)
    prompts: Counter[str] = field(default_factory=Counter)
    without_prompt: int = 0
    category_field: str | None = None
    categories: Counter[str] = field(default_factory=Counter)


def _string_fields(value: Any) -> dict[str, str]:
    """Top-level string fields of a record, and those one object down (`meta.category`).
    A key holding a dot is left out: `[categories] field` reads a dot as a step down, so
    the config would name another field."""
    out: dict[str, str] = {}
    if not isinstance(value, dict):
        return out
    for key, item in value.items():
        if key in CONVERSATION_KEYS or "." in key:
            continue
        if isinstance(item, str):
            out[key] = item
        elif isinstance(item, dict):
            out.update({f"{key}.{k}": v for k, v in item.items()
                        if isinstance(v, str) and "." not in k})
    return out


def _category_field(values: dict[str, Counter[str]], records: int) -> str | None:
    """A field present in nearly every record, with a few distinct values each used more
    than once; a conventional name (category, topic, ...) wins a tie."""
    candidates = []
    for name, counts in values.items():
        present = sum(counts.values())
        counts = _named(counts)
        if present < 0.9 * records or not 2 <= len(counts) <= MAX_CATEGORIES:
            continue
        if len(counts) > present / 2:
            continue  # mostly unique values: an id or free text, not a category
        last = name.rsplit(".", 1)[-1].lower()
        rank = LIKELY_CATEGORY_NAMES.index(last) if last in LIKELY_CATEGORY_NAMES else 99
        candidates.append((rank, len(counts), name))
    return min(candidates)[2] if candidates else None


def summarize(paths: list[str], config: Config) -> DataSummary:
    summary = DataSummary()
    fields: dict[str, Counter[str]] = {}
    for dataset in config.datasets(paths):
        for path in dataset.files:
            summary.files += 1
            first = True
            for record in iter_records(path, config):
                if first:
                    summary.shapes[detect_shape(record.source.value).name] += 1
                    first = False
                summary.records += 1
                system = next((m.content for m in record.messages if m.role == "system"), None)
                if system is None:
                    summary.without_prompt += 1
                else:
                    summary.prompts[system] += 1
                for key, value in _string_fields(record.source.value).items():
                    fields.setdefault(key, Counter())[value] += 1
    summary.category_field = _category_field(fields, summary.records)
    if summary.category_field:
        summary.categories = _named(fields[summary.category_field])
    return summary


def _named(counts: Counter[str]) -> Counter[str]:
    """The counts of the values that name a category: a blank value names none (the check
    counts such a record as uncategorized, B002)."""
    return Counter({value: n for value, n in counts.items() if value.strip()})


def _toml_string(text: str) -> str:
    # a JSON string is a TOML basic string, once DEL (raw in JSON, not in TOML) is escaped
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def render_config(summary: DataSummary, paths: list[str],
                  mapping: Mapping | None = None) -> str:
    lines = [f"# Written by `sftlint init` from {summary.records} record(s) in "
             f"{summary.files} file(s). Review it, then commit it.",
             f"paths = [{', '.join(_toml_string(p) for p in paths)}]"]
    if mapping is None:  # else the shape is the [mapping] below
        lines += _format_lines(summary)
    if summary.prompts:
        prompt, count = summary.prompts.most_common(1)[0]
        lines.append(f"# the majority system prompt: {count} of {summary.records} record(s)"
                     + (f"; {len(summary.prompts) - 1} other prompt(s) (P001 lists them)"
                        if len(summary.prompts) > 1 else ""))
        lines.append(f"system-prompt = {_toml_string(prompt)}")
        lines.append('# inference-prompt-sources = ["serve.py:SYSTEM_PROMPT"]   # P003: '
                     "the prompt your serving code uses")
    else:
        lines.append("# no system turns in the data: S004 does not require one")
    lines.append(f"expected-records = {summary.records}  # B004: update it when records are "
                 "added on purpose")
    if mapping is not None:
        lines += _render_mapping(mapping)
    if summary.category_field:
        names = sorted(summary.categories)
        lines += ["", "[categories]", f"field = {_toml_string(summary.category_field)}",
                  f"names = [{', '.join(_toml_string(n) for n in names)}]",
                  "tolerance = 0.2",
                  "# counts: " + ", ".join(f"{_toml_string(n)} {summary.categories[n]}"
                                           for n in names)]
    return "\n".join(lines) + "\n"


def _format_lines(summary: DataSummary) -> list[str]:
    if len(summary.shapes) == 1:
        return [f'format = "{next(iter(summary.shapes))}"  # detected in every file']
    if summary.shapes:
        found = ", ".join(f"{name} ({n})" for name, n in summary.shapes.most_common())
        return [f'format = "auto"  # files differ: {found}']
    return []


def _render_mapping(mapping: Mapping) -> list[str]:
    where = (f"the messages are under the key {_toml_string(mapping.messages)}"
             if mapping.messages else "each record is a bare list of messages")
    roles = ", ".join(f"{side} = [{', '.join(_toml_string(r) for r in names)}]"
                      for side, names in mapping.roles.items())
    lines = ["", f"# sftlint does not know this shape: {where}. Check the roles below.",
             "[mapping]",
             f"messages = {_toml_string(mapping.messages)}",
             f"role = {_toml_string(mapping.role)}",
             f"content = {_toml_string(mapping.content)}",
             f"roles = {{ {roles} }}"]
    if mapping.unmapped:
        found = ", ".join(f"{_toml_string(r)} ({n})" for r, n in mapping.unmapped.most_common())
        lines.append(f"# role names not placed (add each to user, assistant or system): {found}")
    return lines


def _mapping_options(mapping: Mapping) -> dict[str, Any]:
    return {"mapping": {"messages": mapping.messages, "role": mapping.role,
                        "content": mapping.content, "roles": mapping.roles}}


def write_starter_config(paths: list[str], output: str = "sftlint.toml") -> tuple[str, str]:
    """Write a config for the data under `paths` to `output` (never over an existing config);
    (path written, text)."""
    dest = Path(output)
    if dest.exists():
        raise ConfigError(f"{output} already exists; sftlint init does not overwrite a config "
                          "(edit it, or remove it first)")
    folder = dest.resolve().parent
    found = find_config_file(folder)
    if found is not None and found[0].parent == folder:
        raise ConfigError(f"{found[0]} already configures sftlint; sftlint init does not "
                          "write a second config next to it")
    base = parse_config({}, "defaults", str(folder))
    mapping = propose_mapping(_sample_values(paths, base))
    if mapping is not None:
        _refuse_mixed_shapes(paths, base, mapping)
    if mapping is not None:  # the records are counted and read as the mapping makes them
        base = parse_config(_mapping_options(mapping), "defaults", str(folder))
    summary = summarize(paths, base)
    if summary.files == 0:
        raise ConfigError(f"no data files (.jsonl, .json, .parquet) in {', '.join(paths)}")
    relative = [os.path.relpath(os.path.abspath(p), folder).replace(os.sep, "/") for p in paths]
    text = render_config(summary, relative, mapping)
    parse_config(tomllib.loads(text), str(dest), str(folder))  # what we write must load
    try:
        data = text.encode("utf-8")  # before the file is made: a failure leaves none
    except UnicodeEncodeError:
        raise ConfigError(f"{printable(', '.join(paths))}: a file name that is not UTF-8 "
                          "cannot be written into a config; rename it, or name the folder "
                          "that holds it") from None
    try:
        with open(dest, "xb") as f:  # "x": never replace a file
            f.write(data)
    except FileExistsError:
        raise ConfigError(f"{output} already exists; sftlint init does not overwrite it") \
            from None
    except OSError as exc:
        raise ConfigError(f"{output}: cannot write: {exc.strerror or exc}") from None
    return str(dest), text
