"""The filter step between the rules and the reporters: paths made relative to the project
root, then per-file ignores, reviewed exceptions, the baseline and severity overrides.

Select and ignore act earlier (a rule that is not selected does not run).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING

from sftlint.config import Config, relative_path
from sftlint.findings import Finding
from sftlint.registry import _matches, rule_by_key, severity_overrides

if TYPE_CHECKING:  # a run with a baseline imports it (and the fixer's atomic writes)
    from sftlint.baseline import Baseline


@dataclass
class Filtered:
    findings: list[Finding]
    hidden_by_baseline: int = 0
    excepted: int = 0  # hidden by a reviewed exception
    ignored: int = 0  # hidden by per-file-ignores
    paths: list[str] = field(default_factory=list)


def project_root(config: Config) -> str:
    """The folder every reported path is relative to: the config file's folder, or the
    working directory when there is no config file (as ruff does)."""
    return str(config.project_value("project-root"))


def relative_findings(findings: list[Finding], root: str) -> list[Finding]:
    cache: dict[str, str] = {}
    out = []
    for f in findings:
        rel = cache.get(f.path)
        if rel is None:
            rel = cache[f.path] = relative_path(f.path, root)
        out.append(f if rel == f.path else replace(f, path=rel))
    return out


def _ignored_here(f: Finding, per_file: dict[str, list[str]]) -> bool:
    base = f.path.rsplit("/", 1)[-1]
    rule = rule_by_key(f.code)
    for pattern, codes in per_file.items():
        target = f.path if "/" in pattern else base
        if not fnmatch.fnmatchcase(target, pattern.removeprefix("./")):
            continue
        if any(_matches(rule, c) if rule else f.code.startswith(c.upper()) for c in codes):
            return True
    return False


def _exception_for(f: Finding, exceptions: list[tuple[str, str, str | None]], spent: set[int]
                   ) -> int | None:
    """The index of the exception that accepts `f`, or None.

    A finding about a pair of records (D002, reported on whichever comes later) is accepted
    by an exception that names both, `record` and `related`, in either order: reordering
    the file does not undo the review, and a new near-duplicate of either record (another
    pair) is reported. A dataset rule's finding takes one exception of its own: copies of a
    record share its hash, so an exception reviewed for one repeat would otherwise accept
    every later copy."""
    if f.record_key is None:
        return None
    about = {f.record_key, *f.related_keys}
    one_each = _about_several_records(f.code)
    for i, (code, record, related) in enumerate(exceptions):
        named = {record} if related is None else {record, related}
        if f.code == code and named == about and not (one_each and i in spent):
            return i
    return None


@cache
def _about_several_records(code: str) -> bool:
    from sftlint.rule import Scope

    rule = rule_by_key(code)
    return rule is not None and rule.scope == Scope.DATASET


def filter_findings(findings: list[Finding], config: Config, baseline: Baseline | None = None,
                    paths: list[str] | None = None) -> Filtered:
    """Findings as reported: relative paths, filtered, severities overridden, sorted."""
    root = project_root(config)
    result = Filtered([], paths=[relative_path(p, root) for p in paths or []])
    exceptions = []
    for e in config.exceptions:
        rule = rule_by_key(e.code)
        exceptions.append((rule.code if rule else e.code, e.record, e.related))
    kept = []
    spent: set[int] = set()  # the exceptions that accepted a dataset rule's finding
    for f in sorted(relative_findings(findings, root), key=Finding.sort_key):
        if config.per_file_ignores and _ignored_here(f, config.per_file_ignores):
            result.ignored += 1
        elif exceptions and (used := _exception_for(f, exceptions, spent)) is not None:
            spent.add(used)
            result.excepted += 1
        else:
            kept.append(f)
    if baseline is not None:
        from sftlint.baseline import apply_baseline

        kept, result.hidden_by_baseline = apply_baseline(kept, baseline)
    overrides = severity_overrides(config)
    if overrides:
        kept = [replace(f, severity=overrides[f.code])
                if f.code in overrides and f.severity != overrides[f.code] else f for f in kept]
    result.findings = kept
    return result
