#!/usr/bin/env python3
"""How far annotators agree on the labels of a set, and the rules against each of them.

    python benchmarks/accuracy/agreement.py                 # v15h: the table in docs/accuracy.md
    python benchmarks/accuracy/agreement.py --set real10    # the real sample r10
    python benchmarks/accuracy/agreement.py --disagreements # and the texts they differ on

The set v15h (the held-out set of rounds 10 and 11, now data_v18) was labeled by its writer
as they wrote each text; two more annotators (data_v18/second_labels/, `a` and `b`) labeled
the same texts blind: each saw only the texts, shuffled, and the guidelines
(data_v2/LABELING.md lines 10-78), never the writer's labels, each other's or a rule. The
real sample r10 (real/r10, drawn from ../shared/realdata) was labeled blind by one helper,
then by a second one (real/r10/second_labels/, `b`) with the same brief (real/r10/BRIEF.md),
who never saw the first one's labels; its texts are read back from ../shared/realdata.
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
from pathlib import Path

from evaluate import LATER_SETS, REAL_SETS, TASKS, Confusion, flagged_items, load

# the sets with second labels: folder, and the name of whoever labeled the folder's own items
SETS = {"v18": (LATER_SETS["v18"], "writer"), "real10": (REAL_SETS.get("real10"), "first")}


def labels(folder: Path, first: str, name: str, label: str
           ) -> tuple[list[str], list[str], dict[str, list[bool]]]:
    """(ids, texts, annotator -> labels in id order) for one task: the folder's own labels
    under `first`, then each file second_labels/<name>_<annotator>.jsonl."""
    items = load(folder, name)  # a real sample's texts come back from ../shared/realdata
    ids = [str(item["id"]) for item in items]
    out = {first: [bool(item[label]) for item in items]}
    for path in sorted((folder / "second_labels").glob(f"{name}_*.jsonl")):
        theirs = {}
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            theirs[str(row["id"])] = bool(row[label])
        out[path.stem.removeprefix(f"{name}_")] = [theirs[i] for i in ids]
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
    parser.add_argument("--set", choices=sorted(SETS), default="v18")
    parser.add_argument("--disagreements", action="store_true")
    args = parser.parse_args()
    folder, first = SETS[args.set]
    if folder is None or not load(folder, "replies"):
        parser.error(f"{args.set}: its texts are not here (../shared/realdata is absent)")
    print("| rule (label) | texts | pair | agree | kappa |\n|---|---:|---|---:|---:|")
    rows, notes = [], []
    for code, (name, label, role) in TASKS.items():
        ids, texts, by = labels(folder, first, name, label)
        annotators = list(by)
        if len(annotators) < 2:
            parser.error(f"{args.set}: no second labels for {name} in "
                         f"{folder / 'second_labels'}")
        for x, y in combinations(annotators, 2):
            observed, k = kappa(by[x], by[y])
            print(f"| {code} ({label}) | {len(ids)} | {x} / {y} | {observed:.3f} | {k:.3f} |")
        flags = flagged_items(code, texts, role)
        unanimous = [len(set(v)) == 1 for v in zip(*by.values(), strict=True)]
        # with three annotators the majority; with two, their shared label where they agree
        majority = [sum(v) * 2 > len(v) for v in zip(*by.values(), strict=True)]
        together = (*(((majority, None, "majority of three"),) if len(by) == 3 else ()),
                    (majority, unanimous, f"the {sum(unanimous)} texts "
                     + ("all three label alike" if len(by) == 3 else "both label alike")))
        for truth, keep, against in (*((by[w], None, w) for w in annotators), *together):
            c = scored(truth, flags, keep)
            rows.append(f"| {code} | {against} | {c.n} | {c.tp} | {c.fp} | {c.fn} | "
                        f"{c.precision:.3f} | {c.recall:.3f} |")
        notes += [f"{code} {ids[k]} {dict((w, by[w][k]) for w in annotators)} rule={flags[k]}: "
                  f"{texts[k]!r}" for k in range(len(ids)) if not unanimous[k]]
    print("\n| rule | scored against | texts | TP | FP | FN | precision | recall |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    if args.disagreements:
        print("\n" + "\n".join(notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
