"""`sftlint init`: a starter config written from the data itself.

It reads the data once and writes what it found: the record shape, the majority system
prompt, the field that looks like a category and its names, and the counts, so the first
`sftlint check` compares the data with itself rather than with defaults.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sftlint.config import Config, ConfigError, find_config_file, parse_config, tomllib
from sftlint.engine import collect_datasets, iter_records
from sftlint.records import detect_shape

# Keys that hold the conversation or media in some shape: never a category.
CONVERSATION_KEYS = frozenset({
    "messages", "conversations", "conversation", "system", "instruction", "input", "output",
    "history", "images", "videos", "audios", "tools", "chosen", "rejected", "prompt",
    "completion", "label", "id"})
LIKELY_CATEGORY_NAMES = ("category", "categories", "topic", "type", "label", "class", "domain")
MAX_CATEGORIES = 50


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
    """Top-level string fields of a record, and those one object down (`meta.category`)."""
    out: dict[str, str] = {}
    if not isinstance(value, dict):
        return out
    for key, item in value.items():
        if key in CONVERSATION_KEYS:
            continue
        if isinstance(item, str):
            out[key] = item
        elif isinstance(item, dict):
            out.update({f"{key}.{k}": v for k, v in item.items() if isinstance(v, str)})
    return out


def _category_field(values: dict[str, Counter[str]], records: int) -> str | None:
    """A field present in nearly every record, with a few distinct values each used more
    than once; a conventional name (category, topic, ...) wins a tie."""
    candidates = []
    for name, counts in values.items():
        present = sum(counts.values())
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
    for dataset in collect_datasets(paths, config.exclude):
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
        summary.categories = fields[summary.category_field]
    return summary


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def render_config(summary: DataSummary, paths: list[str]) -> str:
    lines = [f"# Written by `sftlint init` from {summary.records} record(s) in "
             f"{summary.files} file(s). Review it, then commit it.",
             f"paths = [{', '.join(_toml_string(p) for p in paths)}]"]
    if len(summary.shapes) == 1:
        shape = next(iter(summary.shapes))
        lines.append(f'format = "{shape}"  # detected in every file')
    elif summary.shapes:
        found = ", ".join(f"{name} ({n})" for name, n in summary.shapes.most_common())
        lines.append(f'format = "auto"  # files differ: {found}')
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
    if summary.category_field:
        names = sorted(summary.categories)
        lines += ["", "[categories]", f"field = {_toml_string(summary.category_field)}",
                  f"names = [{', '.join(_toml_string(n) for n in names)}]",
                  "tolerance = 0.2",
                  "# counts: " + ", ".join(f"{n} {summary.categories[n]}" for n in names)]
    return "\n".join(lines) + "\n"


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
    summary = summarize(paths, base)
    if summary.files == 0:
        raise ConfigError(f"no .jsonl or .json files in {', '.join(paths)}")
    relative = [os.path.relpath(os.path.abspath(p), folder).replace(os.sep, "/") for p in paths]
    text = render_config(summary, relative)
    parse_config(tomllib.loads(text), str(dest), str(folder))  # what we write must load
    try:
        with open(dest, "x", encoding="utf-8") as f:  # "x": never replace a file
            f.write(text)
    except FileExistsError:
        raise ConfigError(f"{output} already exists; sftlint init does not overwrite it") \
            from None
    except OSError as exc:
        raise ConfigError(f"{output}: cannot write: {exc.strerror or exc}") from None
    return str(dest), text
