"""The JSON Lines reader against inputs built to slip past it: a repeated key hidden by
whitespace before its colon (F007), a large file whose first line is not a record (the
shape must not depend on --jobs), and an integer too big for a double (F006's message)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sftlint.formats.jsonl import JSON_LINES
from sftlint.reader import find_duplicate_key, read_json_document, read_jsonl

SFTLINT = str(Path(sys.executable).with_name("sftlint"))  # the installed command
JSON_WHITESPACE = " \t\r\n"


def sftlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SFTLINT, *args], cwd=cwd, text=True, capture_output=True,
                          timeout=300, env={**os.environ, "SFTLINT_CACHE_DIR": ""})


# --- F007: a repeated key, whatever whitespace stands before its colon ----------------------

class Obj:
    """A JSON object written as its pairs, so that a key may be written twice."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        self.pairs = pairs


KEYS = st.sampled_from(["role", "content", "a", "a:b", 'q"', " :", "\\", "：", ""]) | st.text(
    alphabet='ab:" \t\n\\', max_size=4)
SCALARS = (st.none() | st.booleans() | st.integers(-10**6, 10**6)
           | st.text(alphabet='ab:" \t\n\\{}[],', max_size=8))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.lists(st.tuples(KEYS, inner), max_size=4).map(Obj),
    max_leaves=12)
OBJECTS = st.lists(st.tuples(KEYS, VALUES), max_size=5).map(Obj)


def write(value: Any, space: st.DataObject) -> str:
    """`value` as JSON text, with random JSON whitespace before each colon and comma."""

    def ws() -> str:
        return space.draw(st.text(alphabet=JSON_WHITESPACE, max_size=3))

    if isinstance(value, Obj):
        members = [f"{json.dumps(k)}{ws()}:{ws()}{write(v, space)}" for k, v in value.pairs]
        return "{" + f"{ws()},".join(members) + "}"
    if isinstance(value, list):
        return "[" + f"{ws()},".join(write(v, space) for v in value) + "]"
    return json.dumps(value)


def first_repeated_key(raw: bytes) -> str | None:
    """The oracle: every (key, value) pair as the stdlib parser sees it."""
    found: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        repeated = [k for n, k in enumerate(keys) if k in keys[:n]]
        if repeated and not found:
            found.append(repeated[0])
        return dict(items)

    json.loads(raw, object_pairs_hook=pairs)
    return found[0] if found else None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OBJECTS, st.data())
def test_find_duplicate_key_agrees_with_the_stdlib_parser(obj: Obj, space: st.DataObject
                                                          ) -> None:
    raw = write(obj, space).encode()
    assert find_duplicate_key(raw, orjson.loads(raw)) == first_repeated_key(raw)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OBJECTS, st.data())
def test_read_jsonl_reports_every_repeated_key(obj: Obj, space: st.DataObject) -> None:
    raw = write(obj, space).encode()
    expected = first_repeated_key(raw)
    facts, _ = read_jsonl("x.jsonl", raw.replace(b"\n", b" ") + b"\n")
    assert [d[1] for d in facts.duplicate_keys] == ([] if expected is None else [expected])
    facts, _ = read_json_document("x.json", b"[" + raw + b"]")
    assert [d[1] for d in facts.duplicate_keys] == ([] if expected is None else [expected])


@pytest.mark.parametrize("gap", ["  ", "\t", " \t ", "\r", "\n ", " \r\n"])
def test_whitespace_before_a_colon_hides_no_repeated_key(gap: str) -> None:
    raw = ('{"messages": [{"role": "user", "content": "今天有点闷。"}, {"role": "assistant", '
           f'"content"{gap}: "闷的时候，想聊点什么吗？", "content": "你应该早点睡。"}}]}}').encode()
    assert find_duplicate_key(raw, orjson.loads(raw)) == "content"


def test_no_key_is_reported_for_colons_in_text() -> None:
    raw = json.dumps({"messages": [
        {"role": "user", "content": 'Note: at 10:30 it said: "a" : b'},
        {"role": "assistant", "content": 'Sure: "x"\t: y'}]}).encode()
    assert find_duplicate_key(raw, orjson.loads(raw)) is None


def test_f007_end_to_end_with_two_spaces_before_the_colon(tmp_path: Path) -> None:
    (tmp_path / "d.jsonl").write_text(
        '{"messages": [{"role": "user", "content": "今天有点闷。"}, {"role": "assistant", '
        '"content"  : "闷的时候，想聊点什么吗？", "content": "你应该早点睡。"}]}\n'
        '{"messages": [], "x" :1, "x"\t:2}\n', encoding="utf-8")
    proc = sftlint("check", "--select", "F007", "--format", "json", "d.jsonl", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert [(f["line"], f["message"]) for f in json.loads(proc.stdout)] == [
        (1, 'key "content" appears twice in one object; the last one wins'),
        (2, 'key "x" appears twice in one object; the last one wins')]


def test_f007_in_a_bare_list_record(tmp_path: Path) -> None:
    (tmp_path / "sftlint.toml").write_text('[mapping]\nmessages = ""\n', encoding="utf-8")
    (tmp_path / "d.jsonl").write_text(
        '[{"role": "user", "content" : "睡不着。", "content": "x"}]\n', encoding="utf-8")
    proc = sftlint("check", "--select", "F007", "d.jsonl", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert 'd.jsonl:1: F007 key "content" appears twice' in proc.stdout


# --- the shape comes from the first record, in parallel as in one process -----------------

def big_sharegpt(first_line: bytes, records: int = 9000) -> bytes:
    """Over 4 MiB (checked in parallel with --jobs > 1): `first_line`, then sharegpt records."""
    pad = "慢慢说，我在这儿听着。" * 12
    lines = [first_line]
    for i in range(records):
        lines.append(json.dumps({"conversations": [
            {"from": "human", "value": f"今天有点闷，想找人聊聊天，第{i}回。"},
            {"from": "gpt", "value": f"闷的时候，想聊点什么吗？{pad}{i}"}]},
            ensure_ascii=False).encode())
    data = b"\n".join(lines) + b"\n"
    assert len(data) >= 4 << 20
    return data


@pytest.mark.parametrize("first_line", [b"1", b'"text"', b"[1, 2]", b"null", b"{bad"])
def test_findings_do_not_depend_on_jobs(tmp_path: Path, first_line: bytes) -> None:
    (tmp_path / "big.jsonl").write_bytes(big_sharegpt(first_line))
    runs = [sftlint("check", "--select", "F,S", "--format", "json", "--jobs", jobs, "big.jsonl",
                    cwd=tmp_path) for jobs in ("1", "4")]
    for proc in runs:
        assert proc.returncode == 1, proc.stderr
    serial, parallel = (json.loads(proc.stdout) for proc in runs)
    assert serial == parallel
    assert {f["code"] for f in serial} <= {"F006", "F008"}  # no S001: sharegpt was found
    assert [f["line"] for f in serial] == [1]


def test_first_value_is_the_first_record() -> None:
    record = {"conversations": [{"from": "human", "value": "你好"}]}
    data = b'1\n\n[1]\n"x"\n{bad\n' + orjson.dumps(record) + b'\n{"messages": []}\n'
    assert JSON_LINES.first_value(data) == record
    assert JSON_LINES.first_value(data, accept_lists=True) == [1]
    assert JSON_LINES.first_value(b"\xef\xbb\xbf" + orjson.dumps(record)) == record
    assert JSON_LINES.first_value(b"1\n2\n") is None  # no record: read serially
    assert JSON_LINES.first_value(b"\n" + orjson.dumps(record)) is None  # line 1 does not parse:
    assert JSON_LINES.first_value(b"[\n" + orjson.dumps(record) + b"\n]") is None  # a document?


# --- F006: a number beyond a double gets the out-of-range message --------------------------

@pytest.mark.parametrize("number", ["9" * 400, "-" + "9" * 400, "1" * 310 + ".5", "1e999"])
def test_number_beyond_a_double_is_out_of_range(number: str) -> None:
    raw = f'{{"messages": [], "n": {number}}}\n'.encode()
    facts, records = read_jsonl("x.jsonl", raw)
    assert not records
    [(line, _, message, _)] = facts.json_errors
    shown = number if len(number) <= 24 else number[:20] + "..."
    assert line == 1 and message == (
        f"number {shown} is out of range (valid JSON, but beyond a 64-bit float); "
        "write a smaller number or a string")


def test_huge_integer_end_to_end(tmp_path: Path) -> None:
    text = '{"messages": [{"role": "user", "content": "你好"}], "n": ' + "9" * 400 + "}\n"
    (tmp_path / "d.jsonl").write_text(text, encoding="utf-8")
    (tmp_path / "d.json").write_text(f"[{text}]\n", encoding="utf-8")
    for name in ("d.jsonl", "d.json"):
        proc = sftlint("check", "--select", "F006", name, cwd=tmp_path)
        assert proc.returncode == 1, proc.stderr
        assert (f"F006 number {'9' * 20}... is out of range (valid JSON, but beyond a 64-bit "
                "float); write a smaller number or a string") in proc.stdout, proc.stdout
        assert "infinity" not in proc.stdout
