#!/usr/bin/env python3
"""A001's precision and recall at several scorer thresholds: how far the rule's trade-off can
move, on sets its scorer was never trained on.

    python benchmarks/accuracy/train_scorer.py --out /tmp/e0 --also ...   # a scorer without them
    python benchmarks/accuracy/threshold_curve.py --weights /tmp/e0 --sets real9,real10

A001 flags a reply when a pattern finds an order (unless the scorer vetoes it) or when the
scorer's score reaches its threshold. The threshold shipped is chosen by cross-validation
(train_scorer.py); this script reads the same weights at other thresholds, so the whole
curve of patterns OR scorer can be read, from the scorer's lowest threshold to the patterns
with the scorer's veto only (99; `[rules.A001] scorer = false` also drops the veto).
Measured on texts the weights were trained on, the curve says nothing: pass a `--weights`
folder trained without the `--sets` read (`train_scorer.py --out`).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from evaluate import LATER_SETS, REAL_SETS, Confusion, flagged_items, load

HERE = Path(__file__).resolve().parent


def folder_of(name: str) -> Path:
    """A set by its evaluate.py name (real10, v36) or its folder here (pending/h37)."""
    return REAL_SETS.get(name) or LATER_SETS.get(name) or HERE / name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, required=True,
                        help="a folder written by train_scorer.py --out")
    parser.add_argument("--sets", required=True, help="comma-separated: real10,pending/h37")
    parser.add_argument("--thresholds", default="0.75,1.5,2.25,3,4,6,99")
    args = parser.parse_args()
    from sftlint.chinese import NgramScorer
    from sftlint.rules import imperative_reply

    weights_file = args.weights / "ngram_weights.json"
    if not weights_file.is_file():
        parser.error(f"{weights_file}: not found (train_scorer.py --out DIR writes it)")
    table = json.loads(weights_file.read_text(encoding="utf-8"))["A001"]
    items = []
    for name in args.sets.split(","):
        found = load(folder_of(name), "replies")
        if not found:
            parser.error(f"{name}: no labeled replies there (a real sample needs "
                         "../shared/realdata)")
        items += found
    texts = [str(i["text"]) for i in items]
    truth = [bool(i["lecturing"]) for i in items]
    print(f"A001 on {args.sets} ({len(texts)} replies), weights {args.weights}")
    print("| threshold | precision | recall | F1 |\n|---:|---:|---:|---:|")
    shipped = imperative_reply.load_scorer
    try:
        for threshold in (float(t) for t in args.thresholds.split(",")):
            scorer = NgramScorer.from_table({**table, "threshold": threshold}, args.weights)
            # the rule asks chinese.load_scorer for its scorer: hand it this one
            imperative_reply.load_scorer = lambda code, scorer=scorer: scorer
            counts = Confusion()  # counted as evaluate.py counts its tables
            for item, flagged, true in zip(items, flagged_items("A001", texts, "assistant"),
                                           truth, strict=True):
                counts.add(true, flagged, item)
            precision, recall = counts.precision, counts.recall
            f1 = 2 * precision * recall / (precision + recall) if counts.tp else 0.0
            print(f"| {threshold:.2f} | {precision:.3f} | {recall:.3f} | {f1:.3f} |")
    finally:  # the process's rule reads the shipped weights again
        imperative_reply.load_scorer = shipped
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
