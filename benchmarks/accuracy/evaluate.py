#!/usr/bin/env python3
"""Precision and recall of the style rules (A001, A002, U003) on hand-labeled texts.

Each labeled text is wrapped in a one-turn record (a system prompt, a user turn and an
assistant reply), read and normalized by sftlint's own reader, and checked by the real rule
classes with their default options. A text counts as flagged when the rule reports its turn.

    python benchmarks/accuracy/evaluate.py                        # the tables in docs/accuracy.md
    python benchmarks/accuracy/evaluate.py --split all --errors   # and the misses, to tune on
    python benchmarks/accuracy/evaluate.py --no-heldout           # development data only
    python benchmarks/accuracy/evaluate.py --patterns-only        # A001/U003 without the scorer

Data: benchmarks/accuracy/data/replies.jsonl (`lecturing`, `checklist`) and
user_turns.jsonl (`formal`); every item has `text` and `split` (dev | test). More sets in the
same layout, each reported as its own table whatever its items' `split` says:
benchmarks/accuracy/data_v2, data_v3, ... ("v2", "v3", ...: earlier held-out sets, each measured
once as such and then made development data) and benchmarks/accuracy/heldout ("heldout":
the newest set, written blind, never tuned on). Each is skipped where its folder is absent.
benchmarks/accuracy/real/r3, r4, ... ("real3", ...): samples of ../shared/realdata labeled
blind, stored as locators and hashes (their text is read back from there, and they are left
out where it is absent); measured, never trained on.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

DATA = Path(__file__).resolve().parent / "data"
# Earlier held-out sets, each measured once as such and then made development data.
LATER_SETS = {f"v{n}": Path(__file__).resolve().parent / f"data_v{n}" for n in sorted(
    int(p.name.removeprefix("data_v")) for p in Path(__file__).resolve().parent.glob("data_v*"))}
HELDOUT = Path(__file__).resolve().parent / "heldout"
# Samples of ../shared/realdata labeled blind (round 18 on), stored as locators and hashes:
# measured, never trained on ("real3", "real4", ...; left out where that folder is absent).
REAL_SETS = {f"real{p.name.removeprefix('r')}": p for p in sorted(
    (Path(__file__).resolve().parent / "real").glob("r*")) if p.is_dir()}
# rule code -> (data file, label, role of the labeled turn)
TASKS = {
    "A001": ("replies", "lecturing", "assistant"),
    "A002": ("replies", "checklist", "assistant"),
    "U003": ("user_turns", "formal", "user"),
}
SPLITS = ("dev", "test", "all")  # and "v2", "v3", ... and "heldout": every item of those folders
SYSTEM = "你是一位耐心的陪伴者。"
FILLER_USER = "今天有点闷。"
FILLER_REPLY = "嗯，我在听，您慢慢说。"


@dataclass
class Confusion:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: list[tuple[str, dict[str, object]]] = field(default_factory=list)

    def add(self, truth: bool, flagged: bool, item: dict[str, object]) -> None:
        if truth and flagged:
            self.tp += 1
        elif flagged:
            self.fp += 1
            self.errors.append(("FP", item))
        elif truth:
            self.fn += 1
            self.errors.append(("FN", item))
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn


def load(data_dir: Path, name: str) -> list[dict[str, object]]:
    """The items of `name` ("replies" or "user_turns") that have their text.

    Items sampled from ../shared/realdata carry only a locator and a hash; the data folder's
    own load.py reads their text back from there (and leaves them out where it is absent).
    """
    loader = data_dir / "load.py"
    if not (data_dir / f"{name}.jsonl").exists():
        return []
    if loader.exists():
        return list(_loader(loader).load(name))
    with (data_dir / f"{name}.jsonl").open(encoding="utf-8") as f:
        items = [json.loads(line) for line in f if line.strip()]
    if any(i.get("text") is None for i in items) and (DATA / "load.py").exists():
        # a folder without its own loader whose real-data items carry only a locator and a
        # hash: read them back as the development set's loader does, where it can
        items = _resolve(items, _loader(DATA / "load.py"))
    return [i for i in items if i.get("text") is not None]


def _loader(path: Path) -> ModuleType:
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"accuracy_load_{path.parent.name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _resolve(items: list[dict[str, object]], loader: ModuleType) -> list[dict[str, object]]:
    root = loader.REALDATA
    texts = loader._real_texts(root) if root.is_dir() else {}
    out = []
    for item in items:
        if item.get("text") is None:
            text = texts.get(str(item.get("source")))
            if text is not None and loader.text_hash(text) == item.get("text_sha256"):
                item = {**item, "text": text}
        out.append(item)
    return out


def flagged_items(code: str, texts: list[str], role: str, use_scorer: bool = True) -> list[bool]:
    """Which of `texts` the rule `code` reports, run as sftlint runs it (with its learned
    scorer switched off when `use_scorer` is false, to measure the patterns alone)."""
    from sftlint.config import parse_config
    from sftlint.formats.jsonl import JSON_LINES
    from sftlint.records import detect_shape, normalize
    from sftlint.registry import rule_by_key, rule_options
    from sftlint.rule import RecordRule

    rule_cls = rule_by_key(code)
    assert rule_cls is not None and issubclass(rule_cls, RecordRule), code
    config = parse_config({}, "evaluate", ".")
    options = rule_options(rule_cls, config)
    if not use_scorer and "scorer" in type(options).model_fields:
        options = options.model_copy(update={"scorer": False})
    rule = rule_cls(options)
    lines = []
    for text in texts:
        user, reply = (text, FILLER_REPLY) if role == "user" else (FILLER_USER, text)
        lines.append(json.dumps({"messages": [
            {"role": "system", "content": SYSTEM}, {"role": "user", "content": user},
            {"role": "assistant", "content": reply}]}, ensure_ascii=False))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    _, raws = JSON_LINES.read_bytes("items.jsonl", data, False)
    pointer = "/messages/2/content" if role == "assistant" else "/messages/1/content"
    shape = detect_shape({"messages": []})
    flagged = []
    for raw in raws:
        record = normalize(raw, "items.jsonl", shape, None)
        flagged.append(any(f.pointer == pointer for f in rule.check(record)))
    return flagged


def has_data(data_dir: Path) -> bool:
    return any((data_dir / f"{name}.jsonl").exists() for name in ("replies", "user_turns"))


def evaluate(data_dir: Path = DATA, codes: Iterable[str] = TASKS,
             splits: Iterable[str] = SPLITS, use_scorer: bool = True,
             ) -> dict[tuple[str, str], Confusion]:
    """Confusion counts per (rule, split); split "all" is dev and test together, and
    split "heldout" is every item of `data_dir` whatever its own split."""
    results: dict[tuple[str, str], Confusion] = {}
    wanted = list(splits)
    loaded: dict[str, list[dict[str, object]]] = {}
    for code in codes:
        name, label, role = TASKS[code]
        if name not in loaded:
            loaded[name] = load(data_dir, name)
        items = [i for i in loaded[name] if label in i]
        if not items:
            continue
        flags = flagged_items(code, [str(i["text"]) for i in items], role, use_scorer)
        for split in wanted:
            conf = Confusion()
            for item, flag in zip(items, flags, strict=True):
                whole = split in ("all", "heldout", *LATER_SETS, *REAL_SETS)
                if whole or item.get("split") == split:
                    conf.add(bool(item[label]), flag, item)
            results[(code, split)] = conf
    return results


def markdown(results: dict[tuple[str, str], Confusion]) -> str:
    out = []
    for (code, split), c in results.items():
        label = TASKS[code][1]
        out += [f"**{code}** ({label}), {split} split: {c.n} texts, "
                f"precision {c.precision:.3f}, recall {c.recall:.3f}", "",
                f"| | labeled {label} | labeled not |", "|---|---:|---:|",
                f"| flagged | {c.tp} | {c.fp} |", f"| not flagged | {c.fn} | {c.tn} |", ""]
    return "\n".join(out)


def summary(results: dict[tuple[str, str], Confusion]) -> str:
    rows = ["| rule | split | texts | TP | FP | FN | TN | precision | recall |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for (code, split), c in results.items():
        rows.append(f"| {code} | {split} | {c.n} | {c.tp} | {c.fp} | {c.fn} | {c.tn} | "
                    f"{c.precision:.3f} | {c.recall:.3f} |")
    return "\n".join(rows)


def by_hard_class(results: dict[tuple[str, str], Confusion]) -> str:
    rows = []
    for (code, split), c in results.items():
        classes = Counter(f"{kind} {item.get('hard_class') or '-'}" for kind, item in c.errors)
        if classes:
            rows.append(f"{code} {split}: " + ", ".join(f"{k} x{v}" for k, v in
                                                        sorted(classes.items())))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--split", choices=SPLITS, action="append",
                        help="dev, test or all (repeatable; default: all three)")
    parser.add_argument("--rule", choices=sorted(TASKS), action="append")
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--no-heldout", action="store_true",
                        help="leave the held-out set out (to tune without seeing it)")
    parser.add_argument("--patterns-only", action="store_true",
                        help="run A001 and U003 without their n-gram scorer")
    parser.add_argument("--errors", action="store_true", help="list the misclassified texts")
    args = parser.parse_args(argv)
    if not (args.data / "replies.jsonl").exists():
        print(f"no labeled data in {args.data}", file=sys.stderr)
        return 2
    codes = args.rule or list(TASKS)
    use_scorer = not args.patterns_only
    results = evaluate(args.data, codes, args.split or SPLITS, use_scorer)
    for name, folder in LATER_SETS.items():
        if has_data(folder):
            results.update(evaluate(folder, codes, [name], use_scorer))
    if not args.no_heldout and has_data(args.heldout):
        results.update(evaluate(args.heldout, codes, ["heldout"], use_scorer))
    for name, folder in REAL_SETS.items():
        if has_data(folder) and load(folder, "replies"):
            results.update(evaluate(folder, codes, [name], use_scorer))
    print(summary(results))
    for folder in (args.data, *LATER_SETS.values(), None if args.no_heldout else args.heldout,
                   *REAL_SETS.values()):
        for name in ("replies", "user_turns"):
            if folder is not None and (folder / f"{name}.jsonl").exists():
                total = sum(1 for line in (folder / f"{name}.jsonl").open(encoding="utf-8")
                            if line.strip())
                missing = total - len(load(folder, name))
                if missing:
                    print(f"\n{folder.name}/{name}.jsonl: {missing} of {total} items left out "
                          "(their text is in ../shared/realdata, which was not found)")
    print()
    print(markdown(results))
    if args.errors:
        print()
        print(by_hard_class(results))
        for (code, split), c in results.items():
            for kind, item in c.errors:
                print(f"{code} {split} {kind} [{item.get('hard_class') or '-'}] "
                      f"{item.get('id')}: {item['text']!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
