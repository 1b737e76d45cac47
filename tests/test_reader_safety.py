"""The reader on any input: right (F008 for scalar documents, columns in characters, honest
messages for valid JSON the parser refuses) and bounded (nothing blocks, time linear in a
.json array, memory a small multiple of the largest line)."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sftlint.engine import Linter
from sftlint.findings import Finding
from sftlint.reader import read_json_document
from sftlint.records import Record
from sftlint.rule import RecordRule, Scope
from tests.conftest import chat, jsonl, lint, make_config

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and symlinks")


def sftlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # A hang is the defect: the timeout turns it into a failure instead of a stuck run.
    return subprocess.run([sys.executable, "-m", "sftlint", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=60)


# --- nothing blocks: FIFOs, broken and looping links ---------------------------------------

def test_fifo_named_directly_is_a_one_line_error(in_tmp: Path) -> None:
    os.mkfifo(in_tmp / "x.jsonl")
    proc = sftlint("check", "x.jsonl", cwd=in_tmp)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "x.jsonl: a named pipe (FIFO), not a regular file" in proc.stderr


def test_fifo_in_a_folder_is_skipped_with_a_warning(in_tmp: Path) -> None:
    data = in_tmp / "data"
    data.mkdir()
    (data / "a.jsonl").write_bytes(jsonl([chat("睡不着。", "你应该早点睡。")]))
    os.mkfifo(data / "pipe.jsonl")
    proc = sftlint("check", "data", "--format", "json", "--select", "A001", cwd=in_tmp)
    assert proc.returncode == 1, proc.stderr
    findings = json.loads(proc.stdout)  # the warning stays out of the JSON on stdout
    assert [(f["code"], f["path"]) for f in findings] == [("A001", "data/a.jsonl")]
    assert proc.stderr == ("sftlint: warning: data/pipe.jsonl: a named pipe (FIFO), "
                           "not a regular file; skipped\n")


@pytest.mark.parametrize("name, target, words", [
    ("gone.jsonl", "nowhere.jsonl", "broken symbolic link (its target does not exist)"),
    ("loop.jsonl", "loop.jsonl", "symbolic link loop")])
def test_a_bad_link_in_a_folder_stops_the_check(in_tmp: Path, name: str, target: str,
                                                words: str) -> None:
    """A data file the check cannot read (git-annex leaves a dropped file as a broken
    link) was skipped with a warning and the check passed: a gate must not vouch for data
    it never read. `exclude` leaves it out on purpose."""
    data = in_tmp / "data"
    data.mkdir()
    (data / "a.jsonl").write_bytes(jsonl([chat("睡不着。", "想聊聊吗？")]))
    (data / name).symlink_to(target)
    proc = sftlint("check", "data", "--select", "A001", cwd=in_tmp)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith(f"sftlint: error: data/{name}: {words}; fix or remove the "
                                  "link, or leave it out with `exclude`"), proc.stderr
    (in_tmp / "sftlint.toml").write_text(f'exclude = ["{name}"]\n', encoding="utf-8")
    proc = sftlint("check", "data", "--select", "A001", cwd=in_tmp)
    assert proc.returncode == 0 and "1 file(s)" in proc.stdout, proc.stdout + proc.stderr


def test_linked_folders_are_followed_once(in_tmp: Path) -> None:
    """A linked subfolder (shared data, a release) was left out without a word; a link
    back up to the data folder must not walk it forever."""
    data, shared = in_tmp / "data", in_tmp / "shared"
    data.mkdir()
    shared.mkdir()
    (data / "a.jsonl").write_bytes(jsonl([chat("想家了。", "想家是很正常的。")]))
    (shared / "b.jsonl").write_bytes(jsonl([chat("睡不着。", "你应该早点睡。")]))
    (data / "shared").symlink_to(shared, target_is_directory=True)
    (data / "again").symlink_to(shared, target_is_directory=True)  # the same folder twice
    (shared / "up").symlink_to(data, target_is_directory=True)  # a cycle
    (in_tmp / "kept.jsonl").write_bytes(jsonl([chat("下雨了。", "下雨天在家听听雨也好。")]))
    (data / "real.jsonl").symlink_to(in_tmp / "kept.jsonl")  # a link to a file is checked
    (data / "same.jsonl").symlink_to("a.jsonl")  # once: its records are a.jsonl's
    proc = sftlint("check", "data", "--select", "A001", cwd=in_tmp)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "3 file(s), 3 record(s)" in proc.stdout, proc.stdout
    assert proc.stdout.count("A001") == 1 and "data/again/b.jsonl:1:" in proc.stdout
    assert proc.stderr.splitlines() == [
        "sftlint: warning: data/again/up: a link to data, which holds the folder checked; "
        "skipped",
        "sftlint: warning: data/same.jsonl: the same file as data/a.jsonl; checked once"]


@pytest.mark.parametrize("target, words", [("nowhere.jsonl", "broken symbolic link"),
                                            ("loop.jsonl", "symbolic link loop")])
def test_bad_link_named_directly_is_a_one_line_error(in_tmp: Path, target: str,
                                                     words: str) -> None:
    (in_tmp / "loop.jsonl").symlink_to(target)
    proc = sftlint("check", "loop.jsonl", cwd=in_tmp)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert words in proc.stderr and "Traceback" not in proc.stderr


# --- right: scalar documents, columns, messages --------------------------------------------

@pytest.mark.parametrize("document, type_name", [("1", "number"), ("-2.5e3", "number"),
                                                 ("true", "boolean"), ("false", "boolean"),
                                                 ("null", "null"), ('"你好"', "string")])
def test_scalar_json_document_is_f008(in_tmp: Path, document: str, type_name: str) -> None:
    (in_tmp / "d.json").write_text(f"\n  {document}\n", encoding="utf-8")
    findings = lint(["d.json"])
    assert [(f.code, f.line, f.column) for f in findings] == [("F008", 2, 3)]
    assert findings[0].message.startswith(f"document is a JSON {type_name}, not an object")


def _column_of(text: str, needle: str) -> tuple[int, int]:
    """(line, 1-based character column) of `needle` in `text`, counted by hand."""
    before = text[:text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("layout", ["one-line", "pretty"])
def test_json_array_columns_are_characters(in_tmp: Path, bom: bool, layout: str) -> None:
    first = {"备注": "中文说明，很长很长的一段中文"}
    second = chat(" 睡不着。", "早点休息吧。")  # S009: leading space in the user turn
    third = 7  # F008 on an element
    sep = ", " if layout == "one-line" else ",\n  "
    text = "[" + sep.join(json.dumps(x, ensure_ascii=False) for x in (first, second, third))
    text += "]\n"
    (in_tmp / "d.json").write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    found = {f.code: (f.line, f.column) for f in lint(["d.json"], select=["S009", "F008"])}
    # the BOM is not a character of the line, as in .jsonl
    assert found["S009"] == _column_of(text, '" 睡不着。"')
    assert found["F008"] == _column_of(text, "7]")


def test_json_array_record_column_matches_jsonl(in_tmp: Path) -> None:
    record = chat(" 睡不着。", "早点休息吧。")
    (in_tmp / "d.jsonl").write_bytes(jsonl([record]))
    (in_tmp / "d.json").write_bytes(b"[" + jsonl([record]).rstrip() + b"]\n")
    line_jsonl = [(f.line, f.column) for f in lint(["d.jsonl"], select=["S009"])]
    line_json = [(f.line, f.column) for f in lint(["d.json"], select=["S009"])]
    assert line_json == [(1, line_jsonl[0][1] + 1)]  # one more character: the "["


def test_indented_jsonl_line_columns_point_at_the_record(in_tmp: Path) -> None:
    first = "  " + json.dumps(chat(" 嗯嗯", "好的呀，您说。"), ensure_ascii=False)
    text = first + '\n\t{"x": 1}\n'
    (in_tmp / "d.jsonl").write_text(text, encoding="utf-8")
    found = {f.code: (f.line, f.column) for f in lint(["d.jsonl"], select=["S009", "S001"])}
    assert found == {"S009": _column_of(text, '" 嗯嗯"'), "S001": (2, 2)}


def test_invalid_utf8_column_counts_characters(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes('{"t": "你好'.encode() + b'\xff"}\n')
    (finding,) = lint(["d.jsonl"], select=["F003"])
    assert finding.column == 10  # {"t": "你好 is 9 characters (13 bytes)
    assert "byte column 14" in finding.message


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
@pytest.mark.parametrize("value, columns, words", [
    ("1e999", (7, 9), "number 1e999 is out of range (valid JSON"),
    ('"\\ud800"', (8, 10), "unpaired surrogate \\ud800 in a string (valid JSON"),
    # the first bracket past the limit; in .json the array is one level more
    ("[" * 1100 + "]" * 1100, (1031, 1032), "nesting deeper than 1024 levels"),
])
def test_valid_json_the_parser_refuses_says_what_it_is(in_tmp: Path, suffix: str, value: str,
                                                       columns: tuple[int, int],
                                                       words: str) -> None:
    line = '{"a": ' + value + "}"
    path = in_tmp / f"d{suffix}"
    path.write_text(line + "\n" if suffix == ".jsonl" else f"[\n  {line}\n]\n")
    (finding,) = lint([path], select=["F006"])
    assert words in finding.message and not finding.message.startswith("invalid JSON")
    assert (finding.line, finding.column) == ((1, columns[0]) if suffix == ".jsonl"
                                              else (2, columns[1]))


def test_invalid_json_still_says_invalid(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_text('{"a": 1,}\n{"a": NaN}\n')
    messages = [f.message for f in lint(["d.jsonl"], select=["F006"])]
    assert len(messages) == 2 and all(m.startswith("invalid JSON: ") for m in messages)


# --- bounded: time linear in a .json array, memory a multiple of the line -------------------

def _read_seconds(elements: int) -> float:
    record = json.dumps(chat("今天有点闷。", "闷的时候，想聊点什么吗？"), ensure_ascii=False)
    data = ("[\n" + ",\n".join([record] * elements) + "\n]\n").encode()
    best = float("inf")
    gc.collect()
    gc.disable()  # the collector's passes over many live objects are not the reader's cost
    try:
        for _ in range(3):  # best of three: the machine is shared
            start = time.perf_counter()
            facts, records = read_json_document("d.json", data)
            best = min(best, time.perf_counter() - start)
            del facts, records
    finally:
        gc.enable()
    facts, records = read_json_document("d.json", data)
    assert len(records) == elements and records[-1].line == elements + 1
    return best


def test_json_array_reading_is_linear() -> None:
    small, large = _read_seconds(3_000), _read_seconds(12_000)
    # 4x the elements: linear is ~4x; the quadratic reader was ~13x at these sizes
    assert large / small < 6.5, (small, large)


_PEAK = ("import resource, subprocess, sys\n"
         "subprocess.run([sys.executable, '-m', 'sftlint', 'check', *sys.argv[1:]],"
         " capture_output=True, check=False)\n"
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")


def _peak_rss_bytes(cwd: Path, *args: str) -> int:
    """Peak RSS of one `sftlint check` (and its workers), measured in a fresh process so
    that no earlier child counts."""
    out = subprocess.run([sys.executable, "-c", _PEAK, *args], cwd=cwd, text=True,
                         capture_output=True, timeout=300, check=True).stdout
    return int(out) * (1 if sys.platform == "darwin" else 1024)


def test_memory_is_a_small_multiple_of_the_largest_line(in_tmp: Path) -> None:
    (in_tmp / "tiny.jsonl").write_bytes(jsonl([chat("你好", "你好呀")]))
    big = jsonl([chat("讲个故事吧。", "很久很久以前，" * 1_000_000)])  # one 21 MB line
    (in_tmp / "big.jsonl").write_bytes(big)
    base = _peak_rss_bytes(in_tmp, "tiny.jsonl", "--select", "F,S")
    peak = _peak_rss_bytes(in_tmp, "big.jsonl", "--select", "F,S")
    # the line's bytes, orjson's working copy and the parsed text: about 2.6x; the reader
    # that parsed the first line in the parent and forked used over 5x
    assert peak - base < 4 * len(big), (base, peak, len(big))


# --- a file cut short while it is read: a one-line error, never a crash or a hang ----------

def _big_jsonl(path: Path, records: int = 20_000) -> bytes:
    data = jsonl([chat(f"今天想出去走走{i}", f"好呀，外面阳光正好，我们慢慢走。{i}")
                  for i in range(records)])
    path.write_bytes(data)
    return data


def test_a_large_file_cut_short_while_read_is_an_input_error(in_tmp: Path) -> None:
    from sftlint.reader import FileBytes, InputError, open_bytes, read_jsonl

    _big_jsonl(in_tmp / "d.jsonl")
    data = open_bytes("d.jsonl")
    assert isinstance(data, FileBytes)  # large: read on demand, not mapped
    os.truncate("d.jsonl", 1000)  # another process cuts it, after the check opened it
    with pytest.raises(InputError, match=r"d\.jsonl: changed while being checked \(cut to "
                                         r"1,000 of its [\d,]+ bytes\)"):
        read_jsonl("d.jsonl", data)


class _Truncates(RecordRule):
    """Cuts the file it is checking: what another process may do at any moment."""

    code, name, scope = "Z901", "truncates", Scope.LINE

    def check(self, record: Record) -> Iterator[Finding]:
        os.truncate(record.path, 1000)
        return iter(())


def test_a_file_cut_short_under_the_workers_is_an_input_error(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks are read in the workers; chunks read after the first record was checked meet
    the cut file. (With a memory mapping they died of SIGBUS and the pool waited forever.)"""
    import sftlint.engine as engine
    from sftlint.reader import InputError

    monkeypatch.setattr(engine, "CHUNK_BYTES", 1 << 19)  # more chunks than workers
    data = _big_jsonl(in_tmp / "d.jsonl")
    assert len(data) > engine.PARALLEL_MIN_BYTES
    linter = Linter(make_config({}), [_Truncates], jobs=2)
    with pytest.raises(InputError, match="d.jsonl: changed while being checked"):
        linter.check(["d.jsonl"])


_KILL_A_WORKER = """
import os, signal, sys
from sftlint.engine import Linter
from sftlint.reader import InputError
from sftlint.rule import RecordRule, Scope
from tests.conftest import make_config

PARENT = os.getpid()

class Dies(RecordRule):
    code, name, scope = "Z902", "dies", Scope.LINE

    def check(self, record):
        if os.getpid() != PARENT:  # a worker, killed as the OOM killer would
            os.kill(os.getpid(), signal.SIGKILL)
        return iter(())

try:
    Linter(make_config({}), [Dies], jobs=2).check([sys.argv[1]])
except InputError as exc:
    print(exc)
"""


def test_a_killed_worker_is_an_input_error_not_a_hang(in_tmp: Path) -> None:
    _big_jsonl(in_tmp / "d.jsonl")
    root = Path(__file__).resolve().parents[1]
    run = subprocess.run([sys.executable, "-c", _KILL_A_WORKER, "d.jsonl"], cwd=in_tmp,
                         text=True, capture_output=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(root)})
    assert run.returncode == 0, run.stderr
    assert "d.jsonl: a worker process died while checking it" in run.stdout
    assert "--jobs 1" in run.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_command_never_crashes_on_a_file_cut_during_the_check(in_tmp: Path,
                                                                   jobs: str) -> None:
    """Whenever the cut lands: findings of what was read (exit 1) or the one-line error
    (exit 2); before, a bus error (exit 135) or a pool that never returned."""
    _big_jsonl(in_tmp / "d.jsonl", 60_000)
    check = subprocess.Popen([sys.executable, "-m", "sftlint", "check", "d.jsonl", "--jobs",
                              jobs, "--select", "F,S,A"], cwd=in_tmp, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.4)
    os.truncate(in_tmp / "d.jsonl", 1000)
    _, err = check.communicate(timeout=120)
    assert check.returncode in (0, 1, 2), (check.returncode, err)
    if check.returncode == 2:
        [line] = err.strip().splitlines()
        assert "d.jsonl: changed while being checked" in line


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.sampled_from([
    b'{"a": 1}', b'{"a": "' + b"x" * 150 + b'"}', b"", b"  ", b'  {"b": [1, 2]}',
    b'{"a": 1}\r', b'{"a": 1}\r{"a": 2}\r', b"{broken", b"[1, 2]", b'"text"',
    b'{"a": 1, "a": 2}', b"\xff\xfe", '{"c": "中文"}'.encode()]), max_size=30),
    bom=st.booleans(), final_newline=st.booleans(), parts=st.integers(1, 5))
def test_reading_a_large_file_in_windows_equals_reading_its_bytes(
        tmp_path_factory: pytest.TempPathFactory, lines: list[bytes], bom: bool,
        final_newline: bool, parts: int) -> None:
    """Windows of 64 bytes, so lines cross windows and lines longer than one are read
    alone: the facts and records equal those read from the whole bytes, range by range."""
    import sftlint.reader as reader
    from sftlint.reader import FileBytes, chunk_bounds, count_newlines, read_jsonl

    data = (reader.BOM if bom else b"") + b"\n".join(lines) + (b"\n" if final_newline else b"")
    path = tmp_path_factory.mktemp("w") / "d.jsonl"
    path.write_bytes(data)
    view = FileBytes(str(path), os.open(path, os.O_RDONLY), len(data))
    window = reader.WINDOW_BYTES
    reader.WINDOW_BYTES = 64
    try:
        for a, b in chunk_bounds(data, parts) or [(0, 0)]:
            first = count_newlines(data, 0, a) + 1
            assert chunk_bounds(view, parts) == chunk_bounds(data, parts)
            assert read_jsonl("d", view, a, b, True, first) == \
                read_jsonl("d", data, a, b, True, first)
    finally:
        reader.WINDOW_BYTES = window
