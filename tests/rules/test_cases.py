"""Runs every case in tests/rules/cases/<CODE>.yaml: records in, expected {line, code} out.

A case gives the file as `records` (each a `chat: [user, reply]` shorthand, `messages`,
`json` for any object, or `line` for raw text), or as `raw` text / `raw_bytes` (a Python
bytes literal) for file rules; `files` (text) and `binary_files` (bytes literals, for
media) are written beside it; `config` is the [tool.sftlint] table; `expect` lists
`CODE:line` strings; fixable rules give `fixed`, the file after `--fix`.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from sftlint.engine import Linter
from sftlint.fixer import fix_files
from sftlint.registry import select_rules
from tests.conftest import SYSTEM, chat, lint, make_config

CASES_DIR = Path(__file__).parent / "cases"


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        code = path.stem
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            params.append(pytest.param(code, case, id=f"{code}::{case['name']}"))
    return params


def file_bytes(case: dict[str, Any]) -> bytes:
    if "raw_bytes" in case:
        return ast.literal_eval(case["raw_bytes"])  # type: ignore[no-any-return]
    if "raw" in case:
        return case["raw"].encode("utf-8")  # type: ignore[no-any-return]
    lines = []
    for rec in case["records"]:
        if "line" in rec:
            lines.append(rec["line"])
            continue
        if "chat" in rec:
            value = chat(*rec["chat"], system=rec.get("system", SYSTEM), **rec.get("extra", {}))
        elif "messages" in rec:
            value = {"messages": rec["messages"], **rec.get("extra", {})}
        else:
            value = rec["json"]
        lines.append(json.dumps(value, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.mark.parametrize(("code", "case"), load_cases())
def test_case(code: str, case: dict[str, Any], in_tmp: Path) -> None:
    for name, text in case.get("files", {}).items():
        (in_tmp / name).parent.mkdir(parents=True, exist_ok=True)
        (in_tmp / name).write_text(text, encoding="utf-8")
    for name, literal in case.get("binary_files", {}).items():  # media: Python bytes literals
        (in_tmp / name).parent.mkdir(parents=True, exist_ok=True)
        (in_tmp / name).write_bytes(ast.literal_eval(literal))
    data_file = in_tmp / case.get("filename", "data.jsonl")
    data_file.write_bytes(file_bytes(case))
    config = case.get("config", {})
    findings = lint([data_file.name], select=[code], config=config)
    got = sorted(f"{f.code}:{f.line}" for f in findings)
    assert got == sorted(case["expect"]), [f.message for f in findings]
    if "message" in case:
        assert any(case["message"] in f.message for f in findings), [f.message for f in findings]
    if "fixed" in case:
        original = data_file.read_bytes()
        linter = Linter(make_config(config), select_rules([code], []))
        fix_files(linter, findings)
        fixed = data_file.read_bytes()
        assert fixed == case["fixed"].encode("utf-8")
        # fix invariants: nothing fixable is left, and a second fix changes nothing
        again = lint([data_file.name], select=[code], config=config)
        assert not [f for f in again if f.fixable]
        fix_files(linter, again)
        assert data_file.read_bytes() == fixed
        assert len(fixed.splitlines()) <= len(original.splitlines())
