"""Records already in memory, for the Python API: a list (or any iterable) of dicts, a
`datasets.Dataset`, a pyarrow Table or a pandas DataFrame. Rows: `line` is the 1-based row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sftlint.formats.rows import BATCH_ROWS, RowFormat, row_records, table_rows
from sftlint.reader import RawRecord, SourceFacts


class InMemory(RowFormat):
    """One in-memory dataset; `read` ignores the path and yields its rows."""

    name = "memory"

    def __init__(self, records: Any) -> None:
        self.records = records

    def read(self, path: str, display: str, accept_lists: bool
             ) -> tuple[SourceFacts, Iterator[RawRecord]]:
        facts = SourceFacts(path=display, size=0)
        return facts, row_records(facts, rows_of(self.records), accept_lists)


def rows_of(records: Any) -> Iterable[Any]:
    """Rows of a `datasets.Dataset` (its selection and order), a pyarrow Table, or any
    iterable of dicts."""
    if hasattr(records, "to_batches"):  # pyarrow.Table
        return table_rows(records.to_batches(max_chunksize=BATCH_ROWS))
    if hasattr(records, "with_format") and hasattr(records, "iter"):  # datasets.Dataset
        return _dataset_rows(records.with_format(None))
    if hasattr(records, "to_dict") and hasattr(records, "columns"):  # a pandas DataFrame
        return records.to_dict("records")
    if isinstance(records, Mapping):
        return [records]  # one record
    return records


def _dataset_rows(dataset: Any) -> Iterator[dict[str, Any]]:
    for batch in dataset.iter(batch_size=BATCH_ROWS):
        keys = list(batch)
        for values in zip(*(batch[k] for k in keys), strict=True):
            yield dict(zip(keys, values, strict=True))
