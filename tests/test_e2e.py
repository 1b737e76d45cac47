"""End to end: the installed `sftlint` command and real pre-commit hooks on a git repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, chat, jsonl

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent


def installed(name: str) -> str:
    path = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (pip install -e '.[dev]')")
    return path


def test_installed_command_on_the_example() -> None:
    proc = subprocess.run([installed("sftlint"), "check", "--config", "examples/sftlint.toml"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "All checks passed" in proc.stdout
    proc = subprocess.run([installed("sftlint"), "check", "--config", "examples/sftlint.toml",
                           "examples/dirty.jsonl"], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1
    for code in ("F001", "F002", "F006", "A001", "A002", "U003", "P001", "S009"):
        assert code in proc.stdout


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_pre_commit_hooks_fail_then_pass(tmp_path: Path) -> None:
    repo = tmp_path / "project"
    (repo / "data").mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@example.com")
    git(repo, "config", "user.name", "t")
    (repo / "sftlint.toml").write_text('paths = ["data"]\n')
    bad = repo / "data" / "chat.jsonl"
    lecture = chat("睡不着。", "你应该早点睡。")
    bad.write_bytes(jsonl([lecture, chat("想家了。", "想家是很正常的。")]))
    git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(Path.home() / ".cache" / "sftlint-pre-commit")}
    pre_commit = installed("pre-commit")

    def try_hook(hook: str, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([pre_commit, "try-repo", str(REPO), hook, *extra], cwd=repo,
                              env=env, capture_output=True, text=True, timeout=900)

    proc = try_hook("sftlint", "--files", "data/chat.jsonl")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "A001" in proc.stdout and "data/chat.jsonl:1:" in proc.stdout
    proc = try_hook("sftlint-dataset", "--all-files")
    assert proc.returncode == 1 and "A001" in proc.stdout

    bad.write_bytes(jsonl([chat("睡不着。", "睡不着的夜特别长，想聊聊吗？"),
                           chat("想家了。", "想家是很正常的。")]))
    git(repo, "add", ".")
    proc = try_hook("sftlint", "--files", "data/chat.jsonl")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = try_hook("sftlint-dataset", "--all-files")
    assert proc.returncode == 0, proc.stdout + proc.stderr
