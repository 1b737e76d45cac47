"""Records already in memory, for the Python API: a list (or any iterable) of dicts, a
`datasets.Dataset`, a pyarrow Table or a pandas DataFrame. Rows: `line` is the 1-based row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sftlint.formats.rows import (
    BATCH_ROWS,
    RowFormat,
    Rows,
    check_column_names,
    row_records,
    table_rows,
)
from sftlint.reader import InputError, RawRecord, SourceFacts


class InMemory(RowFormat):
    """One in-memory dataset; `read` ignores the path and yields its rows."""

    name = "memory"

    def __init__(self, records: Any) -> None:
        self.records = records

    def read(self, path: str, display: str, accept_lists: bool
             ) -> tuple[SourceFacts, Iterator[RawRecord]]:
        facts = SourceFacts(path=display, size=0)
        return facts, row_records(facts, rows_of(self.records, display), accept_lists)


def rows_of(records: Any, display: str) -> Rows:
    """Rows of a `datasets.Dataset` (its selection and order), a pyarrow Table or
    RecordBatch, a pandas DataFrame, or any iterable of dicts (one dict: one record)."""
    if hasattr(records, "to_batches"):  # pyarrow.Table
        return Rows(table_rows(records.to_batches(max_chunksize=BATCH_ROWS), display),
                    padded=True, decoded=True)
    if hasattr(records, "to_pylist") and hasattr(records, "schema"):  # pyarrow.RecordBatch
        return Rows(table_rows([records], display), padded=True, decoded=True)
    if hasattr(records, "with_format") and hasattr(records, "iter"):  # datasets.Dataset
        return Rows(_dataset_rows(records, display), padded=True, decoded=True)
    if hasattr(records, "to_dict") and hasattr(records, "columns"):  # a pandas DataFrame
        # to_dict keeps the last of two columns of one name, with only a warning
        check_column_names([str(c) for c in records.columns], display)
        return Rows(records.to_dict("records"), padded=True, decoded=False)
    if isinstance(records, Mapping):
        splits = [k for k, v in records.items() if hasattr(v, "with_format")]
        if splits:  # a datasets.DatasetDict
            raise InputError(f"{display}: a DatasetDict of splits {', '.join(map(str, splits))};"
                             f" check one split at a time (dataset[{str(splits[0])!r}])")
        return Rows([records], padded=False, decoded=False)  # one record
    if isinstance(records, bytes | bytearray | str) or not isinstance(records, Iterable):
        raise InputError(f"{display}: {type(records).__name__}, not records; pass a list of "
                         "dicts, or the file's path to sftlint.check")
    return Rows(records, padded=False, decoded=False)


def _dataset_rows(dataset: Any, display: str) -> Iterator[dict[str, Any]]:
    """Its rows as they are stored (the Arrow tables of its selection and order), read as a
    Parquet file's are: `datasets` would decode an `Image()` column into Pillow images and a
    `Json()` one with its own rules, where a file written from the same dataset holds
    {"bytes", "path"} and JSON text."""
    return table_rows(dataset.with_format("arrow").iter(batch_size=BATCH_ROWS), display)
