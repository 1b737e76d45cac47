"""Verdicts kept between checks of a file (sftlint/verdicts.py): a check with them reports
exactly what a check without them reports, reads again only the texts that changed, and
never recalls a verdict made by other code, other options or for another file."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import sftlint
from sftlint import verdicts
from sftlint.rules.imperative_reply import ImperativeReply
from sftlint.rules.user_turns import FormalUserTurn
from tests.conftest import REPO
from tests.test_e2e import installed

LECTURE = "你应该早点睡，别想太多。"
KIND = "睡不好真难受。要不要跟我说说，夜里都在想些什么？"


def record(user: str, reply: str) -> str:
    return json.dumps({"messages": [{"role": "user", "content": user},
                                    {"role": "assistant", "content": reply}]},
                      ensure_ascii=False)


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SFTLINT_CACHE_DIR", str(folder))
    return folder


@pytest.fixture()
def judged(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts A001 and U003 read (rather than recall), in order."""
    seen: list[str] = []
    for rule in (ImperativeReply, FormalUserTurn):
        judge = rule._judge

        def spy(self, turns, judge=judge):  # type: ignore[no-untyped-def]
            seen.extend(turns.texts)
            return judge(self, turns)

        monkeypatch.setattr(rule, "_judge", spy)
    return seen


def seen(report: sftlint.CheckReport) -> list[tuple[object, ...]]:
    return [(f.code, f.line, f.column, f.message) for f in report.findings]


def test_the_installed_command_reports_the_same_cold_warm_and_without_cache(
        tmp_path: Path) -> None:
    data = tmp_path / "mixed.jsonl"
    lines = [line for source in (REPO / "examples" / "dirty.jsonl",
                                 REPO / "examples" / "data" / "companion.jsonl")
             for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    write(data, lines)
    outputs = []
    for cache_dir in (str(tmp_path / "cache"), str(tmp_path / "cache"), ""):
        proc = subprocess.run([installed("sftlint"), "check", "--format", "json", str(data)],
                              capture_output=True, text=True, timeout=120, cwd=tmp_path,
                              env={**os.environ, "SFTLINT_CACHE_DIR": cache_dir})
        assert proc.returncode == 1, proc.stderr
        outputs.append(json.loads(proc.stdout))
    assert outputs[0] == outputs[1] == outputs[2]
    assert {"A001", "U003"} <= {f["code"] for f in outputs[0]}
    assert len(list((tmp_path / "cache" / "verdicts").iterdir())) == 1


def test_a_check_reads_again_only_the_texts_that_changed(
        tmp_path: Path, cache: Path, judged: list[str]) -> None:
    data = write(tmp_path / "d.jsonl", [record("最近老睡不好。", LECTURE),
                                        record("今天降温了。", KIND)])
    first = sftlint.check([str(data)], select=["A001"])
    assert [f.line for f in first.findings] == [1]
    assert judged == [LECTURE, KIND]
    judged.clear()
    assert seen(sftlint.check([str(data)], select=["A001"])) == seen(first)
    assert judged == []  # all recalled
    # the lecturing reply becomes kind and the other lecturing, lines swapped
    write(data, [record("今天降温了。", "您应该多穿点，必须听我的。"),
                 record("最近老睡不好。", KIND)])
    edited = sftlint.check([str(data)], select=["A001"])
    assert [f.line for f in edited.findings] == [1]
    assert judged == ["您应该多穿点，必须听我的。"]  # KIND's verdict is recalled on line 2


def test_other_options_or_other_code_never_recall_a_verdict(
        tmp_path: Path, cache: Path, judged: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = write(tmp_path / "d.jsonl", [record("你好。", LECTURE)])
    sftlint.check([str(data)], select=["A001"])
    config = write(tmp_path / "sftlint.toml", ["[rules.A001]", "scorer = false"])
    judged.clear()
    sftlint.check([str(data)], select=["A001"], config=str(config))
    assert judged == [LECTURE]  # A001 without its scorer judges afresh
    judged.clear()
    monkeypatch.setattr(verdicts, "_header", lambda: ("another build of sftlint",))
    sftlint.check([str(data)], select=["A001"])
    assert judged == [LECTURE]


def test_the_code_stamp_follows_the_files_of_the_code(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    stamp = verdicts._code_stamp()
    assert stamp == verdicts._code_stamp.__wrapped__()  # the same files, the same stamp
    weights = Path(sftlint.__file__).parent / "rules"
    target = next(p for p in sorted(Path(verdicts.__file__).parent.glob("*.py")))
    if weights.is_dir():  # installed as a wheel: sftlint/rules inside sftlint/
        target = next(iter(sorted(weights.glob("*.py"))), target)
    before = target.stat()
    try:
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
        assert verdicts._code_stamp.__wrapped__() != stamp
    finally:
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_cache_file_of_another_input_is_never_read(
        tmp_path: Path, cache: Path, judged: list[str]) -> None:
    one = write(tmp_path / "one.jsonl", [record("你好。", LECTURE)])
    two = write(tmp_path / "two.jsonl", [record("你好。", LECTURE)])
    sftlint.check([str(one)], select=["A001"])
    judged.clear()
    sftlint.check([str(two)], select=["A001"])
    assert judged == [LECTURE]
    assert len(list((cache / "verdicts").iterdir())) == 2


def test_no_verdicts_are_kept_when_caching_is_off_in_memory_or_across_workers(
        tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [record(f"第{i}天，今天降温了。", LECTURE if i % 3 else KIND) for i in range(300)]
    data = write(tmp_path / "d.jsonl", lines)
    monkeypatch.setenv("SFTLINT_CACHE_DIR", "")
    off = seen(sftlint.check([str(data)], select=["A001"]))
    monkeypatch.setenv("SFTLINT_CACHE_DIR", str(cache))
    sftlint.check([json.loads(line) for line in lines], select=["A001"])
    assert not (cache / "verdicts").exists()
    monkeypatch.setattr("sftlint.engine.PARALLEL_MIN_BYTES", 1000)
    monkeypatch.setattr("sftlint.engine.CHUNK_BYTES", 4000)
    across = seen(sftlint.check([str(data)], select=["A001"], jobs=2))
    assert not (cache / "verdicts").exists()
    assert across == off and len(off) == 200


def test_a_damaged_cache_file_is_ignored(tmp_path: Path, cache: Path,
                                         judged: list[str]) -> None:
    data = write(tmp_path / "d.jsonl", [record("你好。", LECTURE)])
    first = seen(sftlint.check([str(data)], select=["A001"]))
    (kept,) = (cache / "verdicts").iterdir()
    blob = bytearray(kept.read_bytes())
    blob[-3] ^= 0xFF
    kept.write_bytes(bytes(blob))
    judged.clear()
    assert seen(sftlint.check([str(data)], select=["A001"])) == first
    assert judged == [LECTURE]


def test_entries_of_another_shape_in_a_sealed_file_are_judged_afresh(
        tmp_path: Path, cache: Path, judged: list[str]) -> None:
    """A cache file with a right checksum and header but entries no check writes (a number,
    a tuple of three, a key of another length) is read as data: those entries are unknown."""
    from sftlint import user_cache

    data = write(tmp_path / "d.jsonl", [record("你好。", LECTURE), record("在吗？", KIND)])
    first = seen(sftlint.check([str(data)], select=["A001"]))
    (kept,) = (cache / "verdicts").iterdir()
    header = verdicts._header()
    entries = user_cache.read_sealed(kept, header, verdicts.MAX_BYTES)
    assert isinstance(entries, dict) and len(entries) == 2
    bad = [7, ("phrase", "x", "y")]
    entries = {key: bad[n] for n, key in enumerate(entries)}
    entries[b"short"] = None
    user_cache.write_sealed(kept, header, entries)
    judged.clear()
    assert seen(sftlint.check([str(data)], select=["A001"])) == first
    assert sorted(judged) == sorted([LECTURE, KIND])
