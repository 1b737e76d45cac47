"""The one writer of fixes: edits computed on the exact bytes it holds, written atomically.

`--fix` takes an exclusive advisory lock on each data file, reads it, lints those bytes
in memory with the fixable rules, applies their edits and repeats until nothing fixable is
left, checks that the file on disk is still the one it read, and renames a temporary copy
over it. So two fixers take turns, an edit never lands on bytes it was not computed on,
and one run reaches the fixed point.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from sftlint.findings import Edit, Finding
from sftlint.formats import format_for
from sftlint.formats.jsonl import JsonText
from sftlint.reader import InputError

if TYPE_CHECKING:
    from sftlint.engine import Linter

try:
    import fcntl
except ImportError:  # Windows: no flock; the check before the rename still guards the data
    fcntl = None  # type: ignore[assignment]

MAX_PASSES = 8  # edits of one pass can leave work for the next (a blank line made by F002)
ATTEMPTS = 3  # re-reads when the file changes between our read and our rename
TEMP_PREFIX = ".sftlint-"
TEMP_SUFFIX = ".tmp"
# ".sftlint-<pid>-<random>.tmp"; older versions wrote ".sftlint-<random>.tmp" (no pid)
_TEMP_NAME = re.compile(r"^\.sftlint-(?:(\d+)-)?[A-Za-z0-9_]+\.tmp$")
LEGACY_TEMP_AGE = 3600.0  # seconds; a temp without a pid is stale after this
RUN_STARTED = time.time()
_NO_LOCKS = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL}


class FileChanged(Exception):
    """The file changed between the read and the rename; nothing was written."""


@dataclass
class FixReport:
    fixed: dict[str, int] = field(default_factory=dict)  # path -> findings fixed
    changed: list[str] = field(default_factory=list)  # changed by someone else: not written

    @property
    def total(self) -> int:
        return sum(self.fixed.values())


def edits_by_file(findings: Iterable[Finding]) -> dict[str, list[Edit]]:
    grouped: dict[str, list[Edit]] = defaultdict(list)
    for finding in findings:
        grouped[finding.path].extend(finding.edits)
    return grouped


def apply_edits(data: bytes, edits: Iterable[Edit]) -> bytes:
    """Apply edits given in offsets of `data`. Of overlapping edits the one starting first
    wins, and of those the longest (a blank line's removal covers its CRLF's); the others
    are left for the next pass, which recomputes them on the new bytes."""
    out: list[bytes] = []
    pos = 0
    for edit in sorted(set(edits), key=lambda e: (e.start, -e.end, e.replacement)):
        if edit.start < pos:
            continue
        out.append(data[pos:edit.start])
        out.append(edit.replacement)
        pos = edit.end
    out.append(data[pos:])
    return b"".join(out)


def fixable_findings(linter: Linter, path: str, data: bytes) -> list[Finding]:
    """The findings with edits that the linter's fixable rules report on `data`, less those
    that `per-file-ignores` and reviewed `exceptions` hide (the baseline hides findings but
    does not stop their fixes)."""
    from sftlint.filtering import filter_findings

    file_rules = [r for r in linter.file_rules if r.fixable]
    record_rules = [r for r in linter.record_rules if r.fixable]
    builder = linter.builder
    fmt = format_for(path)
    if not isinstance(fmt, JsonText):  # rows: nothing to edit
        return []
    facts, raws = fmt.read_bytes(path, data, builder.accept_lists)
    found: list[Finding] = []
    if record_rules and raws:
        shape = builder.shape_for(raws[0].value)
        for raw in raws:
            record = builder.build(raw, path, shape)
            for rule in record_rules:
                found += rule.check(record)
    for file_rule in file_rules:
        found += file_rule.check(facts)
    found = [f for f in found if f.fixable]
    if found and (linter.config.per_file_ignores or linter.config.exceptions):
        found = filter_findings(found, linter.config).findings
    return found


def fix_bytes(linter: Linter, path: str, data: bytes) -> tuple[bytes, int]:
    """`data` with every safe fix applied, to the fixed point; and the findings fixed
    (those of the first pass: what a check of `data` reports)."""
    current = data
    fixed = 0
    for n in range(MAX_PASSES):
        findings = fixable_findings(linter, path, current)
        if n == 0:
            fixed = len(findings)
        new = apply_edits(current, (e for f in findings for e in f.edits))
        if new == current:
            break
        current = new
    return current, fixed


def _read_all(fd: int) -> bytes:
    """Every byte of the open file, from its start."""
    size = os.fstat(fd).st_size
    os.lseek(fd, 0, os.SEEK_SET)
    chunks: list[bytes] = []
    read = 0
    while True:
        chunk = os.read(fd, max(size - read, 1 << 20))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        read += len(chunk)


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


@contextmanager
def locked(path: str, on_wait: Callable[[str], None] | None = None, name: str | None = None
           ) -> Iterator[int]:
    """A read-only descriptor of `path` under an exclusive flock (`on_wait` is told when
    another holds it). A fixer that waited while another replaced the file holds a lock on
    the old inode: it opens the new one again."""
    while True:
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise InputError(f"{name or path}: cannot read ({exc.strerror or exc})") from exc
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    if on_wait is not None:
                        on_wait(name or path)
                    fcntl.flock(fd, fcntl.LOCK_EX)
                except OSError as exc:  # a file system without locks: the check still guards
                    if exc.errno not in _NO_LOCKS:
                        raise
            held = os.fstat(fd)
            now = os.stat(path)
        except FileNotFoundError as exc:
            os.close(fd)
            raise InputError(f"{name or path}: removed while fixing") from exc
        except BaseException:
            os.close(fd)
            raise
        if (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino):
            break
        os.close(fd)
    try:
        yield fd
    finally:
        os.close(fd)  # releases the lock


def _unchanged(path: str, fd: int, seen: os.stat_result, digest: bytes) -> bool:
    """Is the file at `path` still the inode, size, time and bytes that were read?"""
    try:
        if _identity(os.stat(path)) != _identity(seen):
            return False
    except FileNotFoundError:
        return False
    return hashlib.blake2b(_read_all(fd)).digest() == digest


def fix_file(linter: Linter, path: str, name: str | None = None,
             on_wait: Callable[[str], None] | None = None) -> int:
    """Fix the file at `path` (`name`: how findings call it) in place; returns the findings
    fixed. Raises FileChanged when the file kept changing under us (by something that does
    not take the lock)."""
    name = name or path
    path = os.path.realpath(path)  # a symlink stays a symlink; its target gets the fix
    for _ in range(ATTEMPTS):
        with locked(path, on_wait, name) as fd:
            seen = os.fstat(fd)
            data = _read_all(fd)
            digest = hashlib.blake2b(data).digest()
            fixed, count = fix_bytes(linter, name, data)
            if fixed == data:
                return 0
            try:
                write_atomically(path, fixed, partial(_unchanged, path, fd, seen, digest))
            except FileChanged:
                continue
            return count
    raise FileChanged(name)


def files_to_fix(linter: Linter, findings: Iterable[Finding], targets: list[str] | None
                 ) -> list[tuple[str, str]]:
    """(file on disk, its name in the findings) of each file with a fixable finding;
    `targets`, the paths that were checked, say where a finding's path is on disk."""
    from sftlint.engine import display_path

    names = edits_by_file(f for f in findings if f.fixable)
    where: dict[str, str] = {}
    if names and targets:
        where.update((display_path(file), file) for file in _data_files(linter, targets))
    return [(where.get(name, name), name) for name in names]


def _data_files(linter: Linter, targets: list[str]) -> Iterator[str]:
    """The data files of `targets`; a target gone since the check is skipped."""
    for target in targets:
        try:
            datasets = linter.config.datasets([target])
        except InputError:
            continue
        for dataset in datasets:
            yield from dataset.files


def fix_files(linter: Linter, findings: Iterable[Finding], targets: list[str] | None = None,
              on_wait: Callable[[str], None] | None = None) -> FixReport:
    """Fix every file that has a fixable finding. The findings only say which files: the
    edits are computed again on the bytes read under the lock."""
    report = FixReport()
    folders: set[str] = set()
    for path, name in files_to_fix(linter, findings, targets):
        folder = os.path.dirname(os.path.realpath(path))
        if folder not in folders:
            folders.add(folder)
            remove_stale_temps(folder)
        try:
            count = fix_file(linter, path, name, on_wait)
        except FileChanged:
            report.changed.append(name)
            continue
        if count:
            report.fixed[name] = count
    return report


def preview_fixes(linter: Linter, findings: Iterable[Finding],
                  targets: list[str] | None = None) -> list[tuple[str, bytes, bytes, int]]:
    """(name, bytes now, bytes after `--fix`, findings fixed) of each file `--fix` would
    change; writes nothing."""
    previews = []
    for path, name in files_to_fix(linter, findings, targets):
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from exc
        fixed, count = fix_bytes(linter, name, data)
        if fixed != data:
            previews.append((name, data, fixed, count))
    return previews


def _lines(data: bytes) -> list[bytes]:
    """Lines split at "\\n" only, each keeping its ending (a "\\r" stays inside the line)."""
    lines = data.split(b"\n")
    out = [line + b"\n" for line in lines[:-1]]
    return out + [lines[-1]] if lines[-1] else out


def unified_diff(path: str, before: bytes, after: bytes) -> bytes:
    """A unified diff of one file, `patch -p0` style (the same path on both sides)."""
    import difflib  # every check imports this module to clear stale temps; few show diffs

    name = _diff_name(path)
    out = []
    for line in difflib.diff_bytes(difflib.unified_diff, _lines(before), _lines(after),
                                   name, name):
        out.append(line)
        if not line.endswith(b"\n"):
            out.append(b"\n\\ No newline at end of file\n")
    return b"".join(out)


_C_ESCAPES = {0x07: b"\\a", 0x08: b"\\b", 0x09: b"\\t", 0x0A: b"\\n", 0x0B: b"\\v",
              0x0C: b"\\f", 0x0D: b"\\r", 0x22: b'\\"', 0x5C: b"\\\\"}


def _diff_name(path: str) -> bytes:
    """A diff header's file name, C-quoted as git writes it where the name holds a space, a
    control character, a quote or a backslash: `patch` ends an unquoted name at a space or
    a tab, and then patches another file (GNU patch and `git apply` read the quoted form)."""
    name = os.fsencode(path)
    if not any(c <= 0x20 or c in (0x22, 0x5C, 0x7F) for c in name):
        return name
    return b'"' + b"".join(_C_ESCAPES.get(c) or (b"\\%03o" % c if c < 0x20 or c == 0x7F
                                                  else bytes([c])) for c in name) + b'"'


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_temps(folder: str, started: float | None = None) -> int:
    """Remove temporary files that a killed fixer left in `folder`: named as ours, older
    than this run, and whose process is gone. Returns how many were removed."""
    started = RUN_STARTED if started is None else started
    removed = 0
    try:
        entries = list(os.scandir(folder or "."))
    except OSError:
        return 0
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if not match:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_mtime >= started:
            continue
        pid = match.group(1)
        if pid is not None and _pid_alive(int(pid)):
            continue
        if pid is None and time.time() - st.st_mtime < LEGACY_TEMP_AGE:
            continue
        try:
            os.unlink(entry.path)
            removed += 1
        except OSError:
            pass
    return removed


def remove_stale_temps_of(linter: Linter, targets: list[str]) -> int:
    """remove_stale_temps in every folder that holds a data file of `targets`."""
    folders = {os.path.dirname(os.path.abspath(file)) for file in _data_files(linter, targets)}
    return sum(remove_stale_temps(folder) for folder in sorted(folders))


def _sync_folder(folder: str) -> None:
    """Make the rename durable (a power cut after it leaves the new file, not the old)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: str, data: bytes,
                     still_valid: Callable[[], bool] | None = None) -> None:
    """Write to a temporary file beside `path`, then rename over it: never half a file.
    `still_valid`, called right before the rename, can refuse it (raises FileChanged)."""
    folder = os.path.dirname(os.path.abspath(path))
    owner: tuple[int, int] | None = None
    try:
        st = os.stat(path)
        mode, owner = st.st_mode & 0o7777, (st.st_uid, st.st_gid)
    except FileNotFoundError:  # a new file: the usual mode under the current umask
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        import tempfile  # only a run that writes

        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f"{TEMP_PREFIX}{os.getpid()}-",
                                   suffix=TEMP_SUFFIX)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if owner is not None and hasattr(os, "chown"):
            with suppress(OSError):  # keep the owner where we may (root fixing a user's file)
                os.chown(tmp, *owner)
        os.chmod(tmp, mode)
        if still_valid is not None and not still_valid():
            raise FileChanged(path)
        os.replace(tmp, path)
        _sync_folder(folder)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
        raise
