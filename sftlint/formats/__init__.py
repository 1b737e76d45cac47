"""Input formats behind one protocol: each reads records, locates a JSON pointer in its
source, and says whether it takes byte edits (`--fix`) and parallel splitting. The engine
asks `format_for(path)` and sniffs nothing itself; `collect_datasets` finds the inputs.

    jsonl.py       JSON Lines (text: file rules, columns, fixes, parallel byte ranges)
    json_array.py  one JSON array of records (text: file rules, columns, fixes)
    parquet.py     Parquet files (rows: `line` is the 1-based row, `column` is null)
    arrow.py       Arrow datasets saved with `datasets`' `save_to_disk` (rows, as Parquet)
    memory.py      records in memory: a list of dicts or a `datasets.Dataset` (rows)
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from sftlint.reader import InputError, file_kind, unreadable_message, unreadable_reason

if TYPE_CHECKING:
    from sftlint.reader import RawRecord, SourceFacts
    from sftlint.records import Record

DATA_SUFFIXES = (".jsonl", ".json", ".parquet")
ARROW_MARKERS = ("dataset_info.json", "state.json")  # what `save_to_disk` writes beside *.arrow
DATASET_DICT = "dataset_dict.json"  # `DatasetDict.save_to_disk`: one dataset folder per split


def has_suffix(name: str, suffixes: str | tuple[str, ...]) -> bool:
    """Whether a file name ends with one of `suffixes`, whatever its case: a data.JSONL
    written on Windows or macOS is data too."""
    return name.lower().endswith(suffixes)


class InputFormat(Protocol):
    """What the engine needs of an input format."""

    name: str
    text: bool  # JSON text: file rules (F001-F009) apply and findings carry columns
    can_edit: bool  # findings may carry byte edits that `--fix` writes back
    can_split: bool  # a large input is read in parallel, newline-aligned byte ranges

    def read(self, path: str, display: str, accept_lists: bool
             ) -> tuple[SourceFacts, Iterable[RawRecord]]:
        """The file's facts and its records (an iterator for row formats: read lazily,
        so the facts' record count is final once it is exhausted)."""
        ...

    def locate(self, record: Record, pointer: str | None) -> tuple[int, int | None]:
        """(line, 1-based column or None) of the value at `pointer` in the record."""
        ...


def format_for(path: str) -> InputFormat:
    """The format of one input path (a file, or an Arrow dataset folder)."""
    if os.path.isdir(path):
        if is_arrow_dataset(path):
            from sftlint.formats.arrow import ARROW

            return ARROW
        raise InputError(f"{path}: is a directory")
    if has_suffix(path, ".arrow"):  # one file of a dataset, named directly
        from sftlint.formats.arrow import ARROW

        return ARROW
    if has_suffix(path, ".parquet"):
        from sftlint.formats.parquet import PARQUET

        return PARQUET
    if has_suffix(path, ".json"):
        from sftlint.formats.json_array import JSON_ARRAY

        return JSON_ARRAY
    from sftlint.formats.jsonl import JSON_LINES

    return JSON_LINES


def is_arrow_dataset(folder: str) -> bool:
    """A folder written by `datasets.Dataset.save_to_disk` (an empty dataset has no .arrow
    file), or what is left of one: the Arrow format then says what is missing, where a
    walk would skip its .arrow files and read its JSON files as data."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return any(m in names for m in ARROW_MARKERS) and (
        all(m in names for m in ARROW_MARKERS) or any(n.endswith(".arrow") for n in names))


def needs_pyarrow(path: str, what: str) -> InputError:
    return InputError(f"{path}: reading {what} needs pyarrow; install it with "
                      "pip install 'sftlint[parquet]'")


@dataclass
class Dataset:
    """Inputs whose records dataset rules see together: a directory given as one, or a file."""

    name: str
    files: list[str]


def _arrow_metadata(path: str) -> bool:
    """Whether `path` is the state.json or dataset_info.json of an Arrow dataset folder, or
    the dataset_dict.json over its splits."""
    folder, name = os.path.split(os.path.abspath(path))
    if name in ARROW_MARKERS:
        return is_arrow_dataset(folder)
    return name == DATASET_DICT and any(
        is_arrow_dataset(os.path.join(folder, d)) for d in _subfolders(folder))


REGISTRY = "dataset_info.json"  # LLaMA-Factory's list of datasets, in a data folder
_REGISTRY_KEYS = {"file_name", "hf_hub_url", "ms_hub_url", "om_hub_url", "script_url",
                  "cloud_file_name"}  # where an entry says its data is
_REGISTRY = "LLaMA-Factory's dataset registry"


def _metadata_of_data(path: str) -> str | None:
    """What `path` is, if it is a file that describes data rather than holds it."""
    if _arrow_metadata(path):
        return "what save_to_disk writes beside the .arrow files"
    if _dataset_registry(path):
        return _REGISTRY
    return None


def _dataset_registry(path: str) -> bool:
    """Whether `path` is a LLaMA-Factory dataset_info.json: an object whose entries each
    say where a dataset's data is."""
    if os.path.basename(path) != REGISTRY:
        return False
    import orjson

    try:
        if os.path.getsize(path) > 16 << 20:
            return False
        with open(path, "rb") as f:
            registry = orjson.loads(f.read())
    except (OSError, orjson.JSONDecodeError):
        return False  # the reader reports what is wrong with it
    return (isinstance(registry, dict) and bool(registry)
            and all(isinstance(entry, dict) and not _REGISTRY_KEYS.isdisjoint(entry)
                    for entry in registry.values()))


def _subfolders(folder: str) -> list[str]:
    try:
        return [e.name for e in os.scandir(folder) if e.is_dir()]
    except OSError:
        return []


def display_path(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def collect_datasets(paths: list[str], exclude: list[str],
                     warnings: list[str] | None = None,
                     not_data: dict[str, str] | None = None, once: bool = True) -> list[Dataset]:
    """The datasets named by `paths`. A path named directly must be a regular file or a
    folder (else InputError); inside a folder, a FIFO or a device is skipped with a line in
    `warnings`. `not_data` (real path -> config key, `Config.not_data`) names files and
    folders that are never data: a file of them named directly is skipped with a warning,
    and a folder walk leaves them out. With `once`, a file that two paths reach (`data` and
    `data/a.jsonl`) is read in the first only, with a warning; training, which refuses
    such a file, asks for every file as named."""
    not_data = not_data or {}
    datasets = []
    named: set[tuple[int, int]] = set()  # a file or folder named twice is checked once
    for path in paths:
        if "\x00" in path:  # no file name holds one; os.stat would raise ValueError
            raise InputError(f"{path!r}: a path cannot hold a NUL character")
        try:
            st = os.stat(path)
        except OSError as exc:
            raise InputError(unreadable_message(path, exc)) from exc
        mode = st.st_mode
        if st.st_ino:  # 0 where a file system has no inode numbers: no way to tell
            if (st.st_dev, st.st_ino) in named:
                continue
            named.add((st.st_dev, st.st_ino))
        if stat.S_ISDIR(mode):
            files = list(iter_inputs(path, exclude, warnings, not_data))
            datasets.append(Dataset(display_path(path), files))
        elif stat.S_ISREG(mode):
            # pre-commit names every staged file, the metadata beside the data too
            key = _not_data_key(os.path.realpath(path), not_data) if not_data else None
            reason = f"the config's `{key}`" if key else _metadata_of_data(path)
            if reason:
                if warnings is not None:
                    warnings.append(f"{path}: {reason}, not data; skipped")
                continue
            datasets.append(Dataset(display_path(path), [path]))
        else:
            raise InputError(f"{path}: {file_kind(mode)}, not a regular file; "
                             "pass only .jsonl/.json/.parquet data files")
    return _each_file_once(datasets, warnings) if once else datasets


def _not_data_key(real: str, not_data: dict[str, str]) -> str | None:
    """The config key naming the file `real`, or a folder that holds it (a tokenizer's
    tokenizer.json, a run's adapter_config.json)."""
    if real in not_data:
        return not_data[real]
    return next((key for where, key in not_data.items()
                 if real.startswith(where.rstrip(os.sep) + os.sep)), None)


def _each_file_once(datasets: list[Dataset], warnings: list[str] | None) -> list[Dataset]:
    seen: dict[object, str] = {}  # a file's identity -> the path it is read as
    kept = []
    for dataset in datasets:
        files = []
        for path in dataset.files:
            try:
                st = os.stat(path)
                same: object = (st.st_dev, st.st_ino) if st.st_ino else os.path.realpath(path)
            except OSError:  # gone since the walk: the reader says so
                same = os.path.realpath(path)
            if same in seen:
                if warnings is not None:
                    first = seen[same]
                    again = "named twice" if first == path else f"the same file as {first}"
                    warnings.append(f"{path}: {again}; checked once")
                continue
            seen[same] = path
            files.append(path)
        if files or not dataset.files:
            kept.append(Dataset(dataset.name, files))
    return kept


def skipped_folder(name: str, exclude: list[str]) -> bool:
    """Whether a folder of this name is left out when a data folder is walked: hidden, or
    matching an `exclude` pattern."""
    return name.startswith(".") or any(fnmatch.fnmatch(name, pat) for pat in exclude)


def iter_inputs(root: str, exclude: list[str], skipped: list[str] | None = None,
                not_data: dict[str, str] | None = None) -> Iterator[str]:
    """Data files (.jsonl, .json, .parquet) and Arrow dataset folders under a directory,
    sorted, skipping hidden and excluded folders; linked folders are followed, each folder
    walked once (a link back up is not a loop).

    Only regular files (or links to them) are yielded. A data file that cannot be read (a
    broken or looping link, no permission) or a folder that cannot be listed is an
    InputError: the check would pass data it never read. A FIFO or a device is left out
    with a line in `skipped`; what `not_data` names (real paths), in silence."""

    def data(path: str) -> bool:
        return not not_data or os.path.realpath(path) not in not_data

    def note(message: str) -> None:
        if skipped is not None:
            skipped.append(message)

    def walk_error(exc: OSError) -> None:
        where = str(exc.filename or root)
        raise InputError(f"{where}: {unreadable_reason(where, exc)}; fix it, or leave it out "
                         "with `exclude`") from exc

    walked: set[tuple[int, int]] = set()
    top = os.path.realpath(root)

    def above(folder: str) -> bool:
        """A link to the folder walked or one that holds it (data/up -> ..): following
        it would read what the user never named."""
        real = os.path.realpath(folder)
        if top == real or top.startswith(real.rstrip(os.sep) + os.sep):
            note(f"{folder}: a link to {display_path(real)}, which holds the folder checked; "
                 "skipped")
            return True
        return False

    for dirpath, dirnames, filenames in os.walk(root, onerror=walk_error, followlinks=True):
        st = os.stat(dirpath)
        if st.st_ino and (st.st_dev, st.st_ino) in walked:  # reached again through a link
            dirnames[:] = []
            continue
        walked.add((st.st_dev, st.st_ino))
        if is_arrow_dataset(dirpath):  # one input; its dataset_info.json is not data
            dirnames[:] = []
            yield dirpath
            continue
        dirnames[:] = sorted(d for d in dirnames if not skipped_folder(d, exclude)
                             and data(os.path.join(dirpath, d))
                             and not above(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            if name == DATASET_DICT and any(is_arrow_dataset(os.path.join(dirpath, d))
                                            for d in dirnames):
                continue  # `DatasetDict.save_to_disk`'s list of splits, not data
            if has_suffix(name, DATA_SUFFIXES) and not any(
                fnmatch.fnmatch(name, pat) for pat in exclude
            ):
                path = os.path.join(dirpath, name)
                if not data(path):
                    continue
                try:
                    mode = os.stat(path).st_mode
                except OSError as exc:
                    raise InputError(unreadable_message(path, exc)
                                     + ", or leave it out with `exclude`") from exc
                if stat.S_ISREG(mode):
                    if _dataset_registry(path):
                        note(f"{path}: {_REGISTRY}, not data; skipped")
                        continue
                    yield path
                elif not stat.S_ISDIR(mode):
                    note(f"{path}: {file_kind(mode)}, not a regular file; skipped")
