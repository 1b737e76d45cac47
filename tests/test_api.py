"""The Python API: `sftlint.check` and `sftlint.gate` on paths, lists of dicts and
datasets; `import sftlint` stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import sftlint
from tests.conftest import REPO, chat, jsonl

GOOD = [chat("最近睡不好。", "睡不好的时候，心里在想什么呢？"),
        chat("有点闷。", "闷的时候，想聊点什么吗？")]
BAD = GOOD + [chat("好累。", "你应该早点睡。")]  # A001, an error


def test_import_sftlint_is_light() -> None:
    code = ("import sys, sftlint\n"
            "heavy = [m for m in ('pydantic', 'numpy', 'jieba', 'jsonschema', 'click', "
            "'rapidfuzz') if m in sys.modules]\n"
            "assert not heavy, heavy\n"
            "assert callable(sftlint.check) and callable(sftlint.gate)\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_check_a_list_of_dicts() -> None:
    report = sftlint.check(BAD, config={})
    assert [(f.code, f.line, f.column, f.path) for f in report.errors] == [
        ("A001", 3, None, "<memory>")]
    assert not report.passed and report.summary.records == 3
    assert "A001" in report.text()


def test_check_paths_equals_the_cli(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(BAD))
    report = sftlint.check("d.jsonl", config={})
    assert [(f.code, f.path, f.line) for f in report.errors] == [("A001", "d.jsonl", 3)]
    assert report.errors[0].column is not None
    assert sftlint.check(["d.jsonl"], config={}, ignore=["A001"]).passed


def test_check_a_datasets_dataset_with_a_name() -> None:
    datasets = pytest.importorskip("datasets")
    report = sftlint.check(datasets.Dataset.from_list(BAD), config={}, name="train")
    assert [(f.code, f.path, f.line) for f in report.errors] == [("A001", "train", 3)]


def test_gate_raises_with_the_findings_and_passes_clean_data() -> None:
    with pytest.raises(sftlint.GateError) as caught:
        sftlint.gate(BAD, config={})
    assert [f.code for f in caught.value.findings] == ["A001"]
    assert "1 error-level finding(s): <memory>:3: A001" in str(caught.value)
    assert sftlint.gate(GOOD, config={}).passed


def test_gate_never_applies_a_baseline(in_tmp: Path) -> None:
    """A baseline quiets known findings in `check`; as in `sftlint train`, it never opens
    the gate."""
    (in_tmp / "d.jsonl").write_bytes(jsonl(BAD))
    from click.testing import CliRunner

    from sftlint.cli import cli

    assert CliRunner().invoke(cli, ["check", "--write-baseline", "base.json", "d.jsonl"]
                              ).exit_code == 0
    (in_tmp / "sftlint.toml").write_text('baseline = "base.json"\n')
    assert sftlint.check("d.jsonl").passed  # hidden by the baseline in `check`
    for data in ("d.jsonl", BAD):
        with pytest.raises(sftlint.GateError) as caught:
            sftlint.gate(data)
        assert [f.code for f in caught.value.findings] == ["A001"]
    from sftlint.config import ConfigError

    with pytest.raises(ConfigError, match="no baseline"):
        sftlint.gate("d.jsonl", baseline="base.json")


def test_selectors_as_one_string_as_on_the_command_line() -> None:
    assert sftlint.check(BAD, config={}, select="S,U").passed
    assert sftlint.check(BAD, config={}, ignore="A001").passed
    assert not sftlint.check(BAD, config={}, select="A001, S").passed
    with pytest.raises(TypeError, match="config: expected"):
        sftlint.check(BAD, config=5)


def test_a_finding_has_the_fields_of_the_json_output() -> None:
    report = sftlint.check(BAD, config={})
    for finding in report.findings:
        for key, value in finding.to_dict().items():
            assert getattr(finding, key) == value, key


def test_an_empty_selection_never_turns_the_gate_off() -> None:
    # "" or [] (an unset variable) means the config's selection, as --select "" does
    for empty in ("", [], " , "):
        assert not sftlint.check(BAD, config={}, select=empty).passed
        with pytest.raises(sftlint.GateError):
            sftlint.gate(BAD, config={}, select=empty)
    from sftlint.config import ConfigError

    with pytest.raises(ConfigError, match="select is empty"):
        sftlint.check(BAD, config={"select": []})
    # an empty selector in ignore matched every code: the gate passed anything
    for ignore in ([""], [" "], ["A001", ""]):
        with pytest.raises(ConfigError, match="an empty rule selector"):
            sftlint.gate(BAD, config={}, ignore=ignore)
        with pytest.raises(ConfigError, match="an empty rule selector"):
            sftlint.gate(BAD, config={"ignore": ignore})


def test_config_keys_select_and_unknown_selectors() -> None:
    assert sftlint.check(BAD, config={"ignore": ["A"]}).passed
    assert sftlint.check(BAD, config={}, select=["S"]).passed
    from sftlint.config import ConfigError

    with pytest.raises(ConfigError, match="unknown rule code"):
        sftlint.check(BAD, config={}, select=["Z999"])
    with pytest.raises(ConfigError, match="unknown key"):
        sftlint.check(BAD, config={"selct": ["A"]})


def test_a_loaded_tokenizer_drives_the_t_rules(tmp_path_factory: pytest.TempPathFactory
                                               ) -> None:
    pytest.importorskip("transformers")
    from tests.tiny_model import shared_tiny_model

    texts = [t for r in GOOD for m in r["messages"] for t in [m["content"]]] * 5
    model = shared_tiny_model(tmp_path_factory.getbasetemp(), "api-tiny", texts)
    from sftlint.trainer.data import load_tokenizer

    tokenizer = load_tokenizer(str(model))
    long = [chat("最近睡不好。", "睡不好的时候，心里在想什么呢？" * 20)]
    report = sftlint.check(long, config={}, select=["T001"], tokenizer=tokenizer,
                           max_length=16)
    assert [f.code for f in report.findings] == ["T001"]
    by_path = sftlint.check(long, config={}, select=["T001"], tokenizer=str(model),
                            max_length=16)
    assert [f.message for f in by_path.findings] == [f.message for f in report.findings]
    assert sftlint.check(long, config={}, select=["T001"], tokenizer=tokenizer).passed


def test_a_row_that_is_not_a_record_is_a_one_line_error() -> None:
    from sftlint.reader import InputError

    with pytest.raises(InputError, match=r"<memory>: row 2 is int, not a record"):
        sftlint.check([GOOD[0], 7], config={})


@pytest.mark.parametrize("data", [5, 2.5, object()])
def test_data_that_is_neither_records_nor_paths_is_a_one_line_error(data: object) -> None:
    from sftlint.reader import InputError  # it was a bare "'int' object is not iterable"

    with pytest.raises(InputError, match=r"<memory>: \w+, not records; pass a list of dicts"):
        sftlint.check(data, config={})


def test_a_file_named_twice_is_checked_once(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(BAD))
    once = sftlint.check(["d.jsonl"], config={})
    twice = sftlint.check(["d.jsonl", "./d.jsonl", str(in_tmp / "d.jsonl")], config={})
    assert twice.summary.files == 1 and twice.summary.records == len(BAD)
    assert [f.code for f in twice.findings] == [f.code for f in once.findings]


def test_stats_of_records_in_memory_is_refused_not_zero() -> None:
    from sftlint.api import dataset_stats
    from sftlint.reader import InputError

    with pytest.raises(InputError, match="dataset_stats reads files"):
        dataset_stats(BAD, config={})


@pytest.mark.parametrize("options", [
    {"jobs": 0}, {"jobs": True}, {"max_length": -1}, {"max_length": "5"},
    {"max_length": 10**9}, {"select": 123}, {"select": [1]}, {"ignore": None}])
def test_api_options_are_checked_as_the_command_line_and_config_check_them(
        options: dict[str, object]) -> None:
    """max_length -1 was read as "cut at -1 tokens", True as 1, jobs 0 was taken, and a
    select of numbers raised a bare TypeError."""
    from sftlint.config import ConfigError

    with pytest.raises(ConfigError, match=next(iter(options))):
        sftlint.check(BAD, config={}, **options)  # type: ignore[arg-type]


def test_numpy_integers_are_whole_numbers() -> None:
    np = pytest.importorskip("numpy")
    assert sftlint.check(GOOD, config={}, jobs=np.int64(1)).passed


def test_select_may_be_any_iterable_of_codes() -> None:
    assert [f.code for f in sftlint.check(BAD, config={}, select=iter(["A001"])).findings] \
        == ["A001"]


@pytest.mark.parametrize("options", [{"changed_files": True}, {"dataset_rules": False},
                                     {"fix": True}, {"diff": True}])
def test_gate_takes_no_option_that_judges_less_than_the_data(in_tmp: Path,
                                                             options: dict[str, bool]) -> None:
    """gate(changed_files=True) passed a lecturing record, and dataset_rules=False two
    identical ones: the gate judges all of the data, as `sftlint train` does."""
    from sftlint.config import ConfigError

    (in_tmp / "d.jsonl").write_bytes(jsonl(BAD))
    with pytest.raises(ConfigError, match=f"gate\\(\\) takes no {next(iter(options))}"):
        sftlint.gate("d.jsonl", config={}, **options)
    assert sftlint.check("d.jsonl", config={}, dataset_rules=True).errors  # the default


def test_a_path_with_a_nul_is_a_one_line_error() -> None:
    from sftlint.reader import InputError

    with pytest.raises(InputError, match="a path cannot hold a NUL character"):
        sftlint.check(["data\x00.jsonl"])


def test_one_record_and_a_dataframe() -> None:
    assert [f.code for f in sftlint.check(BAD[2], config={}).errors] == ["A001"]
    pandas = pytest.importorskip("pandas")
    report = sftlint.check(pandas.DataFrame(BAD), config={})
    assert [(f.code, f.line) for f in report.errors] == [("A001", 3)]


def test_a_gate_that_checks_no_record_does_not_pass(in_tmp: Path) -> None:
    """gate(None) (a dataset variable left None: the config's paths, here an empty folder)
    or gate([]) checked nothing and passed."""
    from sftlint.config import ConfigError

    for data in (None, [], str(in_tmp)):
        with pytest.raises(ConfigError, match="no records"):
            sftlint.gate(data, config={})


def test_a_report_prints_as_a_summary_in_a_notebook() -> None:
    """`report` and `print(report.summary)` in a notebook: a line, not every finding and the
    whole config."""
    import sftlint

    report = sftlint.check([{"messages": [{"role": "user", "content": "嗯"},
                                          {"role": "assistant", "content": "你应该早点睡。"}]}])
    assert repr(report) == "CheckReport(passed=False, errors=1, warnings=1, files=1, records=1)"
    assert str(report.summary) == "Found 1 error(s) and 1 warning(s) in 1 file(s), 1 record(s)."
    assert repr(report.summary) == "Summary(files=1, records=1, errors=1, warnings=1)"
