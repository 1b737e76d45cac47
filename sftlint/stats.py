"""`sftlint stats`: what a dataset looks like (lengths, turns, categories, duplicates, findings)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sftlint.config import Config
from sftlint.dedup import clusters, find_near_duplicates
from sftlint.engine import CheckResult, collect_datasets, iter_records
from sftlint.rules.categories import UNCATEGORIZED, category_of
from sftlint.rules.duplicates import sample_text


@dataclass
class Distribution:
    values: list[int]

    def percentile(self, q: float) -> int:
        return int(np.percentile(self.values, q)) if self.values else 0

    def summary(self) -> dict[str, int]:
        return {"p50": self.percentile(50), "p90": self.percentile(90),
                "p99": self.percentile(99), "max": max(self.values, default=0)}

    def histogram(self, bins: int = 20) -> tuple[list[int], list[float]]:
        if not self.values:
            return [], []
        counts, edges = np.histogram(self.values, bins=bins)
        return counts.tolist(), edges.tolist()


@dataclass
class DatasetStats:
    files: int = 0
    records: int = 0
    turns: Counter[int] = field(default_factory=Counter)
    user_chars: Distribution = field(default_factory=lambda: Distribution([]))
    assistant_chars: Distribution = field(default_factory=lambda: Distribution([]))
    user_tokens: Distribution | None = None
    assistant_tokens: Distribution | None = None
    categories: Counter[str] = field(default_factory=Counter)
    category_targets: dict[str, float] = field(default_factory=dict)
    duplicate_clusters: list[list[str]] = field(default_factory=list)
    findings: Counter[tuple[str, str, str]] = field(default_factory=Counter)


def compute_stats(paths: list[str], config: Config, check: CheckResult,
                  tokenizer: object | None = None,
                  progress: Callable[[str], None] | None = None) -> DatasetStats:
    stats = DatasetStats()
    say = progress or (lambda message: None)
    texts: list[str] = []
    places: list[str] = []
    for dataset in collect_datasets(paths, config.exclude):
        for path in dataset.files:
            say(f"sftlint stats: reading {path}")
            stats.files += 1
            for record in iter_records(path, config):
                stats.records += 1
                row = record.row()
                users = [m.content for m in record.messages if m.role == "user"]
                replies = [m.content for m in record.messages if m.role == "assistant"]
                stats.turns[len(users)] += 1
                stats.user_chars.values.extend(len(u) for u in users)
                stats.assistant_chars.values.extend(len(a) for a in replies)
                if tokenizer is not None:
                    encode = tokenizer.encode  # type: ignore[attr-defined]
                    stats.user_tokens = stats.user_tokens or Distribution([])
                    stats.assistant_tokens = stats.assistant_tokens or Distribution([])
                    stats.user_tokens.values.extend(len(encode(u)) for u in users)
                    stats.assistant_tokens.values.extend(len(encode(a)) for a in replies)
                if config.categories:
                    stats.categories[category_of(row, config.categories) or UNCATEGORIZED] += 1
                texts.append(sample_text(row))
                places.append(f"{record.path}:{record.line}")
    if config.categories:
        names = config.categories.all_names
        if config.categories.expected:
            stats.category_targets = {n: float(v) for n, v in config.categories.expected.items()}
        elif names:
            known = sum(stats.categories[n] for n in names)
            stats.category_targets = {n: known / len(names) for n in names}
    say(f"sftlint stats: duplicate clusters among {len(texts)} records")
    exact: dict[str, int] = {}
    pairs = []
    for i, text in enumerate(texts):
        first = exact.setdefault(text, i)
        if first != i:
            pairs.append((first, i, 100.0))
    unique = list(exact.values())
    near = find_near_duplicates([texts[i] for i in unique], 90)
    pairs += [(unique[i], unique[j], s) for i, j, s in near]
    stats.duplicate_clusters = [[places[i] for i in group] for group in clusters(pairs)]
    stats.findings = Counter((f.code, f.name, f.severity.value) for f in check.findings)
    say("")
    return stats


def render_table(stats: DatasetStats) -> str:
    lines = [f"records      {stats.records} in {stats.files} file(s)",
             "user turns   " + ", ".join(f"{n} turn(s): {c}"
                                       for n, c in sorted(stats.turns.items())),
             "",
             f"{'length':<22}{'p50':>7}{'p90':>7}{'p99':>7}{'max':>8}"]
    rows = [("user (chars)", stats.user_chars), ("assistant (chars)", stats.assistant_chars)]
    if stats.user_tokens and stats.assistant_tokens:
        rows += [("user (tokens)", stats.user_tokens),
                 ("assistant (tokens)", stats.assistant_tokens)]
    for label, dist in rows:
        s = dist.summary()
        lines.append(f"{label:<22}{s['p50']:>7}{s['p90']:>7}{s['p99']:>7}{s['max']:>8}")
    if stats.categories:
        lines += ["", f"{'category':<22}{'count':>7}{'target':>8}"]
        for name in sorted(set(stats.categories) | set(stats.category_targets)):
            target = stats.category_targets.get(name)
            shown = f"{target:>8.0f}" if target is not None else f"{'-':>8}"
            lines.append(f"{name:<22}{stats.categories[name]:>7}{shown}")
    lines += ["", f"duplicate clusters: {len(stats.duplicate_clusters)}"]
    for group in stats.duplicate_clusters[:10]:
        lines.append("  " + ", ".join(group[:6]) + (" ..." if len(group) > 6 else ""))
    if stats.findings:
        lines += ["", f"{'findings':<30}{'count':>7}"]
        for (code, name, severity), n in sorted(stats.findings.items()):
            lines.append(f"{code} {name:<25}{n:>7}  {severity}")
    return "\n".join(lines)


def stats_dict(stats: DatasetStats) -> dict[str, object]:
    """The stats as plain JSON values (`sftlint stats --format json`)."""
    lengths: dict[str, object] = {"user_chars": stats.user_chars.summary(),
                                  "assistant_chars": stats.assistant_chars.summary()}
    if stats.user_tokens and stats.assistant_tokens:
        lengths["user_tokens"] = stats.user_tokens.summary()
        lengths["assistant_tokens"] = stats.assistant_tokens.summary()
    names = sorted(set(stats.categories) | set(stats.category_targets))
    return {
        "files": stats.files,
        "records": stats.records,
        "user_turns": {str(n): c for n, c in sorted(stats.turns.items())},
        "lengths": lengths,
        "categories": [{"name": n, "count": stats.categories[n],
                        "target": stats.category_targets.get(n)} for n in names],
        "duplicate_clusters": stats.duplicate_clusters,
        "findings": [{"code": code, "name": name, "severity": severity, "count": n}
                     for (code, name, severity), n in sorted(stats.findings.items())],
    }


def render_json(stats: DatasetStats) -> str:
    return json.dumps(stats_dict(stats), ensure_ascii=False, indent=2)
