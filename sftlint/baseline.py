"""Baselines: known findings keyed by rule code and the records' content, not their lines.

A baseline lets a project adopt sftlint on existing data and fail only on new defects.
Reordering records or inserting new ones leaves the keys of the old ones unchanged:

- a finding on one record is keyed `CODE:<record hash>` with a count; a file-, dataset- or
  project-level finding, which has no record, `CODE:<path relative to the project
  root>:<message>`: its message holds what it measured (B004's record count, B001's
  category counts), so a dataset that gets worse is a new finding, not a known one;
- a finding about several records (D002: a record and the one it nearly duplicates) is
  known when all its records belong to one recorded group of that code. Shuffling a file
  changes which record of a group is "the earlier one", never the group, and a new
  near-duplicate is not in it.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field

from sftlint.config import ConfigError, refuse_to_replace, require_regular_file
from sftlint.findings import Finding

VERSION = 3  # 3: findings without a record are keyed by their message too
MAX_COUNT = 10**9


@dataclass
class Baseline:
    counts: Counter[str] = field(default_factory=Counter)
    # code -> record hash -> group number: the records of each known group of that code
    groups: dict[str, dict[str, int]] = field(default_factory=dict)


def finding_key(f: Finding) -> str:
    if f.record_key:
        return f"{f.code}:{f.record_key}"
    return f"{f.code}:{f.path}:{f.message}"


def _is_group(f: Finding) -> bool:
    return bool(f.related_keys) and f.record_key is not None


def _groups(findings: list[Finding]) -> list[tuple[str, list[str]]]:
    """(code, sorted record hashes) per connected group of multi-record findings."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(node: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for f in findings:
        assert f.record_key is not None
        here = root((f.code, f.record_key))
        for other in f.related_keys:
            there = root((f.code, other))
            if there != here:
                parent[there] = here
    members: dict[tuple[str, str], list[str]] = {}
    for node in list(parent):
        members.setdefault(root(node), []).append(node[1])
    return sorted((top[0], sorted(keys)) for top, keys in members.items())


def write_baseline(path: str, findings: list[Finding]) -> None:
    refuse_to_replace(path, "a sftlint baseline", lambda head: b'"tool": "sftlint"' in head)
    counts = Counter(finding_key(f) for f in findings if not _is_group(f))
    data = {"version": VERSION, "tool": "sftlint",
            "findings": [{"key": k, "count": n} for k, n in sorted(counts.items())],
            "groups": [{"code": code, "records": keys}
                       for code, keys in _groups([f for f in findings if _is_group(f)])]}
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    try:
        from sftlint.fixer import write_atomically  # a run that only reads one needs none

        write_atomically(path, text.encode())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write baseline: {exc.strerror}") from None


def read_baseline(path: str) -> Baseline:
    if os.path.lexists(path):  # else: "not found", with how to create it
        require_regular_file(path, "the baseline")
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        return _parse_baseline(data)
    except FileNotFoundError:
        raise ConfigError(f"{path}: baseline not found; create it with "
                          "`sftlint check --write-baseline FILE`") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a sftlint baseline (not UTF-8); write it again with "
                          "`sftlint check --write-baseline FILE`") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a sftlint baseline ({exc}); write it again with "
                          "`sftlint check --write-baseline FILE`") from None


def _parse_baseline(data: object) -> Baseline:
    """A baseline from its JSON, or ValueError saying what is wrong (the file is data, not
    trusted: every field is checked)."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    version = data.get("version")
    if type(version) is not int or version not in (1, 2, VERSION):  # true == 1 in Python
        raise ValueError(f"unsupported baseline version {version!r}")
    items, groups = data.get("findings"), data.get("groups", [])
    if not isinstance(items, list) or not isinstance(groups, list):
        raise ValueError('"findings" and "groups" must be lists')
    baseline = Baseline()
    for i, item in enumerate(items):
        key = item.get("key") if isinstance(item, dict) else None
        count = item.get("count") if isinstance(item, dict) else None
        if not isinstance(key, str) or type(count) is not int or not 0 < count <= MAX_COUNT:
            raise ValueError(f"findings[{i}] must be {{\"key\": a string, \"count\": a whole "
                             f"number from 1 to {MAX_COUNT}}}")
        baseline.counts[key] += count
    for number, group in enumerate(groups):
        code = group.get("code") if isinstance(group, dict) else None
        records = group.get("records") if isinstance(group, dict) else None
        if not isinstance(code, str) or not isinstance(records, list) or \
                not all(isinstance(k, str) for k in records):
            raise ValueError(f'groups[{number}] must be {{"code": a string, "records": a list '
                             "of record hashes}")
        members = baseline.groups.setdefault(code, {})
        for key in records:
            members[key] = number
    return baseline


def apply_baseline(findings: list[Finding], known: Baseline) -> tuple[list[Finding], int]:
    """(new findings, number hidden): each counted entry hides as many as it counted; a
    multi-record finding is hidden when all its records are in one known group."""
    remaining = Counter(known.counts)
    new: list[Finding] = []
    hidden = 0
    for f in findings:
        if _is_group(f):
            members = known.groups.get(f.code, {})
            numbers = {members.get(k) for k in (f.record_key or "", *f.related_keys)}
            if len(numbers) == 1 and None not in numbers:
                hidden += 1
            else:
                new.append(f)
            continue
        key = finding_key(f)
        if remaining[key] > 0:
            remaining[key] -= 1
            hidden += 1
        else:
            new.append(f)
    return new, hidden
