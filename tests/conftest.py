"""Shared helpers: write data files, build a config, run the linter in-process."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

# The compiled-regex cache of every sftlint the tests start lives in a folder of their own,
# not the user's ~/.cache (set before sftlint is imported: the rules compile at import).
os.environ.setdefault("SFTLINT_CACHE_DIR", tempfile.mkdtemp(prefix="sftlint-test-cache-"))

from sftlint.config import Config, parse_config
from sftlint.engine import Linter
from sftlint.findings import Finding
from sftlint.registry import select_rules

SYSTEM = "你是一位耐心的陪伴者。"
REPO = Path(__file__).resolve().parent.parent


def chat(user: str, reply: str, system: str | None = SYSTEM, **extra: Any) -> dict[str, Any]:
    messages = [{"role": "system", "content": system}] if system is not None else []
    messages += [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]
    return {"messages": messages, **extra}


def jsonl(records: list[Any]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def make_config(options: dict[str, Any] | None = None, root: str = ".") -> Config:
    return parse_config(options or {}, "test config", root)


def lint(paths: list[str | os.PathLike[str]], select: list[str] | None = None,
         config: Config | dict[str, Any] | None = None, jobs: int = 1) -> list[Finding]:
    cfg = config if isinstance(config, Config) else make_config(config)
    linter = Linter(cfg, select_rules(select, []), jobs=jobs)
    return linter.check([str(p) for p in paths]).findings


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path
