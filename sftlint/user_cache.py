"""Files sftlint keeps between runs in the user's cache folder, as Python keeps compiled
modules: shortcuts only. Each is written atomically and carries a SHA-256 of its payload,
checked before anything is unmarshalled (marshal trusts its input: damaged bytes can crash
it), so a damaged file (a bit flip, a torn write) is ignored, not read; only a regular file
of bounded size is opened; and anything unreadable or unwritable is skipped. Trust is that
of Python's own bytecode cache: whoever can write the user's cache folder can change what
runs.

Where: `$SFTLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/sftlint`, else `~/.cache/sftlint`;
`SFTLINT_CACHE_DIR=` (empty) turns every cache off, and so does a folder that is not an
absolute path (no home directory).
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any


def folder() -> Path | None:
    """The cache folder, or None where caching is turned off."""
    where = os.environ.get("SFTLINT_CACHE_DIR")
    if where is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        where = os.path.join(base, "sftlint")
    if not where or not os.path.isabs(where):
        return None
    return Path(where)


def read_sealed(path: Path, header: object, max_bytes: int) -> Any:
    """The payload written with `header` to `path` by write_sealed, or None: for a missing
    or unreadable file, one that is not a regular file, over `max_bytes`, damaged, or
    written with another header (another interpreter, other code)."""
    try:
        if not path.is_file() or path.stat().st_size > max_bytes:  # no FIFO, no device
            return None
        with path.open("rb") as f:
            blob = f.read(max_bytes + 1)
        digest, payload = blob[:32], blob[32:]
        if len(blob) > max_bytes or hashlib.sha256(payload).digest() != digest:
            return None
        written_with, value = marshal.loads(payload)
    except Exception:  # noqa: BLE001 - unreadable or not ours: as if there were none
        return None
    return value if written_with == header else None


def write_sealed(path: Path, header: Any, value: Any) -> None:
    """Write `value` (of marshal's types) under `header`, atomically: a concurrent run
    reads the old file or the new. A read-only home or a full disk: nothing is written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # what tempfile.mkstemp does, without its import (a few ms of a small check)
        temporary = path.with_name(f".{path.name}-{os.getpid()}-{os.urandom(6).hex()}")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(handle, "wb") as out:
                payload = marshal.dumps((header, value))
                out.write(hashlib.sha256(payload).digest() + payload)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except Exception:  # noqa: BLE001 - a shortcut only: computed again next time
        pass
