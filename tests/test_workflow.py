"""The workflow around findings: baselines, severity overrides, per-file ignores, reviewed
exceptions, project-relative paths, the dataset hook's plan, S004 by default, init, stats."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sftlint.cli import cli
from sftlint.config import parse_config, tomllib
from sftlint.hooks import plan_dataset_hook
from tests.conftest import REPO, chat, jsonl

HOME = "有点想家了。"
NEAR = "想家是很正常的。最想念家里的什么呢？是饭菜的味道吗，还是院子里那棵老槐树？"
OTHERS = [chat("今天降温了。", "降温了可得多穿点，您那边冷不冷？"),
          chat("膝盖又疼了。", "膝盖疼起来走路都难，疼了多久了？"),
          chat("孙子考上大学了。", "恭喜恭喜！您一定高兴坏了吧，他考到哪儿了？"),
          chat("晚上睡不踏实。", "夜里醒了就很难再睡着，醒来的时候都在想些什么？"),
          chat("老伴去年走了。", "这一年您一个人，一定很不容易。最想他的是什么时候？")]


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def near(variant: str) -> dict[str, object]:
    return chat(HOME, NEAR.replace("老槐树", variant))


def findings(args: list[str]) -> list[dict[str, object]]:
    code, out, err = run(["check", "--format", "json", *args])
    assert code in (0, 1), err
    return list(json.loads(out))


# baselines


def test_baseline_hides_a_shuffled_near_duplicate_group_and_reports_the_new_one(
        in_tmp: Path) -> None:
    records = [near("老槐树"), *OTHERS, near("老榆树")]
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    assert [f["code"] for f in findings(["d.jsonl", "--select", "D"])] == ["D002"]
    assert run(["check", "d.jsonl", "--select", "D", "--write-baseline", "base.json"])[0] == 0

    shuffled = records[:]
    random.Random(7).shuffle(shuffled)
    shuffled.append(near("老柳树"))  # one new near-duplicate, of the old group
    (in_tmp / "d.jsonl").write_bytes(jsonl(shuffled))
    found = findings(["d.jsonl", "--select", "D", "--baseline", "base.json"])
    assert [(f["code"], f["line"]) for f in found] == [("D002", len(shuffled))]
    code, out, _ = run(["check", "d.jsonl", "--select", "D", "--baseline", "base.json"])
    assert "known finding(s) hidden by the baseline" in out


def test_baseline_keys_are_content_and_relative_paths(in_tmp: Path) -> None:
    (in_tmp / "data").mkdir()
    (in_tmp / "data" / "d.jsonl").write_bytes(jsonl([chat("睡不着。", "你应该早点睡。")] * 2))
    assert run(["check", "data", "--write-baseline", "base.json"])[0] == 0
    text = (in_tmp / "base.json").read_text(encoding="utf-8")
    assert str(in_tmp) not in text
    keys = [item["key"] for item in json.loads(text)["findings"]]
    assert all(":" in k and "/" not in k.split(":", 1)[1] for k in keys if k[0] in "AD")


def test_a_version_1_baseline_still_reads(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("睡不着。", "你应该早点睡。")]))
    [finding] = findings(["d.jsonl", "--select", "A001"])
    (in_tmp / "base.json").write_text(json.dumps(
        {"version": 1, "tool": "sftlint",
         "findings": [{"key": f"A001:{finding['record']}", "count": 1}]}))
    assert run(["check", "d.jsonl", "--select", "A001", "--baseline", "base.json"])[0] == 0


# severity, per-file ignores, exceptions


def test_severity_override_changes_the_exit_code(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("嗯", "今天过得怎么样？")]))  # U002: a warning
    assert run(["check", "d.jsonl"])[0] == 0
    (in_tmp / "sftlint.toml").write_text('[rules.U002]\nseverity = "error"\nmin-chars = 2\n')
    code, out, _ = run(["check", "d.jsonl"])
    assert code == 1 and "1 error(s) and 0 warning(s)" in out
    assert findings(["d.jsonl"])[0]["severity"] == "error"
    (in_tmp / "sftlint.toml").write_text('[rules.user-too-short]\nseverity = "warning"\n'
                                         '[rules.A001]\nseverity = "warning"\n')
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("睡不着。", "你应该早点睡。")]))
    assert run(["check", "d.jsonl"])[0] == 0


def test_a_bad_severity_is_a_one_line_error(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("你好。", "你好呀。")]))
    (in_tmp / "sftlint.toml").write_text('[rules.U002]\nseverity = "fatal"\n')
    code, _, err = run(["check", "d.jsonl"])
    assert code == 2 and "severity" in err and "fatal" in err and len(err.splitlines()) == 1


def test_per_file_ignores(in_tmp: Path) -> None:
    (in_tmp / "data" / "legacy").mkdir(parents=True)
    lecture = jsonl([chat("睡不着。", "你应该早点睡。")])
    (in_tmp / "data" / "legacy" / "old.jsonl").write_bytes(lecture)
    (in_tmp / "data" / "new.jsonl").write_bytes(lecture)
    (in_tmp / "sftlint.toml").write_text(
        'paths = ["data"]\nper-file-ignores = { "data/legacy/*.jsonl" = ["imperative-reply"] }\n'
        '[rules.D001]\nseverity = "warning"\n', encoding="utf-8")
    found = [(f["code"], f["path"]) for f in findings([]) if f["code"] == "A001"]
    assert found == [("A001", "data/new.jsonl")]
    (in_tmp / "sftlint.toml").write_text(
        'per-file-ignores = { "data/legacy/*.jsonl" = ["Z9"] }\n')
    code, _, err = run(["check"])
    assert code == 2 and "Z9" in err


def test_an_exception_survives_reordering_and_needs_a_reason(in_tmp: Path) -> None:
    lecture = chat("睡不着。", "你应该早点睡。")
    (in_tmp / "d.jsonl").write_bytes(jsonl([lecture, *OTHERS]))
    [finding] = findings(["d.jsonl", "--select", "A001"])
    key = str(finding["record"])
    config = (f'[[exceptions]]\ncode = "A001"\nrecord = "{key}"\n'
              'note = "你应该早点睡"\nreason = "quoted from a caregiver training script"\n')
    (in_tmp / "sftlint.toml").write_text(config, encoding="utf-8")
    (in_tmp / "d.jsonl").write_bytes(jsonl([*OTHERS, lecture]))  # moved to the end
    code, out, _ = run(["check", "d.jsonl", "--select", "A001"])
    assert code == 0 and "accepted by reviewed exceptions" in out
    # a second, different lecture is not covered
    (in_tmp / "d.jsonl").write_bytes(jsonl([*OTHERS, lecture, chat("累了。", "你必须休息。")]))
    assert [f["line"] for f in findings(["d.jsonl", "--select", "A001"])] == [7]
    for bad in ('reason = "  "', ""):
        (in_tmp / "sftlint.toml").write_text(
            f'[[exceptions]]\ncode = "A001"\nrecord = "{key}"\n{bad}\n', encoding="utf-8")
        code, _, err = run(["check", "d.jsonl"])
        assert code == 2 and "reason" in err and len(err.splitlines()) == 1
    # the whole key: a record crafted to share an 8-digit prefix (32 bits, found in a
    # fraction of a second) took over the reviewed record's exception
    for prefix in (key[:8], key[:12], key[:23]):
        (in_tmp / "sftlint.toml").write_text(
            f'[[exceptions]]\ncode = "A001"\nrecord = "{prefix}"\nreason = "reviewed"\n',
            encoding="utf-8")
        code, _, err = run(["check", "d.jsonl"])
        assert code == 2 and "the whole 24-character key" in err, err


def test_an_exception_stops_applying_when_any_part_of_the_record_changes(in_tmp: Path) -> None:
    # not only its turns: a tool call's arguments, a label, an image, any field
    lecture = chat("睡不着。", "你应该早点睡。", category="sleep")
    (in_tmp / "d.jsonl").write_bytes(jsonl([lecture]))
    [finding] = findings(["d.jsonl", "--select", "A001"])
    (in_tmp / "sftlint.toml").write_text(
        f'[[exceptions]]\ncode = "A001"\nrecord = "{finding["record"]}"\n'
        'reason = "quoted from a caregiver training script"\n', encoding="utf-8")
    assert findings(["d.jsonl", "--select", "A001"]) == []
    # the same value laid out otherwise is the same record
    (in_tmp / "d.jsonl").write_text(json.dumps(lecture, ensure_ascii=False, indent=None,
                                               separators=(" ,", " : ")) + "\n",
                                    encoding="utf-8")
    assert findings(["d.jsonl", "--select", "A001"]) == []
    (in_tmp / "d.jsonl").write_bytes(jsonl([{**lecture, "category": "mood"}]))
    assert [f["code"] for f in findings(["d.jsonl", "--select", "A001"])] == ["A001"]


def test_a_record_nested_as_deep_as_the_parser_allows_has_a_key(in_tmp: Path) -> None:
    # the key walks the value with a stack: recursion would fail past ~1,000 levels
    deep = "[" * 1020 + '"x"' + "]" * 1020
    line = json.dumps(chat("睡不着。", "你应该早点睡。"), ensure_ascii=False)[:-1]
    (in_tmp / "d.jsonl").write_text(line + f', "meta": {deep}}}\n', encoding="utf-8")
    [finding] = findings(["d.jsonl", "--select", "A001"])
    assert len(str(finding["record"])) == 24


def test_an_exception_on_a_near_duplicate_pair_survives_reordering(in_tmp: Path) -> None:
    pair = [near("老槐树"), near("老枣树")]
    (in_tmp / "d.jsonl").write_bytes(jsonl([pair[0], *OTHERS, pair[1]]))
    [finding] = findings(["d.jsonl", "--select", "D002"])
    [earlier] = finding["related"]  # the record the reported one nearly duplicates
    # one record alone names no pair: it would never match, so it is refused, not ignored
    (in_tmp / "sftlint.toml").write_text(
        f'[[exceptions]]\ncode = "D002"\nrecord = "{earlier}"\nreason = "reviewed"\n',
        encoding="utf-8")
    code, out, err = run(["check", "d.jsonl", "--select", "D002"])
    assert code == 2 and "name the other one too, as related" in err, out + err
    (in_tmp / "sftlint.toml").write_text(  # and `related` on a finding about one record
        f'[[exceptions]]\ncode = "A001"\nrecord = "{earlier}"\nrelated = "{earlier}"\n'
        'reason = "reviewed"\n', encoding="utf-8")
    code, out, err = run(["check", "d.jsonl", "--select", "D002"])
    assert code == 2 and "and each A001 finding is about one; remove it" in err, err
    (in_tmp / "sftlint.toml").write_text(
        f'[[exceptions]]\ncode = "D002"\nrecord = "{finding["record"]}"\n'
        f'related = "{earlier}"\n'
        'reason = "two phrasings of one question, kept on purpose"\n', encoding="utf-8")
    assert findings(["d.jsonl", "--select", "D002"]) == []
    # reversed: the finding is now on the other record of the pair
    (in_tmp / "d.jsonl").write_bytes(jsonl([pair[1], *OTHERS, pair[0]]))
    assert findings(["d.jsonl", "--select", "D002"]) == []
    # another pair is not covered
    (in_tmp / "d.jsonl").write_bytes(jsonl([pair[1], *OTHERS, pair[0], OTHERS[0]]))
    assert [f["code"] for f in findings(["d.jsonl", "--select", "D"])] == ["D001"]
    # nor a new near-duplicate of a record of the reviewed pair
    (in_tmp / "d.jsonl").write_bytes(jsonl([pair[1], *OTHERS, pair[0], near("老柳树")]))
    assert [f["code"] for f in findings(["d.jsonl", "--select", "D002"])] == ["D002"]
    # nor one that takes the place of a record of the pair (the exception is unused then)
    for kept in pair:
        (in_tmp / "d.jsonl").write_bytes(jsonl([kept, *OTHERS, near("老柳树")]))
        assert [f["code"] for f in findings(["d.jsonl", "--select", "D002"])] == ["D002"]


def test_an_exception_for_a_duplicate_accepts_that_one_copy_not_new_ones(in_tmp: Path) -> None:
    """Copies of a record share its hash: an exception reviewed for one repeat must not
    accept every copy added later."""
    repeat = chat("今天天气怎么样啊，想出去走走。", "出去走走挺好的，您打算去哪儿呀？")
    (in_tmp / "d.jsonl").write_bytes(jsonl([repeat, *OTHERS, repeat]))
    [finding] = findings(["d.jsonl", "--select", "D001"])
    (in_tmp / "sftlint.toml").write_text(
        f'[[exceptions]]\ncode = "D001"\nrecord = "{finding["record"]}"\n'
        'reason = "this one repeat is intentional"\n', encoding="utf-8")
    assert findings(["d.jsonl", "--select", "D001"]) == []
    (in_tmp / "d.jsonl").write_bytes(jsonl([repeat, *OTHERS, repeat, repeat, repeat]))
    code, out, _ = run(["check", "d.jsonl", "--select", "D001"])
    assert code == 1 and out.count("D001") == 2 and "1 finding(s) accepted" in out, out


# paths relative to the project root


@pytest.fixture
def drifted(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "sftlint.toml").write_text(
        'paths = ["data"]\nsystem-prompt = "你是一位耐心的陪伴者。"\n'
        'inference-prompt-sources = ["verify_lora.py:SYSTEM_PROMPT"]\n', encoding="utf-8")
    (project / "verify_lora.py").write_text('SYSTEM_PROMPT = "你是一位耐心的陪伴者"\n',
                                            encoding="utf-8")
    (project / "data" / "d.jsonl").write_bytes(jsonl(OTHERS))
    return project


def test_p003_paths_are_relative_to_the_project_root(drifted: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(drifted.parent)  # not the project folder
    config = ["--config", str(drifted / "sftlint.toml")]
    [p003] = [f for f in findings(config) if f["code"] == "P003"]
    assert p003["path"] == "verify_lora.py"
    code, out, _ = run(["check", *config, "--format", "sarif"])
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(out)["runs"][0]["results"]]
    assert uris == ["verify_lora.py"]
    code, out, _ = run(["check", *config, "--format", "github"])
    assert "file=verify_lora.py," in out
    assert run(["check", *config, "--write-baseline", "base.json"])[0] == 0
    text = (drifted.parent / "base.json").read_text(encoding="utf-8")
    assert '"P003:verify_lora.py:inference prompt' in text and str(drifted) not in text
    # the project moves (another checkout): the committed baseline still applies
    moved = drifted.parent / "moved"
    shutil.move(str(drifted), moved)
    code, out, _ = run(["check", "--config", str(moved / "sftlint.toml"),
                        "--baseline", "base.json"])
    assert code == 0, out


def test_a_message_naming_another_file_names_it_from_the_project_root(
        drifted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (drifted / "data" / "copy.jsonl").write_bytes(jsonl(OTHERS[:1]))
    config = ["--config", str(drifted / "sftlint.toml"), "--select", "D001"]
    for where in (drifted.parent, drifted / "data", Path("/")):
        monkeypatch.chdir(where)
        [d001] = findings(config)
        assert d001["path"] in ("data/copy.jsonl", "data/d.jsonl")
        other = "data/d.jsonl" if d001["path"] == "data/copy.jsonl" else "data/copy.jsonl"
        assert str(d001["message"]).endswith(f" {other}:1"), (where, d001["message"])


def test_without_a_config_paths_are_relative_to_the_working_directory(in_tmp: Path) -> None:
    (in_tmp / "sub").mkdir()
    (in_tmp / "sub" / "d.jsonl").write_bytes(jsonl([chat("睡不着。", "你应该早点睡。")]))
    assert findings([str(in_tmp / "sub")])[0]["path"] == "sub/d.jsonl"


# the dataset hook's plan


def test_dataset_hook_plan(drifted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(drifted)
    config = parse_config({"paths": ["data"], "system-prompt-file": "prompt.txt",
                           "inference-prompt-sources": ["verify_lora.py:SYSTEM_PROMPT"]},
                          "sftlint.toml", str(drifted))
    path = drifted / "sftlint.toml"
    assert not plan_dataset_hook(["README.md", "other/x.jsonl"], config, path).run
    plan = plan_dataset_hook(["verify_lora.py"], config, path)
    assert plan.run and not plan.all_records
    plan = plan_dataset_hook(["data/d.jsonl", "README.md"], config, path)
    assert plan.run and not plan.all_records and plan.covered == {str(drifted / "data/d.jsonl")}
    for shared in ("sftlint.toml", "prompt.txt"):
        plan = plan_dataset_hook([shared], config, path)
        assert plan.run and plan.all_records


def test_dataset_hook_reports_only_what_the_file_hook_does_not(in_tmp: Path) -> None:
    (in_tmp / "data").mkdir()
    lecture = chat("睡不着。", "你应该早点睡。")
    (in_tmp / "data" / "a.jsonl").write_bytes(jsonl([lecture, lecture]))
    (in_tmp / "data" / "b.jsonl").write_bytes(jsonl([chat("累了。", "你必须休息。")]))
    (in_tmp / "sftlint.toml").write_text('paths = ["data"]\n')
    codes = {(f["code"], f["path"]) for f in findings(["--no-dataset", "data/a.jsonl"])}
    assert codes == {("A001", "data/a.jsonl")}
    codes = {(f["code"], f["path"]) for f in findings(["--changed-files", "data/a.jsonl"])}
    assert codes == {("D001", "data/a.jsonl")}
    assert run(["check", "--changed-files", "notes.txt"]) == (0, "", "")
    # the config changed: records of files not staged are checked again, staged ones not
    codes = {(f["code"], f["path"]) for f in findings(["--changed-files", "sftlint.toml",
                                                       "data/a.jsonl"])}
    assert codes == {("D001", "data/a.jsonl"), ("A001", "data/b.jsonl")}


def test_dataset_hook_judges_links_where_they_stand(in_tmp: Path) -> None:
    """git-annex and DVC links lead out of `paths` into their store: judged by where they
    lead alone, a linked file or folder in the data was no input of the check."""
    (in_tmp / "data").mkdir()
    (in_tmp / "store" / "part").mkdir(parents=True)
    home = chat("想家了。", "想家是很正常的。")
    (in_tmp / "data" / "a.jsonl").write_bytes(jsonl([home]))
    (in_tmp / "store" / "b.jsonl").write_bytes(jsonl([home]))
    (in_tmp / "data" / "b.jsonl").symlink_to(in_tmp / "store" / "b.jsonl")
    (in_tmp / "sftlint.toml").write_text('paths = ["data"]\n')
    codes = {(f["code"], f["path"]) for f in findings(["--changed-files", "data/b.jsonl"])}
    assert codes == {("D001", "data/b.jsonl")}
    # a linked folder re-pointed: its records are new to both hooks, so this one reports them
    (in_tmp / "data" / "b.jsonl").unlink()
    (in_tmp / "store" / "part" / "c.jsonl").write_bytes(
        jsonl([chat("睡不着。", "你应该早点睡。")]))
    (in_tmp / "data" / "part").symlink_to(in_tmp / "store" / "part", target_is_directory=True)
    codes = {(f["code"], f["path"]) for f in findings(["--changed-files", "data/part"])}
    assert codes == {("A001", "data/part/c.jsonl")}


def test_dataset_hook_checks_changed_parquet_record_by_record(in_tmp: Path) -> None:
    # the `sftlint` hook is given JSON text only: the dataset hook reports what a staged
    # Parquet file holds, and nothing of the data that did not change
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    (in_tmp / "real").mkdir()
    (in_tmp / "data").symlink_to(in_tmp / "real")  # git names the link's target
    (in_tmp / "real" / "b.jsonl").write_bytes(jsonl([chat("累了。", "你必须休息。")]))
    lecture = chat("睡不着。", "你应该早点睡。")
    pq.write_table(pa.Table.from_pylist([lecture, lecture]), in_tmp / "real" / "c.parquet")
    (in_tmp / "sftlint.toml").write_text('paths = ["data"]\n')
    codes = {(f["code"], f["path"]) for f in findings(["--changed-files", "real/c.parquet"])}
    assert codes == {("A001", "data/c.parquet"), ("D001", "data/c.parquet")}


# S004


def test_s004_leaves_data_without_system_turns_alone(in_tmp: Path) -> None:
    demo = REPO.parent / "shared" / "realdata" / "llama-factory" / "mllm_demo.json"
    records = [{"messages": [{"role": "user", "content": "<image>Who are they?"},
                             {"role": "assistant", "content": "Two football players."}],
                "images": ["1.jpg"]}] * 3
    (in_tmp / "demo.json").write_text(json.dumps(records))
    targets = ["demo.json"] + ([str(demo)] if demo.exists() else [])
    for target in targets:
        assert not [f for f in findings([target, "--select", "S004"])]
    (in_tmp / "sftlint.toml").write_text('system-prompt = "You are helpful."\n')
    assert len(findings(["demo.json", "--select", "S004"])) == 3


# init and stats


def test_init_writes_a_config_that_check_accepts(in_tmp: Path) -> None:
    shutil.copytree(REPO / "examples" / "data", in_tmp / "data")
    code, out, err = run(["init", "data"])
    assert code == 0, err
    text = (in_tmp / "sftlint.toml").read_text(encoding="utf-8")
    assert text == out
    assert 'format = "messages"' in text and "system-prompt = " in text
    assert 'field = "category"' in text and '"loneliness"' in text
    assert "expected-records = 40" in text
    code, out, err = run(["check", "--select", "F,S,P,B,D"])
    assert code == 0, out + err
    code, _, err = run(["init", "data"])
    assert code == 2 and "already exists" in err
    assert (in_tmp / "sftlint.toml").read_text(encoding="utf-8") == text


def test_init_names_no_blank_category_and_the_config_refuses_one(in_tmp: Path) -> None:
    """A blank category value is no category: init left "" among the names, and the check
    then reported it as a category of 0 records with a garbled message."""
    records = [chat(f"今天有点闷{i}，想出去走走", f"好呀，想去哪儿走走{i}？", category=c)
               for i, c in enumerate(["a", "b", ""] * 4)]
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    code, out, err = run(["init", "."])
    assert code == 0, err
    assert 'names = ["a", "b"]' in out
    code, out, err = run(["check", "--select", "B002", "--format", "json"])
    assert sorted(f["line"] for f in json.loads(out)) == [3, 6, 9, 12]
    (in_tmp / "sftlint.toml").write_text('[categories]\nfield = "category"\n'
                                        'names = ["a", "b", " "]\n')
    code, out, err = run(["check"])
    assert code == 2 and "empty name" in err


def test_init_refuses_a_mapping_that_would_break_files_of_a_built_in_shape(
        in_tmp: Path) -> None:
    """A [mapping] applies to every file: init proposed messages = "dialogue" for a folder
    that also held a plain messages file, and the check then failed all its records."""
    dialogue = {"dialogue": [{"speaker": "user", "text": "在吗"},
                             {"speaker": "ai", "text": "在的，今天过得怎么样？"}]}
    (in_tmp / "dlg.jsonl").write_bytes(jsonl([dialogue]))
    (in_tmp / "std.jsonl").write_bytes(jsonl([chat("在吗", "在的，今天过得怎么样？")]))
    code, _, err = run(["init", "."])
    assert code == 2 and "the files differ in shape" in err and "std.jsonl" in err
    assert not (in_tmp / "sftlint.toml").exists()
    (in_tmp / "std.jsonl").unlink()
    code, out, err = run(["init", "."])
    assert code == 0 and 'messages = "dialogue"' in out


def test_init_refuses_where_pyproject_configures_sftlint(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(OTHERS))
    (in_tmp / "pyproject.toml").write_text("[tool.sftlint]\n")
    code, _, err = run(["init", "d.jsonl"])
    assert code == 2 and "pyproject.toml" in err and not (in_tmp / "sftlint.toml").exists()


def test_stats_json_parses(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl([*OTHERS, OTHERS[0]]))
    code, out, err = run(["stats", "d.jsonl", "--format", "json"])
    assert code == 0, err
    stats = json.loads(out)
    assert stats["records"] == 6 and stats["files"] == 1
    assert stats["duplicate_clusters"] == [["d.jsonl:1", "d.jsonl:6"]]
    assert {"code": "D001", "name": "exact-duplicate", "severity": "error",
            "count": 1} in stats["findings"]
    assert set(stats["lengths"]) == {"user_chars", "assistant_chars"}


@pytest.mark.parametrize(("lines", "mapping"), [
    pytest.param([{"dialogue": [{"role": "user", "text": "今天好闷。", "emotion": {"joy": 0.1}},
                                {"role": "ai", "text": "闷的时候想聊点什么吗？"}], "mood": "low"}],
                 {"messages": "dialogue", "role": "role", "content": "text",
                  "roles": {"user": ["user"], "assistant": ["ai"]}}, id="eldercare"),
    pytest.param([[{"role": "client", "content": "我最近睡不好。"},
                   {"role": "counselor", "content": "睡不好有多久了呢？"}]],
                 {"messages": "", "role": "role", "content": "content",
                  "roles": {"user": ["client"], "assistant": ["counselor"]}}, id="bare-list"),
    pytest.param([{"turns": [{"who": "A", "said": "Hi, I feel a bit low today."},
                             {"who": "B", "said": "I'm sorry to hear that. What happened?"}]}],
                 {"messages": "turns", "role": "who", "content": "said",
                  "roles": {"user": ["A"], "assistant": ["B"]}}, id="unknown-names-by-order"),
])
def test_init_proposes_a_mapping_for_a_shape_it_does_not_know(
        in_tmp: Path, lines: list[Any], mapping: dict[str, Any]) -> None:
    """Without a [mapping], data of another shape reads as records with no messages: init
    proposes one from the data (the list of messages, the role and content keys, which
    role name is which side), and the config it writes reads every record."""
    (in_tmp / "d.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                                            for r in lines * 4), encoding="utf-8")
    code, out, err = run(["init", "d.jsonl"])
    assert code == 0, err
    written = tomllib.loads(out)
    assert written["mapping"] == mapping and "format" not in written
    assert written["expected-records"] == 4
    code, out, err = run(["check", "--select", "S", "--format", "json"])
    assert code == 0 and json.loads(out) == [], out + err


def test_init_leaves_a_role_it_cannot_place_to_the_user(in_tmp: Path) -> None:
    record = {"log": [{"speaker": "narrator", "utterance": "Scene one."},
                      {"speaker": "user", "utterance": "Hello there, how are you?"},
                      {"speaker": "bot", "utterance": "Fine, thanks. And you?"}]}
    (in_tmp / "d.jsonl").write_text(json.dumps(record) + "\n")
    code, out, err = run(["init", "d.jsonl"])
    written = tomllib.loads(out)
    assert written["mapping"]["roles"] == {"user": ["user"], "assistant": ["bot"]}
    assert '# role names not placed (add each to user, assistant or system): "narrator" (1)' \
        in out


def test_init_places_the_one_unknown_role_on_the_side_nobody_speaks_for(in_tmp: Path) -> None:
    """ESConv's turns are `listener` (a known helper name) and `speaker`: the one left is
    the other side of the conversation, not a name for the user to place (196 S003)."""
    records = [{"dialog": [{"speaker": "speaker", "content": f"I feel low {i}."},
                           {"speaker": "listener", "content": "I hear you. What happened?"}]}
               for i in range(4)]
    (in_tmp / "d.json").write_text(json.dumps(records))
    code, out, err = run(["init", "d.json"])
    assert tomllib.loads(out)["mapping"]["roles"] == {"user": ["speaker"],
                                                      "assistant": ["listener"]}
    assert "not placed" not in out
    (in_tmp / "sftlint.toml").write_text(out, encoding="utf-8")
    code, out, err = run(["check", "--select", "S", "--format", "json"])
    assert code == 0 and json.loads(out) == [], out + err


def test_init_proposes_no_mapping_for_a_known_shape(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(OTHERS))
    code, out, err = run(["init", "d.jsonl"])
    assert code == 0 and "[mapping]" not in out and 'format = "messages"' in out


def test_init_writes_toml_it_can_read_back_whatever_the_data_holds(in_tmp: Path) -> None:
    """A DEL in the system prompt (raw in JSON, not allowed in TOML) and a newline in a
    category name broke the TOML init wrote: an internal error, no config."""
    records = [chat(f"最近老睡不好{i}", f"睡不好真的挺磨人的{i}，您几点醒？", system="你是小暖\x7f",
                    category="x\ny" if i % 2 else "z") for i in range(6)]
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    code, out, err = run(["init", "d.jsonl"])
    assert code == 0, err
    written = tomllib.loads(out)
    assert written["system-prompt"] == "你是小暖\x7f"
    assert written["categories"]["names"] == ["x\ny", "z"]


def test_the_configs_own_files_are_not_data(in_tmp: Path) -> None:
    """With the default `paths = ["."]` the baseline and the record schema were read as
    records (S001 on the baseline, which then baselined the schema's findings), and the
    `sftlint` pre-commit hook, given every staged .json, failed a clean commit on them."""
    (in_tmp / "data").mkdir()
    (in_tmp / "schemas").mkdir()
    (in_tmp / "data" / "a.jsonl").write_bytes(jsonl([chat("想家了。", "想家是很正常的。")]))
    (in_tmp / "schemas" / "record.json").write_text('{"type": "object"}', encoding="utf-8")
    (in_tmp / "tok").mkdir()
    (in_tmp / "tok" / "tokenizer_config.json").write_text('{"model_max_length": 8}')
    (in_tmp / "sftlint.toml").write_text(
        'record-schema = "schemas/record.json"\nbaseline = ".sftlint-baseline.json"\n'
        '[tokens]\ntokenizer = "tok"\n', encoding="utf-8")
    code, out, err = run(["check", "--write-baseline", ".sftlint-baseline.json", "--ignore",
                          "T"])
    assert code == 0 and "Wrote 0 finding(s)" in out + err, out + err
    proc = subprocess.run([sys.executable, "-m", "sftlint", "check", "--ignore", "T"],
                          cwd=in_tmp, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "(1 file(s), 1 record(s))" in proc.stdout, proc.stdout
    assert proc.stderr == ""  # a folder walk leaves them out in silence
    # named one by one, as pre-commit names staged files: skipped, and said so
    proc = subprocess.run([sys.executable, "-m", "sftlint", "check", "--no-dataset",
                           "--ignore", "T", ".sftlint-baseline.json", "schemas/record.json",
                           "tok/tokenizer_config.json", "data/a.jsonl"],
                          cwd=in_tmp, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr.splitlines() == [
        "sftlint: warning: .sftlint-baseline.json: the config's `baseline`, not data; skipped",
        "sftlint: warning: schemas/record.json: the config's `record-schema`, not data; "
        "skipped",
        "sftlint: warning: tok/tokenizer_config.json: the config's `tokens.tokenizer`, not "
        "data; skipped"]


def test_a_file_two_paths_reach_is_read_once(in_tmp: Path) -> None:
    """`check data data/a.jsonl` read a.jsonl twice (8 records for 4), and `init` wrote
    twice its records as `expected-records`: a file named twice is checked once."""
    (in_tmp / "data").mkdir()
    (in_tmp / "data" / "a.jsonl").write_bytes(jsonl([chat(f"第{i}天。", "您好呀。")
                                                      for i in range(4)]))
    code, out, err = run(["check", "data", "data/a.jsonl", "--select", "F,S"])
    assert code == 0 and "(1 file(s), 4 record(s))" in out, out + err
    assert "data/a.jsonl: named twice; checked once" in err
    code, out, err = run(["init", "data", "data/a.jsonl"])
    assert code == 0, out + err
    assert "expected-records = 4" in (in_tmp / "sftlint.toml").read_text(encoding="utf-8")


def test_init_leaves_no_config_where_it_cannot_write_one(in_tmp: Path) -> None:
    """A file name that is not UTF-8 cannot stand in a TOML file: init crashed (internal
    error) and left an empty sftlint.toml, which the next check took as the config."""
    name = os.fsdecode(b"bad\xff.jsonl")
    (in_tmp / name).write_bytes(jsonl([chat("想家了。", "想家是很正常的。")] * 3))
    code, out, err = run(["init", name])
    assert code == 2 and "bad\\xff.jsonl: a file name that is not UTF-8" in err, out + err
    assert not (in_tmp / "sftlint.toml").exists()


def test_init_names_no_field_the_config_would_read_as_another(in_tmp: Path) -> None:
    """`[categories] field` reads a dot as a step down: a key "meta.category" proposed as
    the field named meta -> category, and the next check flagged every record (B002)."""
    records = [{**chat(f"第{i}天。", "您好呀。"), "meta.category": ["a", "b"][i % 2]}
               for i in range(6)]
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    code, out, err = run(["init", "d.jsonl"])
    assert code == 0, out + err
    assert "[categories]" not in (in_tmp / "sftlint.toml").read_text(encoding="utf-8")
    code, out, err = run(["check", "d.jsonl"])
    assert "B002" not in out, out


def test_a_not_data_folder_that_holds_the_data_skips_none_of_it(in_tmp: Path) -> None:
    """`[train] output = "."` (or a tokenizer folder that is the project) named the folder
    that holds the data as not data: every staged file would have been skipped."""
    (in_tmp / "data").mkdir()
    (in_tmp / "data" / "a.jsonl").write_bytes(jsonl([chat("睡不着。", "你应该早点睡。")]))
    (in_tmp / "sftlint.toml").write_text('[train]\noutput = "."\n', encoding="utf-8")
    code, out, err = run(["check", "--no-dataset", "data/a.jsonl", "--select", "A001"])
    assert code == 1 and "A001" in out and err == "", out + err
    code, out, err = run(["check", "--select", "A001"])
    assert code == 1 and "data/a.jsonl:1:" in out, out + err
