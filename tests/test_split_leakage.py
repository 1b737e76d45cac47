"""D004: evaluation records that are training records, exactly or nearly."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sftlint.cli import cli
from tests.conftest import chat, jsonl

TRAIN = [chat(f"第{i}天，老伴又念叨起年轻时候的事，我听着听着就笑了。",
              f"能笑出来真好。第{i}天他讲的是哪一段呀？") for i in range(40)]
SPLITS = '[splits]\ntrain = ["data/train"]\neval = ["data/eval.jsonl"]\n'


def project(tmp: Path, eval_records: list, config: str = SPLITS) -> None:
    (tmp / "data" / "train").mkdir(parents=True)
    (tmp / "data" / "train" / "a.jsonl").write_bytes(jsonl(TRAIN[:20]))
    (tmp / "data" / "train" / "b.jsonl").write_bytes(jsonl(TRAIN[20:]))
    (tmp / "data" / "eval.jsonl").write_bytes(jsonl(eval_records))
    (tmp / "sftlint.toml").write_text(config, encoding="utf-8")


def d004(tmp: Path, *paths: str) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(cli, ["check", "--config", str(tmp / "sftlint.toml"),
                                      "--select", "D004", "--format", "json", *paths])
    return result.exit_code, json.loads(result.stdout) if result.exit_code < 2 else []


def test_exact_and_near_leaks_are_reported_once_each(tmp_path: Path,
                                                      monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    near = chat("第25天，老伴又念叨起年轻时候的事，我听着听着就笑啦。",
                "能笑出来真好。第25天他讲的是哪一段呀？")
    fresh = chat("今天下雨，腿有点疼。", "下雨天腿疼可难受了，现在疼得厉害吗？")
    project(tmp_path, [TRAIN[7], fresh, near])
    code, findings = d004(tmp_path, "data/eval.jsonl")  # the train split need not be checked
    assert code == 1
    assert [(f["path"], f["line"]) for f in findings] == [("data/eval.jsonl", 1),
                                                          ("data/eval.jsonl", 3)]
    assert "the same as training record data/train/a.jsonl:8" in findings[0]["message"]
    assert "% similar to training record data/train/b.jsonl:6" in findings[1]["message"]


def test_clean_splits_and_no_splits_report_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    project(tmp_path, [chat("今天下雨，腿有点疼。", "下雨天腿疼可难受了，现在疼得厉害吗？")])
    assert d004(tmp_path, "data") == (0, [])
    (tmp_path / "sftlint.toml").write_text("", encoding="utf-8")
    (tmp_path / "data" / "eval.jsonl").write_bytes(jsonl([TRAIN[0]]))
    assert d004(tmp_path, "data") == (0, [])


def test_a_split_without_eval_is_a_config_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    project(tmp_path, [TRAIN[0]], config='[splits]\ntrain = ["data/train"]\n')
    result = CliRunner().invoke(cli, ["check", "--config", "sftlint.toml", "data"])
    assert result.exit_code == 2
    assert "eval" in result.stderr and len(result.stderr.strip().splitlines()) == 1
