"""Arrow datasets saved with `datasets`' `save_to_disk`: a folder with `dataset_info.json`,
`state.json` and `*.arrow` files (Arrow IPC streams), read with pyarrow alone, so that
checking one never imports `datasets`."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

from sftlint.formats.rows import RowFormat, Rows, row_records, table_rows
from sftlint.reader import InputError, RawRecord, SourceFacts, one_line


class Arrow(RowFormat):
    name = "arrow"

    def read(self, path: str, display: str, accept_lists: bool
             ) -> tuple[SourceFacts, Iterator[RawRecord]]:
        from sftlint.formats import needs_pyarrow

        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise needs_pyarrow(path, "an Arrow dataset") from None
        files = arrow_files(path) if os.path.isdir(path) else [path]  # or one .arrow file
        facts = SourceFacts(path=display, size=sum(os.path.getsize(f) for f in files))
        rows = Rows(table_rows(_batches(files), path), padded=True, decoded=True)
        return facts, row_records(facts, rows, accept_lists)


def arrow_files(folder: str) -> list[str]:
    """The dataset's `.arrow` files in order, as its `state.json` lists them."""
    try:
        with open(os.path.join(folder, "state.json"), encoding="utf-8") as f:
            state = json.load(f)
        names = [entry["filename"] for entry in state["_data_files"]]
        if not all(isinstance(name, str) for name in names):
            raise TypeError("a filename is not a string")
        files = [os.path.join(folder, os.path.basename(name)) for name in names]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{folder}: not a complete dataset saved with save_to_disk "
                         f"(state.json: {one_line(exc)}); save it again") from None
    for file in files:
        if not os.path.isfile(file):
            raise InputError(f"{file}: listed in state.json but missing")
    listed = {os.path.basename(f) for f in files}
    unlisted = sorted(n for n in os.listdir(folder) if n.endswith(".arrow") and n not in listed)
    if unlisted:  # their rows would be left out without a word
        raise InputError(f"{os.path.join(folder, unlisted[0])}: an Arrow file that state.json "
                         "does not list; save the dataset again with save_to_disk")
    return files


def _batches(files: list[str]) -> Iterator[Any]:
    import pyarrow as pa

    for file in files:
        try:
            yield from _file_batches(pa, file)
        except (pa.ArrowException, OSError) as exc:  # truncated, corrupt, not Arrow at all
            raise InputError(f"{file}: not a readable Arrow file ({one_line(exc)}); save the "
                             "dataset again with save_to_disk") from None


# An IPC stream ends with this marker (pyarrow >= 0.15; before, four zero bytes). A stream
# cut at a message boundary reads as a shorter valid one: only the missing marker tells.
END_OF_STREAM = b"\xff\xff\xff\xff\x00\x00\x00\x00"
_LEGACY_END_OF_STREAM = b"\x00\x00\x00\x00"
_FILE_MAGIC = b"ARROW1"  # the IPC file format (Feather 2) starts and ends with it


def _file_batches(pa: Any, file: str) -> Iterator[Any]:
    # read, not memory-mapped: a mapped file that another process truncates kills the
    # reader with SIGBUS; a read comes back short, and that is a one-line error
    with pa.OSFile(file, "rb") as source:
        if source.read(len(_FILE_MAGIC)) == _FILE_MAGIC:
            # its footer lists every batch and a cut file has none: open_file says so
            source.seek(0)
            reader = pa.ipc.open_file(source)
            yield from (reader.get_batch(i) for i in range(reader.num_record_batches))
            return
        source.seek(0)
        reader = pa.ipc.open_stream(source)
        rows = 0
        while True:
            end = source.tell()  # OSFile is unbuffered: this is where the last message ended
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            rows += batch.num_rows
            yield batch
        size = source.size()
        source.seek(end)
        tail = source.read(len(END_OF_STREAM))
    marker = next((m for m in (END_OF_STREAM, _LEGACY_END_OF_STREAM) if tail.startswith(m)),
                  b"")
    if marker and end + len(marker) == size:
        return
    if marker:  # a second stream appended, say: its rows would go unread
        raise InputError(f"{file}: {size - end - len(marker)} byte(s) after the Arrow "
                         "stream's end-of-stream marker would be left out; save the dataset "
                         "again with save_to_disk")
    if not tail:
        raise InputError(f"{file}: the Arrow stream ends after {rows} row(s) without its "
                         "end-of-stream marker; the file was cut short and rows would be left "
                         "out, copy or save the dataset again")
    raise InputError(f"{file}: the Arrow stream ends after {rows} row(s) in a partial "
                     "message; the file was cut short, copy or save the dataset again")


ARROW = Arrow()
