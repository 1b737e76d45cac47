"""What the row formats (Parquet, Arrow, records in memory) share: records are rows, a
finding's `line` is the 1-based row and its `column` is null; no file rules, no byte edits."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from sftlint.reader import InputError, RawRecord, SourceFacts, one_line
from sftlint.records import SHAPE_KEYS

if TYPE_CHECKING:
    from sftlint.records import Record

BATCH_ROWS = 4096
# Deeper than this is a row no chat record needs, or one that holds itself (a cycle).
MAX_DEPTH = 200
_SURROGATE = re.compile("[\ud800-\udfff]")
_LARGEST = int(sys.float_info.max)
_NULLS = ("NAType", "NaTType")  # pandas' pd.NA and pd.NaT


@dataclass(frozen=True)
class Rows:
    """Rows and how to read them as JSON values.

    `padded`: the rows come from a table, which gives every row every column and every
    struct every field, null (or NaN, in pandas) where the record did not have it: those
    nulls are left out, but for a top-level field that says the record's shape in a row
    that has no such field filled in (a first row of nulls is read as the shape it names,
    and reported, as in JSON Lines; a row with `conversations` does not take the `chosen`
    column that other rows fill for a pair shape).
    `decoded`: Arrow decoded them, so their keys are strings and their text valid UTF-8."""

    rows: Iterable[Any]
    padded: bool
    decoded: bool


class RowFormat:
    name = "rows"
    text = False
    can_edit = False
    can_split = False

    def locate(self, record: Record, pointer: str | None) -> tuple[int, int | None]:
        return record.source.line, None


class _NotJson(Exception):
    def __init__(self, what: str) -> None:
        self.what = what


def json_value(value: Any, padded: bool, decoded: bool, depth: int = 0) -> Any:
    """`value` as JSON values: a mapping as a dict, a tuple or numpy array as a list, a
    numpy scalar or a str subclass as its plain value; other values (bytes, dates) as they
    are. Raises _NotJson for a non-string key, a lone surrogate, a nesting past MAX_DEPTH,
    a set, or a number JSON Lines would not take either (NaN and infinities, but a table's
    NaN, which is a missing value; an integer past a 64-bit float's range: F006 there)."""
    kind = type(value)
    if kind is str:
        lone = None if decoded or value.isascii() else _SURROGATE.search(value)
        if lone:
            raise _NotJson(f"a string holds a lone surrogate ({ascii(lone.group())}), which is "
                           "not valid Unicode")
        return value
    if kind is int:
        if -_LARGEST <= value <= _LARGEST:
            return value
        raise _NotJson(f"the integer {str(value)[:20]}... is beyond a 64-bit float's range, "
                       "which JSON readers use")
    if kind is bool or value is None:
        return value
    if kind is float:
        if value != value and padded:
            return None  # pandas' NaN: a missing value
        if value - value == 0:  # finite
            return value
        raise _NotJson(f"{value} is not a JSON number; write null or a finite number")
    if kind is set or kind is frozenset:
        raise _NotJson(f"a {kind.__name__} is not a JSON value (it has no order); make it a "
                       "list")
    if depth >= MAX_DEPTH:
        raise _NotJson(f"nested more than {MAX_DEPTH} levels deep (or it holds itself)")
    if kind is list or kind is tuple:
        return [json_value(v, padded, decoded, depth + 1) for v in value]
    if kind is dict or isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                if not isinstance(key, str):
                    raise _NotJson(f"key {key!r} is {type(key).__name__}, not a string")
                key = str(key)
            json_value(key, padded, decoded, depth)  # a key is a string too: no lone surrogate
            item = json_value(item, padded, decoded, depth + 1)
            if item is None and padded and (depth or key not in SHAPE_KEYS):
                continue
            out[key] = item
        if padded and not depth and any(out.get(k) is not None for k in SHAPE_KEYS):
            # the row has its shape: a null shape column is another row's (a pair's
            # `chosen` beside a plain conversation), not this record's
            out = {k: v for k, v in out.items() if v is not None}
        return out
    if kind.__name__ in _NULLS:
        return None
    if isinstance(value, str):  # a StrEnum, numpy's str_
        return json_value(str(value), padded, decoded, depth)
    if hasattr(value, "tolist") and hasattr(value, "dtype"):  # a numpy array or scalar
        return json_value(value.tolist(), padded, decoded, depth)
    if isinstance(value, float | int):  # float and int subclasses
        return json_value((float if isinstance(value, float) else int)(value), padded, decoded,
                          depth)
    return value


def row_records(facts: SourceFacts, rows: Rows, accept_lists: bool) -> Iterator[RawRecord]:
    """RawRecords of `rows` (row 1 first), counted in `facts`. A row that is not a record
    (an element of a list in memory that is not a dict) or that JSON cannot hold is an
    InputError: rows have no file rules to report it."""
    for n, row in enumerate(rows.rows, 1):
        facts.lines = n
        try:
            value = json_value(row, rows.padded, rows.decoded)
        except _NotJson as exc:
            raise InputError(f"{facts.path}: row {n}: {exc.what}") from None
        except RecursionError:
            raise InputError(f"{facts.path}: row {n}: nested too deep (or it holds "
                             "itself)") from None
        if type(value) is dict or (accept_lists and type(value) is list):
            facts.records += 1
            yield RawRecord(n, 0, b"", value)
        else:
            raise InputError(f"{facts.path}: row {n} is {type(row).__name__}, not a record "
                             "(a dict)")


def table_rows(batches: Iterable[Any], path: str) -> Iterator[dict[str, Any]]:
    """Rows of pyarrow record batches, as dicts, one batch in memory at a time; a batch
    that cannot be read (a corrupt page) or turned into Python values (text that is not
    UTF-8, a struct with two fields of one name), or two columns of one name, is an
    InputError naming `path` and the row."""
    import pyarrow as pa

    it = iter(batches)
    first = 1  # the batch's first row, counted from 1 across batches
    while True:
        try:
            batch = next(it, None)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"{path}: cannot read its data ({one_line(exc)}); write the "
                             "file again") from None
        if batch is None:
            return
        check_column_names(batch.schema.names, path)
        try:
            rows = batch.to_pylist()
        except (pa.ArrowException, ValueError, OverflowError):  # UnicodeDecodeError too
            raise InputError(unconvertible(batch, first, path)) from None
        decoders = {field.name: decode for field in batch.schema
                    if (decode := _decoder(pa, field.type)) is not None}
        if decoders:
            for n, row in enumerate(rows, first):
                for name, decode in decoders.items():
                    try:
                        row[name] = decode(row[name])
                    except ValueError as exc:  # orjson's JSONDecodeError
                        raise InputError(f"{path}: row {n}: column {name!r} is typed JSON but "
                                         f"holds text that is not JSON ({one_line(exc)}); "
                                         "write the file again") from None
        first += batch.num_rows
        yield from rows


def _decoder(pa: Any, kind: Any) -> Callable[[Any], Any] | None:
    """A function that turns a value of Arrow type `kind`, as `to_pylist` gives it, into the
    JSON value it stands for, or None where `to_pylist` gives that already. Two types need
    it: JSON text (`datasets` stores a column as `Json()`, Arrow's `arrow.json` extension
    type, when its objects do not share one set of keys: tool calls on some turns only,
    `reasoning_content` on a few), parsed; and maps (Spark writes tool-call arguments as
    `map<string, string>`), which `to_pylist` gives as a list of (key, value) pairs."""
    json_type = getattr(pa, "JsonType", None)  # pyarrow 19 and later
    if json_type is not None and isinstance(kind, json_type):
        return lambda v: v if v is None else orjson.loads(v)
    if pa.types.is_map(kind):
        item = _decoder(pa, kind.item_type) or (lambda x: x)
        return lambda v: v if v is None else {k: item(x) for k, x in v}
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or \
            pa.types.is_fixed_size_list(kind):
        inner = _decoder(pa, kind.value_type)
        if inner is None:
            return None
        return lambda v: v if v is None else [inner(x) for x in v]
    if pa.types.is_struct(kind):
        fields = {field.name: d for field in (kind.field(i) for i in range(kind.num_fields))
                  if (d := _decoder(pa, field.type)) is not None}
        if not fields:
            return None
        return lambda v: v if v is None else {
            k: fields[k](x) if k in fields else x for k, x in v.items()}
    return None


def check_column_names(names: list[str], path: str) -> None:
    """Two columns of one name read as one dict key, the last one winning: the other
    would never be checked."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InputError(f"{path}: two columns are named {name!r}; only one of them would "
                             "be checked, rename or drop the other")
        seen.add(name)


def unconvertible(batch: Any, first: int, path: str) -> str:
    """A one-line error for a batch pyarrow cannot turn into Python values, naming the first
    row and column that fail (`first` is the batch's first row)."""
    import pyarrow as pa

    for i in range(batch.num_rows):
        row = batch.slice(i, 1)
        for name, column in zip(row.schema.names, row.columns, strict=True):
            try:
                column.to_pylist()
            except (pa.ArrowException, ValueError, OverflowError) as exc:
                return f"{path}: row {first + i}, column {name!r}: {_why(column.type, exc)}"
    last = first + batch.num_rows - 1
    return (f"{path}: rows {first}-{last}: pyarrow cannot turn them into Python values; "
            "write the data again")


def _why(kind: Any, exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return (f"a string holds bytes that are not UTF-8 ({exc.reason} at byte {exc.start}); "
                "write it as UTF-8 text, or as binary")
    twice = _duplicate_field(kind)
    if twice is not None:
        return (f"a struct has two fields named {twice!r}, which Python cannot hold; rename "
                "one of them")
    return f"pyarrow cannot turn it into Python values ({one_line(exc)}); write the data again"


def _duplicate_field(kind: Any) -> str | None:
    """The first field name a struct inside the Arrow type `kind` has twice, if any."""
    import pyarrow as pa

    inner = []
    if pa.types.is_struct(kind):
        names = [kind.field(i).name for i in range(kind.num_fields)]
        twice = next((n for i, n in enumerate(names) if n in names[:i]), None)
        if twice is not None:
            return twice
        inner = [kind.field(i).type for i in range(kind.num_fields)]
    # list items, map keys and items, dictionary values
    inner += [getattr(kind, a) for a in ("value_type", "key_type", "item_type")
              if hasattr(kind, a)]
    return next((t for t in map(_duplicate_field, inner) if t is not None), None)
