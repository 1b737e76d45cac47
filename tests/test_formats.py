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


def test_sarif_uris_are_percent_encoded(in_tmp: Path) -> None:
    """SARIF wants a URI reference: a space, a "%", Chinese or a colon in a file name must be
    encoded, and the reference must read back as the path."""
    from urllib.parse import unquote, urlsplit

    folder = in_tmp / "my data"
    folder.mkdir()
    names = ["对话 100%.jsonl", "a:b.jsonl"]
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
    cmd = command(f("A001", Severity.ERROR, "line1\nline2"))
    assert cmd == "::error file=a%2Cb%3Ac.jsonl,line=1,col=2,title=A001 n::line1%0Aline2"
    findings = ([f("A001", Severity.ERROR)] * 12 + [f("S004", Severity.ERROR)]
                + [f("U001", Severity.WARNING)] * 3)
    ordered = [x.code for x in annotation_order(findings)]
    # every error code shows within GitHub's first 10 annotations; warnings after errors
    assert ordered[:2] == ["S004", "A001"] and ordered[-3:] == ["U001"] * 3


def test_baseline_hides_known_findings_by_content(dirty: Path, in_tmp: Path) -> None:
    code, out = run(["check", "d.jsonl", "--write-baseline", "baseline.json"])
    assert code == 0 and "Wrote" in out
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
