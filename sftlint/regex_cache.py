"""Compiled regular expressions kept between runs, as Python keeps compiled modules.

`re.compile` parses a pattern and builds its matcher code in pure Python: the rules' 160
patterns cost 0.08 s of every run, a sixth of a pre-commit check of 1,000 records (a CJK
range alone is 21,000 steps of the charset optimizer). This module stores the matcher code
`re` builds for each (pattern, flags) in one marshal file under the user's cache folder and
hands it straight to the regex engine next time. The file is only ever a shortcut
(sftlint/user_cache.py says where it lives and how it is sealed): it is keyed by the
interpreter's version and the regex engine's magic number, every entry by the exact
pattern text, and anything unreadable, stale or unwritable falls back to `re.compile`; an
entry is used only if its fields are plausible (a group count within MAX_GROUPS that
matches its group tables).
"""

from __future__ import annotations

import atexit
import os
import re
import sys
from pathlib import Path
from typing import Any

from sftlint import user_cache

try:  # the regex engine's internals; another interpreter just compiles as usual
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _sre = None

# (final flags, code, group count, group index, index group): what _sre.compile takes
Entry = tuple[int, list[int], int, dict[str, int], tuple[Any, ...]]

MAX_ENTRIES = 5_000  # a bound on growth while patterns are edited; a run needs ~200
# Entries no run uses any more (the patterns of an older sftlint, a config's old keywords)
# still cost every run their read (a 5 MB file of them, 25 ms). A run that compiles new
# patterns (the first after an upgrade) writes back only the entries it used when it used
# fewer than half of them and more than STALE_FLOOR went unused; a run that adds nothing
# (`sftlint --help`, which compiles a few) never rewrites the file.
STALE_FLOOR = 64
MAX_BYTES = 16 << 20  # 5,000 entries are about 2 MB
MAX_GROUPS = 100  # the rules' patterns have a few; more is compiled afresh
_HEADER = (sys.hexversion, getattr(_sre, "MAGIC", None), getattr(_sre, "CODESIZE", None))

_entries: dict[tuple[str, int], Entry] | None = None
_added: dict[tuple[str, int], Entry] = {}
_used: set[tuple[str, int]] = set()  # the loaded entries this run compiled from


def cache_file() -> Path | None:
    """The cache file, or None where the cache is turned off."""
    where = user_cache.folder()
    return None if where is None else where / f"regexes.{sys.implementation.cache_tag}.marshal"


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - mirrors re's name
    """`re.compile(pattern, flags)`, from the cache where the pattern was compiled before."""
    if _sre is None:  # pragma: no cover
        return re.compile(pattern, flags)
    key = (pattern, int(flags))
    entry = _load().get(key)
    if entry is not None:
        try:
            compiled_from_cache: re.Pattern[str] = _sre.compile(pattern, *entry)
        except Exception:  # noqa: BLE001 - a damaged entry: compile it afresh
            pass
        else:
            _used.add(key)
            return compiled_from_cache
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
            _entries = _read(path)
        atexit.register(_save, os.getpid())
    return _entries


def _read(path: Path) -> dict[tuple[str, int], Entry]:
    """The plausible entries of the cache file ({} where user_cache finds none)."""
    entries = user_cache.read_sealed(path, _HEADER, MAX_BYTES)
    if not isinstance(entries, dict):
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
    forked from it), dropping the entries it did not use where they are most of them."""
    path = cache_file()
    if not _added or os.getpid() != owner or path is None:
        return
    loaded = _entries or {}
    if len(loaded) - len(_used) > max(STALE_FLOOR, len(_used)):  # mostly stale
        loaded = {key: entry for key, entry in loaded.items() if key in _used}
    entries = {**loaded, **_added}
    if len(entries) > MAX_ENTRIES:
        entries = dict(list(entries.items())[-MAX_ENTRIES:])
    user_cache.write_sealed(path, _HEADER, entries)
