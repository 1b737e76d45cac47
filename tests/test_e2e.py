"""End to end: the installed `sftlint` command and real pre-commit hooks on a git repo."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import zlib
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


def _committed_clean(repo: Path, records: list[dict[str, object]]) -> None:
    """data/a.jsonl with `records`, committed before the hooks are installed."""
    (repo / "data" / "a.jsonl").write_bytes(jsonl(records))
    git(repo, "add", ".")
    assert commit(repo).returncode == 0
    assert pre_commit(repo, "install").returncode == 0


CLEAN = [chat("家里就我一个人。", "一个人在家，安静得连钟声都听得见吧。今天做了些什么？"),
         chat("孩子们都忙。", "等电话的滋味不好受。您最想跟他们说点什么呢？"),
         chat("晚上没人陪。", "一个人吃饭，饭菜都少了点味道。今晚做了什么菜？"),
         chat("今天下雨了。", "下雨天待在家里也挺好，听听雨声。您平时爱做点什么？")]


def test_a_data_file_committed_as_a_link_is_checked(tmp_path: Path,
                                                    hooks_repo: tuple[Path, str]) -> None:
    """git-annex and DVC commit data files as symbolic links: pre-commit's default
    `types: [file]` gave them to neither hook, and a lecturing record went in."""
    repo = project(tmp_path, hooks_repo, 'paths = ["data"]\n')
    _committed_clean(repo, CLEAN)
    store = tmp_path / "annex" / "SHA256E-s99--abc.jsonl"
    store.parent.mkdir()
    store.write_bytes(jsonl([chat("睡不着。", "你应该早点睡，别想太多。")]))
    (repo / "data" / "new.jsonl").symlink_to(store)
    git(repo, "add", ".")
    proc = commit(repo)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    output = proc.stdout + proc.stderr
    assert "data/new.jsonl:1:" in output and "A001" in output, output


def test_a_missing_system_message_the_dataset_makes_the_norm_blocks_a_commit(
        tmp_path: Path, hooks_repo: tuple[Path, str]) -> None:
    """S004 with no configured prompt requires a system message when most records have
    one: a judgment over the dataset, which the `sftlint` hook (staged files only) cannot
    make and the dataset hook left to it, so a new file without one went in."""
    repo = project(tmp_path, hooks_repo, 'paths = ["data"]\n')
    _committed_clean(repo, CLEAN)
    (repo / "data" / "b.jsonl").write_bytes(
        jsonl([chat("膝盖又疼了。", "膝盖疼起来走路都难，疼了多久了？", system=None)]))
    git(repo, "add", ".")
    proc = commit(repo)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    output = proc.stdout + proc.stderr
    s004 = [line for line in output.splitlines() if "S004" in line]
    assert len(s004) == 1 and s004[0].startswith("data/b.jsonl:1:"), output  # printed once
    assert "4 of the dataset's 5 records" in s004[0]


def test_a_changed_eval_split_or_image_runs_the_dataset_hook(
        tmp_path: Path, hooks_repo: tuple[Path, str]) -> None:
    """The eval split (D004) and the media records name (M003) are inputs of the check
    too: a commit that changes only them must run it."""
    repo = project(tmp_path, hooks_repo,
                   'paths = ["data"]\n[splits]\ntrain = ["data"]\n'
                   'eval = ["evalset/eval.jsonl"]\n')
    (repo / "evalset").mkdir()
    (repo / "evalset" / "eval.jsonl").write_bytes(
        jsonl([chat("膝盖又疼了。", "膝盖疼起来走路都难，疼了多久了？")]))
    (repo / "data" / "img").mkdir()
    png = repo / "data" / "img" / "a.png"
    png.write_bytes(PNG)
    pictured = chat("<image>这是我孙子画的画。", "画得真用心，颜色好鲜艳。您最喜欢哪一部分？",
                    images=["img/a.png"])
    _committed_clean(repo, [*CLEAN, pictured])

    (repo / "evalset" / "eval.jsonl").write_bytes(jsonl([CLEAN[0]]))  # a training record
    git(repo, "add", ".")
    proc = commit(repo)
    assert proc.returncode == 1 and "D004" in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    git(repo, "checkout", "HEAD", "--", "evalset/eval.jsonl")  # the index and the file

    png.write_bytes(b"not a png")
    git(repo, "add", "data/img/a.png")
    proc = commit(repo)
    assert proc.returncode == 1 and "M003" in proc.stdout + proc.stderr, proc.stdout + proc.stderr


def _png() -> bytes:
    """A valid 2x2 PNG, chunk checksums and all."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    pixels = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b""))


PNG = _png()


def test_the_readmes_local_hooks_run_without_a_network(tmp_path: Path) -> None:
    """The README's `repo: local` recipe, as written there: sftlint from the environment."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    recipe = next(block for block in readme.split("```yaml\n")[1:]
                  if "repo: local" in block.split("```")[0]).split("```")[0]
    repo = tmp_path / "project"
    (repo / "data").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "sftlint.toml").write_text('paths = ["data"]\n', encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(recipe, encoding="utf-8")
    same = chat("想家了。", "想家是很正常的，最想念什么呢？")
    (repo / "data" / "a.jsonl").write_bytes(jsonl([same, chat("睡不着。", "你应该早点睡。")]))
    (repo / "data" / "b.jsonl").write_bytes(jsonl([same]))
    git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc"),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run([installed("pre-commit"), "run", "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "data/a.jsonl:2:" in proc.stdout and "A001" in proc.stdout  # the file hook
    assert "D001" in proc.stdout  # the dataset hook: a duplicate across the two files
