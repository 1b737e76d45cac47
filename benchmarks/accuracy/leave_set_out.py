#!/usr/bin/env python3
"""Leave one labeled set out: A001's scorer trained on all the other sets, read on that one.

    python benchmarks/accuracy/leave_set_out.py linear        # the linear model (U003's kind)
    python benchmarks/accuracy/leave_set_out.py hidden        # one hidden layer of 32 units

What docs/accuracy.md's leave-one-set-out table comes from (round 11): each set was written
by a writer of its own, so this estimates the scorer on a writer it has not seen better than
random folds do. The models are train_scorer.py's (`fit`, `fit_hidden`); the threshold is
fixed beforehand (0.75 linear, 1.75 hidden), and the patterns, tuned on every set, are shown
beside the scorer only for reference. The held-out set is never read.
"""

from __future__ import annotations

import argparse

import numpy as np
import train_scorer as ts

SETS = ("v12", "v13", "v14", "v15", "v16", "v17")
THRESHOLDS = {"linear": 0.75, "hidden": 1.75}


def rates(flags: np.ndarray, truth: np.ndarray) -> str:
    tp = int((flags & truth).sum())
    return f"P {tp / max(int(flags.sum()), 1):.3f} R {tp / int(truth.sum()):.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=sorted(THRESHOLDS))
    args = parser.parse_args()
    ev = ts._evaluator()
    name, label, role, n, l2 = ts.TASKS["A001"]
    items, sets = [], []
    for set_name, folder in (("v1", ev.DATA), *ev.LATER_SETS.items()):
        for item in ev.load(folder, name):
            if label in item:
                items.append(item)
                sets.append(set_name)
    texts = [str(i["text"]) for i in items]
    truth = np.array([bool(i[label]) for i in items])
    grams = [ts.grams(t, n, "A001") for t in texts]
    patterns = np.array(ev.flagged_items("A001", texts, role, use_scorer=False))
    owner = np.array(sets)
    threshold = THRESHOLDS[args.model]
    for held in SETS:
        train, test = np.flatnonzero(owner != held), np.flatnonzero(owner == held)
        kept = [grams[i] for i in train], truth[train]
        if args.model == "hidden":
            vectors, output, bias = ts.fit_hidden(*kept, ts.HIDDEN["A001"])
            scores = np.array([ts.score_hidden(grams[i], vectors, output, bias) for i in test])
        else:
            weights, bias = ts.fit(*kept, l2)
            scores = np.array([ts.score(grams[i], weights, bias) for i in test])
        alone = scores >= threshold
        print(f"{args.model} {held} ({len(test)} texts): scorer alone "
              f"{rates(alone, truth[test])}; patterns OR scorer "
              f"{rates(alone | patterns[test], truth[test])}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
