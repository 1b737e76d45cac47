"""Damaged row inputs (Parquet, Arrow datasets, pyarrow data in memory): an Arrow stream cut
at a message boundary, values pyarrow cannot turn into Python, two columns of one name.
Each is a one-line error that names the path and row, exit code 2, never rows left out."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import sftlint
from sftlint.reader import InputError
from tests.conftest import chat

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

BIN = Path(sys.executable).parent
CLEAN = chat("今天有点闷。", "闷的时候，想聊点什么吗？")
DIRTY = chat("今天有点闷。", "你应该早点睡，别想太多。")  # A001
NOT_UTF8 = pa.array([b"\xed\xa0\x80"], type=pa.binary()).view(pa.string())


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = shutil.which("sftlint", path=str(BIN)) or shutil.which("sftlint")
    assert command is not None, "sftlint is not installed (pip install -e .)"
    return subprocess.run([command, *args], cwd=cwd, text=True, capture_output=True,
                          timeout=120)


def one_line_error(proc: subprocess.CompletedProcess[str], *words: str) -> str:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr
    return proc.stderr


def message_ends(data: bytes) -> list[int]:
    """Where each IPC message of a stream ends: the schema first, then the batches."""
    stream = pa.BufferReader(data)
    ends: list[int] = []
    while True:
        try:
            pa.ipc.read_message(stream)
        except EOFError:  # the end-of-stream marker
            return ends
        ends.append(stream.tell())


def save(records: list[dict[str, Any]], folder: Path, **options: Any) -> None:
    datasets = pytest.importorskip("datasets")
    datasets.disable_progress_bars()
    datasets.Dataset.from_list(records).save_to_disk(str(folder), **options)


# --- an Arrow stream cut at a message boundary --------------------------------------------

def test_an_arrow_file_cut_at_a_batch_boundary_is_an_error(in_tmp: Path) -> None:
    records = [CLEAN] * 3000
    records[2500] = DIRTY  # in the third batch of 1,000 rows
    save(records, in_tmp / "full")
    [arrow] = (in_tmp / "full").glob("*.arrow")
    data = arrow.read_bytes()
    ends = message_ends(data)
    assert len(ends) == 4 and ends[-1] == len(data) - 8  # schema, 3 batches, marker
    for rows, cut in ((0, ends[0]), (2000, ends[2])):
        shutil.copytree(in_tmp / "full", in_tmp / f"cut{rows}")
        (in_tmp / f"cut{rows}" / arrow.name).write_bytes(data[:cut])
        one_line_error(run("check", f"cut{rows}", cwd=in_tmp), f"cut{rows}/{arrow.name}",
                       f"ends after {rows} row(s) without its end-of-stream marker")
        with pytest.raises(InputError, match="without its end-of-stream marker"):
            sftlint.check(str(in_tmp / f"cut{rows}"), config={})
    proc = run("check", "full", "--select", "A001", cwd=in_tmp)
    assert proc.returncode == 1 and "full:2501: A001" in proc.stdout
    assert "3000 record(s)" in proc.stdout


@pytest.mark.parametrize("cut", [1, 4, 7])
def test_an_arrow_file_cut_inside_its_marker_is_an_error(in_tmp: Path, cut: int) -> None:
    save([CLEAN] * 3, in_tmp / "ds")
    [arrow] = (in_tmp / "ds").glob("*.arrow")
    arrow.write_bytes(arrow.read_bytes()[:-cut])
    # pyarrow reports some of these cuts itself ("not a readable Arrow file"), sftlint the rest
    assert any(words in one_line_error(run("check", "ds", cwd=in_tmp), arrow.name)
               for words in ("cut short", "not a readable Arrow file"))


def test_bytes_after_the_marker_are_an_error(in_tmp: Path) -> None:
    # a second stream appended to the first: its rows would never be read
    save([CLEAN], in_tmp / "ds")
    [arrow] = (in_tmp / "ds").glob("*.arrow")
    data = arrow.read_bytes()
    arrow.write_bytes(data + data)
    one_line_error(run("check", "ds", cwd=in_tmp), arrow.name,
                   f"{len(data)} byte(s) after the Arrow stream's end-of-stream marker")


@pytest.mark.parametrize("kind", ["small", "batches", "shards", "selected", "dict"])
def test_every_dataset_datasets_writes_still_reads(in_tmp: Path, kind: str) -> None:
    datasets = pytest.importorskip("datasets")
    records = [CLEAN] * 2500 + [DIRTY]
    if kind == "small":
        save([DIRTY], in_tmp / "ds")
        expected = ["ds:1: A001"]
    elif kind == "batches":
        save(records, in_tmp / "ds")
        expected = ["ds:2501: A001"]
    elif kind == "shards":
        save(records, in_tmp / "ds", num_shards=3)
        assert len(list((in_tmp / "ds").glob("*.arrow"))) == 3
        expected = ["ds:2501: A001"]
    elif kind == "selected":  # save_to_disk writes the selection anew
        dataset = datasets.Dataset.from_list(records)
        dataset.select([2500, 0, 1]).save_to_disk(str(in_tmp / "ds"))
        expected = ["ds:1: A001"]
    else:
        dataset = datasets.Dataset.from_list(records)
        datasets.DatasetDict({"train": dataset, "test": dataset.select([2500])}).save_to_disk(
            str(in_tmp / "ds"))
        expected = ["ds/test:1: A001", "ds/train:2501: A001"]
    proc = run("check", "ds", "--select", "A001", cwd=in_tmp)
    assert proc.returncode == 1, proc.stderr
    assert [line.split(" A001")[0] + " A001" for line in proc.stdout.splitlines()
            if "A001" in line] == expected


def test_other_arrow_files_still_read(in_tmp: Path) -> None:
    """The IPC file format (Feather 2, ARROW1 magic), and a stream in the pre-0.15 format
    whose end-of-stream marker is four zero bytes."""
    table = pa.Table.from_pylist([CLEAN] * 2000 + [DIRTY])
    with pa.OSFile(str(in_tmp / "feather.arrow"), "wb") as sink, pa.ipc.new_file(
            sink, table.schema) as w:
        w.write_table(table, max_chunksize=500)
    with pa.OSFile(str(in_tmp / "legacy.arrow"), "wb") as sink, pa.ipc.new_stream(
            sink, table.schema, options=pa.ipc.IpcWriteOptions(use_legacy_format=True)) as w:
        w.write_table(table, max_chunksize=500)
    for name in ("feather.arrow", "legacy.arrow"):
        proc = run("check", name, "--select", "A001", cwd=in_tmp)
        assert proc.returncode == 1 and f"{name}:2001: A001" in proc.stdout, proc.stderr
    data = (in_tmp / "feather.arrow").read_bytes()
    (in_tmp / "feather.arrow").write_bytes(data[:len(data) - 10])  # no footer
    one_line_error(run("check", "feather.arrow", cwd=in_tmp), "not a readable Arrow file")
    data = (in_tmp / "legacy.arrow").read_bytes()
    (in_tmp / "legacy.arrow").write_bytes(data[:message_ends(data)[2]])
    one_line_error(run("check", "legacy.arrow", cwd=in_tmp), "without its end-of-stream marker")


# --- values pyarrow cannot turn into Python ---------------------------------------------

def dup_field_messages() -> Any:
    messages = pa.StructArray.from_arrays(
        [pa.array(["user"]), pa.array(["hi"]), pa.array(["x"])],
        names=["role", "content", "content"])
    return pa.ListArray.from_arrays(pa.array([0, 1], pa.int32()), messages)


def not_utf8_table(rows: int = 1) -> Any:
    notes = pa.concat_arrays([pa.array(["ok"] * (rows - 1), pa.string()), NOT_UTF8])
    return pa.table({"messages": pa.array([CLEAN["messages"]] * rows), "note": notes})


def test_text_that_is_not_utf8_in_parquet_names_row_and_column(in_tmp: Path) -> None:
    pq.write_table(not_utf8_table(5000), in_tmp / "d.parquet")  # row 5000 in the 2nd batch
    one_line_error(run("check", "d.parquet", cwd=in_tmp),
                   "d.parquet: row 5000, column 'note': a string holds bytes that are not UTF-8")
    with pytest.raises(InputError, match="d.parquet: row 5000, column 'note': .* not UTF-8"):
        sftlint.check("d.parquet", config={})


def test_a_struct_with_two_fields_of_one_name_is_an_error(in_tmp: Path) -> None:
    pq.write_table(pa.table({"messages": dup_field_messages()}), in_tmp / "d.parquet")
    one_line_error(run("check", "d.parquet", cwd=in_tmp), "d.parquet: row 1, column 'messages'",
                   "two fields named 'content'")


def test_text_that_is_not_utf8_in_an_arrow_dataset(in_tmp: Path) -> None:
    save([CLEAN], in_tmp / "ds")
    [arrow] = (in_tmp / "ds").glob("*.arrow")
    table = not_utf8_table()
    with pa.OSFile(str(arrow), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    one_line_error(run("check", "ds", cwd=in_tmp), "ds: row 1, column 'note'", "not UTF-8")


def test_pyarrow_data_in_memory_that_python_cannot_hold_raises_input_error() -> None:
    table = not_utf8_table(3)
    for data in (table, table.to_batches()[0]):
        with pytest.raises(InputError, match=r"<memory>: row 3, column 'note': .* not UTF-8"):
            sftlint.check(data, config={})
    with pytest.raises(InputError, match="two fields named 'content'"):
        sftlint.check(pa.table({"messages": dup_field_messages()}), config={})


def test_a_datasets_dataset_that_python_cannot_hold_raises_input_error() -> None:
    datasets = pytest.importorskip("datasets")
    dataset = datasets.Dataset(datasets.table.InMemoryTable(not_utf8_table(3)))
    with pytest.raises(InputError, match=r"<memory>: row 3, column 'note': .* not UTF-8"):
        sftlint.check(dataset, config={})


# --- two columns of one name ------------------------------------------------------------

@pytest.mark.parametrize("first", [DIRTY, CLEAN])
def test_two_parquet_columns_of_one_name_are_an_error(in_tmp: Path, first: dict) -> None:
    second = CLEAN if first is DIRTY else DIRTY
    table = pa.Table.from_arrays([pa.array([first["messages"]]), pa.array([second["messages"]])],
                                 names=["messages", "messages"])
    pq.write_table(table, in_tmp / "d.parquet")
    one_line_error(run("check", "d.parquet", cwd=in_tmp),
                   "d.parquet: two columns are named 'messages'")
    with pytest.raises(InputError, match="two columns are named 'messages'"):
        sftlint.check("d.parquet", config={})


def test_two_columns_of_one_name_in_memory_are_an_error() -> None:
    pd = pytest.importorskip("pandas")
    table = pa.Table.from_arrays([pa.array([DIRTY["messages"]]), pa.array([CLEAN["messages"]])],
                                 names=["messages", "messages"])
    frame = pd.DataFrame([[DIRTY["messages"], CLEAN["messages"]]],
                         columns=["messages", "messages"])
    for data in (table, table.to_batches()[0], frame):
        with pytest.raises(InputError, match="<memory>: two columns are named 'messages'"):
            sftlint.check(data, config={})
