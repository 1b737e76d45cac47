"""The Python API: check data (paths, records in memory, a `datasets.Dataset`) and gate on
it. `sftlint check` is a thin layer over `check`; a notebook calls `gate` before training.

    report = sftlint.check("data/train.jsonl")       # or a list of dicts, or a Dataset
    for finding in report.errors: ...
    sftlint.gate(dataset, tokenizer=tokenizer)        # raises GateError on error findings
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sftlint.findings import Finding, Severity

if TYPE_CHECKING:
    from sftlint.config import Config
    from sftlint.engine import Linter
    from sftlint.reporters import Summary
    from sftlint.stats import DatasetStats

ConfigLike = Any  # a Config, a config file's path, a dict of [tool.sftlint] keys, or None


@dataclass
class CheckReport:
    """What one check found, as reported: filtered (per-file ignores, exceptions, the
    baseline), severities as configured, sorted."""

    findings: list[Finding]
    summary: Summary
    warnings: list[str] = field(default_factory=list)  # one line each: a path skipped, ...
    changed: list[str] = field(default_factory=list)  # files changed under `fix`: not written
    # `diff`: (name, bytes now, bytes after the fix, findings it fixes) per file
    previews: list[tuple[str, bytes, bytes, int]] = field(default_factory=list)
    ran: bool = True  # False: the dataset hook found no input of the check among its files
    targets: list[str] = field(default_factory=list)  # the paths checked (none: in memory)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings_found(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def passed(self) -> bool:
        """No error-level finding."""
        return not self.errors

    def __repr__(self) -> str:  # `.findings` and `.text()` hold the rest
        return (f"CheckReport(passed={self.passed}, errors={len(self.errors)}, warnings="
                f"{len(self.warnings_found)}, files={self.summary.files}, records="
                f"{self.summary.records})")

    def text(self) -> str:
        """The findings as `sftlint check` prints them."""
        import io

        from sftlint.reporters import emit
        from sftlint.reporters.text import TextReporter

        out = io.StringIO()
        emit(TextReporter(out), self.summary)
        return out.getvalue()


class GateError(Exception):
    """Raised by `gate` when the data has error-level findings; carries them."""

    def __init__(self, report: CheckReport) -> None:
        self.report = report
        self.findings = report.errors
        # where each is, as the text output shows it (a dataset finding has no line)
        first = "; ".join(f"{f.path}{f':{f.line}' if f.line else ''}: {f.code} {f.message}"
                          for f in self.findings[:3])
        more = f" (and {len(self.findings) - 3} more)" if len(self.findings) > 3 else ""
        super().__init__(f"{len(self.findings)} error-level finding(s): {first}{more}")


def load(config: ConfigLike = None) -> tuple[Config, Path | None]:
    """The config and its file: found upward from the working directory (None), read from
    a file (a path), validated from a dict of `[tool.sftlint]` keys, or given."""
    from sftlint.config import Config, load_config, parse_config

    if isinstance(config, Config):
        return config, None
    if isinstance(config, dict):
        return parse_config(config, "config", os.getcwd()), None
    if isinstance(config, str | os.PathLike):
        return load_config(os.fspath(config))
    if config is not None:
        raise TypeError(f"config: expected a path, a dict of [tool.sftlint] keys, a Config or "
                        f"None, got {type(config).__name__}")
    return load_config(None)


def _paths(data: Any) -> list[str] | None:
    """`data` as paths, or None when it is records."""
    if isinstance(data, str | os.PathLike):
        return [os.fspath(data)]
    if isinstance(data, list | tuple) and data and all(
            isinstance(p, str | os.PathLike) for p in data):
        return [os.fspath(p) for p in data]
    return None


def _with_tokens(config: Config, tokenizer: Any, max_length: int | None) -> Config:
    """The config with `[tokens]` set from the arguments."""
    tokens = config.tokens
    update: dict[str, Any] = {}
    if isinstance(tokenizer, str | os.PathLike):
        update["tokenizer"] = os.path.abspath(os.fspath(tokenizer))
    elif tokenizer is not None:
        update["tokenizer"] = tokenizer_label(tokenizer)
    if max_length is not None:
        update["max_length"] = max_length
    if not update:
        return config
    return config.model_copy(update={"tokens": tokens.model_copy(update=update)})


def tokenizer_label(tokenizer: Any) -> str:
    """What names a loaded tokenizer in `[tokens] tokenizer` (it is not loaded again)."""
    return os.path.abspath(getattr(tokenizer, "name_or_path", "") or "<tokenizer>")


def check(data: Any = None, *, config: ConfigLike = None,
          select: str | Iterable[str] | None = None, ignore: str | Iterable[str] = (),
          tokenizer: Any = None, max_length: int | None = None, name: str = "<memory>",
          dataset_rules: bool = True, changed_files: bool = False,
          baseline: str | bool | None = None, fix: bool = False, diff: bool = False,
          jobs: int | None = None, progress: Callable[[str], None] | None = None,
          on_wait: Callable[[str], None] | None = None, engine: str | None = None,
          ray_address: str | None = None) -> CheckReport:
    """Check `data`: a path or a list of paths (files, folders, .parquet, Arrow datasets
    saved with `save_to_disk`), a list of dicts, a `datasets.Dataset` or a pyarrow Table
    (findings then give the 1-based row as `line`), or None for the config's `paths`.

    `select`/`ignore`: codes, prefixes or names (instead of / besides the config's).
    `tokenizer`: a local model directory or a loaded tokenizer, for the T rules.
    `dataset_rules=False` skips dataset and project rules; `changed_files` treats the
    paths as the dataset hook does; `baseline`: a file, False for none, None for the
    config's; `fix` writes safe fixes, `diff` only computes them (`report.previews`).
    `engine`: "local" or "ray" (paths checked on the Ray cluster at `ray_address`, or on
    a local one started for the check); None for the config's `engine`."""
    from sftlint.config import MAX_TOKENS, ConfigError
    from sftlint.engine import Linter
    from sftlint.filtering import filter_findings
    from sftlint.hooks import (
        dataset_hook_findings,
        dataset_hook_rules,
        per_file_rules,
        plan_dataset_hook,
    )
    from sftlint.registry import check_selectors, select_rules
    from sftlint.reporters import Summary
    from sftlint.run_cache import RunCache

    jobs = _whole_number(jobs, "jobs", 1, 256)
    max_length = _whole_number(max_length, "max_length", 1, MAX_TOKENS)
    cfg, config_path = load(config)
    cfg = _with_tokens(cfg, tokenizer, max_length)
    # an empty selection ("" from an unset variable) means the config's, as on the command
    # line: a gate that runs no rule would pass everything
    selected = (_codes(select) if select is not None else []) or cfg.select
    ignored = cfg.ignore + _codes(ignore, "ignore")
    check_selectors(list(selected or []) + ignored, "arguments")
    rules = select_rules(selected, ignored)
    paths = _paths(data) if data is not None else []
    plan = None
    if changed_files:
        plan = plan_dataset_hook(paths or [], cfg, config_path)
        if not plan.run:  # no input of the check changed
            return CheckReport([], Summary(0, 0, []), ran=False)
        paths, rules = [], dataset_hook_rules(rules, plan)
    if not dataset_rules:
        rules = per_file_rules(rules)
    if fix and diff:
        raise ConfigError("fix and diff exclude each other: diff shows what fix would do")
    run = RunCache()
    if tokenizer is not None and not isinstance(tokenizer, str | os.PathLike):
        run.preset(("tokenizer", cfg.tokens.tokenizer), tokenizer)
    if (engine or cfg.engine) == "ray":  # paths on a Ray cluster (sftlint.ray_engine)
        from sftlint.ray_engine import RayLinter

        linter: Linter = RayLinter(cfg, rules, dataset_rules=dataset_rules, jobs=jobs, run=run,
                                   address=ray_address or cfg.ray_address)
    elif engine in (None, "local"):
        linter = Linter(cfg, rules, dataset_rules=dataset_rules, jobs=jobs, run=run,
                        remember_verdicts=True)
    else:
        raise ConfigError(f"engine: {engine!r} is not one of local, ray")
    baseline_file = (cfg.baseline_path() if baseline is None or baseline is True
                     else baseline or None)
    known = None
    if baseline_file:
        from sftlint.baseline import read_baseline

        known = read_baseline(baseline_file)
    if paths is None:  # records in memory
        if fix or diff:
            raise ConfigError("fix and diff apply to files, not to records in memory")
        targets: list[str] = []
        result = linter.check_records(data, name)
    else:
        targets = paths or [cfg.resolve(p) for p in cfg.paths]
        if fix:
            _refuse_to_fix_streams(targets)
        result = linter.check(targets, progress=progress)
    report = CheckReport([], Summary(0, 0, []), warnings=result.warnings)
    fixed = 0
    if targets:
        fixed, recheck = _fix_or_preview(linter, result, targets, report, fix, diff, on_wait)
        if recheck:
            result = linter.check(targets)  # what is left
            result.warnings = report.warnings
    if plan is not None:
        result.findings = dataset_hook_findings(result.findings, plan)
    filtered = filter_findings(result.findings, cfg, known, result.paths)
    report.findings = filtered.findings
    report.summary = Summary(result.files, result.records, filtered.findings,
                             paths=filtered.paths, fixed=fixed,
                             hidden_by_baseline=filtered.hidden_by_baseline,
                             excepted=filtered.excepted, config=cfg)
    report.targets = targets
    return report


def _codes(codes: str | Iterable[str], what: str = "select") -> list[str]:
    """Rule selectors as a list: "A001,U003" as on the command line, or an iterable."""
    from sftlint.config import ConfigError

    if isinstance(codes, str):
        return [c.strip() for c in codes.split(",") if c.strip()]
    items = list(codes) if isinstance(codes, Iterable) else None
    if items is None or not all(isinstance(c, str) for c in items):
        raise ConfigError(f"{what}: rule codes, prefixes or names as strings "
                          f'("A001,U003" or ["A001", "U003"]), not {codes!r:.60}')
    return items


def _whole_number(value: int | None, what: str, low: int, high: int) -> int | None:
    """`value` as an int: a one-line error unless it is None or an integer (not a bool) in
    low..high, as the command line and the config check it."""
    from sftlint.config import ConfigError

    if value is None:
        return None
    try:  # any integer type (numpy's too), but not a bool
        number = operator.index(value) if not isinstance(value, bool) else None
    except TypeError:
        number = None
    if number is None or not low <= number <= high:
        raise ConfigError(f"{what} must be a whole number from {low} to {high}, not {value!r}")
    return number


_STREAMS = ("/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/")


def _refuse_to_fix_streams(targets: list[str]) -> None:
    """`--fix` rewrites the files it was given; /dev/stdin or /proc/self/fd/0 name a stream,
    and fixing the file that happens to stand behind it would surprise. (A file in /dev/shm
    is a file; a device is refused by the reader as not a regular file.)"""
    from sftlint.config import ConfigError

    for target in targets:
        if os.path.abspath(target).startswith(_STREAMS):
            raise ConfigError(f"{target}: --fix rewrites data files in place, and this names "
                              "a stream; pass the data file's own path, or check "
                              "without --fix")


def _fix_or_preview(linter: Linter, result: Any, targets: list[str], report: CheckReport,
                    fix: bool, diff: bool, on_wait: Callable[[str], None] | None
                    ) -> tuple[int, bool]:
    """Apply (`fix`) or preview (`diff`) the safe fixes: (findings fixed, whether the files
    may have changed since the check)."""
    from sftlint.fixer import fix_files, preview_fixes, remove_stale_temps_of

    remove_stale_temps_of(linter, targets)  # left by a fixer that was killed
    if diff:
        report.previews = preview_fixes(linter, result.findings, targets)
        return 0, False
    if not fix:
        return 0, False
    fixes = fix_files(linter, result.findings, targets, on_wait=on_wait)
    report.changed = fixes.changed
    # another fixer may have got there first: check again whenever something was fixable
    return fixes.total, any(f.fixable for f in result.findings)


def gate(data: Any = None, **options: Any) -> CheckReport:
    """`check(data, **options)`, raising GateError with the findings when any is an error
    (before `SFTTrainer(...).train()`, say); returns the report when the data passes. As
    `sftlint train`'s gate, it never applies a baseline: a baseline quiets known findings in
    `check`, it does not make dirty data fit to train on."""
    from sftlint.config import ConfigError

    if options.get("baseline"):
        raise ConfigError("gate() takes no baseline: a baseline never opens the gate (the "
                          "reviewed exceptions and per-file-ignores of the config still apply)")
    # what would let the gate judge less than the data it passes, or change that data
    narrowing = {"changed_files": "checks only what a commit changed",
                 "dataset_rules": "leaves out the dataset rules (duplicates, counts, balance)",
                 "fix": "rewrites the data", "diff": "only shows fixes"}
    for name, what in narrowing.items():
        given = options.get(name)
        if given is not None and given != (name == "dataset_rules"):
            raise ConfigError(f"gate() takes no {name}={given!r}: it {what}; the gate judges "
                              "all of the data as it is")
    report = check(data, **{**options, "baseline": False})
    if not report.passed:
        raise GateError(report)
    if report.summary.records == 0:  # gate(None) by mistake, an empty folder: nothing to pass
        where = ", ".join(report.targets) or "the records given"
        raise ConfigError(f"gate(): no records in {where}; a gate that checks nothing passes "
                          "nothing (pass the data to train on)")
    return report


def dataset_stats(data: Any = None, *, config: ConfigLike = None,
                  progress: Callable[[str], None] | None = None) -> DatasetStats:
    """`sftlint stats`: counts, length distributions, categories, duplicates and the
    findings of a check (without the baseline) of the paths `data` (None: the config's)."""
    from sftlint.engine import CheckResult
    from sftlint.reader import InputError
    from sftlint.stats import compute_stats

    if data is not None and _paths(data) is None:  # it read nothing and said 0 records
        raise InputError("dataset_stats reads files: pass paths (write records in memory to "
                         "a .jsonl file first)")
    cfg, _ = load(config)
    report = check(data, config=cfg, baseline=False, progress=progress)
    tokenizer = None
    if cfg.tokens.tokenizer:
        from sftlint.trainer.data import load_tokenizer

        tokenizer = load_tokenizer(cfg.resolve(cfg.tokens.tokenizer))
    return compute_stats(report.targets, cfg, CheckResult(findings=report.findings),
                         tokenizer, progress)
