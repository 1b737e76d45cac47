"""Inputs beyond JSON text: Parquet, Arrow datasets saved with `save_to_disk`, records in
memory. The same records give the same findings as JSON Lines, except that `line` is the
row, `column` is null, file rules do not apply and nothing is fixable."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sftlint.cli import cli
from sftlint.engine import Linter, collect_datasets
from sftlint.findings import Finding
from sftlint.formats import format_for
from sftlint.registry import select_rules
from tests.conftest import SYSTEM, chat, jsonl, lint, make_config

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

# One schema for all (Parquet needs it): what differs is in the values.
RECORDS: list[dict[str, Any]] = [
    chat("最近睡不好。", "睡不好的时候，心里在想什么呢？", category="sleep"),
    chat("最近睡不好。", "睡不好的时候，心里在想什么呢？", category="sleep"),  # D001
    chat("有点闷。", "你应该多出去走走。", category="mood"),  # A001
    chat("今天下雨了，我一个人在家里坐着，看着窗外，想起很多年前的事情，心里有点难受，也不知道该和谁说。",
         "想起了哪些事呢？", category="mood"),  # U001
    chat("  你好  ", "你好呀，今天过得怎么样？", category="mood"),  # S009 (fixable in JSONL)
    chat("在吗", "在的，{name}，我在听。", system="你是一位助手。", category="sleep"),  # S008, P002
    {"messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "嗯"}],
     "category": "mood"},  # S007
    {"messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "喂"},
                  {"role": "helper", "content": "我在。"}], "category": None},  # S003
]
CONFIG = {"categories": {"field": "category", "names": ["sleep", "mood"]}}
SELECT = ["S", "P", "U", "A", "D", "B", "C", "R", "V", "M", "I"]


def comparable(findings: list[Finding]) -> list[tuple[object, ...]]:
    """What must agree across formats: not the path, column or fixability."""
    return sorted((f.code, f.line, f.pointer, f.message, f.severity.value, f.record_key)
                  for f in findings)


def jsonl_findings(folder: Path) -> list[Finding]:
    (folder / "d.jsonl").write_bytes(jsonl(RECORDS))
    found = lint([folder / "d.jsonl"], select=SELECT, config=CONFIG)
    assert {f.code for f in found} >= {"D001", "A001", "S009", "S008", "S007", "S003",
                                       "B002"}
    return found


def write_parquet(path: Path, records: list[dict[str, Any]]) -> None:
    pq.write_table(pa.Table.from_pylist(records), path)


def test_parquet_gives_the_jsonl_findings_with_rows_and_no_columns(in_tmp: Path) -> None:
    expected = jsonl_findings(in_tmp)
    write_parquet(in_tmp / "d.parquet", RECORDS)
    found = lint([in_tmp / "d.parquet"], select=SELECT, config=CONFIG)
    assert comparable(found) == comparable(expected)
    assert {f.path for f in found} == {"d.parquet"}
    assert all(f.column is None and f.length is None and not f.fixable for f in found)
    assert any(f.code == "S009" for f in found)  # reported, not fixable


def test_arrow_dataset_folder_gives_the_jsonl_findings(in_tmp: Path) -> None:
    datasets = pytest.importorskip("datasets")
    expected = jsonl_findings(in_tmp)
    datasets.Dataset.from_list(RECORDS).save_to_disk(str(in_tmp / "ds"))
    found = lint([in_tmp / "ds"], select=SELECT, config=CONFIG)
    assert comparable(found) == comparable(expected)
    assert {f.path for f in found} == {"ds"} and all(f.column is None for f in found)


def test_records_in_memory_give_the_jsonl_findings(in_tmp: Path) -> None:
    expected = jsonl_findings(in_tmp)
    linter = Linter(make_config(CONFIG), select_rules(SELECT, []))
    found = linter.check_records(RECORDS, "train").findings
    assert comparable(found) == comparable(expected)
    assert all(f.column is None for f in found)
    table = linter.check_records(pa.Table.from_pylist(RECORDS), "train").findings
    assert comparable(table) == comparable(expected)


def test_a_datasets_dataset_in_memory_respects_its_selection(in_tmp: Path) -> None:
    datasets = pytest.importorskip("datasets")
    expected = jsonl_findings(in_tmp)
    linter = Linter(make_config(CONFIG), select_rules(SELECT, []))
    ds = datasets.Dataset.from_list(RECORDS)
    assert comparable(linter.check_records(ds).findings) == comparable(expected)
    # a selection: row 1 is the record at index 2 (A001), nothing else
    picked = linter.check_records(ds.select([2]).with_format("numpy")).findings
    assert [(f.code, f.line) for f in picked if f.code != "B001"] == [("A001", 1)]


def test_file_rules_do_not_apply_to_rows(in_tmp: Path) -> None:
    write_parquet(in_tmp / "d.parquet", RECORDS[:1])
    assert lint([in_tmp / "d.parquet"], select=["F"]) == []


def test_folders_are_walked_for_parquet_and_arrow_datasets(in_tmp: Path) -> None:
    datasets = pytest.importorskip("datasets")
    data = in_tmp / "data"
    data.mkdir()
    (data / "a.jsonl").write_bytes(jsonl(RECORDS[:2]))
    write_parquet(data / "b.parquet", RECORDS[2:4])
    datasets.Dataset.from_list(RECORDS[4:6]).save_to_disk(str(data / "c"))
    (data / "notes.txt").write_text("not data")
    [dataset] = collect_datasets(["data"], [])
    assert [Path(f).name for f in dataset.files] == ["a.jsonl", "b.parquet", "c"]
    assert [format_for(f).name for f in dataset.files] == ["jsonl", "parquet", "arrow"]
    # the dataset's own dataset_info.json and state.json are not checked as data
    result = Linter(make_config(CONFIG), select_rules(["F", "S", "D"], [])).check(["data"])
    assert result.records == 6 and result.files == 3
    assert not [f for f in result.findings if f.path.endswith(".json")]


def test_suffixes_match_whatever_their_case(in_tmp: Path) -> None:
    """data.JSONL (Windows, macOS) is data: a folder walk must not skip it and let the
    check pass; a.JSON is a JSON array, not JSON Lines."""
    from sftlint.hooks import plan_dataset_hook

    data = in_tmp / "data"
    data.mkdir()
    (data / "a.JSONL").write_bytes(jsonl(RECORDS[2:3]))
    (data / "b.Json").write_text(json.dumps(RECORDS[:1], ensure_ascii=False))
    write_parquet(data / "c.PARQUET", RECORDS[:1])
    [dataset] = collect_datasets(["data"], [])
    assert [format_for(f).name for f in dataset.files] == ["jsonl", "json-array", "parquet"]
    result = Linter(make_config(CONFIG), select_rules(["A001"], [])).check(["data"])
    assert [(Path(f.path).name, f.code) for f in result.findings] == [("a.JSONL", "A001")]
    plan = plan_dataset_hook(["data/a.JSONL", "data/c.PARQUET"], make_config(CONFIG), None)
    assert plan.run and len(plan.covered) == 1 and len(plan.uncovered) == 1


def test_dataset_rules_see_rows_across_formats(in_tmp: Path) -> None:
    data = in_tmp / "data"
    data.mkdir()
    (data / "a.jsonl").write_bytes(jsonl(RECORDS[:1]))
    write_parquet(data / "b.parquet", RECORDS[1:2])  # the same record again
    [d001] = lint(["data"], select=["D001"])
    assert (d001.path, d001.line, d001.column) == ("data/b.parquet", 1, None)
    assert "data/a.jsonl" in d001.message


def test_fix_leaves_parquet_alone(in_tmp: Path) -> None:
    write_parquet(in_tmp / "d.parquet", RECORDS)
    before = (in_tmp / "d.parquet").read_bytes()
    result = CliRunner().invoke(cli, ["check", "--fix", "--select", "S009", "d.parquet"])
    assert result.exit_code == 0, result.output  # S009 is a warning
    assert "d.parquet:5: S009" in result.output and (in_tmp / "d.parquet").read_bytes() == before


def test_cli_json_gives_row_and_null_column(in_tmp: Path) -> None:
    write_parquet(in_tmp / "d.parquet", RECORDS[2:3])
    result = CliRunner().invoke(cli, ["check", "--select", "A001", "--format", "json",
                                      "d.parquet"])
    [finding] = json.loads(result.output)
    assert (finding["line"], finding["column"], finding["fixable"]) == (1, None, False)


def test_without_pyarrow_a_one_line_error_names_the_extra(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_parquet(in_tmp / "d.parquet", RECORDS[:1])
    (in_tmp / "ds").mkdir()
    for name in ("dataset_info.json", "state.json", "data-00000-of-00001.arrow"):
        (in_tmp / "ds" / name).write_text("{}")
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow raises ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    for target in ("d.parquet", "ds"):
        result = CliRunner().invoke(cli, ["check", target])
        assert result.exit_code == 2
        [line] = result.stderr.strip().splitlines()
        assert "needs pyarrow" in line and "sftlint[parquet]" in line


@pytest.mark.parametrize("content", [
    b"not parquet at all\n",
    b"PAR1\0\0\0\0\0\0\0\0PAR1",  # the magic bytes around a broken footer
])
def test_a_file_that_is_not_parquet_is_a_one_line_error(in_tmp: Path, content: bytes) -> None:
    (in_tmp / "d.parquet").write_bytes(content)
    result = CliRunner().invoke(cli, ["check", "d.parquet"])
    [line] = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and "d.parquet: not a readable Parquet file" in line


@pytest.mark.parametrize("damage", ["replace", "truncate"])
def test_a_damaged_arrow_file_is_a_one_line_error(in_tmp: Path, damage: str) -> None:
    datasets = pytest.importorskip("datasets")
    datasets.Dataset.from_list(RECORDS).save_to_disk(str(in_tmp / "ds"))
    [arrow] = sorted((in_tmp / "ds").glob("*.arrow"))
    data = arrow.read_bytes()
    arrow.write_bytes(b"not arrow" if damage == "replace" else data[:len(data) // 2])
    result = CliRunner().invoke(cli, ["check", "ds"])
    [line] = result.stderr.strip().splitlines()
    assert result.exit_code == 2, result.stderr
    assert f"{arrow.name}: not a readable Arrow file" in line and "internal error" not in line


def test_arrow_nulls_of_absent_fields_are_not_keys(in_tmp: Path) -> None:
    """Arrow gives every struct every field: a message without `name` reads back with
    `name: null`, which must not become an unexpected key or a malformed message."""
    records = [chat("在吗", "在的，我在听。"),
               {"messages": [{"role": "system", "content": SYSTEM},
                             {"role": "user", "content": "喂", "name": "小王"},
                             {"role": "assistant", "content": "我在。"}]}]
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    write_parquet(in_tmp / "d.parquet", records)
    expected = lint([in_tmp / "d.jsonl"], select=["S"])
    assert comparable(lint([in_tmp / "d.parquet"], select=["S"])) == comparable(expected)


def test_one_arrow_file_named_directly(in_tmp: Path) -> None:
    datasets = pytest.importorskip("datasets")
    datasets.Dataset.from_list(RECORDS[2:3]).save_to_disk(str(in_tmp / "ds"))
    [arrow] = sorted((in_tmp / "ds").glob("*.arrow"))
    found = lint([arrow], select=["A001"])
    assert [(f.code, f.line, f.column) for f in found] == [("A001", 1, None)]


def test_the_metadata_files_of_an_arrow_folder_named_directly_are_not_data(
        in_tmp: Path) -> None:
    # pre-commit names every staged file: state.json and dataset_info.json too
    datasets = pytest.importorskip("datasets")
    datasets.Dataset.from_list(RECORDS[2:3]).save_to_disk(str(in_tmp / "ds"))
    files = sorted((in_tmp / "ds").iterdir())
    assert {f.name for f in files} >= {"state.json", "dataset_info.json"}
    found = lint(files, select=["F", "S", "A001"])
    assert [(f.code, Path(f.path).suffix) for f in found] == [("A001", ".arrow")]


def test_a_llama_factory_registry_is_not_data(in_tmp: Path) -> None:
    """LLaMA-Factory keeps a dataset_info.json beside its data files: a folder walk and a
    pre-commit run that names it skip it with a warning; a data file of that name is read."""
    (in_tmp / "data").mkdir()
    registry = {"demo": {"file_name": "demo.json", "formatting": "sharegpt",
                         "columns": {"messages": "conversations"}},
                "hub": {"hf_hub_url": "someone/data"}}
    (in_tmp / "data" / "dataset_info.json").write_text(json.dumps(registry))
    (in_tmp / "data" / "demo.json").write_text(json.dumps(
        [{"conversations": [{"from": "human", "value": "你好"},
                            {"from": "gpt", "value": "您应该多喝水。"}]}]))
    for target in (["data"], ["data/dataset_info.json", "data/demo.json"]):
        result = CliRunner().invoke(cli, ["check", "--select", "S001,A001", *target])
        assert "dataset registry, not data; skipped" in result.stderr
        assert "S001" not in result.stdout and "A001" in result.stdout
    # a data file that happens to bear the name is still data
    (in_tmp / "other").mkdir()
    (in_tmp / "other" / "dataset_info.json").write_text(json.dumps(
        [{"messages": [{"role": "user", "content": "你好"}]}]))
    result = CliRunner().invoke(cli, ["check", "--select", "S007", "other"])
    assert "S007" in result.stdout and "skipped" not in result.stderr


def test_a_first_row_of_nulls_keeps_the_shape(in_tmp: Path) -> None:
    """The shape is found from the first row with its null columns, as in JSON Lines: a
    null `instruction` is a finding on that row, not a "messages" shape for every row."""
    rows = [{"instruction": None, "output": None},
            {"instruction": "写一首诗吧", "output": "春眠不觉晓，处处闻啼鸟。"}]
    (in_tmp / "d.jsonl").write_bytes(jsonl(rows))
    write_parquet(in_tmp / "d.parquet", rows)
    expected = lint([in_tmp / "d.jsonl"], select=["S"])
    assert {(f.code, f.line) for f in expected} == {("S002", 1)}
    assert comparable(lint([in_tmp / "d.parquet"], select=["S"])) == comparable(expected)
    linter = Linter(make_config({}), select_rules(["S"], []))
    assert comparable(linter.check_records(pa.Table.from_pylist(rows)).findings) == \
        comparable(expected)


def test_nulls_in_a_list_of_dicts_are_the_records_own(in_tmp: Path) -> None:
    """Only a table pads records with nulls: in a list of dicts a null is data, reported
    as in JSON Lines (`"output": null`), and a null argument of a tool call stays one."""
    rows = [{"instruction": "写首诗", "input": "", "output": None}]
    (in_tmp / "d.jsonl").write_bytes(jsonl(rows))
    expected = lint([in_tmp / "d.jsonl"], select=["S"])
    assert expected
    linter = Linter(make_config({}), select_rules(["S"], []))
    assert comparable(linter.check_records(rows).findings) == comparable(expected)


def test_pandas_and_mapping_rows_read_as_json(in_tmp: Path) -> None:
    """A DataFrame (list columns are numpy arrays, missing values NaN), tuples, mappings
    other than dict and str subclasses read as the JSON they stand for."""
    from collections import OrderedDict

    pd = pytest.importorskip("pandas")
    expected = jsonl_findings(in_tmp)
    linter = Linter(make_config(CONFIG), select_rules(SELECT, []))
    frame = pa.Table.from_pylist(RECORDS).to_pandas()
    assert comparable(linter.check_records(frame).findings) == comparable(expected)
    odd = [{"messages": tuple(OrderedDict(m) for m in r["messages"]),
            "category": r["category"]} for r in RECORDS]
    assert comparable(linter.check_records(odd).findings) == comparable(expected)
    assert pd is not None


@pytest.mark.parametrize(("row", "error"), [
    ({**chat("在吗", "在的。"), 1: "x"}, "row 1: key 1 is int, not a string"),
    (chat("在吗\ud800", "在的。"), "row 1: a string holds a lone surrogate"),
    ({**chat("在吗", "在的。"), "x\ud800": 1}, "row 1: a string holds a lone surrogate"),
    ("deep", "row 1: nested more than"),
    ("cycle", "row 1: nested more than"),
    # what a JSON Lines file cannot hold either (F006 there): they passed in memory
    ({**chat("在吗", "在的。"), "score": float("nan")}, "row 1: nan is not a JSON number"),
    ({**chat("在吗", "在的。"), "score": -float("inf")}, "row 1: -inf is not a JSON number"),
    ({**chat("在吗", "在的。"), "id": 10**400}, "row 1: the integer 1000"),
    ({**chat("在吗", "在的。"), "tags": {"a"}}, "row 1: a set is not a JSON value"),
])
def test_rows_json_cannot_hold_are_one_line_errors(row: Any, error: str) -> None:
    import sftlint
    from sftlint.reader import InputError

    if row == "deep":
        row = chat("在吗", "在的。")
        inner: dict[str, Any] = row
        for _ in range(1000):
            inner["x"] = {}
            inner = inner["x"]
    elif row == "cycle":
        row = chat("在吗", "在的。")
        row["self"] = row
    with pytest.raises(InputError, match=error):
        sftlint.check([row], config={})


def test_a_dataset_dict_asks_for_one_split(in_tmp: Path) -> None:
    import sftlint
    from sftlint.reader import InputError

    datasets = pytest.importorskip("datasets")
    splits = datasets.DatasetDict({"train": datasets.Dataset.from_list(RECORDS[2:3])})
    with pytest.raises(InputError, match=r"a DatasetDict of splits train; check one split"):
        sftlint.check(splits, config={})
    splits.save_to_disk(str(in_tmp / "dd"))  # on disk: each split is a dataset
    found = lint([in_tmp / "dd"], select=["S", "A001", "F"])
    assert [(f.code, f.path) for f in found] == [("A001", "dd/train")]


def test_an_incomplete_arrow_folder_is_a_one_line_error(in_tmp: Path) -> None:
    """A saved dataset less its state.json, or with an .arrow file state.json does not
    list, would lose rows without a word: it is an error. An empty dataset is no rows."""
    datasets = pytest.importorskip("datasets")
    datasets.Dataset.from_list(RECORDS).save_to_disk(str(in_tmp / "ds"))
    state = in_tmp / "ds" / "state.json"
    kept = state.read_text()
    state.unlink()
    result = CliRunner().invoke(cli, ["check", "."])
    assert result.exit_code == 2 and "not a complete dataset" in result.stderr
    state.write_text(json.dumps({**json.loads(kept), "_data_files": []}))
    result = CliRunner().invoke(cli, ["check", "ds"])
    assert result.exit_code == 2 and "that state.json does not list" in result.stderr
    state.write_text(json.dumps({**json.loads(kept), "_data_files": [{"filename": 3}]}))
    result = CliRunner().invoke(cli, ["check", "ds"])
    assert result.exit_code == 2 and "a filename is not a string" in result.stderr
    datasets.Dataset.from_dict({"messages": []}).save_to_disk(str(in_tmp / "empty"))
    assert lint([in_tmp / "empty"], select=["S", "F"]) == []


def test_a_corrupt_parquet_page_is_a_one_line_error(in_tmp: Path) -> None:
    write_parquet(in_tmp / "d.parquet", RECORDS * 50)
    data = bytearray((in_tmp / "d.parquet").read_bytes())
    data[4:200] = bytes(b ^ 0x5A for b in data[4:200])  # the footer stays readable
    (in_tmp / "d.parquet").write_bytes(bytes(data))
    result = CliRunner().invoke(cli, ["check", "d.parquet"])
    [line] = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and "d.parquet: cannot read its data" in line


def test_a_null_message_list_says_so(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(b'{"messages": null}\n')
    found = lint([in_tmp / "d.jsonl"], select=["S001"])
    assert [(f.code, f.message) for f in found] == [("S001", '"messages" is null, not a list')]


def test_bytes_content_is_called_bytes() -> None:
    """A row from memory or a Parquet binary column may hold bytes: S002 says so, not "a
    number"."""
    import sftlint

    record = {"messages": [{"role": "user", "content": "在吗".encode()},
                           {"role": "assistant", "content": "在的，今天怎么样？"}]}
    messages = [f.message for f in sftlint.check([record], config={}).findings
                if f.code == "S002"]
    assert messages == ['message 0: "content" is bytes, not a string']


# Records of the newer kinds, whose objects do not share one set of keys: `datasets` 5 loads
# such a JSON Lines file with `Json()` columns (JSON text), as Parquet and Arrow keep them.
MIXED_KEYS: list[dict[str, Any]] = [
    {"messages": [{"role": "user", "content": "2+2?"},
                  {"role": "assistant", "content": "Four. <|im_end|>",  # S011
                   "reasoning_content": "A sum."}]},
    {"messages": [{"role": "user", "content": "Weather in Paris?"},
                  {"role": "assistant", "content": None, "tool_calls": [
                      {"id": "c1", "type": "function", "function": {
                          "name": "get_weather", "arguments": {"city": "Paris"}}}]},  # C003
                  {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
                  {"role": "assistant", "content": "Sunny, call 13912345678."}]},  # I002
    {"messages": [{"role": "user", "content": "hi"}]},  # S007
]


def test_json_typed_columns_are_read_as_the_json_they_hold(in_tmp: Path) -> None:
    """`datasets` stores a column as `Json()` (Arrow's `arrow.json` type) when its objects
    differ in keys; read as text, every message was "a string, not an object" (S002) and
    every real finding was lost."""
    datasets = pytest.importorskip("datasets")
    (in_tmp / "d.jsonl").write_bytes(jsonl(MIXED_KEYS))
    select = ["S", "C", "I", "R"]
    expected = lint([in_tmp / "d.jsonl"], select=select)
    assert {f.code for f in expected} >= {"S011", "C003", "I002", "S007"}
    ds = datasets.load_dataset("json", data_files=str(in_tmp / "d.jsonl"), split="train",
                               cache_dir=str(in_tmp / "hf"))
    if "Json" not in repr(ds.features):
        pytest.skip("this `datasets` gives no Json() column")
    ds.to_parquet(str(in_tmp / "d.parquet"))
    ds.save_to_disk(str(in_tmp / "ds"))
    for path in ("d.parquet", "ds"):
        assert comparable(lint([in_tmp / path], select=select)) == comparable(expected), path
    linter = Linter(make_config({}), select_rules(select, []))
    assert comparable(linter.check_records(ds).findings) == comparable(expected)
    assert comparable(linter.check_records(ds.data.table).findings) == comparable(expected)


def test_a_json_typed_column_of_text_that_is_not_json_is_a_one_line_error(
        in_tmp: Path) -> None:
    if not hasattr(pa, "json_"):
        pytest.skip("pyarrow before 19 has no JSON type")
    storage = pa.array(['{"role": "user", "content": "hi"}', "{broken"])
    table = pa.table({"messages": pa.ExtensionArray.from_storage(pa.json_(), storage)})
    pq.write_table(table, in_tmp / "d.parquet")
    result = CliRunner().invoke(cli, ["check", "d.parquet"])
    assert result.exit_code == 2
    assert "d.parquet: row 2: column 'messages' is typed JSON but holds text that is not " \
           "JSON" in result.output
    assert "Traceback" not in result.output


def test_map_typed_tool_arguments_are_objects(in_tmp: Path) -> None:
    """Spark writes a JSON object as `map<string, string>`: it is an object, not a list of
    pairs (C001 "arguments are an array"), and what is in it is read (I002)."""
    call = pa.struct([("name", pa.string()),
                      ("arguments", pa.map_(pa.string(), pa.string()))])
    message = pa.struct([("role", pa.string()), ("content", pa.string()),
                         ("tool_calls", pa.list_(pa.struct([("function", call)])))])
    rows = [{"messages": [
        {"role": "user", "content": "call my daughter", "tool_calls": None},
        {"role": "assistant", "content": None, "tool_calls": [{"function": {
            "name": "call", "arguments": [("phone", "13912345678")]}}]}]}]
    pq.write_table(pa.Table.from_pylist(rows, schema=pa.schema([("messages",
                                                                 pa.list_(message))])),
                   in_tmp / "d.parquet")
    found = lint([in_tmp / "d.parquet"], select=["C001", "I002"])
    assert [(f.code, f.pointer) for f in found] == [
        ("I002", "/messages/1/tool_calls/0/function/arguments/phone")]


PNG_1X1 = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
                        "0000000c49444154789c63606060000000040001f61738550000000049454e44ae"
                        "426082")


def test_images_embedded_as_datasets_stores_them_are_media(in_tmp: Path) -> None:
    """A `datasets` Image() column in Parquet or Arrow holds {"bytes", "path"}: the image is
    in the record (no M002 for its old file name, no "an object, not a path", the count is
    right), and bytes that are no image are M003."""
    image = pa.struct([("bytes", pa.binary()), ("path", pa.string())])
    ask = [{"role": "user", "content": "<image>What is this?"},
           {"role": "assistant", "content": "A tiny square."}]
    table = pa.table({"messages": pa.array([ask, ask, ask]), "id": [1, 2, 3],
                      "images": pa.array([[{"bytes": PNG_1X1, "path": None}],
                                          [{"bytes": PNG_1X1, "path": "0001.png"}],
                                          [{"bytes": b"<html>404</html>", "path": "x.png"}]],
                                         type=pa.list_(image))})
    pq.write_table(table, in_tmp / "d.parquet")
    found = lint([in_tmp / "d.parquet"], select=["S", "M"])
    assert [(f.code, f.line, f.pointer) for f in found] == [("M003", 3, "/images/0")]
    assert found[0].message.startswith("image embedded data is not a readable image")
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset(table)
    ds.save_to_disk(str(in_tmp / "ds"))
    assert [(f.code, f.line) for f in lint([in_tmp / "ds"], select=["S", "M"])] == [
        ("M003", 3)]
    linter = Linter(make_config({}), select_rules(["S", "M"], []))
    assert [(f.code, f.line) for f in linter.check_records(ds).findings] == [("M003", 3)]


def test_null_optional_fields_are_absent_as_to_json_writes_them(in_tmp: Path) -> None:
    """`datasets`' to_json writes null for a key a record did not have: `tools`, alpaca's
    `input` and `system` are then none (as a chat template reads `tools=None`), not a
    malformed value (C005, S002). A null reply is still no reply."""
    rows = [{"messages": [{"role": "user", "content": "hi"},
                          {"role": "assistant", "content": "Hello!"}], "tools": None},
            {"messages": [{"role": "user", "content": "weather?"},
                          {"role": "assistant", "content": "Sunny."}], "tools": []}]
    (in_tmp / "m.jsonl").write_bytes(jsonl(rows))
    assert lint([in_tmp / "m.jsonl"], select=["S", "C"]) == []
    alpaca = [{"instruction": "写首诗", "input": None, "system": None, "output": "春眠不觉晓。"},
              {"instruction": "写首诗", "input": None, "output": None}]
    (in_tmp / "a.jsonl").write_bytes(jsonl(alpaca))
    assert [(f.code, f.line, f.pointer) for f in lint([in_tmp / "a.jsonl"], select=["S"])] == [
        ("S002", 2, "/output")]


def test_a_null_shape_column_of_other_rows_does_not_change_a_rows_shape(in_tmp: Path) -> None:
    """A table gives a plain conversation the `chosen`/`rejected` columns of the pair rows
    after it, null: the first row is still a conversation (S007 on the second, as in JSON
    Lines), not a pair with both sides missing (V004). A KTO row without a label says so as
    in JSON Lines, not "label is None"."""
    rows = [{"conversations": [{"from": "human", "value": "Tell me a fact"},
                               {"from": "gpt", "value": "Water boils at 100C."}]},
            {"conversations": [{"from": "human", "value": "Another fact"}],
             "chosen": {"from": "gpt", "value": "The sky is blue."},
             "rejected": {"from": "gpt", "value": "The sky is green."}}]
    kto = [{"prompt": "hi", "completion": "Hello!", "label": True},
           {"prompt": "hey", "completion": "Go away."}]
    for name, records in (("pairs", rows), ("kto", kto)):
        (in_tmp / f"{name}.jsonl").write_bytes(jsonl(records))
        expected = lint([in_tmp / f"{name}.jsonl"], select=["S", "V"])
        assert expected, name
        # every row's columns (from_pylist would take the first row's only)
        table = pa.Table.from_struct_array(pa.array(records))
        assert "chosen" in table.column_names or name == "kto"
        pq.write_table(table, in_tmp / f"{name}.parquet")
        assert comparable(lint([in_tmp / f"{name}.parquet"], select=["S", "V"])) == \
            comparable(expected), name


def test_embedded_media_in_content_parts_and_alone(in_tmp: Path) -> None:
    """An image part that holds the image as `datasets` stores it, and an `images` column
    of one image rather than a list: both are embedded media, checked by M003."""
    image = pa.struct([("bytes", pa.binary()), ("path", pa.string())])
    part = pa.struct([("type", pa.string()), ("text", pa.string()), ("image", image)])
    message = pa.struct([("role", pa.string()), ("content", pa.list_(part))])

    def turns(data: bytes) -> list[dict[str, Any]]:
        return [{"role": "user", "content": [
                    {"type": "image", "text": None, "image": {"bytes": data, "path": None}},
                    {"type": "text", "text": "what?", "image": None}]},
                {"role": "assistant", "content": [
                    {"type": "text", "text": "A square.", "image": None}]}]
    rows = [{"messages": turns(PNG_1X1)}, {"messages": turns(b"<html>404</html>")}]
    pq.write_table(pa.Table.from_pylist(rows, schema=pa.schema([("messages",
                                                                 pa.list_(message))])),
                   in_tmp / "parts.parquet")
    assert [(f.code, f.line, f.pointer) for f in lint([in_tmp / "parts.parquet"],
                                                      select=["S", "M"])] == [
        ("M003", 2, "/messages/0/content/0/image")]
    ask = [{"role": "user", "content": "<image>What is this?"},
           {"role": "assistant", "content": "A tiny square."}]
    table = pa.table({"messages": pa.array([ask, ask]), "images": pa.array(
        [{"bytes": PNG_1X1, "path": "0001.png"}, {"bytes": b"", "path": "0002.png"}],
        type=image)})
    pq.write_table(table, in_tmp / "one.parquet")
    found = lint([in_tmp / "one.parquet"], select=["S", "M"])
    assert [(f.code, f.line, f.pointer) for f in found] == [("M003", 2, "/images")]
    assert "embedded data is empty" in found[0].message
