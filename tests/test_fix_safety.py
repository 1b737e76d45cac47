"""`--fix` never loses data: concurrent fixers, kill -9, workers of a killed parent,
one run to the fixed point, and `--diff`. Real files, and the installed `sftlint` command
where processes matter."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sftlint import fixer
from sftlint.cli import cli
from sftlint.engine import Linter
from sftlint.findings import Edit
from sftlint.fixer import apply_edits, remove_stale_temps
from sftlint.registry import select_rules
from tests.conftest import SYSTEM, make_config
from tests.test_cli import run

SFTLINT = str(Path(sys.executable).parent / "sftlint")
RECORD = ('{"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, '
          '{"role": "user", "content": "今天有点闷。"}, '
          '{"role": "assistant", "content": "闷的时候，想聊点什么吗？"}]}')
RECORD2 = RECORD.replace("今天有点闷。", "下雨了。")
RECORD3 = RECORD.replace("今天有点闷。", "腿有点疼。")
needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc (Linux)")


def messy(n: int, pad: str = "") -> bytes:
    """n records with fixable defects everywhere: untrimmed content (S009), CRLF (F004),
    some blank CRLF lines (F005)."""
    lines = []
    for i in range(n):
        rec = {"id": i, "pad": pad, "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"  今天第{i}次睡不着。"},
            {"role": "assistant", "content": f"睡不着的时候，想聊聊第{i}件事吗？ \n"}]}
        lines.append(json.dumps(rec, ensure_ascii=False))
    data = "\r\n".join(lines).encode() + b"\r\n"
    return data.replace(b"\r\n", b"\r\n\r\n", max(1, n // 40))


def trimmed(record: dict) -> dict:
    for m in record["messages"]:
        m["content"] = m["content"].strip()
    return record


def sftlint(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([SFTLINT, *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def temps(folder: Path) -> list[Path]:
    return list(folder.glob(".sftlint-*.tmp"))


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its reaping is left


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "sftlint.toml").write_text("")  # no config from above the test folder
    return tmp_path


# -- one run reaches the fixed point -------------------------------------------------------

@pytest.mark.parametrize(("broken", "fixed"), [
    pytest.param(RECORD + "\n   ", RECORD + "\n", id="whitespace-last-line-no-newline"),
    pytest.param(RECORD + "\r\n\r\n" + RECORD2 + "\r\n", RECORD + "\n" + RECORD2 + "\n",
                 id="crlf-blank-lines"),
    pytest.param("\ufeff\r\n" + RECORD.replace("闷。", "闷。  ") + "\r\n \t\r\n",
                 RECORD + "\n", id="bom-blank-first-line-untrimmed-crlf-blank-last"),
    pytest.param(RECORD + "\r", RECORD + "\n", id="lone-cr-at-end"),
    pytest.param(RECORD + "\r" + RECORD2 + "\r", RECORD + "\n" + RECORD2 + "\n",
                 id="classic-mac-lone-cr-lines"),
    pytest.param(RECORD + "\r" + RECORD2 + "\n" + RECORD3, RECORD + "\n" + RECORD2 + "\n"
                 + RECORD3 + "\n", id="lone-cr-mixed-with-lf"),
])
def test_one_fix_reaches_the_fixed_point(broken: str, fixed: str, in_tmp: Path) -> None:
    path = in_tmp / "d.jsonl"
    path.write_bytes(broken.encode())
    code, out, _ = run(["check", "d.jsonl", "--fix"])
    assert path.read_bytes() == fixed.encode(), out
    assert code == 0 and "Fixed" in out
    assert run(["check", "d.jsonl", "--diff"])[0] == 0  # nothing left to fix
    run(["check", "d.jsonl", "--fix"])
    assert path.read_bytes() == fixed.encode()
    assert not temps(in_tmp)


@pytest.mark.parametrize("inner", [
    pytest.param(RECORD.replace("[{", "[\r{", 1), id="between-tokens"),
    pytest.param("\r" + RECORD, id="at-line-start"),
    pytest.param(RECORD + "\r ", id="cr-space-at-line-end"),
    pytest.param(RECORD.replace(", ", ",\r\r", 2), id="several"),
])
def test_a_cr_inside_a_record_becomes_a_space(inner: str, in_tmp: Path) -> None:
    """A raw CR between the tokens of a record that parses is JSON whitespace, but Python's
    open() and splitlines() break the line there: F004 reports it, and the fix makes it a
    space (turning it into LF would break the record in two)."""
    path = in_tmp / "d.jsonl"
    path.write_bytes((inner + "\n").encode())
    with open(path, encoding="utf-8") as f:
        assert len(f.readlines()) > 1  # what a Python reader sees before the fix
    code, out, _ = run(["check", "d.jsonl", "--select", "F"])
    assert "F004" in out and "raw CR between JSON tokens" in out, out
    code, out, _ = run(["check", "d.jsonl", "--select", "F", "--fix"])
    fixed = path.read_bytes()
    assert b"\r" not in fixed and fixed.count(b"\n") == 1, fixed
    assert json.loads(fixed) == json.loads(inner.replace("\r", " "))
    with open(path, encoding="utf-8") as f:
        assert [json.loads(line) for line in f] == [json.loads(RECORD)]
    assert run(["check", "d.jsonl", "--select", "F"])[0] == 0


def test_lone_cr_records_are_reported_as_such(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes((RECORD + "\r" + RECORD2 + "\r\n").encode())
    code, out, _ = run(["check", "d.jsonl", "--select", "F"])
    assert code == 1
    assert "F004" in out and "1 record(s) end with a lone CR" in out and "CRLF" in out, out


def test_overlapping_edits_keep_the_longer_one() -> None:
    data = b"{}\r\n\r\n{}\n"
    crlf, blank = Edit(2, 3, b""), Edit(4, 6, b"")
    blank_crlf = Edit(4, 5, b"")
    assert apply_edits(data, [crlf, blank_crlf, blank]) == b"{}\n{}\n"


def test_fix_leaves_what_per_file_ignores_and_exceptions_hide(in_tmp: Path) -> None:
    untrimmed = RECORD.replace("有点闷。", "有点闷。  ")
    (in_tmp / "legacy.jsonl").write_bytes((untrimmed + "\r\n").encode())
    (in_tmp / "d.jsonl").write_bytes((untrimmed + "\r\n").encode())
    (in_tmp / "sftlint.toml").write_text('per-file-ignores = { "legacy.jsonl" = ["S009"] }\n')
    run(["check", "legacy.jsonl", "d.jsonl", "--fix"])
    assert (in_tmp / "legacy.jsonl").read_bytes() == (untrimmed + "\n").encode()  # F004 only
    assert (in_tmp / "d.jsonl").read_bytes() == (RECORD + "\n").encode()
    assert run(["check", "legacy.jsonl", "--diff"])[0] == 0


def test_fix_refuses_a_stream_and_leaves_the_file_behind_it(in_tmp: Path) -> None:
    """`--fix /dev/stdin < d.jsonl` names a stream: rewriting d.jsonl behind it would be a
    surprise, so it is a usage error (the installed command, a real redirect)."""
    path = in_tmp / "d.jsonl"
    path.write_bytes((RECORD + "\r\n").encode())
    with open(path, "rb") as stdin:
        done = subprocess.run([SFTLINT, "check", "--fix", "/dev/stdin"], stdin=stdin,
                              capture_output=True, text=True, cwd=in_tmp)
    assert done.returncode == 2 and "/dev/stdin: --fix rewrites" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == (RECORD + "\r\n").encode()


def test_fix_through_a_symlink_fixes_its_target(in_tmp: Path) -> None:
    (in_tmp / "real").mkdir()
    target = in_tmp / "real" / "d.jsonl"
    target.write_bytes((RECORD + "\r\n").encode())
    os.chmod(target, 0o640)
    (in_tmp / "d.jsonl").symlink_to(target)
    run(["check", "d.jsonl", "--fix"])
    assert (in_tmp / "d.jsonl").is_symlink()
    assert target.read_bytes() == (RECORD + "\n").encode()
    assert os.stat(target).st_mode & 0o777 == 0o640
    assert not temps(in_tmp) and not temps(in_tmp / "real")


# -- --diff ---------------------------------------------------------------------------------

def test_diff_shows_the_fix_and_writes_nothing(in_tmp: Path) -> None:
    path = in_tmp / "d.jsonl"
    broken = messy(6) + b"   "  # and a whitespace-only last line without "\n"
    path.write_bytes(broken)
    before = os.stat(path)
    result = CliRunner().invoke(cli, ["check", "d.jsonl", "--diff"], catch_exceptions=False)
    code, out, err = result.exit_code, result.stdout_bytes.decode(), result.stderr
    assert code == 1
    assert out.startswith("--- d.jsonl\n+++ d.jsonl\n@@ ")
    assert "\\ No newline at end of file" in out
    assert "Would fix" in err
    after = os.stat(path)
    assert path.read_bytes() == broken and after.st_mtime_ns == before.st_mtime_ns
    assert sorted(p.name for p in in_tmp.iterdir()) == ["d.jsonl"]
    # the diff is exactly what --fix writes
    if shutil.which("patch"):
        (in_tmp / "fix.diff").write_bytes(result.stdout_bytes)  # CRs and all
        copy = in_tmp / "copy"
        copy.mkdir()
        (copy / "d.jsonl").write_bytes(broken)
        subprocess.run(["patch", "-s", "-p0", "--binary", "-i", "../fix.diff"], cwd=copy,
                       check=True, timeout=30)
        run(["check", "d.jsonl", "--fix"])
        assert (copy / "d.jsonl").read_bytes() == path.read_bytes()
    assert run(["check", "d.jsonl", "--diff", "--exit-zero"])[0] == 0


def test_diff_quotes_a_file_name_patch_would_cut(in_tmp: Path) -> None:
    """A raw tab in the header ended the name for `patch`, which then patched the file
    "tab" and left "tab<TAB>x.jsonl" unfixed: such a name is C-quoted, as git writes it."""
    name = "tab\tx.jsonl"
    (in_tmp / name).write_bytes(messy(2))
    (in_tmp / "tab").write_bytes(b"not data\n")
    result = CliRunner().invoke(cli, ["check", name, "--diff"], catch_exceptions=False)
    assert result.stdout_bytes.startswith(b'--- "tab\\tx.jsonl"\n+++ "tab\\tx.jsonl"\n@@ ')
    if shutil.which("patch"):
        (in_tmp / "fix.diff").write_bytes(result.stdout_bytes)
        subprocess.run(["patch", "-s", "-p0", "--binary", "-i", "fix.diff"], cwd=in_tmp,
                       check=True, timeout=30)
        assert (in_tmp / "tab").read_bytes() == b"not data\n"
        assert run(["check", name, "--select", "F,S009"])[0] == 0  # patched: nothing to fix


def test_diff_exit_codes(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(messy(3))
    assert run(["check", "d.jsonl", "--diff", "--exit-zero"])[0] == 0
    assert run(["check", "d.jsonl", "--fix", "--diff"])[0] == 2
    (in_tmp / "clean.jsonl").write_text(RECORD + "\n", encoding="utf-8")
    code, out, err = run(["check", "clean.jsonl", "--diff"])
    assert code == 0 and out == "" and "No fixes" in err


# -- a file that changes under the fixer ------------------------------------------------------

def test_a_foreign_write_during_the_fix_is_never_overwritten(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = in_tmp / "d.jsonl"
    path.write_bytes(messy(4))
    real_fix_bytes = fixer.fix_bytes
    written: list[bytes] = []

    def racing(linter: Linter, name: str, data: bytes) -> tuple[bytes, int]:
        written.append((RECORD + "\r\n").encode() * (len(written) + 1))
        with open(path, "r+b") as f:  # an editor writing in place, without any lock
            f.write(written[-1])
            f.truncate()
        return real_fix_bytes(linter, name, data)

    monkeypatch.setattr(fixer, "fix_bytes", racing)
    code, _, err = run(["check", "d.jsonl", "--fix"])
    assert code == 2 and "changed while it was being fixed" in err
    assert path.read_bytes() == written[-1]  # the other writer's bytes, untouched
    assert not temps(in_tmp)


def test_a_single_foreign_write_is_fixed_on_the_reread(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = in_tmp / "d.jsonl"
    path.write_bytes(messy(4))
    foreign = (RECORD + "\r\n").encode()
    real_fix_bytes = fixer.fix_bytes
    calls = []

    def racing_once(linter: Linter, name: str, data: bytes) -> tuple[bytes, int]:
        if not calls:
            path.write_bytes(foreign)
        calls.append(1)
        return real_fix_bytes(linter, name, data)

    monkeypatch.setattr(fixer, "fix_bytes", racing_once)
    code, out, _ = run(["check", "d.jsonl", "--fix"])
    assert code == 0, out
    assert path.read_bytes() == (RECORD + "\n").encode()  # edits computed on the new bytes


# -- processes: concurrent fixers, kill -9, workers -----------------------------------------

def test_two_concurrent_fixers_lose_nothing(folder: Path) -> None:
    path = folder / "d.jsonl"
    original = messy(2000)
    path.write_bytes(original)
    args = ("check", "d.jsonl", "--fix", "--select", "F,S", "--exit-zero")
    first = sftlint(*args, cwd=folder)
    time.sleep(0.1)
    second = sftlint(*args, cwd=folder)
    outs = [p.communicate(timeout=240) for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outs
    data = path.read_bytes()
    assert b"\r" not in data and b"\n\n" not in data and data.endswith(b"\n")
    records = [json.loads(line) for line in data.splitlines()]
    expected = [trimmed(json.loads(line)) for line in original.splitlines() if line.strip()]
    assert records == expected
    assert not temps(folder)


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_a_fixer_waits_for_the_lock_and_fixes_the_bytes_it_then_finds(folder: Path) -> None:
    import fcntl

    path = folder / "d.jsonl"
    path.write_bytes(messy(20))
    with open(path, "rb") as held:  # another fixer holds the lock ...
        fcntl.flock(held, fcntl.LOCK_EX)
        proc = sftlint("check", "d.jsonl", "--fix", "--select", "F,S", cwd=folder)
        assert proc.stderr is not None
        ready, _, _ = select.select([proc.stderr], [], [], 120)
        if not ready:
            proc.kill()
        line = proc.stderr.readline() if ready else b""  # the fixer says it waits
        assert b"waiting for another `sftlint check --fix` of d.jsonl" in line
        path.write_bytes((RECORD + "\r\n").encode())  # ... and rewrites the file meanwhile
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, (out, err)
    assert path.read_bytes() == (RECORD + "\n").encode()  # edits made for the new bytes


def big_file(folder: Path) -> tuple[Path, bytes]:
    path = folder / "big.jsonl"
    original = messy(1200, pad="x" * 4500)  # > 4 MiB: read by worker processes
    assert len(original) > 4 << 20
    path.write_bytes(original)
    return path, original


@needs_proc
def test_kill_9_during_fix_leaves_old_or_new_bytes_and_no_temp(folder: Path) -> None:
    path, original = big_file(folder)
    linter = Linter(make_config({}), select_rules(["F", "S009"], []))
    expected, _ = fixer.fix_bytes(linter, "big.jsonl", original)
    hits = 0
    for _ in range(3):
        path.write_bytes(original)
        proc = sftlint("check", "big.jsonl", "--fix", "--select", "F,S009", "--exit-zero",
                       cwd=folder)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if temps(folder):  # the temporary copy is being written: kill now
                proc.send_signal(signal.SIGKILL)
                break
        proc.communicate(timeout=60)
        left = temps(folder)
        hits += bool(left)
        data = path.read_bytes()
        assert data in (original, expected), "a kill left a mix of old and new bytes"
        # the next run removes what the killed one left behind
        subprocess.run([SFTLINT, "check", "big.jsonl", "--select", "F004", "--exit-zero"],
                       cwd=folder, capture_output=True, timeout=120, check=True)
        assert not temps(folder)
        if hits:
            break
    assert hits, "never caught the fixer while it wrote its temporary file"


@needs_proc
def test_workers_die_with_their_parent(folder: Path) -> None:
    # many small records: each worker's chunk is seconds of work (30 s on a busy 2-core
    # machine), which a worker that outlived its parent used to finish first
    (folder / "many.jsonl").write_bytes(messy(25000))
    proc = sftlint("check", "many.jsonl", "--jobs", "2", "--select", "F,S", "--exit-zero",
                   cwd=folder)
    workers: list[int] = []
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and len(workers) < 2:
        workers = children(proc.pid)
        time.sleep(0.01)
    time.sleep(0.3)  # let them start on their chunks
    if proc.poll() is not None:
        pytest.skip("the check finished before its workers were seen")
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 3
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [w for w in workers if alive(w)]
    for w in left:  # do not leave them to the other tests
        os.kill(w, signal.SIGKILL)
    assert workers and not left, "workers outlived their parent"


def test_parallel_check_reads_the_bytes_it_split_even_when_the_file_is_replaced(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sftlint.formats import jsonl  # where JSON Lines are split

    path, original = big_file(folder)
    real_bounds = jsonl.chunk_bounds

    def bounds_then_replace(data: bytes, parts: int) -> list[tuple[int, int]]:
        bounds = real_bounds(data, parts)
        replacement = folder / "new.tmp"  # what a `--fix` elsewhere would do meanwhile
        replacement.write_bytes(messy(300))
        os.replace(replacement, path)
        return bounds

    monkeypatch.setattr(jsonl, "chunk_bounds", bounds_then_replace)
    monkeypatch.chdir(folder)
    linter = Linter(make_config({}), select_rules(["F", "S"], []), jobs=2)
    result = linter.check(["big.jsonl"])
    assert result.records == 1200
    assert not [f for f in result.findings if f.code in ("F006", "S001")]


def test_stale_temps_are_removed_only_when_their_owner_is_gone(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    old = time.time() - 2 * 3600
    names = {f".sftlint-{dead.pid}-abc123.tmp": False,  # owner gone: removed
             f".sftlint-{os.getpid()}-abc123.tmp": True,  # owner alive: kept
             ".sftlint-k2j4_x9a.tmp": False,  # an older version's name, hours old: removed
             "data.tmp": True, ".sftlint-notes.txt": True}  # not ours
    for name in names:
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (old, old))
    fresh = tmp_path / f".sftlint-{dead.pid}-fresh.tmp"  # made after this run began
    fresh.write_bytes(b"x")
    assert remove_stale_temps(str(tmp_path), started=time.time() - 60) == 2
    for name, kept in names.items():
        assert (tmp_path / name).exists() == kept, name
    assert fresh.exists()


def test_a_fix_edits_the_copy_of_a_duplicated_key_that_the_parser_keeps(in_tmp: Path) -> None:
    """With a key twice in one object the last copy wins (F007); S009's fix must trim that
    copy, not the ignored first one, or it reports a fix that changed nothing."""
    record = ('{"messages":[{"role":"system","content":"你是一位耐心的陪伴者。"},'
              '{"role":"user","content":"今天好累。","content":" 今天好累。 "},'
              '{"role":"assistant","content":"辛苦啦，今天忙了些什么呀？"}]}')
    path = in_tmp / "d.jsonl"
    path.write_bytes((record + "\n").encode())
    code, out, _ = run(["check", "d.jsonl", "--select", "S009"])
    column = record.index('" 今天') + 1  # the last copy's value
    assert f":{column}: S009" in out, out
    run(["check", "d.jsonl", "--select", "S009", "--fix"])
    assert json.loads(path.read_bytes())["messages"][1]["content"] == "今天好累。"
    assert run(["check", "d.jsonl", "--select", "S009"])[0] == 0
