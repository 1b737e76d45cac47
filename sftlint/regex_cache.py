"""Compiled regular expressions kept between runs, as Python keeps compiled modules.

`re.compile` parses a pattern and builds its matcher code in pure Python: the rules' 160
patterns cost 0.08 s of every run, a sixth of a pre-commit check of 1,000 records (a CJK
range alone is 21,000 steps of the charset optimizer). This module stores the matcher code
`re` builds for each (pattern, flags) in one marshal file under the user's cache folder and
hands it straight to the regex engine next time. The file is only ever a shortcut: it is
keyed by the interpreter's version and the regex engine's magic number, every entry by the
exact pattern text, and anything unreadable, stale or unwritable falls back to `re.compile`.
marshal trusts its input (damaged bytes can crash it), so the file carries a SHA-256 of its
payload, checked before anything is unmarshalled: a damaged file (a bit flip, a torn write)
is ignored, not read; only a regular file of at most MAX_BYTES is opened; and an entry is
used only if its fields are plausible (a group count within MAX_GROUPS that matches its
group tables). Trust is that of Python's own bytecode cache: whoever can write the user's
cache folder can change what runs.

Where: `$SFTLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/sftlint`, else `~/.cache/sftlint`;
`SFTLINT_CACHE_DIR=` (empty) turns the cache off, and so does a folder that is not an
absolute path (no home directory).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import marshal
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

try:  # the regex engine's internals; another interpreter just compiles as usual
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _sre = None

# (final flags, code, group count, group index, index group): what _sre.compile takes
Entry = tuple[int, list[int], int, dict[str, int], tuple[Any, ...]]

MAX_ENTRIES = 5_000  # a bound on growth while patterns are edited; a run needs ~200
MAX_BYTES = 16 << 20  # 5,000 entries are about 2 MB
MAX_GROUPS = 100  # the rules' patterns have a few; more is compiled afresh
_HEADER = (sys.hexversion, getattr(_sre, "MAGIC", None), getattr(_sre, "CODESIZE", None))

_entries: dict[tuple[str, int], Entry] | None = None
_added: dict[tuple[str, int], Entry] = {}


def cache_file() -> Path | None:
    """The cache file, or None where the cache is turned off."""
    folder = os.environ.get("SFTLINT_CACHE_DIR")
    if folder is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "sftlint")
    if not folder or not os.path.isabs(folder):
        return None
    return Path(folder) / f"regexes.{sys.implementation.cache_tag}.marshal"


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - mirrors re's name
    """`re.compile(pattern, flags)`, from the cache where the pattern was compiled before."""
    if _sre is None:  # pragma: no cover
        return re.compile(pattern, flags)
    key = (pattern, int(flags))
    entry = _load().get(key)
    if entry is not None:
        try:
            return _sre.compile(pattern, *entry)
        except Exception:  # noqa: BLE001 - a damaged entry: compile it afresh
            pass
    try:
        entry = _build(pattern, int(flags))
        compiled: re.Pattern[str] = _sre.compile(pattern, *entry)
    except Exception:  # noqa: BLE001 - internals changed: let re say what is wrong
        return re.compile(pattern, flags)
    _added[key] = entry
    return compiled


def _build(pattern: str, flags: int) -> Entry:
    """What `re._compiler.compile` hands the engine (CPython 3.11-3.13)."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[Any] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (int(flags | parsed.state.flags), [int(op) for op in code],
            parsed.state.groups - 1, groupindex, tuple(indexgroup))


def _load() -> dict[tuple[str, int], Entry]:
    global _entries
    if _entries is None:
        _entries = {}
        path = cache_file()
        if path is not None:
            with contextlib.suppress(Exception):  # missing, unreadable: start empty
                _entries = _read(path)
        atexit.register(_save, os.getpid())
    return _entries


def _read(path: Path) -> dict[tuple[str, int], Entry]:
    """The plausible entries of the cache file; {} for a file that is not a regular file,
    too large, damaged (its SHA-256 differs) or from another interpreter."""
    if not path.is_file() or path.stat().st_size > MAX_BYTES:  # no FIFO, no device
        return {}
    with path.open("rb") as f:
        blob = f.read(MAX_BYTES + 1)
    digest, payload = blob[:32], blob[32:]
    if len(blob) > MAX_BYTES or hashlib.sha256(payload).digest() != digest:
        return {}
    header, entries = marshal.loads(payload)
    if header != _HEADER or not isinstance(entries, dict):
        return {}
    return {key: entry for key, entry in entries.items() if _plausible(key, entry)}


def _plausible(key: object, entry: object) -> bool:
    if not (isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str)
            and type(key[1]) is int and isinstance(entry, tuple) and len(entry) == 5):
        return False
    flags, code, groups, groupindex, indexgroup = entry
    return (type(flags) is int and isinstance(code, list) and type(groups) is int
            and 0 <= groups <= MAX_GROUPS and isinstance(groupindex, dict)
            and isinstance(indexgroup, tuple) and len(indexgroup) == groups + 1
            and all(isinstance(name, str) and type(index) is int and 1 <= index <= groups
                    and indexgroup[index] == name for name, index in groupindex.items())
            and sum(name is not None for name in indexgroup) == len(groupindex))


def _save(owner: int) -> None:
    """Write what this run compiled, from the process that loaded the cache (not a worker
    forked from it), atomically so that a concurrent run reads the old file or the new."""
    path = cache_file()
    if not _added or os.getpid() != owner or path is None:
        return
    entries = {**(_entries or {}), **_added}
    if len(entries) > MAX_ENTRIES:
        entries = dict(list(entries.items())[-MAX_ENTRIES:])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".regexes-")
        try:
            with os.fdopen(handle, "wb") as out:
                payload = marshal.dumps((_HEADER, entries))
                out.write(hashlib.sha256(payload).digest() + payload)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except Exception:  # noqa: BLE001 - a read-only home, a full disk: compile again next time
        pass
