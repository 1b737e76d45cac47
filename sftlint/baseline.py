"""Baselines: known findings keyed by rule code and the record's content, not its line.

A baseline lets a project adopt sftlint on existing data and fail only on new defects.
Reordering records or inserting new ones leaves the keys of the old ones unchanged.
"""

from __future__ import annotations

import json
from collections import Counter

from sftlint.config import ConfigError
from sftlint.findings import Finding
from sftlint.fixer import write_atomically

VERSION = 1


def finding_key(f: Finding) -> str:
    # Findings without a record (file- and dataset-level) are keyed by where they are.
    return f"{f.code}:{f.record_key or f.path}"


def write_baseline(path: str, findings: list[Finding]) -> None:
    counts = Counter(finding_key(f) for f in findings)
    data = {"version": VERSION, "tool": "sftlint",
            "findings": [{"key": k, "count": n} for k, n in sorted(counts.items())]}
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    try:
        write_atomically(path, text.encode())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write baseline: {exc.strerror}") from None


def read_baseline(path: str) -> Counter[str]:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if data.get("version") != VERSION:
            raise ValueError(f"unsupported baseline version {data.get('version')!r}")
        return Counter({item["key"]: int(item["count"]) for item in data["findings"]})
    except FileNotFoundError:
        raise ConfigError(f"{path}: baseline not found; create it with "
                          "`sftlint check --write-baseline FILE`") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"{path}: not a sftlint baseline ({exc})") from None


def apply_baseline(findings: list[Finding], known: Counter[str]) -> tuple[list[Finding], int]:
    """(new findings, number hidden): each baseline entry hides as many as it counted."""
    remaining = Counter(known)
    new: list[Finding] = []
    hidden = 0
    for f in findings:
        key = finding_key(f)
        if remaining[key] > 0:
            remaining[key] -= 1
            hidden += 1
        else:
            new.append(f)
    return new, hidden
