"""Every rule documents itself; its bad example raises exactly its code, its good one nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sftlint.config import tomllib
from sftlint.registry import all_rules
from sftlint.rule import Rule
from tests.conftest import lint

BLOCK = re.compile(r"## (Example|Use instead|Config)\n```(jsonl|toml|text)\n(.*?)\n```", re.S)
HEADINGS = ("## What it does", "## Why it matters for training", "## Example", "## Use instead")


def blocks(rule: type[Rule]) -> dict[str, tuple[str, str]]:
    return {m.group(1): (m.group(2), m.group(3)) for m in BLOCK.finditer(rule.doc())}


def test_codes_and_names_are_unique() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    for r in rules:
        assert re.fullmatch(r"[A-Z]\d{3}", r.code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.name)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_doc_has_the_fixed_headings(rule: type[Rule]) -> None:
    doc = rule.doc()
    for heading in HEADINGS:
        assert heading in doc, f"{rule.code} lacks {heading}"
    if rule.fixable:
        assert "## Fix safety" in doc


RUNNABLE = [r for r in all_rules() if blocks(r).get("Example", ("",))[0] == "jsonl"]


@pytest.mark.parametrize("rule", RUNNABLE, ids=lambda r: r.code)
def test_doc_examples(rule: type[Rule], in_tmp: Path) -> None:
    examples = blocks(rule)
    config = tomllib.loads(examples["Config"][1]) if "Config" in examples else {}
    # S004 wants a system prompt; the examples all carry one.
    bad = in_tmp / "bad.jsonl"
    bad.write_text(examples["Example"][1] + "\n", encoding="utf-8")
    found = {f.code for f in lint([bad], config=config)}
    assert found == {rule.code}, f"bad example of {rule.code} raised {sorted(found)}"
    good = in_tmp / "good.jsonl"
    good.write_text(examples["Use instead"][1] + "\n", encoding="utf-8")
    findings = lint([good], config=config)
    assert not findings, [f"{f.code} {f.message}" for f in findings]


def test_most_rules_have_runnable_examples() -> None:
    assert len(RUNNABLE) >= 20  # the rest need bytes or files a docstring can't hold
