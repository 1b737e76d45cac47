"""Output formats, each checked against what its consumer accepts; and the baseline."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from sftlint.cli import cli
from sftlint.findings import Finding, Severity
from sftlint.reporters.github import annotation_order, command, escape_data
from tests.conftest import REPO, chat, jsonl

DIRTY = [chat("睡不着。", "你应该早点睡。"), chat("嗯", "今天过得怎么样？"),
         chat("心情不好。", "可以试试：\n1. 多出去走走\n2. 早点休息")]


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False, env=env)
    return result.exit_code, result.stdout


@pytest.fixture
def dirty(in_tmp: Path) -> Path:
    path = in_tmp / "d.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + jsonl(DIRTY))
    (in_tmp / "clean.jsonl").write_bytes(jsonl([chat("想家了。", "想家是很正常的。")]))
    return path


def test_sarif_validates_against_the_schema(dirty: Path) -> None:
    code, out = run(["check", ".", "--format", "sarif"])
    log = json.loads(out)
    schema = json.loads((REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(log)
    assert code == 1
    run_ = log["runs"][0]
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert "A001" in rule_ids and run_["tool"]["driver"]["rules"][0]["help"]["text"]
    result = next(r for r in run_["results"] if r["ruleId"] == "A001")
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 1 and region["startColumn"] > 1
    assert rule_ids[result["ruleIndex"]] == "A001"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "d.jsonl"
    # columns count characters (sftlint's), not UTF-16 units (SARIF's default); the flagged
    # phrase ends at endColumn
    assert run_["columnKind"] == "unicodeCodePoints"
    assert region["endColumn"] > region["startColumn"]


def test_sarif_uris_are_percent_encoded(in_tmp: Path) -> None:
    """SARIF wants a URI reference: a space, a "%", Chinese or a colon in a file name must be
    encoded, and the reference must read back as the path."""
    from urllib.parse import unquote, urlsplit

    folder = in_tmp / "my data"
    folder.mkdir()
    names = ["对话 100%.jsonl", "a:b.jsonl", "back\\slash.jsonl"]  # "\\" is a name on POSIX
    for name in names:
        (folder / name).write_bytes(jsonl(DIRTY))
    code, out = run(["check", "my data", "--format", "sarif"])
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(out)["runs"][0]["results"]}
    assert {unquote(u) for u in uris} == {f"my data/{n}" for n in names}
    for uri in uris:
        assert uri.isascii() and " " not in uri and not urlsplit(uri).scheme, uri


def test_junit_is_read_by_a_real_parser(dirty: Path, in_tmp: Path) -> None:
    from junitparser import Failure, JUnitXml

    _, out = run(["check", ".", "--format", "junit"])
    (in_tmp / "report.xml").write_text(out)
    xml = JUnitXml.fromfile(str(in_tmp / "report.xml"))
    cases = {case.name: case for suite in xml for case in suite}
    assert set(cases) == {"d.jsonl", "clean.jsonl"}  # one testcase per file, clean ones too
    failures = [r for r in cases["d.jsonl"].result if isinstance(r, Failure)]
    assert sorted(f.type for f in failures) == ["A001", "A002", "F001"]  # errors only
    assert cases["clean.jsonl"].is_passed
    assert "U002" in (cases["d.jsonl"].system_out or "")


def test_github_commands_and_step_summary(dirty: Path, in_tmp: Path) -> None:
    summary = in_tmp / "summary.md"
    code, out = run(["check", ".", "--format", "github"],
                    env={"GITHUB_STEP_SUMMARY": str(summary)})
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith("::error file=d.jsonl,")
    assert any(line.startswith("::warning file=d.jsonl,line=2,col=") and
               "title=U002 user-too-short::" in line for line in lines)
    text = summary.read_text()
    assert "| A001 | imperative-reply | error | 1 |" in text and "| U002 |" in text


def test_github_escaping_and_order() -> None:
    def f(code: str, severity: Severity, message: str = "m") -> Finding:
        return Finding(code, "n", severity, "a,b:c.jsonl", 1, 2, None, message)

    assert escape_data("50%\nnext") == "50%25%0Anext"
    cmd = command(f("A001", Severity.ERROR, "50% of line1\nline2"))
    # a newline quoted from the data is shown as \n: one annotation, one line
    assert cmd == "::error file=a%2Cb%3Ac.jsonl,line=1,col=2,title=A001 n::50%25 of line1\\nline2"
    findings = ([f("A001", Severity.ERROR)] * 12 + [f("S004", Severity.ERROR)]
                + [f("U001", Severity.WARNING)] * 3)
    ordered = [x.code for x in annotation_order(findings)]
    # every error code shows within GitHub's first 10 annotations; warnings after errors
    assert ordered[:2] == ["S004", "A001"] and ordered[-3:] == ["U001"] * 3


def test_baseline_hides_known_findings_by_content(dirty: Path, in_tmp: Path) -> None:
    wrote = CliRunner().invoke(cli, ["check", "d.jsonl", "--write-baseline", "baseline.json"])
    assert wrote.exit_code == 0 and "Wrote" in wrote.stderr  # stdout is the report's
    code, out = run(["check", "d.jsonl", "--baseline", "baseline.json"])
    assert code == 0 and "All checks passed" in out and "hidden by the baseline" in out
    # reorder the records and insert a new bad one at the top: only the new one is reported
    new = chat("有点想家了。", "您必须按时吃饭。")
    dirty.write_bytes(b"\xef\xbb\xbf" + jsonl([new, DIRTY[2], DIRTY[0], DIRTY[1]]))
    code, out = run(["check", "d.jsonl", "--baseline", "baseline.json", "--format", "json"])
    items = json.loads(out)
    assert code == 1
    assert [(i["code"], i["line"]) for i in items] == [("A001", 1)]
    (in_tmp / "sftlint.toml").write_text('baseline = "baseline.json"\n')
    code, out = run(["check", "d.jsonl", "--format", "json"])
    assert [(i["code"], i["line"]) for i in json.loads(out)] == [("A001", 1)]


def test_bad_baseline_is_a_usage_error(dirty: Path, in_tmp: Path) -> None:
    (in_tmp / "b.json").write_text("[1, 2]")
    result = CliRunner().invoke(cli, ["check", "d.jsonl", "--baseline", "b.json"])
    assert result.exit_code == 2 and "not a sftlint baseline" in result.stderr
    result = CliRunner().invoke(cli, ["check", "d.jsonl", "--baseline", "nope.json"])
    assert result.exit_code == 2 and "baseline not found" in result.stderr


def _run_installed(args: list[str], cwd: Path) -> bytes:
    """The installed command, its stdout as bytes (a report must be valid as bytes)."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "sftlint", *args], cwd=cwd,
                          capture_output=True, timeout=120,
                          env={**__import__("os").environ, "LC_ALL": "C.UTF-8"})
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("fmt", ["text", "github", "junit", "json", "sarif", "html"])
def test_reports_escape_control_characters_from_the_data(in_tmp: Path, fmt: str) -> None:
    """A quoted reply holding ESC (a terminal runs "\\x1b[31m"), a form feed (XML 1.0
    cannot hold it), a right-to-left override (the HTML page drew the place reversed) or a
    line separator (str.splitlines broke the finding's line) is shown escaped."""
    import xml.etree.ElementTree as ET

    reply = "你应该\u202e\u2028\x1b[31m早\x0c点睡。"  # all inside the phrase A001 quotes
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("睡不着。", reply)]))
    out = _run_installed(["check", "d.jsonl", "--format", fmt], in_tmp)
    text = out.decode("utf-8")
    assert not any(ord(c) < 0x20 and c not in "\n" for c in text), repr(text)
    assert not {"\x7f", "\u202e", "\u2028"} & set(text)
    if fmt == "html":
        assert "\\u202e" in text and "\\u2028" in text
        return
    if fmt == "junit":
        ET.fromstring(out)
    elif fmt in ("json", "sarif"):
        message = (json.loads(text)[0]["message"] if fmt == "json"
                   else json.loads(text)["runs"][0]["results"][0]["message"]["text"])
        assert "\\x1b[31m" in message
    else:
        assert "\\x1b[31m" in text


@pytest.mark.parametrize("fmt", ["text", "github", "junit", "json", "sarif", "html"])
def test_reports_stay_utf8_for_file_names_that_are_not(in_tmp: Path, fmt: str) -> None:
    """A file name with a byte that is not UTF-8 (b"bad\\xff.jsonl", as Linux allows) is
    shown as bad\\xff.jsonl; SARIF's URI percent-encodes the byte so that it names the
    file; no report is broken or lost to an encoding error."""
    import os
    from urllib.parse import unquote_to_bytes

    name = b"bad\xffname.jsonl"
    try:
        with open(os.path.join(os.fsencode(in_tmp), name), "wb") as out:
            out.write(jsonl(DIRTY))
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take a name that is not UTF-8")
    (in_tmp / "sftlint.toml").write_text('paths = ["."]\n')
    text = _run_installed(["check", ".", "--format", fmt], in_tmp).decode("utf-8")
    if fmt == "sarif":
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in json.loads(text)["runs"][0]["results"]}
        assert {unquote_to_bytes(u) for u in uris} == {name}
    elif fmt == "json":
        assert {f["path"] for f in json.loads(text)} == {"bad\\xffname.jsonl"}
    else:
        assert "bad\\xffname.jsonl" in text


def test_stats_show_file_names_that_are_not_utf8_or_hold_controls(in_tmp: Path) -> None:
    """`stats` (text) printed a name's raw bytes and line breaks, and `stats --html` failed
    on a name that is not UTF-8."""
    import os

    names = [b"bad\xffname.jsonl", b"cr\rname.jsonl"]
    try:
        for name in names:
            with open(os.path.join(os.fsencode(in_tmp), name), "wb") as out:
                out.write(jsonl(DIRTY))
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take such names")
    import subprocess
    import sys

    def stats(*args: str) -> str:
        proc = subprocess.run([sys.executable, "-m", "sftlint", "stats", *args, "."],
                              cwd=in_tmp, capture_output=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.decode("utf-8")

    text = stats()
    assert "bad\\xffname.jsonl" in text and "cr\\rname.jsonl" in text and "\r" not in text
    # the duplicate clusters' places held the raw byte: the output was not UTF-8
    clusters = json.loads(stats("--format", "json"))["duplicate_clusters"]
    places = [place for cluster in clusters for place in cluster]
    assert any(p.startswith("bad\\xffname.jsonl:") for p in places), clusters
    stats("--html", "r.html")
    page = (in_tmp / "r.html").read_bytes().decode("utf-8")
    assert "bad\\xffname.jsonl" in page


def test_printable_escapes_what_a_report_must_not_print_raw() -> None:
    from sftlint.reporters import printable

    assert printable("平常的文字 plain") == "平常的文字 plain"
    assert printable("a\x1b[2Jb\tc\nd\x7f\x85") == "a\\x1b[2Jb\\tc\\nd\\x7f\\x85"
    assert printable("\u202eevil\u2066") == "\\u202eevil\\u2066"  # bidi overrides
    assert printable("a\u2028b\u2029") == "a\\u2028b\\u2029"  # Unicode's line breaks
    assert printable(b"bad\xff.jsonl".decode("utf-8", "surrogateescape")) == "bad\\xff.jsonl"
    assert printable("a\uffffb\ufffe") == "a\\uffffb\\ufffe"  # not characters in XML


def test_a_baselined_dataset_finding_that_gets_worse_is_new(in_tmp: Path) -> None:
    """B004 and B001 have no record: they were known by their file alone, so a dataset that
    shrank from 7 to 1 records, a category gone, passed against the baseline."""
    records = [chat(f"第{i}天，今天有点闷。", f"闷的时候，想聊点什么吗？第{i}次",
                    category="a" if i % 2 else "b") for i in range(7)]
    (in_tmp / "sftlint.toml").write_text(
        'expected-records = 8\n[categories]\nfield = "category"\nnames = ["a", "b"]\n'
        "tolerance = 0.1\n")
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    assert run(["check", "d.jsonl", "--select", "B", "--write-baseline", "b.json"])[0] == 0
    assert run(["check", "d.jsonl", "--select", "B", "--baseline", "b.json"])[0] == 0
    (in_tmp / "d.jsonl").write_bytes(jsonl(records[:1]))
    code, out = run(["check", "d.jsonl", "--select", "B", "--baseline", "b.json"])
    assert code == 1 and "B004" in out and "B001" in out, out


@pytest.mark.parametrize("text", [
    '{"version":3,"tool":"sftlint","findings":[{"key":"S005:0","count":1e999}],"groups":[]}',
    '{"version":3,"findings":[{"key":"S005:0","count":null}]}',
    '{"version":3,"findings":[{}]}', "[]", '{"version":3,"findings":{}}',
    '{"version":3,"findings":[],"groups":[{"code":"D002","records":"abc"}]}',
])
def test_a_malformed_baseline_is_a_one_line_error(in_tmp: Path, text: str) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("在吗", "在的，怎么啦？")]))
    (in_tmp / "b.json").write_text(text)
    result = CliRunner().invoke(cli, ["check", "d.jsonl", "--baseline", "b.json"])
    assert result.exit_code == 2 and "not a sftlint baseline" in result.stderr, result.output
    assert "Traceback" not in result.output and "internal error" not in result.stderr


def test_report_flags_never_overwrite_the_data(in_tmp: Path) -> None:
    """`--write-baseline d.jsonl` or `stats --html d.jsonl` (a slip of the keyboard) must not
    replace the data with a report; a baseline replaces only a baseline."""
    data = jsonl(DIRTY)
    (in_tmp / "d.jsonl").write_bytes(data)
    result = CliRunner().invoke(cli, ["check", "d.jsonl", "--write-baseline", "d.jsonl"])
    assert result.exit_code == 2 and "refusing to overwrite" in result.stderr
    result = CliRunner().invoke(cli, ["stats", "d.jsonl", "--html", "d.jsonl"])
    assert result.exit_code == 2 and "refusing to overwrite" in result.stderr
    assert (in_tmp / "d.jsonl").read_bytes() == data
    for _ in range(2):  # a baseline is replaced by a baseline
        assert run(["check", "d.jsonl", "--write-baseline", "b.json"])[0] == 0


def test_text_output_says_one_repeated_problem_twenty_times_then_counts(in_tmp: Path) -> None:
    """An unknown shape gives every record the same S001: the text output shows it 20 times
    and then how many more; JSON lists every one."""
    (in_tmp / "d.jsonl").write_bytes(jsonl([{"dialogue": [{"role": "u", "text": "hi"}]}] * 25
                                           + [chat("在吗", "在的。", system=None)]))
    code, out = run(["check", "d.jsonl", "--select", "S001,S004"])
    lines = out.splitlines()
    assert code == 1 and sum(": S001 no " in line for line in lines) == 20
    assert any(line.startswith("d.jsonl: S001 ... and 5 more with the message 'no ")
               and line.endswith("…' (`--format json` lists every one)") for line in lines)
    assert lines[-1].startswith("Found 25 error(s)")
    code, out = run(["check", "d.jsonl", "--select", "S001", "--format", "json"])
    assert len(json.loads(out)) == 25
