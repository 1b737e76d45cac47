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


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This working tree as a committed repository, as `pre-commit try-repo` makes one, but
    once per session: pre-commit then builds the hooks' environment once, not per call."""
    dest = tmp_path_factory.mktemp("sftlint-hooks-repo")
    listed = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    git(dest, "init", "-q")
    git(dest, "add", ".")
    git(dest, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "x")
    return dest, git(dest, "rev-parse", "HEAD").strip()


def project(tmp_path: Path, hooks_repo: tuple[Path, str], config: str) -> Path:
    """A git repository with the two hooks installed and `config` as sftlint.toml."""
    repo = tmp_path / "project"
    (repo / "data").mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@example.com")
    git(repo, "config", "user.name", "t")
    (repo / "sftlint.toml").write_text(config, encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hooks_repo[0]}\n  rev: {hooks_repo[1]}\n"
        "  hooks:\n  - id: sftlint\n  - id: sftlint-dataset\n")
    return repo


def pre_commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(Path.home() / ".cache" / "sftlint-pre-commit")}
    return subprocess.run([installed("pre-commit"), *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900)


def commit(repo: Path) -> subprocess.CompletedProcess[str]:
    """`git commit` with the hooks installed: exit 0 when they pass."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(Path.home() / ".cache" / "sftlint-pre-commit"),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(["git", "commit", "-q", "-m", "change"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900)


def test_pre_commit_hooks_fail_then_pass(tmp_path: Path, hooks_repo: tuple[Path, str]) -> None:
    repo = project(tmp_path, hooks_repo, 'paths = ["data"]\n')
    bad = repo / "data" / "chat.jsonl"
    lecture = chat("睡不着。", "你应该早点睡。")
    bad.write_bytes(jsonl([lecture, chat("想家了。", "想家是很正常的。")]))
    git(repo, "add", ".")
    proc = pre_commit(repo, "run", "sftlint", "--files", "data/chat.jsonl")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "A001" in proc.stdout and "data/chat.jsonl:1:" in proc.stdout
    proc = pre_commit(repo, "run", "--all-files")
    assert proc.returncode == 1 and "A001" in proc.stdout

    bad.write_bytes(jsonl([chat("睡不着。", "睡不着的夜特别长，想聊聊吗？"),
                           chat("想家了。", "想家是很正常的。")]))
    git(repo, "add", ".")
    proc = pre_commit(repo, "run", "sftlint", "--files", "data/chat.jsonl")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = pre_commit(repo, "run", "--all-files")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_commit_that_changes_only_the_inference_prompt_is_blocked(
        tmp_path: Path, hooks_repo: tuple[Path, str]) -> None:
    repo = project(tmp_path, hooks_repo,
                   'paths = ["data"]\nsystem-prompt = "你是一位耐心的陪伴者。"\n'
                   'inference-prompt-sources = ["verify_lora.py:SYSTEM_PROMPT"]\n')
    prompt = repo / "verify_lora.py"
    prompt.write_text('SYSTEM_PROMPT = "你是一位耐心的陪伴者。"\n', encoding="utf-8")
    (repo / "data" / "chat.jsonl").write_bytes(jsonl([chat("想家了。", "想家是很正常的。")]))
    git(repo, "add", ".")
    assert commit(repo).returncode == 0
    git(repo, "rev-parse", "HEAD")
    assert pre_commit(repo, "install").returncode == 0
    # the first commit ran no hook (not installed yet); from here on, every commit does
    prompt.write_text('SYSTEM_PROMPT = "你是一位耐心的陪伴者"\n', encoding="utf-8")
    git(repo, "add", "verify_lora.py")
    proc = commit(repo)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "verify_lora.py:1:17: P003" in proc.stdout + proc.stderr
    # a commit of files that are no input of the check does not run it
    prompt.write_text('SYSTEM_PROMPT = "你是一位耐心的陪伴者。"\n', encoding="utf-8")
    (repo / "notes.txt").write_text("unrelated\n")
    git(repo, "add", ".")
    proc = commit(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_dirty_data_commit_prints_each_finding_once(tmp_path: Path,
                                                      hooks_repo: tuple[Path, str]) -> None:
    repo = project(tmp_path, hooks_repo, 'paths = ["data"]\n')
    assert pre_commit(repo, "install").returncode == 0
    records = [chat("睡不着。", "你应该早点睡。"), chat("想家了。", "想家是很正常的。"),
               chat("想家了。", "想家是很正常的。")]
    (repo / "data" / "chat.jsonl").write_bytes(jsonl(records))
    git(repo, "add", ".")
    proc = commit(repo)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    output = proc.stdout + proc.stderr
    found = sorted(line.split(": ")[1].split()[0] for line in output.splitlines()
                   if line.startswith("data/chat.jsonl:"))
    assert found == ["A001", "D001"], output
