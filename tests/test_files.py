"""Whole-file fixtures: tests/files/NAME.(jsonl|json) with NAME.expected listing CODE:line
(and NAME.toml for a config, when the shape needs one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sftlint.config import parse_config, tomllib
from tests.conftest import lint

FILES = Path(__file__).parent / "files"
FIXTURES = sorted(p for p in FILES.iterdir() if p.suffix in (".jsonl", ".json"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_file(path: Path) -> None:
    expected = sorted(path.with_suffix(".expected").read_text().split())
    sidecar = path.with_suffix(".toml")
    options = tomllib.loads(sidecar.read_text()) if sidecar.exists() else {}
    config = parse_config(options, str(sidecar), str(FILES))
    findings = lint([path], config=config)
    got = sorted(f"{f.code}:{f.line}" for f in findings)
    assert got == expected, [f"{f.code}:{f.line} {f.message}" for f in findings]
