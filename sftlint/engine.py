"""The engine: paths -> datasets -> files -> reader -> records -> rules -> findings.

Large JSON Lines files are split into newline-aligned byte ranges, one per core; each
worker reads and checks its own range (shipping lines from a parent to workers costs
more than it saves) and sends back findings and, when dataset rules run, compact rows.
"""

from __future__ import annotations

import mmap
import multiprocessing
import os
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

import orjson

from sftlint.config import Config
from sftlint.findings import Finding
from sftlint.reader import (
    BOM,
    InputError,
    SourceFacts,
    chunk_bounds,
    count_newlines,
    file_kind,
    iter_data_files,
    open_bytes,
    read_file,
    read_jsonl,
    unreadable_message,
)
from sftlint.records import (
    BUILTIN_SHAPES,
    Record,
    Row,
    Shape,
    detect_shape,
    mapping_shape,
    normalize,
)
from sftlint.registry import instantiate
from sftlint.rule import DatasetRule, FileRule, ProjectRule, RecordRule, Rule
from sftlint.run_cache import RunCache

PARALLEL_MIN_BYTES = 4 << 20
CHUNK_BYTES = 8 << 20


@dataclass
class Dataset:
    """Files whose records dataset rules see together: a directory given as one, or a file."""

    name: str
    files: list[str]


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    records: int = 0
    paths: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # one line each, e.g. a path skipped


def display_path(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def collect_datasets(paths: list[str], exclude: list[str],
                     warnings: list[str] | None = None) -> list[Dataset]:
    """The datasets named by `paths`. A path named directly must be a regular file or a
    folder (else InputError); inside a folder, what cannot be read is skipped with a line
    in `warnings`."""
    datasets = []
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            raise InputError(unreadable_message(path, exc)) from exc
        if stat.S_ISDIR(mode):
            files = list(iter_data_files(path, exclude, warnings))
            datasets.append(Dataset(display_path(path), files))
        elif stat.S_ISREG(mode):
            datasets.append(Dataset(display_path(path), [path]))
        else:
            raise InputError(f"{path}: {file_kind(mode)}, not a regular file; "
                             "pass only .jsonl/.json data files")
    return datasets


def merge_facts(parts: list[SourceFacts]) -> SourceFacts:
    """One file's facts from the facts of its consecutive chunks."""
    merged = parts[0]
    for part in parts[1:]:
        merged.crlf += part.crlf
        merged.blank += part.blank
        merged.undecodable += part.undecodable
        merged.json_errors += part.json_errors
        merged.duplicate_keys += part.duplicate_keys
        merged.non_objects += part.non_objects
        merged.lines += part.lines
        merged.records += part.records
        merged.unterminated_last_line = part.unterminated_last_line
    return merged


class Linter:
    def __init__(self, config: Config, rules: list[type[Rule]], *, dataset_rules: bool = True,
                 jobs: int | None = None) -> None:
        self.config = config
        self.rule_classes = [r for r in rules if dataset_rules or not issubclass(r, DatasetRule)]
        active = instantiate(self.rule_classes, config)
        self.file_rules = [r for r in active if isinstance(r, FileRule)]
        self.record_rules = [r for r in active if isinstance(r, RecordRule)]
        self.project_rules = [r for r in active if isinstance(r, ProjectRule)]
        dataset_classes = [r for r in self.rule_classes if issubclass(r, DatasetRule)]
        self.want_rows = bool(dataset_classes)
        self.row_turns = any(r.needs_turns for r in dataset_classes)
        self.jobs = jobs or os.cpu_count() or 1
        categories = config.categories
        self.category_field = categories.field if categories else None
        mapping = config.mapping
        self.fixed_shape: Shape | None = None
        if mapping is not None:
            self.fixed_shape = mapping_shape(mapping.messages, mapping.role, mapping.content,
                                             {str(k): v for k, v in mapping.roles.items()})
        elif config.format != "auto":
            self.fixed_shape = BUILTIN_SHAPES[config.format]
        self.accept_lists = mapping is not None and mapping.messages == ""

    def check(self, paths: list[str], progress: Callable[[str], None] | None = None
              ) -> CheckResult:
        """Lint `paths`; `progress` (if given) is told what is happening, for a status line."""
        result = CheckResult()
        say = progress or (lambda message: None)
        run = RunCache()  # what the rules share during this check, and no longer
        for active in (*self.file_rules, *self.record_rules, *self.project_rules):
            active.run = run
        for dataset in collect_datasets(paths, self.config.exclude, result.warnings):
            dataset_rules = [r for r in instantiate(self.rule_classes, self.config)
                             if isinstance(r, DatasetRule)]
            for rule in dataset_rules:
                rule.run = run

            def observe(rows: list[Row], rules: list[DatasetRule] = dataset_rules) -> None:
                for row in rows:  # row-major: rules may share work on the row in hand
                    for rule in rules:
                        rule.observe(row)

            for n, path in enumerate(dataset.files, 1):
                label = f"sftlint: file {n}/{len(dataset.files)} {display_path(path)}"
                say(label)
                facts, findings = self.lint_file(path, observe, partial(_bar, say, label))
                result.files += 1
                result.paths.append(facts.path)
                result.records += facts.records
                result.findings += findings
                for rule in dataset_rules:
                    rule.observe_file(facts)
            for rule in dataset_rules:
                say(f"sftlint: {rule.code} {rule.name} over {dataset.name}")
                result.findings += rule.finish(dataset.name)
        say("")
        for project_rule in self.project_rules:
            result.findings += project_rule.check()
        result.findings.sort(key=Finding.sort_key)
        return result

    def shape_for(self, first: object) -> Shape:
        return self.fixed_shape or detect_shape(first)

    def lint_file(self, path: str, on_rows: Callable[[list[Row]], None],
                  on_progress: Callable[[int, int], None] | None = None
                  ) -> tuple[SourceFacts, list[Finding]]:
        """Lint one file; its rows (for dataset rules) go to `on_rows`, in file order,
        chunk by chunk, so a large file's rows are never all in memory at once."""
        display = display_path(path)
        data = open_bytes(path)
        first = _first_record(data) if path.endswith(".jsonl") else None
        findings: list[Finding] = []
        if (self.jobs > 1 and len(data) >= PARALLEL_MIN_BYTES and first is not None):
            parts = []
            for part_facts, part_findings, rows, chunks in self._lint_parallel(
                    display, path, data, self.shape_for(first)):
                parts.append(part_facts)
                findings += part_findings
                on_rows(rows)
                if on_progress:
                    on_progress(len(parts), chunks)
            facts = merge_facts(parts)
        else:
            facts, raws = read_file(display, data, self.accept_lists)
            shape = self.shape_for(raws[0].value if raws else None)
            findings, rows = self.lint_records(display, raws, shape)
            on_rows(rows)
        for rule in self.file_rules:
            findings += rule.check(facts)
        return facts, findings

    def lint_records(self, display: str, raws: list, shape: Shape
                     ) -> tuple[list[Finding], list[Row]]:
        findings: list[Finding] = []
        rows: list[Row] = []
        add = findings.extend
        rules = self.record_rules
        want_rows, turns = self.want_rows, self.row_turns
        category_field = self.category_field
        for raw in raws:
            record: Record = normalize(raw, display, shape, category_field)
            for rule in rules:
                add(rule.check(record))
            if want_rows:
                rows.append(record.row(turns))
        return findings, rows

    def lint_range(self, display: str, path: str, start: int, end: int, first_line: int,
                   shape: Shape, data: bytes | mmap.mmap | None = None
                   ) -> tuple[SourceFacts, list[Finding], list[Row]]:
        data = open_bytes(path) if data is None else data
        facts, raws = read_jsonl(display, data, start, end, self.accept_lists, first_line)
        findings, rows = self.lint_records(display, raws, shape)
        return facts, findings, rows

    def _lint_parallel(self, display: str, path: str, data: bytes | mmap.mmap, shape: Shape
                       ) -> Iterator[tuple[SourceFacts, list[Finding], list[Row], int]]:
        """Chunk results in file order, each with the number of chunks.

        More chunks than workers: the parent observes one chunk's rows while the workers
        read the next ones, and holds only a few at once."""
        global _WORKER_LINTER, _WORKER_DATA
        chunks = max(self.jobs, min(self.jobs * 8, len(data) // CHUNK_BYTES))
        bounds = chunk_bounds(data, chunks)
        first_lines = [1]
        for a, b in bounds[:-1]:
            first_lines.append(first_lines[-1] + count_newlines(data, a, b))
        _WORKER_LINTER = self  # inherited by forked workers, so the rules are not pickled
        # and so are the bytes: every chunk is read from the one mapping the bounds were
        # computed on, even when the file is replaced meanwhile (by a `--fix`)
        _WORKER_DATA = data
        ctx = multiprocessing.get_context("fork")
        tasks = [(display, path, a, b, line, shape)
                 for (a, b), line in zip(bounds, first_lines, strict=True)]
        with ctx.Pool(self.jobs, initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            for result in pool.imap(_lint_chunk, tasks):
                yield (*result, len(tasks))
        _WORKER_DATA = None


def _bar(say: Callable[[str], None], label: str, done: int, total: int) -> None:
    say(f"{label} [{'#' * (20 * done // total):<20}] {100 * done // total}%")


_WORKER_LINTER: Linter | None = None
_WORKER_DATA: bytes | mmap.mmap | None = None
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(parent: int) -> None:
    """Pool initializer: a worker must not outlive its parent, even one killed with -9
    (which runs no cleanup). Linux: the kernel sends SIGKILL when the parent dies;
    elsewhere a thread watches for the parent to go."""
    import signal
    import sys
    import threading

    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before prctl took hold
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="sftlint-parent-watch", daemon=True).start()


def _lint_chunk(task: tuple[str, str, int, int, int, Shape]
                ) -> tuple[SourceFacts, list[Finding], list[Row]]:
    assert _WORKER_LINTER is not None
    return _WORKER_LINTER.lint_range(*task, data=_WORKER_DATA)


def _first_record(data: bytes | mmap.mmap) -> object | None:
    """The first line's JSON value, or None when it does not parse or is longer than 16 MB
    (then read serially: parsing a huge line here as well would double its time, and the
    forked workers would inherit it)."""
    end = data.find(b"\n", 0, 1 << 24)
    if end == -1 and len(data) > 1 << 24:
        return None
    first = bytes(data[: end if end != -1 else len(data)])
    try:
        return orjson.loads(first.removeprefix(BOM))
    except orjson.JSONDecodeError:
        return None


def iter_records(path: str, config: Config) -> Iterator[Record]:
    """Every record of one file, normalized (for the trainer and stats)."""
    linter = Linter(config, [])
    data = open_bytes(path)
    facts, raws = read_file(display_path(path), data, linter.accept_lists)
    shape = linter.shape_for(raws[0].value if raws else None)
    for raw in raws:
        record = normalize(raw, display_path(path), shape, linter.category_field)
        record.source_path = os.path.abspath(path)
        yield record
