"""S009's fix on preference pairs and on escaped strings: both sides of a pair are trimmed
alike (a fix never hides an identical pair nor splits a shared turn), and the fix removes
only the edge whitespace, keeping the string's other bytes as written. Real files and the
installed `sftlint` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SFTLINT = str(Path(sys.executable).parent / "sftlint")
PROMPT = "今天有点闷，想聊聊。"
REPLY = "闷的时候，想聊点什么吗？我在这儿陪您。"
OTHER = "你应该早点睡。"


def sftlint(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # S009 and the pair rules only: what is under test, and what the fix must not launder
    return subprocess.run([SFTLINT, "check", str(path), "--select", "S009,V", *args],
                          capture_output=True, text=True, cwd=path.parent, timeout=120)


def findings(path: Path) -> list[dict[str, Any]]:
    proc = sftlint(path, "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    found: list[dict[str, Any]] = json.loads(proc.stdout)
    return found


def write(tmp_path: Path, record: dict[str, Any]) -> Path:
    path = tmp_path / "pairs.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def msg(role: str, content: str) -> dict[str, str]:
    return {"role": role, "content": content}


# (record, pointers of the two replies, how to read the two replies back)
IDENTICAL_PAIRS = {
    "trl": ({"prompt": PROMPT, "chosen": REPLY + "\n", "rejected": REPLY + "\n"},
            ("/chosen", "/rejected"), lambda r: (r["chosen"], r["rejected"])),
    "openai": ({"input": {"messages": [msg("user", PROMPT)]},
                "preferred_output": [msg("assistant", REPLY + " ")],
                "non_preferred_output": [msg("assistant", REPLY + " ")]},
               ("/preferred_output/0/content", "/non_preferred_output/0/content"),
               lambda r: (r["preferred_output"][0]["content"],
                          r["non_preferred_output"][0]["content"])),
    "sharegpt-ranking": ({"conversations": [{"from": "human", "value": PROMPT}],
                          "chosen": {"from": "gpt", "value": "\t" + REPLY},
                          "rejected": {"from": "gpt", "value": "\t" + REPLY}},
                         ("/chosen/value", "/rejected/value"),
                         lambda r: (r["chosen"]["value"], r["rejected"]["value"])),
}


@pytest.mark.parametrize("shape", IDENTICAL_PAIRS)
def test_an_identical_pair_stays_identical_after_the_fix(tmp_path: Path, shape: str) -> None:
    record, pointers, replies = IDENTICAL_PAIRS[shape]
    path = write(tmp_path, record)
    found = findings(path)
    assert {(f["code"], f["pointer"], f["fixable"]) for f in found if f["code"] == "S009"} \
        == {("S009", pointers[0], True), ("S009", pointers[1], True)}
    assert "V001" in {f["code"] for f in found}
    assert sftlint(path).returncode == 1

    proc = sftlint(path, "--fix")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # still an identical pair
    assert replies(json.loads(path.read_text(encoding="utf-8"))) == (REPLY, REPLY)
    assert [f["code"] for f in findings(path)] == ["V001"]
    fixed = path.read_bytes()
    sftlint(path, "--fix")
    assert path.read_bytes() == fixed, "a second --fix changed the file"


@pytest.mark.parametrize("keys", [("chosen", "rejected"), ("chosen_messages", "rejected_messages")])
def test_a_shared_turn_stays_shared_after_the_fix(tmp_path: Path, keys: tuple[str, str]
                                                  ) -> None:
    chosen, rejected = keys
    path = write(tmp_path, {chosen: [msg("user", PROMPT + " "), msg("assistant", REPLY)],
                            rejected: [msg("user", PROMPT + " "), msg("assistant", OTHER)]})
    assert {(f["code"], f["pointer"]) for f in findings(path)} == {
        ("S009", f"/{chosen}/0/content"), ("S009", f"/{rejected}/0/content")}

    proc = sftlint(path, "--fix")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    fixed = json.loads(path.read_text(encoding="utf-8"))
    assert fixed[chosen][0]["content"] == fixed[rejected][0]["content"] == PROMPT
    assert fixed[rejected][1]["content"] == OTHER
    assert findings(path) == []


HELD = {
    # the sides differ only by the newline: trimming one would make an identical pair
    "differ-only-by-whitespace": ({"prompt": PROMPT, "chosen": REPLY + "\n", "rejected": REPLY},
                                  0),
    # the prompts differ only by the space (V003): trimming one would hide the mismatch
    "shared-turn-differs-by-a-space": ({"chosen": [msg("user", PROMPT + " "),
                                                   msg("assistant", REPLY)],
                                        "rejected": [msg("user", PROMPT),
                                                     msg("assistant", OTHER)]}, 1),
    # the chosen reply's <think> block makes its string more than the content: it cannot be
    # trimmed, so the rejected one is not either (V001 stays)
    "one-side-cannot-be-edited": ({"prompt": PROMPT,
                                   "chosen": [msg("assistant", f"<think>想想</think>{REPLY}\n")],
                                   "rejected": [{"role": "assistant", "reasoning_content": "想想",
                                                 "content": REPLY + "\n"}]}, 1),
}


@pytest.mark.parametrize("case", HELD)
def test_no_fix_that_changes_whether_the_sides_match(tmp_path: Path, case: str) -> None:
    record, code = HELD[case]
    path = write(tmp_path, record)
    before = path.read_bytes()
    untrimmed = [f for f in findings(path) if f["code"] == "S009"]
    assert untrimmed and not any(f["fixable"] for f in untrimmed)
    assert all("no safe fix" in f["message"] for f in untrimmed)
    codes = [f["code"] for f in findings(path)]

    proc = sftlint(path, "--fix")
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert path.read_bytes() == before
    assert [f["code"] for f in findings(path)] == codes


def test_sides_that_differ_anyway_are_each_trimmed(tmp_path: Path) -> None:
    path = write(tmp_path, {"prompt": PROMPT, "chosen": REPLY + "\n", "rejected": OTHER + " "})
    assert sftlint(path, "--fix").returncode == 0
    fixed = json.loads(path.read_text(encoding="utf-8"))
    assert (fixed["chosen"], fixed["rejected"]) == (REPLY, OTHER)


# (the JSON string as written, what the fix leaves of it)
ESCAPED = [
    (r'" 闷的时候\u2028想聊点什么吗？\u003cb\u003e \u0026 好"',
     r'"闷的时候\u2028想聊点什么吗？\u003cb\u003e \u0026 好"'),
    (r'"\n\t\u3000\u0020闷的时候\u2028好\ud83d\ude00\r\n \u2029"',
     r'"闷的时候\u2028好\ud83d\ude00"'),
    (r'"\u4f60\u597d\/\"好\" \n"', r'"\u4f60\u597d\/\"好\""'),
    (r'"好\\n "', r'"好\\n"'),  # a backslash and an n, not a newline: kept
    (r'"\\\n"', r'"\\"'),  # an escaped backslash, then a newline
]


@pytest.mark.parametrize(("written", "kept"), ESCAPED)
def test_the_fix_removes_only_the_edge_whitespace_as_written(tmp_path: Path, written: str,
                                                            kept: str) -> None:
    line = ('{"messages": [{"role": "user", "content": "今天有点闷。"}, '
            '{"role": "assistant", "content": %s}], "category":  "x"}\n')
    path = tmp_path / "d.jsonl"
    path.write_bytes((line % written).encode())
    content = json.loads(written)
    assert [f["code"] for f in findings(path)] == ["S009"]

    assert sftlint(path, "--fix").returncode == 0
    fixed = path.read_bytes()
    assert fixed == (line % kept).encode()
    assert json.loads(fixed)["messages"][1]["content"] == content.strip()
    assert len(fixed.decode().splitlines()) == 1  # no raw U+2028 splits the record
    assert findings(path) == []
