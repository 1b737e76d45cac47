"""Property tests: arbitrary bytes never crash the checker, and `--fix` never loses data.

Derandomized and bounded (a fixed number of examples each), so that they run the same way
in CI every time and add well under a minute.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sftlint.cli import cli
from tests.conftest import REPO

PROPERTY = settings(derandomize=True, deadline=None, max_examples=60, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
SARIF_SCHEMA = json.loads((REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())

# Pieces of almost-JSON, so that random inputs reach deep into the reader and the rules
# rather than failing at the first byte.
FRAGMENTS = [
    b'{"messages": [', b'{"role": "system", "content": "', b'{"role": "user", "content": "',
    b'{"role": "assistant", "content": "', b'"}', b'"}, ', b"]}", b"\n", b"\r\n", b"\xef\xbb\xbf",
    b"[", b"]", b"{", b"}", b",", b'"', b"\\u", b"\\ud800", b"1e999", b"null", b"true", b"0",
    b" ", b"\t", "你应该早点睡".encode(), "您好，请问".encode(), b"\xff\xfe", b"\xe4\xbd",
    b'{"conversations": [{"from": "human", "value": "', b'"instruction": "', b'"output": "',
]
NEAR_JSON = st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=6), max_size=40).map(
    b"".join)
ANY_BYTES = st.one_of(st.binary(max_size=300), NEAR_JSON)


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def resolve_pointer(value: Any, pointer: str) -> Any:
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        value = value[int(token)] if isinstance(value, list) else value[token]
    return value


def check_positions(data: bytes, findings: list[dict[str, Any]], jsonl: bool) -> None:
    """Every reported line/column lies inside the file; every pointer resolves (JSON Lines)."""
    lines = data.split(b"\n")
    for f in findings:
        if f["line"] is None:
            assert f["column"] is None or f["column"] >= 1, f
            continue
        assert 1 <= f["line"] <= len(lines), f
        line = lines[f["line"] - 1]
        width = len(line.decode("utf-8", "replace"))
        if f["column"] is not None:
            assert 1 <= f["column"] <= max(width, len(line)) + 1, f
        if jsonl and f["pointer"] is not None:
            record = json.loads(line.removeprefix(b"\xef\xbb\xbf").rstrip(b"\r"))
            resolve_pointer(record, f["pointer"])  # raises if it does not resolve


@PROPERTY
@given(data=ANY_BYTES, suffix=st.sampled_from([".jsonl", ".json"]))
@example(data=b"null", suffix=".json")  # scalar documents were an internal error (issue 8)
@example(data=b"1e999\n", suffix=".json")
@example(data=b"\xef\xbb\xbf[{\"a\": \"\xe4\xbd\xa0\", \"b\": 1e999}]", suffix=".json")
@example(data=b'{"messages": "\\ud800"}\n', suffix=".jsonl")
def test_arbitrary_bytes_never_crash(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"data{suffix}"
        path.write_bytes(data)
        code, out, err = run(["check", str(path), "--format", "json"])
        assert code in (0, 1, 2), (code, err)
        assert "internal error" not in err and "Traceback" not in err, err
        if code == 2:
            assert len(err.strip().splitlines()) == 1, err
            return
        findings = json.loads(out)
        assert isinstance(findings, list)
        check_positions(data, findings, jsonl=suffix == ".jsonl")
        code, out, err = run(["check", str(path), "--format", "sarif"])
        assert code in (0, 1), err
        jsonschema.Draft7Validator(SARIF_SCHEMA).validate(json.loads(out))


TEXT = st.text(alphabet=st.sampled_from("你好今天天气不错吗我想家了 abcXYZ.,!?\"\\/é😀"),
               min_size=1, max_size=20)
PADDING = st.sampled_from(["", "", " ", "\n", "\t", "  \n", "\u3000"])


@st.composite
def padded(draw: st.DrawFn) -> str:
    return draw(PADDING) + draw(TEXT) + draw(PADDING)


@st.composite
def records(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for _ in range(draw(st.integers(1, 5))):
        out.append({"messages": [
            {"role": "system", "content": draw(padded())},
            {"role": "user", "content": draw(padded())},
            {"role": "assistant", "content": draw(padded())},
        ], "category": draw(st.sampled_from(["a", "b"]))})
    return out


@st.composite
def layouts(draw: st.DrawFn) -> tuple[list[dict[str, Any]], bytes]:
    """Valid records laid out with a random BOM, CRLF, blank lines, final newline, escaping."""
    recs = draw(records())
    eol = draw(st.sampled_from([b"\n", b"\r\n"]))
    parts: list[bytes] = []
    for rec in recs:
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from([b"", b"  ", b"\t", b" \r"])) + eol)
        text = json.dumps(rec, ensure_ascii=draw(st.booleans()))
        parts.append(text.encode() + eol)
    body = b"".join(parts)
    ending = draw(st.sampled_from(["keep", "drop", "blank-tail"]))
    if ending == "drop":
        body = body[: -len(eol)]
    elif ending == "blank-tail":  # a whitespace-only last line without a final newline
        body += b"  "
    if draw(st.booleans()):
        body = b"\xef\xbb\xbf" + body
    return recs, body


def trimmed(content: str) -> str:
    """What S009's fix makes of a content: trimmed unless it is all whitespace."""
    if content and (content[0].isspace() or content[-1].isspace()) and not content.isspace():
        return content.strip()
    return content


@PROPERTY
@given(case=layouts())
def test_fix_keeps_every_record_and_reaches_the_fixed_point(
        case: tuple[list[dict[str, Any]], bytes]) -> None:
    recs, body = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.jsonl"
        path.write_bytes(body)
        code, _, err = run(["check", str(path), "--fix", "--exit-zero"])
        assert code == 0, err
        fixed = path.read_bytes()
        assert not fixed.startswith(b"\xef\xbb\xbf") and b"\r" not in fixed
        assert fixed.endswith(b"\n") and b"\n\n" not in fixed and not fixed.startswith(b"\n")
        got = [json.loads(line) for line in fixed.decode().splitlines()]
        want = [{**r, "messages": [{**m, "content": trimmed(m["content"])}
                                   for m in r["messages"]]} for r in recs]
        assert got == want
        code, _, err = run(["check", str(path), "--fix", "--exit-zero"])
        assert path.read_bytes() == fixed, "a second --fix changed the file"
        code, out, _ = run(["check", str(path), "--format", "json", "--exit-zero"])
        assert not [f for f in json.loads(out) if f["fixable"]]
