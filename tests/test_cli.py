"""The CLI in-process (CliRunner): exit codes, formats, selection, fixing, config errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sftlint.cli import cli
from tests.conftest import chat, jsonl

CLEAN = [chat("最近老睡不好。", "睡不好挺磨人的，最近是心里有事吗？"),
         chat("有点想家了。", "想家是很正常的。最想念家里的什么呢？")]
DIRTY = [chat("睡不着。", "你应该早点睡。"), chat("嗯", "今天过得怎么样？")]


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_clean_file_exits_zero(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(CLEAN))
    code, out, _ = run(["check", "d.jsonl"])
    assert code == 0
    assert "All checks passed (1 file(s), 2 record(s))" in out


def test_text_output_is_path_line_col_code(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(DIRTY))
    code, out, _ = run(["check", "d.jsonl"])
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("d.jsonl:1:") and " A001 " in lines[0]
    assert lines[1].startswith("d.jsonl:2:") and " U002 " in lines[1]
    assert "1 error(s) and 1 warning(s)" in lines[-1]


def test_warnings_only_exit_zero(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(DIRTY[1:]))
    assert run(["check", "d.jsonl"])[0] == 0


def test_json_output_fields(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(DIRTY))
    code, out, _ = run(["check", "d.jsonl", "--format", "json"])
    items = json.loads(out)
    assert code == 1
    first = items[0]
    assert set(first) >= {"code", "name", "severity", "path", "line", "column", "pointer",
                          "message", "fixable"}
    assert first["code"] == "A001" and first["name"] == "imperative-reply"
    assert first["severity"] == "error" and first["pointer"] == "/messages/2/content"
    assert first["line"] == 1 and isinstance(first["column"], int)
    assert first["fixable"] is False


def test_select_and_ignore_by_code_prefix_and_name(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(DIRTY))
    _, out, _ = run(["check", "d.jsonl", "--select", "U", "--format", "json"])
    assert {i["code"] for i in json.loads(out)} == {"U002"}
    _, out, _ = run(["check", "d.jsonl", "--ignore", "imperative-reply,U002"])
    assert "All checks passed" in out
    code, _, err = run(["check", "d.jsonl", "--select", "Z9"])
    assert code == 2 and "unknown rule code, prefix or name 'Z9'" in err


def test_statistics(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(DIRTY + DIRTY[:1]))
    _, out, _ = run(["check", "d.jsonl", "--statistics"])
    assert out.splitlines()[0].split("\t")[:2] == ["2", "A001"]


def test_exit_zero(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(DIRTY))
    assert run(["check", "d.jsonl", "--exit-zero"])[0] == 0


def test_fix_is_atomic_idempotent_and_keeps_records(in_tmp: Path) -> None:
    records = jsonl(CLEAN + [chat("在吗", " 在呢，想聊点什么？\n")])
    broken = b"\xef\xbb\xbf" + records.replace(b"\n", b"\r\n", 1) + b"\n"
    path = in_tmp / "d.jsonl"
    path.write_bytes(broken[:-1] if broken.endswith(b"\n\n") else broken)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))  # and no final newline
    code, out, _ = run(["check", "d.jsonl", "--fix"])
    fixed = path.read_bytes()
    assert code == 0, out
    assert fixed.count(b"\n") == 3 and not fixed.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in fixed and fixed.endswith(b"\n")
    before = records.splitlines()
    after = fixed.splitlines()
    assert after[:2] == before[:2]  # untouched records survive byte for byte
    assert json.loads(after[2])["messages"][2]["content"] == "在呢，想聊点什么？"
    assert "Fixed" in out
    run(["check", "d.jsonl", "--fix"])
    assert path.read_bytes() == fixed
    assert not list(in_tmp.glob(".sftlint-*"))  # no temporary file left behind


def test_no_paths_uses_config_paths(in_tmp: Path) -> None:
    (in_tmp / "data").mkdir()
    (in_tmp / "data" / "d.jsonl").write_bytes(jsonl(DIRTY))
    (in_tmp / "other.jsonl").write_bytes(b"not json\n")
    (in_tmp / "pyproject.toml").write_text('[tool.sftlint]\npaths = ["data"]\n')
    sub = in_tmp / "data"
    import os
    os.chdir(sub)  # config is found upward; its paths resolve from its own folder
    code, out, _ = run(["check"])
    assert code == 1 and "A001" in out and "other.jsonl" not in out


def test_config_errors_name_the_key(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(CLEAN))
    cases = {
        'selct = ["A"]\n': "unknown key 'selct'",
        '[rules.U001]\nmax-char = 3\n': "[rules.U001] unknown key 'max-char'",
        '[rules.Q999]\nx = 1\n': "[rules.Q999] unknown rule code or name",
        'bom = "maybe"\n': "bom",
        'select = [\n': "invalid TOML",
        '[rules.U001]\nmax-chars = "many"\n': "max-chars",
    }
    for text, expected in cases.items():
        (in_tmp / "sftlint.toml").write_text(text)
        code, _, err = run(["check", "d.jsonl"])
        assert code == 2, text
        assert expected in err and err.count("\n") == 1, err


def test_rules_and_rule(in_tmp: Path) -> None:
    code, out, _ = run(["rules"])
    assert code == 0 and "A001  imperative-reply" in out and "fixable" in out
    code, out, _ = run(["rule", "imperative-reply"])
    assert code == 0 and "## Why it matters for training" in out and "你应该" in out
    assert run(["rule", "Z123"])[0] == 2


def test_no_data_files_warns(in_tmp: Path) -> None:
    (in_tmp / "empty").mkdir()
    result = CliRunner().invoke(cli, ["check", "empty"])
    assert result.exit_code == 0
    assert "no .jsonl, .json or .parquet files or Arrow datasets in empty" in result.stderr
