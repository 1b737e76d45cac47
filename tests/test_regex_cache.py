"""The compiled-regex cache: a pattern from the cache is the pattern `re` builds, and a
damaged, foreign or unwritable cache only costs the compile it would have saved."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sftlint import regex_cache
from tests.conftest import chat, jsonl

PATTERNS = [
    (r"(?P<modal>应该|必须)(?P<verb>[\u4e00-\u9fff]{1,4})", 0),
    (r"\byou (?:should|must)\b", re.IGNORECASE),
    (r"^\s*(?:\d+[.、)]|[-*•])\s+", re.MULTILINE),
    (r"(?<![他她])您(?:千万)?别(?!提|看|说)", 0),
    (r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", 0),
    (r"(a)|(b)(?P<c>c)?", re.DOTALL | re.VERBOSE),
]
TEXTS = ["您应该多休息。", "You SHOULD rest, you must.", "1. 按时服药\n- 散步\n• 早睡",
         "她别看了", "您千万别去", "您别说", "abc ba", "", "混合 text 文本"]


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache in tmp_path, as a new process would see it."""
    monkeypatch.setenv("SFTLINT_CACHE_DIR", str(tmp_path))
    _new_process(monkeypatch)
    return tmp_path


def _behaves_as_re(compiled: re.Pattern[str], pattern: str, flags: int) -> None:
    expected = re.compile(pattern, flags)
    assert (compiled.pattern, compiled.flags, compiled.groups, compiled.groupindex) == (
        expected.pattern, expected.flags, expected.groups, expected.groupindex)
    for text in TEXTS:
        assert [m.span() for m in compiled.finditer(text)] == [
            m.span() for m in expected.finditer(text)]
        assert [m.groups() for m in compiled.finditer(text)] == [
            m.groups() for m in expected.finditer(text)]


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget what this process loaded, compiled and used, as the next run starts."""
    monkeypatch.setattr(regex_cache, "_entries", None)
    monkeypatch.setattr(regex_cache, "_added", {})
    monkeypatch.setattr(regex_cache, "_used", set())


def test_patterns_round_trip_through_the_cache_file(fresh_cache: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for pattern, flags in PATTERNS:
        _behaves_as_re(regex_cache.compile(pattern, flags), pattern, flags)
    assert len(regex_cache._added) == len(PATTERNS)
    regex_cache._save(os.getpid())
    path = regex_cache.cache_file()
    assert path is not None and path.parent == fresh_cache and path.exists()

    _new_process(monkeypatch)
    for pattern, flags in PATTERNS:
        _behaves_as_re(regex_cache.compile(pattern, flags), pattern, flags)
    assert regex_cache._added == {}  # every one came from the file


def test_every_rule_pattern_in_the_cache_is_what_re_builds_now(
        fresh_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A real check fills the cache; each entry's matcher code equals a fresh build."""
    data = tmp_path / "d.jsonl"
    data.write_bytes(jsonl([chat("你好", "您应该多出去走走。"),
                            chat("请列出三个要点", "1. 甲\n2. 乙")]))
    env = {**os.environ, "SFTLINT_CACHE_DIR": str(fresh_cache)}
    subprocess.run([sys.executable, "-m", "sftlint", "check", "--exit-zero", str(data)],
                   env=env, check=True, capture_output=True)
    _new_process(monkeypatch)
    entries = regex_cache._load()
    assert len(entries) > 50  # the rules' patterns
    for (pattern, flags), entry in entries.items():
        assert entry == regex_cache._build(pattern, flags), pattern


@pytest.mark.parametrize("content", [b"", b"not marshal at all", b"\xe3\x00\x00garbage"])
def test_a_damaged_cache_file_is_ignored_and_rewritten(
        fresh_cache: Path, monkeypatch: pytest.MonkeyPatch, content: bytes) -> None:
    path = regex_cache.cache_file()
    assert path is not None
    path.write_bytes(content)
    pattern, flags = PATTERNS[0]
    _behaves_as_re(regex_cache.compile(pattern, flags), pattern, flags)
    regex_cache._save(os.getpid())
    _new_process(monkeypatch)
    assert (pattern, flags) in regex_cache._load()


def test_a_cache_from_another_interpreter_is_not_used(fresh_cache: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    pattern, flags = PATTERNS[0]
    regex_cache.compile(pattern, flags)
    regex_cache._save(os.getpid())
    _new_process(monkeypatch)
    monkeypatch.setattr(regex_cache, "_HEADER", ("another", "interpreter"))
    assert regex_cache._load() == {}


def test_an_entry_the_engine_rejects_is_compiled_afresh(fresh_cache: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    pattern, flags = PATTERNS[0]
    regex_cache._load()[(pattern, flags)] = (0, [999999], 0, {}, ())  # nonsense code
    _behaves_as_re(regex_cache.compile(pattern, flags), pattern, flags)


def test_an_unwritable_cache_folder_costs_nothing_but_the_compile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("SFTLINT_CACHE_DIR", str(blocker / "cache"))  # under a plain file
    _new_process(monkeypatch)
    pattern, flags = PATTERNS[1]
    _behaves_as_re(regex_cache.compile(pattern, flags), pattern, flags)
    regex_cache._save(os.getpid())  # must not raise
    assert not (blocker / "cache").exists()


def test_an_empty_cache_dir_turns_the_cache_off(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SFTLINT_CACHE_DIR", "")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    _new_process(monkeypatch)
    assert regex_cache.cache_file() is None
    regex_cache.compile(*PATTERNS[2])
    regex_cache._save(os.getpid())
    assert list(tmp_path.iterdir()) == []


def test_only_the_process_that_loaded_the_cache_writes_it(fresh_cache: Path) -> None:
    regex_cache.compile(*PATTERNS[3])
    regex_cache._save(os.getpid() + 1)  # a worker forked from it
    path = regex_cache.cache_file()
    assert path is not None and not path.exists()


def test_check_reports_the_same_with_a_cold_a_warm_and_a_damaged_cache(tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    data.write_bytes(jsonl([chat("您好啊小暖，今天降温了。", "您应该多穿点，别老待在家里。"),
                            chat("请列出适合老人的运动。", "建议您：1.散步；2.太极；3.游泳。")]))
    cache = tmp_path / "cache"
    env = {**os.environ, "SFTLINT_CACHE_DIR": str(cache)}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(["sftlint", "check", "--format", "json", str(data)], env=env,
                              capture_output=True, text=True)

    cold = run()
    files = sorted(f for f in cache.iterdir() if f.is_file())
    assert [f.name for f in files] == [f"regexes.{sys.implementation.cache_tag}.marshal"]
    warm = run()
    files[0].write_bytes(files[0].read_bytes()[:1000])  # truncated mid-write by a crash
    damaged = run()
    assert cold.returncode == warm.returncode == damaged.returncode == 1
    assert json.loads(cold.stdout) == json.loads(warm.stdout) == json.loads(damaged.stdout)
    assert {f["code"] for f in json.loads(cold.stdout)} >= {"A001", "A002"}
    assert damaged.stderr == ""


def _write_valid(path: Path, entries: dict[tuple[str, int], object]) -> None:
    """A cache file whose checksum is right, whatever its entries say."""
    import hashlib
    import marshal

    payload = marshal.dumps((regex_cache._HEADER, entries))
    path.write_bytes(hashlib.sha256(payload).digest() + payload)


def test_bit_flips_and_foreign_bytes_are_never_unmarshalled(
        fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """marshal can crash on damaged bytes (a self-containing tuple segfaults it), so a file
    whose checksum does not match is not read at all."""
    for pattern, flags in PATTERNS:
        regex_cache.compile(pattern, flags)
    regex_cache._save(os.getpid())
    path = regex_cache.cache_file()
    assert path is not None
    good = path.read_bytes()
    for offset in (0, 31, 32, 40, len(good) // 2, len(good) - 1):
        damaged = bytearray(good)
        damaged[offset] ^= 0x10
        path.write_bytes(bytes(damaged))
        _new_process(monkeypatch)
        assert regex_cache._load() == {}
    path.write_bytes(b'{\xa9\x01r\x00\x00\x00\x00N0')  # the crafted bytes that segfault marshal
    _new_process(monkeypatch)
    assert regex_cache._load() == {}


def test_entries_that_do_not_add_up_are_compiled_afresh(fresh_cache: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    pattern, flags = PATTERNS[0]  # two named groups
    good = regex_cache._build(pattern, flags)
    f, code, groups, groupindex, indexgroup = good
    path = regex_cache.cache_file()
    assert path is not None
    for bad in ((f, code, 10**9, groupindex, indexgroup), (f, code, groups, {"zz": 99}, indexgroup),
                (f, code, groups, {"modal": 2, "verb": 1}, indexgroup), ("x", code, 2, {}, ())):
        _write_valid(path, {(pattern, flags): bad, ("ok", 0): regex_cache._build("ok", 0)})
        _new_process(monkeypatch)
        assert list(regex_cache._load()) == [("ok", 0)]
        _behaves_as_re(regex_cache.compile(pattern, flags), pattern, flags)


@pytest.mark.parametrize("kind", ["fifo", "device", "huge"])
def test_a_cache_path_that_is_no_small_regular_file_is_not_read(
        fresh_cache: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    path = regex_cache.cache_file()
    assert path is not None
    if kind == "fifo":
        os.mkfifo(path)  # reading it would wait forever
    elif kind == "device":
        path.symlink_to("/dev/zero")  # reading it would never end
    else:
        with path.open("wb") as f:
            f.truncate(regex_cache.MAX_BYTES + 1)
    assert regex_cache._load() == {}


def test_no_home_directory_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a home, expanduser("~") stays "~": never a cache under the working directory."""
    monkeypatch.delenv("SFTLINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)
    assert regex_cache.cache_file() is None
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # the XDG spec: ignore it
    assert regex_cache.cache_file() is None


def _run(monkeypatch: pytest.MonkeyPatch, patterns: list[str]) -> None:
    """One run that compiles `patterns` and writes the cache at its end."""
    _new_process(monkeypatch)
    for pattern in patterns:
        regex_cache.compile(pattern)
    regex_cache._save(os.getpid())


def _cached(path: Path) -> set[str]:
    return {pattern for pattern, _ in regex_cache._read(path)}


def test_a_run_that_compiles_new_patterns_drops_the_entries_no_run_uses(
        fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After an upgrade most entries are the old version's patterns: the first run that
    compiles new ones writes back only what it used; a run that compiles nothing new (a
    few patterns, as `sftlint --help` does) leaves the file as it is."""
    old = [f"old-{i}-[a-z]+" for i in range(100)]
    _run(monkeypatch, old)
    path = regex_cache.cache_file()
    assert path is not None and _cached(path) == set(old)
    written = path.read_bytes()
    _run(monkeypatch, old[:3])  # nothing new: not rewritten, though mostly unused
    assert path.read_bytes() == written
    _run(monkeypatch, [*old[:10], "new-[0-9]+"])  # an upgrade: 90 of 100 unused
    assert _cached(path) == {*old[:10], "new-[0-9]+"}
    _run(monkeypatch, [*old[:5], "newer-[0-9]+"])  # 6 of 11 unused: under the floor
    assert _cached(path) == {*old[:10], "new-[0-9]+", "newer-[0-9]+"}
