"""The one writer of fixes: applies findings' edits to a file atomically."""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable

from sftlint.findings import Edit, Finding


def edits_by_file(findings: Iterable[Finding]) -> dict[str, list[Edit]]:
    grouped: dict[str, list[Edit]] = defaultdict(list)
    for finding in findings:
        grouped[finding.path].extend(finding.edits)
    return grouped


def apply_edits(data: bytes, edits: list[Edit]) -> bytes:
    """Apply non-overlapping edits (given in original offsets); overlapping ones are skipped."""
    out: list[bytes] = []
    pos = 0
    for edit in sorted(set(edits), key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            continue  # overlaps an edit already applied; the next run picks it up
        out.append(data[pos:edit.start])
        out.append(edit.replacement)
        pos = edit.end
    out.append(data[pos:])
    return b"".join(out)


def write_atomically(path: str, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename over it: never half a file."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:  # a new file: the usual mode under the current umask
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".sftlint-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def fix_files(findings: Iterable[Finding]) -> dict[str, int]:
    """Apply every fixable finding's edits; returns edits applied per file."""
    applied: dict[str, int] = {}
    for path, edits in edits_by_file(f for f in findings if f.fixable).items():
        with open(path, "rb") as f:
            original = f.read()
        fixed = apply_edits(original, edits)
        if fixed != original:
            write_atomically(path, fixed)
            applied[path] = len(edits)
    return applied
