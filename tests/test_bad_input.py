"""Bad input: one clear line and the right exit code, never a traceback, nothing lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import chat, jsonl


def sftlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sftlint", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=120)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1
    for word in words:
        assert word in proc.stderr


def test_missing_path(in_tmp: Path) -> None:
    assert_one_line_error(sftlint("check", "nope.jsonl", cwd=in_tmp), "nope.jsonl",
                          "no such file")


def test_binary_file(in_tmp: Path) -> None:
    (in_tmp / "model.jsonl").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    assert_one_line_error(sftlint("check", "model.jsonl", cwd=in_tmp), "binary file")


def test_broken_config(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("a", "b")]))
    (in_tmp / "sftlint.toml").write_text("paths = [")
    assert_one_line_error(sftlint("check", "d.jsonl", cwd=in_tmp), "sftlint.toml", "TOML")


def test_empty_file_is_zero_records(in_tmp: Path) -> None:
    (in_tmp / "empty.jsonl").write_bytes(b"")
    proc = sftlint("check", "empty.jsonl", cwd=in_tmp)
    assert proc.returncode == 0 and "0 record(s)" in proc.stdout


def test_deep_nesting_is_invalid_json_not_a_crash(in_tmp: Path) -> None:
    (in_tmp / "deep.jsonl").write_bytes(b"[" * 200_000 + b"]" * 200_000 + b"\n"
                                         + jsonl([chat("a", "b")]))
    proc = sftlint("check", "deep.jsonl", "--select", "F,S", cwd=in_tmp)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "deep.jsonl:1:" in proc.stdout and "F006" in proc.stdout


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_huge_line(in_tmp: Path, suffix: str) -> None:
    big = chat("啊" * 10_000_000, "b")  # 30 MB of UTF-8 on one line
    data = jsonl([big])
    (in_tmp / f"big{suffix}").write_bytes(data)
    proc = sftlint("check", f"big{suffix}", "--select", "F,S,U001", cwd=in_tmp)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert "U001" in proc.stdout and "10000000 characters" in proc.stdout
    assert (in_tmp / f"big{suffix}").read_bytes() == data


def test_torch_is_never_needed(in_tmp: Path) -> None:
    """The linter must run with the training stack unimportable."""
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("睡不着。", "你应该早点睡。")]))
    blocker = in_tmp / "blocker"
    blocker.mkdir()
    for name in ("torch", "transformers", "peft", "trl", "accelerate"):
        (blocker / f"{name}.py").write_text(f"raise ImportError('{name} is blocked')\n")
    env_code = (f"import sys; sys.path.insert(0, {str(blocker)!r}); "
                "from sftlint.cli import main; sys.argv = ['sftlint', 'check', 'd.jsonl']; main()")
    proc = subprocess.run([sys.executable, "-c", env_code], cwd=in_tmp, text=True,
                          capture_output=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "A001" in proc.stdout


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_utf16_or_utf32_file_is_named_as_such(in_tmp: Path, encoding: str) -> None:
    """Windows tools save "Unicode" text as UTF-16: the error says so and how to re-encode,
    not just "binary file"."""
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("在吗", "在的。")]).decode().encode(encoding))
    proc = sftlint("check", "d.jsonl", cwd=in_tmp)
    assert_one_line_error(proc, "d.jsonl", "encoded as UTF-", "not UTF-8", "iconv")


def test_dev_null_as_config_is_no_settings(in_tmp: Path) -> None:
    """`--config /dev/null` is the usual way to run with no settings; a folder is an error."""
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("在吗", "在的，今天过得怎么样？")]))
    (in_tmp / "sftlint.toml").write_text('select = ["nonsense"]\n')  # must not be read
    proc = sftlint("check", "d.jsonl", "--config", os.devnull, cwd=in_tmp)
    assert proc.returncode == 0, proc.stderr
    assert_one_line_error(sftlint("check", "d.jsonl", "--config", ".", cwd=in_tmp),
                          "a directory, not a regular file")


@pytest.mark.parametrize("kind", ["dangling-link", "directory", "fifo"])
def test_a_config_or_baseline_that_is_no_file_is_an_error_not_skipped(in_tmp: Path,
                                                                      kind: str) -> None:
    """A sftlint.toml that is a broken link or a folder was skipped in silence (the check ran
    with defaults and passed what the project's config rejects); a FIFO hung the read."""
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("在吗", "在的，今天过得怎么样？")]))
    for name in ("sftlint.toml", "b.json"):
        target = in_tmp / name
        if kind == "dangling-link":
            target.symlink_to(in_tmp / "gone")
        elif kind == "directory":
            target.mkdir()
        else:
            os.mkfifo(target)
    assert_one_line_error(sftlint("check", "d.jsonl", cwd=in_tmp), "sftlint.toml")
    for args in (["--config", "sftlint.toml"], ["--config", os.devnull, "--baseline", "b.json"]):
        assert_one_line_error(sftlint("check", "d.jsonl", *args, cwd=in_tmp))


def test_an_error_shows_a_path_as_the_reports_do(in_tmp: Path) -> None:
    """A missing path with a byte that is not UTF-8 is named bad\\xff.jsonl, as in reports."""
    proc = subprocess.run([sys.executable, "-m", "sftlint", "check", b"bad\xff.jsonl"],
                          cwd=in_tmp, capture_output=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.decode("utf-8").strip() == \
        "sftlint: error: bad\\xff.jsonl: no such file or directory"


def test_a_tokenizer_folder_that_does_not_exist_is_named_as_such(in_tmp: Path) -> None:
    pytest.importorskip("transformers")
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("在吗", "在的，今天过得怎么样？")]))
    (in_tmp / "sftlint.toml").write_text('[tokens]\ntokenizer = "models/gone"\n')
    assert_one_line_error(sftlint("check", "d.jsonl", "--select", "T", cwd=in_tmp),
                          "no such tokenizer folder")


def _weather_call(parameters: Any, city: str = "北京") -> dict[str, Any]:
    return {"messages": [
        {"role": "user", "content": "查天气"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function",
         "function": {"name": "weather", "arguments": json.dumps({"city": city})}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "晴"},
        {"role": "assistant", "content": "北京今天晴。"}],
        "tools": [{"type": "function", "function": {"name": "weather", "description": "d",
                                                    "parameters": parameters}}]}


def test_tool_schemas_from_the_data_never_stop_the_check(in_tmp: Path) -> None:
    """A record's tool schema is data: one that jsonschema fails on, or whose pattern
    backtracks without end, is a finding on that record; the other files are still
    checked (a subprocess timeout turns a hang into a failure)."""
    city = {"type": "string"}
    hostile = [{"type": "object", "properties": {"city": {**city, "pattern": "("}}},
               {"type": "object", "properties": 5},
               {"type": "object", "patternProperties": {"(": {}}},
               {"type": "object", "$ref": "#/nope"},
               {"type": "object", "$ref": "http://example.com/schema.json"},
               {"type": "object", "properties": {"city": {"$ref": "#"}}, "$ref": "#"}]
    records = [_weather_call(p) for p in hostile]
    records.append(_weather_call({"type": "object", "properties": {
        "city": {**city, "pattern": "^(a+)+$"}}}, city="a" * 40 + "!"))
    (in_tmp / "data").mkdir()
    (in_tmp / "data" / "tools.jsonl").write_bytes(jsonl(records))
    (in_tmp / "data" / "dirty.jsonl").write_bytes(jsonl([chat("睡不着", "你应该早点睡。")]))
    proc = sftlint("check", "data", "--select", "C,A001", "--format", "json", cwd=in_tmp)
    assert proc.returncode == 1, proc.stderr
    findings = json.loads(proc.stdout)
    by_line = {(f["path"].rsplit("/", 1)[-1], f["line"], f["code"]) for f in findings}
    assert ("dirty.jsonl", 1, "A001") in by_line
    assert {line for name, line, _ in by_line if name == "tools.jsonl"} == set(range(1, 8))
    messages = [f["message"] for f in findings]
    assert any("cannot resolve $ref" in m for m in messages)
    assert any("refers to itself without end" in m for m in messages)
    assert any("given up" in m for m in messages)


@pytest.mark.parametrize("schema", ['{"$ref": "#"}', '{"allOf": [{"$ref": "#"}]}', "5",
                                    '{"properties": {"messages": {"$ref": "#/nope"}}}'])
def test_a_record_schema_jsonschema_cannot_use_is_a_config_error(in_tmp: Path,
                                                                 schema: str) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("在吗", "在的，今天过得怎么样？")]))
    (in_tmp / "schema.json").write_text(schema)
    (in_tmp / "sftlint.toml").write_text('record-schema = "schema.json"\n')
    assert_one_line_error(sftlint("check", "d.jsonl", cwd=in_tmp), "record-schema")


@pytest.mark.parametrize(("config", "words"), [
    (b"a = " + b"[" * 500 + b"]" * 500 + b"\n", ("c.toml", "nested too deeply")),
    (b'\xef\xbb\xbfselect = ["A"]\n', ("c.toml", "byte-order mark")),
])
def test_a_config_tomllib_cannot_read_is_one_line(in_tmp: Path, config: bytes,
                                                  words: tuple[str, ...]) -> None:
    """tomllib recursed past Python's limit on deep arrays, and called a BOM an invalid
    statement at line 1."""
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("在吗", "在的，今天过得怎么样？")]))
    (in_tmp / "c.toml").write_bytes(config)
    assert_one_line_error(sftlint("check", "--config", "c.toml", "d.jsonl", cwd=in_tmp), *words)


def test_write_baseline_refuses_a_fifo_and_keeps_stdout_for_reports(in_tmp: Path) -> None:
    """Writing the baseline read the named file first, so a FIFO hung the run; the message
    that the baseline was written went to stdout, where `--format json` promises JSON."""
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("睡不着", "你应该早点睡。")]))
    os.mkfifo(in_tmp / "b.json")
    assert_one_line_error(sftlint("check", "d.jsonl", "--write-baseline", "b.json",
                                  cwd=in_tmp), "b.json", "not a regular file")
    proc = sftlint("check", "d.jsonl", "--write-baseline", "new.json", "--format", "json",
                   cwd=in_tmp)
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout
    assert "Wrote 1 finding(s)" in proc.stderr
    # --diff writes nothing, so with --write-baseline it wrote no baseline and said nothing
    assert_one_line_error(sftlint("check", "d.jsonl", "--diff", "--write-baseline", "c.json",
                                  cwd=in_tmp), "--write-baseline")
    assert not (in_tmp / "c.json").exists()


@pytest.mark.parametrize(("args", "words"), [
    (["check", "d.jsonl", "--jobs", "0"], ("--jobs", "see `sftlint check --help`")),
    (["check", "d.jsonl", "--format", "xml"], ("--format", "see `sftlint check --help`")),
    (["train", "d.jsonl", "--method", "xyz"], ("--method",)),
    (["chat"], ("--adapter",)),
    (["rule", "A001", "A002"], ("unexpected extra argument",)),
    (["nosuch"], ("No such command",)),
])
def test_a_bad_option_is_one_line_as_other_errors(in_tmp: Path, args: list[str],
                                                  words: tuple[str, ...]) -> None:
    """click printed four lines (Usage, Try, a blank, Error) for these."""
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("在吗", "在的，今天过得怎么样？")]))
    assert_one_line_error(sftlint(*args, cwd=in_tmp), *words)


def test_help_version_and_no_command_through_the_entry_point(in_tmp: Path) -> None:
    """main() turns click's usage errors into one line; help and version still reach
    stdout with exit 0, and `sftlint` alone still shows the help (exit 2)."""
    for args in (["--help"], ["check", "--help"], ["--version"]):
        proc = sftlint(*args, cwd=in_tmp)
        assert proc.returncode == 0 and proc.stdout.strip() and not proc.stderr, args
    bare = sftlint(cwd=in_tmp)
    assert bare.returncode == 2 and "Usage: " in bare.stderr and "Commands:" in bare.stderr


@pytest.mark.parametrize("version", ["true", "1.0", '"1"'])
def test_a_baseline_version_must_be_a_known_integer(in_tmp: Path, version: str) -> None:
    """`"version": true` was read as version 1 (True == 1 in Python)."""
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("想家了。", "想家是很正常的。")]))
    (in_tmp / "b.json").write_text(f'{{"version": {version}, "tool": "sftlint", '
                                   '"findings": []}', encoding="utf-8")
    assert_one_line_error(sftlint("check", "d.jsonl", "--baseline", "b.json", cwd=in_tmp),
                          "unsupported baseline version")
