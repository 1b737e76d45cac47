"""Strict option models and their one-line errors: what the config, the registry and every
rule's `Options` share, so that none of them imports another's internals."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class ConfigError(Exception):
    """A broken or unknown setting: reported on one line, exit code 2."""


def kebab(name: str) -> str:
    return name.replace("_", "-")


class StrictModel(BaseModel):
    """Kebab-case keys as in ruff; an unknown key is an error that names it."""

    # strict: `max-chars = "50"` or `= true` is an error, not silently coerced.
    model_config = ConfigDict(extra="forbid", alias_generator=kebab, populate_by_name=True,
                              frozen=True, strict=True, allow_inf_nan=False)


def from_project(key: str) -> Any:
    """A field of a rule's `Options` filled from the project's configuration, never from the
    rule's own `[rules.CODE]` table: `key` names a setting or what the configuration derives
    from its settings (`Config.project_value`). A rule's options are then the one way the
    configuration reaches it."""
    return Field(None, json_schema_extra={"project": key})


def project_fields(options: type[BaseModel]) -> dict[str, str]:
    """Option field -> the project value it is filled with (see `from_project`)."""
    out = {}
    for name, info in options.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and "project" in extra:
            out[name] = str(extra["project"])
    return out


_EXPECTED = {
    "int_type": "an integer", "int_parsing": "an integer", "int_from_float": "an integer",
    "float_type": "a number", "float_parsing": "a number", "finite_number": "a finite number",
    "string_type": "a string", "bool_type": "true or false", "list_type": "an array",
    "dict_type": "a table", "model_type": "a table", "model_attributes_type": "a table",
}
_BOUNDS = {"greater_than": ("gt", ">"), "greater_than_equal": ("ge", ">="),
           "less_than": ("lt", "<"), "less_than_equal": ("le", "<=")}


def toml_value(value: Any) -> str:
    """A value as it looks in TOML, cut short: `"50"`, `true`, `inf`, `an array`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, float) and value != value:
        text = "nan"
    elif isinstance(value, float) and value in (float("inf"), float("-inf")):
        text = "inf" if value > 0 else "-inf"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _key_path(parts: list[Any]) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            name = p if re.fullmatch(r"[A-Za-z0-9_-]+", str(p)) else json.dumps(p)
            out += f".{name}" if out else str(name)
    return out


def _data_loc(loc: tuple[int | str, ...], data: Any, kind: str) -> list[Any]:
    """`loc` less pydantic's union-branch tags (`bool`, `literal['auto']`): the steps that
    exist in `data`, and a missing key's name."""
    if data is None:
        return list(loc)
    out: list[Any] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[int(part)]
        elif part != "[key]" and not (kind == "missing" and i == len(loc) - 1):
            continue  # a union-branch tag
        out.append(part)
    return out


def validation_message(exc: ValidationError, source: str, table: str = "",
                  data: Any = None) -> str:
    """`path: [table] key.path: what was wrong, got VALUE` for the first error."""
    errors = exc.errors()
    err = errors[0]
    parts = _data_loc(err["loc"], data, err["type"])
    # A union (`true`, `false` or `"auto"`) fails once per branch: say what each accepts.
    branches = [e for e in errors if _data_loc(e["loc"], data, e["type"]) == parts]
    if len(branches) > 1 and all(e["type"] in _EXPECTED or e["type"] == "literal_error"
                                 for e in branches):
        kinds = [_EXPECTED.get(e["type"]) or str((e.get("ctx") or {}).get("expected", ""))
                 for e in branches]
        err = {**err, "type": "literal_error", "ctx": {"expected": " or ".join(kinds)}}
    is_key = bool(parts) and parts[-1] == "[key]"
    if is_key:
        parts.pop()
    # A sub-table (`[categories]`, `expected = {...}` inline) names its own section.
    if len(parts) > 1 and isinstance(data, dict) and isinstance(data.get(parts[0]), dict):
        table = f"{table}.{parts[0]}" if table else str(parts[0])
        parts = parts[1:]
    where = f"{source}: " + (f"[{table}] " if table else "")
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"{where}unknown key '{_key_path(parts)}'"
    key = _key_path(parts[:-1] if is_key else parts)
    where += f"{key}: " if key else ""
    if is_key:
        expected = str(ctx.get("expected", "")).replace("'", '"')
        return f"{where}unknown key {toml_value(value)}: expected {expected}"
    if kind in _EXPECTED:
        what = f"expected {_EXPECTED[kind]}, got {toml_value(value)}"
        if kind == "int_type" and isinstance(value, str) and value.strip().lstrip("-").isdigit():
            what += f" (write {parts[-1]} = {value.strip()}, without quotes)"
        return where + what
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", '"')
        return f"{where}expected {expected}, got {toml_value(value)}"
    if kind in _BOUNDS:
        name, sign = _BOUNDS[kind]
        return f"{where}must be {sign} {ctx.get(name)}, got {toml_value(value)}"
    msg = str(err["msg"]).removeprefix("Value error, ")
    got = "" if kind in ("value_error", "missing") or isinstance(value, dict) \
        else f", got {toml_value(value)}"
    return where + msg[:1].lower() + msg[1:] + got
