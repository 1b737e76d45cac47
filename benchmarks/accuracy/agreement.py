#!/usr/bin/env python3
"""How far annotators agree on the labels of set v15h, and the rules against each of them.

    python benchmarks/accuracy/agreement.py                 # the table in docs/accuracy.md
    python benchmarks/accuracy/agreement.py --disagreements # and the texts they differ on

The set v15h (the held-out set of rounds 10 and 11, now data_v18) was labeled by its writer
as they wrote each text; two more annotators (data_v18/second_labels/, `a` and `b`) labeled
the same texts blind: each saw only the texts, shuffled, and the guidelines
(data_v2/LABELING.md lines 10-78), never the writer's labels, each other's or a rule.
Agreement is given as the share of texts labeled alike and as Cohen's kappa (agreement
beyond what the two label rates give by chance), and the rule is scored against each
annotator, against the majority of the three, and on the texts all three label alike: if
the labels were a matter of taste, no rule could score much above the annotators'
agreement with each other.
"""

from __future__ import annotations

import argparse
import json
from itertools import combinations

from evaluate import LATER_SETS, TASKS, Confusion, flagged_items

LABELED = LATER_SETS["v18"]  # the set the second annotators labeled
SECOND = LABELED / "second_labels"
ANNOTATORS = ("writer", "a", "b")


def labels(name: str, label: str) -> tuple[list[str], list[str], dict[str, list[bool]]]:
    """(ids, texts, annotator -> labels in id order) for one task."""
    items = [json.loads(line) for line in (LABELED / f"{name}.jsonl").open(encoding="utf-8")]
    ids = [str(item["id"]) for item in items]
    out = {"writer": [bool(item[label]) for item in items]}
    for who in ANNOTATORS[1:]:
        theirs = {}
        for line in (SECOND / f"{name}_{who}.jsonl").open(encoding="utf-8"):
            row = json.loads(line)
            theirs[str(row["id"])] = bool(row[label])
        out[who] = [theirs[i] for i in ids]
    return ids, [str(item["text"]) for item in items], out


def kappa(x: list[bool], y: list[bool]) -> tuple[float, float]:
    """(observed agreement, Cohen's kappa) of two binary labelings."""
    n = len(x)
    observed = sum(a == b for a, b in zip(x, y, strict=True)) / n
    px, py = sum(x) / n, sum(y) / n
    chance = px * py + (1 - px) * (1 - py)
    return observed, (observed - chance) / (1 - chance) if chance < 1 else 1.0


def scored(truth: list[bool], flags: list[bool], keep: list[bool] | None = None) -> Confusion:
    c = Confusion()
    for k, (t, f) in enumerate(zip(truth, flags, strict=True)):
        if keep is None or keep[k]:
            c.add(t, f, {})
    return c


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--disagreements", action="store_true")
    args = parser.parse_args()
    print("| rule (label) | texts | pair | agree | kappa |\n|---|---:|---|---:|---:|")
    rows, notes = [], []
    for code, (name, label, role) in TASKS.items():
        ids, texts, by = labels(name, label)
        for x, y in combinations(ANNOTATORS, 2):
            observed, k = kappa(by[x], by[y])
            print(f"| {code} ({label}) | {len(ids)} | {x} / {y} | {observed:.3f} | {k:.3f} |")
        flags = flagged_items(code, texts, role)
        majority = [sum(v) >= 2 for v in zip(*by.values(), strict=True)]
        unanimous = [len(set(v)) == 1 for v in zip(*by.values(), strict=True)]
        for truth, keep, against in (
                *((by[w], None, w) for w in ANNOTATORS),
                (majority, None, "majority of three"),
                (majority, unanimous, f"the {sum(unanimous)} texts all three label alike")):
            c = scored(truth, flags, keep)
            rows.append(f"| {code} | {against} | {c.n} | {c.tp} | {c.fp} | {c.fn} | "
                        f"{c.precision:.3f} | {c.recall:.3f} |")
        notes += [f"{code} {ids[k]} {dict((w, by[w][k]) for w in ANNOTATORS)} rule={flags[k]}: "
                  f"{texts[k]!r}" for k in range(len(ids)) if not unanimous[k]]
    print("\n| rule | scored against | texts | TP | FP | FN | precision | recall |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    if args.disagreements:
        print("\n" + "\n".join(notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
