"""The engine: paths -> datasets -> inputs -> formats -> records -> rules -> findings.

It only orchestrates: `sftlint.formats` says how each input is read, located, edited and
split; the record builder turns raw values into records; the rules report. Large JSON Lines
files are split into newline-aligned byte ranges, one per core; each worker reads and checks
its own range (shipping lines from a parent to workers costs more than it saves) and sends
back findings and, when dataset rules run, compact rows.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING

from sftlint import collector
from sftlint.batch import Batch
from sftlint.findings import Finding
from sftlint.formats import Dataset, InputFormat, collect_datasets, display_path, format_for
from sftlint.formats.jsonl import JSON_LINES, JsonLines
from sftlint.reader import Data, InputError, RawRecord, SourceFacts
from sftlint.record_builder import RecordBuilder
from sftlint.records import Record, Row, Shape
from sftlint.registry import instantiate
from sftlint.rule import DatasetRule, FileRule, ProjectRule, RecordRule, Rule
from sftlint.run_cache import RunCache
from sftlint.verdicts import NO_VERDICTS, Verdicts

if TYPE_CHECKING:
    from sftlint.config import Config

__all__ = ["CheckResult", "Dataset", "InputError", "Linter", "collect_datasets",
           "display_path", "iter_records"]

PARALLEL_MIN_BYTES = 4 << 20
CHUNK_BYTES = 8 << 20
BATCH_RECORDS = 4096  # records are built, checked and handed on in batches of this many


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    records: int = 0
    paths: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # one line each, e.g. a path skipped


class Linter:
    def __init__(self, config: Config, rules: list[type[Rule]], *, dataset_rules: bool = True,
                 jobs: int | None = None, run: RunCache | None = None,
                 remember_verdicts: bool = False) -> None:
        self.config = config
        self.builder = RecordBuilder(config)
        # without dataset rules, a record rule with a dataset half (S004) keeps its record half
        self.rule_classes = [r for r in rules if dataset_rules or not issubclass(r, DatasetRule)
                             or issubclass(r, RecordRule)]
        active = instantiate(self.rule_classes, config)
        self.file_rules = [r for r in active if isinstance(r, FileRule)]
        self.record_rules = [r for r in active if isinstance(r, RecordRule)]
        self.batch_rules = [r for r in self.record_rules if r.batched()]
        self.row_rules = [r for r in self.record_rules if not r.batched()]
        self.project_rules = [r for r in active if isinstance(r, ProjectRule)]
        self.dataset_classes: list[type[Rule]] = [
            r for r in self.rule_classes if dataset_rules and issubclass(r, DatasetRule)]
        self.want_rows = bool(self.dataset_classes)
        self.row_turns = any(issubclass(r, DatasetRule) and r.needs_turns
                             for r in self.dataset_classes)
        self.jobs = jobs or os.cpu_count() or 1
        self.run = run  # what the rules share in a check; a fresh one per check if None
        # keep verdicts between checks of a file in one process (sftlint/verdicts.py)
        self.remember_verdicts = remember_verdicts

    def check(self, paths: list[str], progress: Callable[[str], None] | None = None
              ) -> CheckResult:
        """Lint `paths`; `progress` (if given) is told what is happening, for a status line."""
        warnings: list[str] = []
        datasets = self.config.datasets(paths, warnings)
        result = self.check_datasets(datasets, {}, progress)
        result.warnings = warnings
        return result

    def check_records(self, records: object, name: str = "<memory>") -> CheckResult:
        """Lint records in memory (a list of dicts, a `datasets.Dataset`, a pyarrow Table)
        as one dataset named `name`."""
        from sftlint.formats.memory import InMemory

        return self.check_datasets([Dataset(name, [name])], {name: InMemory(records)})

    def check_datasets(self, datasets: list[Dataset], formats: dict[str, InputFormat],
                       progress: Callable[[str], None] | None = None) -> CheckResult:
        """Lint each dataset; an input's format is `formats[input]`, else by its path."""
        with collector.young_garbage_only():
            return self._check_datasets(datasets, formats, progress)

    def _check_datasets(self, datasets: list[Dataset], formats: dict[str, InputFormat],
                        progress: Callable[[str], None] | None) -> CheckResult:
        result = CheckResult()
        say = progress or (lambda message: None)
        run = self.run or RunCache()  # what the rules share during this check, and no longer
        for active in (*self.file_rules, *self.record_rules, *self.project_rules):
            active.run = run
        row_paths: set[str] = set()  # inputs without columns or byte edits
        for dataset in datasets:
            dataset_rules = [r for r in instantiate(self.dataset_classes, self.config)
                             if isinstance(r, DatasetRule)]
            for rule in dataset_rules:
                rule.run = run

            def observe(rows: list[Row], rules: list[DatasetRule] = dataset_rules) -> None:
                for row in rows:  # row-major: rules may share work on the row in hand
                    for rule in rules:
                        rule.observe(row)

            for n, path in enumerate(dataset.files, 1):
                fmt = formats.get(path) or format_for(path)
                label = f"sftlint: file {n}/{len(dataset.files)} {display_path(path)}"
                say(label)
                # verdicts are kept for files, not for the records in memory `formats` names
                keep = run if self.remember_verdicts and path not in formats else None
                facts, findings = self.lint_file(path, observe, partial(_bar, say, label), fmt,
                                                 keep)
                if not fmt.text:
                    row_paths.add(facts.path)
                result.files += 1
                result.paths.append(facts.path)
                result.records += facts.records
                result.findings += findings
                for rule in dataset_rules:
                    rule.observe_file(facts)
            for rule in dataset_rules:
                say(f"sftlint: {rule.code} {rule.name} over {dataset.name}")
                result.findings += rule.dataset_findings(dataset.name)
        say("")
        return self.finish_check(result, row_paths)

    def finish_check(self, result: CheckResult, row_paths: set[str]) -> CheckResult:
        """The project rules' findings added, row inputs' places made rows, all sorted: the
        last step of a check, whichever engine ran the rest."""
        for project_rule in self.project_rules:
            result.findings += project_rule.check()
        if row_paths:
            result.findings = [_at_row(f) if f.path in row_paths else f
                               for f in result.findings]
        result.findings.sort(key=Finding.sort_key)
        return result

    def lint_file(self, path: str, on_rows: Callable[[list[Row]], None],
                  on_progress: Callable[[int, int], None] | None = None,
                  fmt: InputFormat | None = None, keep_verdicts_in: RunCache | None = None
                  ) -> tuple[SourceFacts, list[Finding]]:
        """Lint one input; its rows (for dataset rules) go to `on_rows`, in order, chunk by
        chunk, so a large input's rows are never all in memory at once. With
        `keep_verdicts_in` (the check's RunCache), an input read in one process has the
        record rules' verdicts recalled from its last check and kept for the next."""
        fmt = fmt or format_for(path)
        display = display_path(path)
        accept_lists = self.builder.accept_lists
        findings: list[Finding] = []
        if isinstance(fmt, JsonLines):
            data = fmt.open(path)
            first = fmt.first_value(data, accept_lists) if self.jobs > 1 and \
                len(data) >= PARALLEL_MIN_BYTES else None
            if first is not None:
                parts = []
                for part_facts, part_findings, rows, chunks in self._lint_parallel(
                        display, path, data, self.builder.shape_for(first), fmt):
                    parts.append(part_facts)
                    findings += part_findings
                    on_rows(rows)
                    if on_progress:
                        on_progress(len(parts), chunks)
                facts = fmt.merge_facts(parts)
            else:
                facts, raws = fmt.read_bytes(display, data, accept_lists)
                findings = self._lint_stream(display, raws, on_rows, path, keep_verdicts_in)
        else:
            facts, records = fmt.read(path, display, accept_lists)
            findings = self._lint_stream(display, records, on_rows, path, keep_verdicts_in)
        if fmt.text:
            for rule in self.file_rules:
                findings += rule.check(facts)
        return facts, findings

    def _lint_stream(self, display: str, raws: Iterable[RawRecord],
                     on_rows: Callable[[list[Row]], None], path: str,
                     run: RunCache | None) -> list[Finding]:
        """Lint records as they come, handing rows on batch by batch; with `run`, the
        verdicts of the last check of `path` are in it, and this check's are kept."""
        it = iter(raws)
        first = next(it, None)
        if first is None:
            return []
        shape = self.builder.shape_for(first.value)
        findings: list[Finding] = []
        batch = itertools.chain((first,), it)
        if run is not None:
            run.verdicts = Verdicts.of_input(path)
        try:
            while True:
                chunk = list(itertools.islice(batch, BATCH_RECORDS))
                if not chunk:
                    break
                found, rows = self.lint_records(display, chunk, shape)
                findings += found
                on_rows(rows)
            if run is not None:
                run.verdicts.save()
        finally:
            if run is not None:
                run.verdicts = NO_VERDICTS
        return findings

    def lint_records(self, display: str, raws: list[RawRecord], shape: Shape
                     ) -> tuple[list[Finding], list[Row]]:
        """Build the records of a chunk; batch rules read them as columns, the other record
        rules one record after another (row-major: they share work on the record in hand)."""
        if len(raws) > BATCH_RECORDS:  # a byte range of a large file: records in batches
            findings, rows = [], []
            for start in range(0, len(raws), BATCH_RECORDS):
                found, batch_rows = self.lint_records(display, raws[start:start + BATCH_RECORDS],
                                                      shape)
                findings += found
                rows += batch_rows
            return findings, rows
        build = self.builder.build
        records: list[Record] = [build(raw, display, shape) for raw in raws]
        findings = []
        add = findings.extend
        if self.batch_rules:
            batch = Batch(records)
            for batch_rule in self.batch_rules:
                add(batch_rule.check_batch(batch))
        rules = self.row_rules
        if rules:
            for record in records:
                for rule in rules:
                    add(rule.check(record))
        rows = [record.row(self.row_turns) for record in records] if self.want_rows else []
        return findings, rows

    def lint_range(self, display: str, path: str, start: int, end: int, first_line: int,
                   shape: Shape, data: Data | None = None
                   ) -> tuple[SourceFacts, list[Finding], list[Row]]:
        data = JSON_LINES.open(path) if data is None else data
        facts, raws = JSON_LINES.read_range(display, data, start, end, first_line,
                                            self.builder.accept_lists)
        findings, rows = self.lint_records(display, raws, shape)
        return facts, findings, rows

    def _lint_parallel(self, display: str, path: str, data: Data, shape: Shape,
                       fmt: JsonLines
                       ) -> Iterator[tuple[SourceFacts, list[Finding], list[Row], int]]:
        """Chunk results in file order, each with the number of chunks.

        More chunks than workers: the parent observes one chunk's rows while the workers
        read the next ones, and holds only a few at once."""
        import multiprocessing  # only large files pay for it
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        global _WORKER_LINTER, _WORKER_DATA
        chunks = max(self.jobs, min(self.jobs * 8, len(data) // CHUNK_BYTES))
        _WORKER_LINTER = self  # inherited by forked workers, so the rules are not pickled
        # and so is the open file: every chunk is read from the file the bounds were
        # computed on, even when the path is replaced meanwhile (by a `--fix`)
        _WORKER_DATA = data
        tasks = [(display, path, a, b, line, shape) for a, b, line in fmt.split(data, chunks)]
        # not multiprocessing.Pool: it waits forever for a worker that was killed
        pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_die_with_parent, initargs=(os.getpid(),))
        try:
            for result in pool.map(_lint_chunk, tasks):
                yield (*result, len(tasks))
        except BrokenProcessPool as exc:
            raise InputError(f"{display}: a worker process died while checking it (killed, "
                             "or out of memory?); run with --jobs 1 to check it in one "
                             "process") from exc
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            _WORKER_DATA = None


def _at_row(finding: Finding) -> Finding:
    """A finding on a row format: the row, no column, no byte edits."""
    if finding.column is None and not finding.edits and finding.length is None:
        return finding
    return replace(finding, column=None, length=None, edits=())


def _bar(say: Callable[[str], None], label: str, done: int, total: int) -> None:
    say(f"{label} [{'#' * (20 * done // total):<20}] {100 * done // total}%")


_WORKER_LINTER: Linter | None = None
_WORKER_DATA: Data | None = None
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


def iter_records(path: str, config: Config, lost: list[str] | None = None
                 ) -> Iterator[Record]:
    """Every record of one input, normalized (for the trainer and stats). `lost` is told,
    in one line, of the lines that hold no record (invalid JSON or UTF-8, not an object):
    what a gate whose config ignores F003, F006 or F007 lets through without a word."""
    builder = RecordBuilder(config)
    display = display_path(path)
    facts, raws = format_for(path).read(path, display, builder.accept_lists)
    if lost is not None:
        unread = sorted([e[0] for e in facts.undecodable] + [e[0] for e in facts.json_errors]
                        + [e[0] for e in facts.non_objects])
        if unread:
            lost.append(f"{display}: {len(unread)} line(s) hold no record (invalid JSON or "
                        f"UTF-8, or not an object; first: line {unread[0]}) and are not used")
    it = iter(raws)
    first = next(it, None)
    if first is None:
        return
    shape = builder.shape_for(first.value)
    source_path = os.path.abspath(path)
    for raw in itertools.chain((first,), it):
        record = builder.build(raw, display, shape)
        record.source_path = source_path
        yield record
