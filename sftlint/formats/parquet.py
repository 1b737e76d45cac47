"""Parquet files (needs pyarrow: `pip install 'sftlint[parquet]'`), read batch by batch."""

from __future__ import annotations

import os
from collections.abc import Iterator

from sftlint.formats.rows import (
    BATCH_ROWS,
    RowFormat,
    Rows,
    check_column_names,
    row_records,
    table_rows,
)
from sftlint.reader import (
    InputError,
    RawRecord,
    SourceFacts,
    one_line,
    unreadable_message,
)


class Parquet(RowFormat):
    name = "parquet"

    def read(self, path: str, display: str, accept_lists: bool
             ) -> tuple[SourceFacts, Iterator[RawRecord]]:
        from sftlint.formats import needs_pyarrow

        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise needs_pyarrow(path, "Parquet") from None
        try:
            size = os.stat(path).st_size
            parquet = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow's ArrowInvalid, or its OSError for a broken footer
            if isinstance(exc, OSError) and exc.errno is not None:  # the file cannot be opened
                raise InputError(unreadable_message(path, exc)) from exc
            raise InputError(f"{path}: not a readable Parquet file ({one_line(exc)})") from None
        # pyarrow reads such a file, the last column of a name winning; pq.read_table refuses
        check_column_names(parquet.schema_arrow.names, path)
        facts = SourceFacts(path=display, size=size)
        batches = parquet.iter_batches(batch_size=BATCH_ROWS)
        rows = Rows(table_rows(batches, path), padded=True, decoded=True)
        return facts, row_records(facts, rows, accept_lists)


PARQUET = Parquet()
