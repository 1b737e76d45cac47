#!/usr/bin/env python3
"""Round 25's experiment: does A001's scorer read better one sentence at a time?

    python benchmarks/accuracy/sentence_scorer.py            # about 10 minutes on 2 cores

The shipped scorer sums the vectors of every n-gram of a reply (a bag), so 您 in one
sentence and 要多 in another read as "您要多…". The variants here read each sentence (or
each clause) on its own: the sum of its n-grams' vectors through the ReLU, then the
maximum over sentences, then the output weights; trained end to end on the reply's label
(the label is the reply's, the order may stand in any one sentence). Every model is trained
as round 24's experiment E0 was (docs/accuracy.md): the development sets v1-v36, the pending
sets v37 and h32-h36 and the real samples r3-r8, the same n-grams of the same
`scorer_text`, 32 hidden units, 4 passes; and read on what none of them saw: the real samples
r9, r10 and r12-r14 (2,000 replies) and the written set h37. Printed per model: the area
under the ROC curve of the scorer alone, the best F1 of the scorer alone and of the rule as
it combines them (patterns OR scorer), and the recall at a precision of at least 0.85 / 0.95.
Needs torch (the `train` extra) and ../shared/realdata.
"""

from __future__ import annotations

import math
import random
import re
import sys
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import evaluate as ev  # noqa: E402

# torch calls index_reduce (the maximum over a reply's units) "in beta": it is what is wanted
warnings.filterwarnings("ignore", message="index_reduce")
SEED = 20261123
HIDDEN, EPOCHS = 32, 4
TRAIN = [ev.DATA, *ev.LATER_SETS.values(),
         *(HERE / "pending" / s for s in ("v37", "h32", "h33", "h34", "h35", "h36")),
         *(HERE / "real" / f"r{i}" for i in range(3, 9))]
TEST = {"real (r9, r10, r12-r14)": [HERE / "real" / f"r{i}" for i in (9, 10, 12, 13, 14)],
        "written (h37)": [HERE / "pending" / "h37"]}
# the units a model reads on their own: the whole reply, its sentences, its clauses
UNITS = {"bag (shipped)": None, "sentences": r"(?<=[。！？!?；;\n…])",
         "clauses": r"(?<=[。！？!?；;\n…，,：:])"}


def replies(folders: list[Path]) -> tuple[list[str], np.ndarray]:
    items = [i for f in folders for i in ev.load(f, "replies") if "lecturing" in i]
    return [str(i["text"]) for i in items], np.array([bool(i["lecturing"]) for i in items])


def units(text: str, split: str | None) -> list[list[str]]:
    """The n-grams of each unit of the text A001's scorer reads."""
    from sftlint.chinese import ngrams
    from sftlint.rules.imperative_reply import scorer_text

    read = scorer_text(text)
    parts = [read] if split is None else [p for p in re.split(split, read) if p.strip()]
    return [ngrams(p, 3, 3) for p in parts or [read]]


def train_and_score(split: str | None, train: tuple[list[str], np.ndarray],
                    tests: dict[str, list[str]]) -> dict[str, np.ndarray]:
    import torch

    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    grams = [units(t, split) for t in train[0]]
    df: dict[str, int] = {}
    for text in grams:
        for g in {g for unit in text for g in unit}:
            df[g] = df.get(g, 0) + 1
    index = {g: i for i, g in enumerate(sorted(g for g, c in df.items() if c >= 2))}

    def encode(text: list[list[str]]) -> list[list[int]]:
        return [[index[g] for g in dict.fromkeys(unit) if g in index] for unit in text]

    embed = torch.nn.EmbeddingBag(len(index), HIDDEN, mode="sum")
    torch.nn.init.normal_(embed.weight, std=0.02)
    out = torch.nn.Linear(HIDDEN, 1)

    def forward(batch: list[list[list[int]]]) -> torch.Tensor:
        flat, offsets, scale, owner = [], [], [], []
        for t, text in enumerate(batch):
            for unit in text:
                offsets.append(len(flat))
                flat += unit
                scale += [1 / math.sqrt(max(1, len(unit)))] * len(unit)
                owner.append(t)
        hidden = torch.relu(embed(torch.tensor(flat, dtype=torch.long), torch.tensor(offsets),
                                  per_sample_weights=torch.tensor(scale)))
        pooled = torch.zeros(len(batch), HIDDEN).index_reduce_(
            0, torch.tensor(owner), hidden, "amax", include_self=True)  # ReLU: 0 is the floor
        return out(pooled).squeeze(-1)

    x = [encode(t) for t in grams]
    y = torch.tensor(train[1].astype(np.float32))
    optimizer = torch.optim.Adam([*embed.parameters(), *out.parameters()], lr=3e-3)
    for _ in range(EPOCHS):
        order = list(range(len(x)))
        rng.shuffle(order)
        for start in range(0, len(order), 64):
            batch = order[start:start + 64]
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                forward([x[i] for i in batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        return {name: forward([encode(units(t, split)) for t in texts]).numpy()
                for name, texts in tests.items()}


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    ranks = np.empty(len(scores))
    ranks[np.argsort(scores)] = np.arange(1, len(scores) + 1)
    positives = labels.sum()
    return float((ranks[labels].sum() - positives * (positives + 1) / 2)
                 / (positives * (len(labels) - positives)))


def frontier(scores: np.ndarray, labels: np.ndarray, pattern: np.ndarray | None) -> str:
    """Best F1 over the scorer's thresholds, and the recall at precision 0.85 / 0.95."""
    best, at = (0.0, 0.0, 0.0), {0.85: 0.0, 0.95: 0.0}
    for t in np.unique(np.round(scores, 2)):
        flagged = scores >= t if pattern is None else pattern | (scores >= t)
        tp = int((flagged & labels).sum())
        p, r = tp / max(1, int(flagged.sum())), tp / max(1, int(labels.sum()))
        f1 = 2 * p * r / max(1e-9, p + r)
        best = max(best, (f1, p, r))
        for target in at:
            if p >= target:
                at[target] = max(at[target], r)
    return (f"F1 {best[0]:.3f} (P {best[1]:.3f} R {best[2]:.3f}), "
            f"R at P>=0.85 {at[0.85]:.3f}, at P>=0.95 {at[0.95]:.3f}")


def main() -> int:
    if not ev.REAL_SETS:
        print("../shared/realdata is absent: the real samples cannot be read")
        return 1
    train = replies(TRAIN)
    tests = {name: replies(folders) for name, folders in TEST.items()}
    patterns = {name: np.array(ev.flagged_items("A001", texts, "assistant", use_scorer=False))
                for name, (texts, _) in tests.items()}
    print(f"trained on {len(train[0])} replies")
    for model, split in UNITS.items():
        scores = train_and_score(split, train, {n: t for n, (t, _) in tests.items()})
        print(model)
        for name, (_, labels) in tests.items():
            print(f"  {name}: AUC {roc_auc(scores[name], labels):.3f}; "
                  f"scorer alone {frontier(scores[name], labels, None)}; "
                  f"patterns OR scorer {frontier(scores[name], labels, patterns[name])}",
                  flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
