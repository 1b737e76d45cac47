"""`sftlint stats`: what a dataset looks like (lengths, turns, categories, duplicates, findings)."""

from __future__ import annotations

import difflib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from sftlint.config import Config
from sftlint.dedup import clusters, find_near_duplicates
from sftlint.engine import CheckResult, iter_records
from sftlint.filtering import project_root, relative_path
from sftlint.findings import Finding
from sftlint.records import Record, turn_pointer
from sftlint.reporters import printable
from sftlint.rule import content_literal, locate
from sftlint.rules.categories import UNCATEGORIZED, category_of, category_targets
from sftlint.rules.duplicates import near_comparable, sample_text


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


EXAMPLES_PER_RULE = 5  # findings shown with their record, per rule
CLUSTERS_SHOWN = 50  # duplicate clusters shown with their text, largest first
MEMBERS_SHOWN = 40  # places shown per cluster
DIFFS_SHOWN = 5  # near-duplicate members shown as a diff against the first, per cluster
TEXT_SHOWN = 2000  # characters of a turn or cluster text shown


@dataclass
class Turn:
    role: str
    text: str
    pointer: str


@dataclass
class Example:
    """One finding with the record it is about, for the report."""

    finding: Finding
    turns: list[Turn] = field(default_factory=list)  # empty: the finding is no record's
    target: int | None = None  # the turn at the finding's pointer
    span: tuple[int, int] | None = None  # characters of that turn to highlight
    line_text: str | None = None  # the file line, for a line that holds no record (F006)


@dataclass
class RuleFindings:
    code: str
    name: str
    severity: str
    count: int
    examples: list[Example]


@dataclass
class Cluster:
    exact: bool  # every member has the first member's text
    size: int
    user: str  # the first member's compared text (normalized), user and assistant side
    assistant: str
    files: list[tuple[str, list[int]]]  # members: each file once, with its lines (capped)
    hidden: int  # members not listed
    diffs: list[tuple[str, float, list[tuple[str, str]]]]  # ("path:line", similarity, ops)


@dataclass
class KindStats:
    """Tool calls, reasoning, preference pairs and media, where records carry them."""

    tool_calls: Counter[str] = field(default_factory=Counter)  # function name -> calls
    replies: int = 0
    replies_with_reasoning: int = 0
    pair_similarity: Distribution = field(default_factory=lambda: Distribution([]))
    media: Counter[str] = field(default_factory=Counter)  # image/video/audio -> references

    def any(self) -> bool:
        return bool(self.tool_calls or self.replies_with_reasoning
                    or self.pair_similarity.values or self.media)


@dataclass
class Limits:
    """Configured limits drawn on the histograms (None: the rule is off)."""

    user_max_chars: int | None = None  # U001
    user_min_chars: int | None = None  # U002
    assistant_min_chars: int | None = None  # A003
    assistant_max_chars: int | None = None
    max_tokens: int | None = None  # [tokens] max-length, with a tokenizer
    tolerance: float | None = None  # B001


@dataclass
class TrainingTokens:
    """Tokens of one SFT epoch as the trainer renders, truncates and masks the records."""

    records: int = 0
    tokens: int = 0  # within max-length
    trainable: int = 0  # of those, the ones that carry loss
    not_rendered: int = 0  # records the template cannot render (the gate refuses them)

    def add(self, tokenizer: object, record: Record, max_length: int) -> None:
        from sftlint.trainer.data import (
            IGNORE_INDEX,
            TemplateError,
            chat_messages,
            chat_tools,
            encode,
        )

        if record.pair is not None or record.problems:
            return  # preference pairs train with DPO/KTO, and broken records not at all
        try:
            encoded = encode(tokenizer, chat_messages(record), max_length, chat_tools(record))
        except TemplateError:
            self.not_rendered += 1
            return
        self.records += 1
        self.tokens += len(encoded.input_ids)
        self.trainable += sum(label != IGNORE_INDEX for label in encoded.labels)


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
    rule_findings: list[RuleFindings] = field(default_factory=list)
    clusters_shown: list[Cluster] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)
    kinds: KindStats = field(default_factory=KindStats)
    training: TrainingTokens | None = None  # with a tokenizer: what one epoch trains on


def compute_stats(paths: list[str], config: Config, check: CheckResult,
                  tokenizer: object | None = None,
                  progress: Callable[[str], None] | None = None) -> DatasetStats:
    stats = DatasetStats()
    say = progress or (lambda message: None)
    root = project_root(config)
    picked = pick_examples(check.findings)
    wanted = _ExampleIndex(picked)
    texts: list[str] = []
    places: list[str] = []
    for dataset in config.datasets(paths):
        for path in dataset.files:
            say(f"sftlint stats: reading {printable(path)}")
            stats.files += 1
            shown = relative_path(path, root)  # as findings show it
            here = wanted.by_path.get(relative_path(path, root))
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
                    stats.training = stats.training or TrainingTokens()
                    stats.training.add(tokenizer, record, config.tokens.max_length)
                if config.categories:
                    stats.categories[category_of(row, config.categories) or UNCATEGORIZED] += 1
                if here:
                    wanted.fill(record, here)
                _count_kinds(stats.kinds, record)
                texts.append(sample_text(row))
                places.append(f"{shown}:{record.line}")
    wanted.fill_lines(root)
    if config.categories:
        stats.category_targets = category_targets(config.categories, config.expected_records,
                                                  stats.categories)  # B001's
    say(f"sftlint stats: duplicate clusters among {len(texts)} records")
    exact: dict[str, int] = {}
    pairs = []
    for i, text in enumerate(texts):
        first = exact.setdefault(text, i)
        if first != i:
            pairs.append((first, i, 100.0))
    # D002's bound: a text past it costs quadratic time and several GB to compare
    unique = [i for i in exact.values() if near_comparable(texts[i])]
    near = find_near_duplicates([texts[i] for i in unique], 90)
    pairs += [(unique[i], unique[j], s) for i, j, s in near]
    groups = clusters(pairs)
    stats.duplicate_clusters = [[places[i] for i in group] for group in groups]
    stats.clusters_shown = shown_clusters(groups, texts, places)
    stats.findings = Counter((f.code, f.name, f.severity.value) for f in check.findings)
    stats.rule_findings = rule_findings(check.findings, picked)
    stats.limits = configured_limits(config, tokenizer is not None)
    say("")
    return stats


def configured_limits(config: Config, tokens: bool) -> Limits:
    """The limits of the selected rules that the length histograms draw."""
    from sftlint.registry import rule_by_key, rule_options, select_rules

    selected = {rule.code for rule in select_rules(config.select, config.ignore)}

    def option(code: str, name: str) -> int | None:
        rule = rule_by_key(code)
        if rule is None or code not in selected:
            return None
        value = getattr(rule_options(rule, config), name, None)
        return value if isinstance(value, int) else None

    return Limits(user_max_chars=option("U001", "max_chars"),
                  user_min_chars=option("U002", "min_chars"),
                  assistant_min_chars=option("A003", "min_chars"),
                  assistant_max_chars=option("A003", "max_chars"),
                  max_tokens=config.tokens.max_length if tokens else None,
                  tolerance=config.categories.tolerance if config.categories else None)


def _count_kinds(kinds: KindStats, record: Record) -> None:
    for m in record.messages:
        if m.role == "assistant":
            calls = m.tool_calls or ()
            if m.content or not calls:  # a turn that only calls a tool is no reply
                kinds.replies += 1
                kinds.replies_with_reasoning += bool(m.reasoning)
            for call in calls:
                kinds.tool_calls[call.name or "(no name)"] += 1
        for ref in m.media or ():
            kinds.media[ref.kind] += 1
    for ref in record.media or ():
        kinds.media[ref.kind] += 1
    pair = record.pair
    if pair is not None and pair.chosen and pair.rejected:
        from rapidfuzz.fuzz import ratio

        kinds.pair_similarity.values.append(round(ratio(
            "\n".join(m.content for m in pair.chosen),
            "\n".join(m.content for m in pair.rejected))))


def pick_examples(findings: Iterable[Finding],
                  per_rule: int = EXAMPLES_PER_RULE) -> dict[str, list[Example]]:
    """The first `per_rule` findings of each rule (in report order), to show with records."""
    picked: dict[str, list[Example]] = {}
    for f in findings:
        shown = picked.setdefault(f.code, [])
        if len(shown) < per_rule:
            shown.append(Example(f))
    return picked


def rule_findings(findings: Iterable[Finding],
                  picked: dict[str, list[Example]]) -> list[RuleFindings]:
    """Findings by rule, the most frequent first, each with its examples."""
    counts: Counter[str] = Counter()
    first: dict[str, Finding] = {}
    for f in findings:
        counts[f.code] += 1
        first.setdefault(f.code, f)
    return [RuleFindings(code, first[code].name, first[code].severity.value, n,
                         picked.get(code, []))
            for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


class _ExampleIndex:
    """The examples still to fill, by root-relative path and line."""

    def __init__(self, picked: dict[str, list[Example]]) -> None:
        self.by_path: dict[str, dict[int, list[Example]]] = {}
        for examples in picked.values():
            for e in examples:
                if e.finding.line is not None:
                    self.by_path.setdefault(e.finding.path, {}).setdefault(
                        e.finding.line, []).append(e)

    def fill(self, record: Record, here: dict[int, list[Example]]) -> None:
        first = record.source.line
        raw = record.source.raw
        for line in range(first, first + raw.count(b"\n") + 1):
            examples = here.get(line)
            if not examples:
                continue
            mine: list[Example] = examples
            rest: list[Example] = []  # another record's, on the same line
            if line == first and raw:  # records may share it (a JSON array on one line)
                start = record.source.col0 + 1
                end = start + len(raw.split(b"\n", 1)[0].decode("utf-8", "replace"))
                mine = []
                for e in examples:
                    inside = e.finding.column is None or start <= e.finding.column < end
                    (mine if inside else rest).append(e)
            for e in mine:
                attach_record(e, record)
            if rest:
                here[line] = rest
            else:
                del here[line]

    def fill_lines(self, root: str) -> None:
        """Findings on lines that hold no record (F005, F006): show the line itself."""
        for rel, here in self.by_path.items():
            if not here:
                continue
            path = rel if os.path.isabs(rel) else os.path.join(root, rel)
            try:
                with open(path, "rb") as f:
                    for number, raw in enumerate(f, 1):
                        for e in here.pop(number, ()):
                            text = raw.decode("utf-8", "replace").rstrip("\r\n")
                            e.line_text = text.removeprefix("\ufeff")[:TEXT_SHOWN * 2]
                        if not here:
                            break
            except OSError:
                continue


def attach_record(e: Example, record: Record) -> None:
    """Give the example its record's turns and the span of the finding in its turn."""
    f = e.finding
    e.turns = [Turn(m.role, m.content, m.pointer) for m in record.messages]
    if not f.pointer:
        return
    # the turn whose content (or a value inside it) the finding points at; else the turn
    # whose message object it points into (S002/S007 point at the object). Not by object
    # alone: alpaca's turns are fields of the record itself, xtuner's share one object.
    e.target = next((i for i, m in enumerate(record.messages)
                     if f.pointer == m.pointer or f.pointer.startswith(m.pointer + "/")), None)
    if e.target is None:
        for i, m in enumerate(record.messages):
            turn = turn_pointer(m, record.shape)
            if turn and (f.pointer == turn or f.pointer.startswith(turn + "/")):
                e.target = i
                break
    if e.target is None or not f.length or f.column is None \
            or f.pointer != record.messages[e.target].pointer:  # a span in the content only
        return
    literal = content_literal(record, f.pointer)
    line, column = locate(record, f.pointer)
    if literal is None or column is None or line != f.line:
        return
    content, starts = literal
    index = {offset: i for i, offset in enumerate(starts)}
    start, end = index.get(f.column - column), index.get(f.column - column + f.length)
    if start is not None and end is not None and start < end:
        e.span = start, end


def finding_examples(findings: list[Finding], config: Config,
                     per_rule: int = EXAMPLES_PER_RULE) -> list[RuleFindings]:
    """Findings by rule with examples, reading only the files the examples are in
    (`sftlint check --format html`)."""
    from sftlint.reader import InputError

    root = project_root(config)
    picked = pick_examples(findings, per_rule)
    wanted = _ExampleIndex(picked)
    for rel, here in wanted.by_path.items():
        path = rel if os.path.isabs(rel) else os.path.join(root, rel)
        try:
            for record in iter_records(path, config):
                wanted.fill(record, here)
                if not here:
                    break
        except (OSError, InputError):
            continue
    wanted.fill_lines(root)
    return rule_findings(findings, picked)


def shown_clusters(groups: list[list[int]], texts: list[str], places: list[str],
                   limit: int = CLUSTERS_SHOWN) -> list[Cluster]:
    """The largest clusters with their text, members by file, and near-duplicates' diffs."""
    from rapidfuzz.fuzz import ratio

    shown = []
    for group in sorted(groups, key=lambda g: (-len(g), min(g)))[:limit]:
        members = sorted(group)
        first = texts[members[0]]
        user, _, assistant = first.partition("\n")
        files: dict[str, list[int]] = {}
        for i in members[:MEMBERS_SHOWN]:
            path, _, line = places[i].rpartition(":")
            files.setdefault(path, []).append(int(line))
        diffs: list[tuple[str, float, list[tuple[str, str]]]] = []
        for i in members[1:]:
            if texts[i] != first and len(diffs) < DIFFS_SHOWN:
                diffs.append((places[i], round(ratio(first, texts[i]), 1),
                              char_diff(first[:TEXT_SHOWN], texts[i][:TEXT_SHOWN])))
        shown.append(Cluster(exact=all(texts[i] == first for i in members), size=len(members),
                             user=user, assistant=assistant, files=list(files.items()),
                             hidden=max(0, len(members) - MEMBERS_SHOWN), diffs=diffs))
    return shown


def char_diff(a: str, b: str) -> list[tuple[str, str]]:
    """`b` against `a` as (op, text) runs: "=" shared, "-" only in a, "+" only in b."""
    ops: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(("=", a[i1:i2]))
        else:
            if i2 > i1:
                ops.append(("-", a[i1:i2]))
            if j2 > j1:
                ops.append(("+", b[j1:j2]))
    return ops


def render_table(stats: DatasetStats) -> str:
    lines = [f"records      {stats.records} in {stats.files} file(s)",
             "user turns   " + ", ".join(f"{n} turn(s): {c}"
                                       for n, c in sorted(stats.turns.items())),
             ""]
    rows = [("user (chars)", stats.user_chars), ("assistant (chars)", stats.assistant_chars)]
    if stats.user_tokens and stats.assistant_tokens:
        rows += [("user (tokens)", stats.user_tokens),
                 ("assistant (tokens)", stats.assistant_tokens)]
    summaries = [(label, dist.summary()) for label, dist in rows]
    # columns as wide as their longest number, one space apart at least: 7-digit lengths
    # (a 30 MB record) ran into each other
    width = max([6, *(len(str(s[k])) for _, s in summaries for k in ("p50", "p90", "p99",
                                                                      "max"))]) + 1
    lines.append(f"{'length':<22}" + "".join(f"{k:>{width}}" for k in ("p50", "p90", "p99",
                                                                        "max")))
    for label, s in summaries:
        lines.append(f"{label:<22}" + "".join(f"{s[k]:>{width}}"
                                              for k in ("p50", "p90", "p99", "max")))
    if stats.categories:
        lines += ["", f"{'category':<22}{'count':>7}{'target':>8}"]
        for name in sorted(set(stats.categories) | set(stats.category_targets)):
            target = stats.category_targets.get(name)
            shown = f"{target:>8.0f}" if target is not None else f"{'-':>8}"
            lines.append(f"{name:<22}{stats.categories[name]:>7}{shown}")
    if stats.training:
        t = stats.training
        lines += ["", f"one epoch    {t.tokens} tokens in {t.records} record(s), {t.trainable} "
                      f"trainable ({t.trainable / max(t.tokens, 1):.0%})"
                  + (f"; {t.not_rendered} record(s) the template cannot render"
                     if t.not_rendered else "")]
    lines += kind_lines(stats.kinds)
    lines += ["", f"duplicate clusters: {len(stats.duplicate_clusters)}"]
    for group in stats.duplicate_clusters[:10]:
        lines.append("  " + places_by_file(group[:6]) + (" ..." if len(group) > 6 else ""))
    if stats.findings:
        lines += ["", f"{'findings':<30}{'count':>7}"]
        for (code, name, severity), n in sorted(stats.findings.items()):
            lines.append(f"{code} {name:<25}{n:>7}  {severity}")
    return "\n".join(printable(line) for line in lines)  # file names may hold controls


def places_by_file(places: list[str]) -> str:
    """"a.jsonl:3, a.jsonl:9, b.jsonl:2" as "a.jsonl: 3, 9; b.jsonl: 2": each path once."""
    lines: dict[str, list[str]] = {}
    for place in places:
        path, _, line = place.rpartition(":")
        lines.setdefault(path, []).append(line)
    return "; ".join(f"{path}: {', '.join(found)}" for path, found in lines.items())


def kind_lines(kinds: KindStats) -> list[str]:
    """Tool calls, reasoning, pairs and media, for the records that carry them."""
    lines: list[str] = []
    if kinds.tool_calls:
        lines += ["", f"{'tool calls':<30}{'count':>7}"]
        lines += [f"{name:<30}{n:>7}" for name, n in kinds.tool_calls.most_common(15)]
        if len(kinds.tool_calls) > 15:
            lines.append(f"... {len(kinds.tool_calls) - 15} more function(s)")
    if kinds.replies_with_reasoning:
        lines += ["", f"reasoning    {kinds.replies_with_reasoning} of {kinds.replies} "
                      f"replies ({kinds.replies_with_reasoning / kinds.replies:.0%})"]
    if kinds.pair_similarity.values:
        s = kinds.pair_similarity.summary()
        lines += ["", f"pairs        chosen vs rejected similarity p50 {s['p50']}, "
                      f"p90 {s['p90']}, p99 {s['p99']}, max {s['max']}"]
    if kinds.media:
        lines += ["", "media        " + ", ".join(f"{kind} {n}" for kind, n in
                                                  sorted(kinds.media.items()))]
    return lines


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
        # places name files, whose names may hold bytes that are not UTF-8 (bad\xff.jsonl)
        "duplicate_clusters": [[printable(p) for p in group]
                               for group in stats.duplicate_clusters],
        "kinds": {"tool_calls": dict(stats.kinds.tool_calls.most_common()),
                  "replies": stats.kinds.replies,
                  "replies_with_reasoning": stats.kinds.replies_with_reasoning,
                  "pair_similarity": (stats.kinds.pair_similarity.summary()
                                      if stats.kinds.pair_similarity.values else None),
                  "media": dict(sorted(stats.kinds.media.items()))},
        "training_tokens": (None if stats.training is None else
                            {"records": stats.training.records,
                             "tokens": stats.training.tokens,
                             "trainable": stats.training.trainable,
                             "not_rendered": stats.training.not_rendered}),
        "findings": [{"code": code, "name": name, "severity": severity, "count": n}
                     for (code, name, severity), n in sorted(stats.findings.items())],
    }


def render_json(stats: DatasetStats) -> str:
    return json.dumps(stats_dict(stats), ensure_ascii=False, indent=2)
