#!/usr/bin/env python3
"""Train the character n-gram scorers that back up A001's and U003's patterns, and
cross-validate the hybrid (pattern OR scorer) on the labeled development data.

    python benchmarks/accuracy/train_scorer.py --cv      # cross-validation figures only
    python benchmarks/accuracy/train_scorer.py --write   # and regenerate rules/ngram_weights.json

U003's scorer is a logistic regression on the character 1..N-grams present in a text (scaled
by 1/sqrt(all occurrences) so long texts do not win on length), trained with numpy by full-batch
gradient descent from zero weights: no randomness but the fold assignment, which is seeded.
Only n-grams seen in at least MIN_DF texts are kept, and only weights above PRUNE in size
are written, so the generated file stays small. A001's has a hidden layer (HIDDEN units):
each n-gram a vector, their scaled sum through a ReLU, then a weighted sum; it reads
n-grams together (您 with 别 and 再), which the linear model cannot, and is trained with
torch (Adam, EPOCHS passes of minibatches, seeded; torch comes with the `train` extra).
The threshold written with the weights is chosen by cross-validation: the lowest score at
which the scorer's own out-of-fold precision stays at or above its target (TARGET_PRECISION,
or PRECISION_TARGETS for the rule) on every repeat (the scorer backs up patterns that will
miss more on new text than here, so its own precision is what its additions cost). Data:
benchmarks/accuracy/data (dev and test both) and the labeled sets in data_v2, data_v3, ...
..., plus each folder named with `--also` (a pending set, a real sample); never the held-out
set in benchmarks/accuracy/heldout. The weights in rules/ were written by the command that
docs/accuracy.md gives for the round that trained them.

`--replay COMMIT` repeats the first evaluation's protocol for the scorer: it trains on the
dev split only and adds the scorer to the patterns as they were at COMMIT (tuned on dev
only), measured on the test split. That is the honest estimate of what the scorer adds to
patterns on text they were not tuned on.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import random
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
OUT = REPO / "rules" / "ngram_weights.json"
GRAMS = Path(__file__).resolve().parent / "scorer_grams.json"  # the same weights, for people
SEED = 20261123
FOLDS = 5
REPEATS = 3
MIN_DF = 2
PRUNE = 0.02
TARGET_PRECISION = 0.92
# The scorer speaks only with some confidence (log-odds, about p >= 0.68): a score near 0 is a
# coin toss, and a turn read as a coin toss must not be flagged. (Trained on sets v1-v11, it
# scores "一个人吃饭，饭菜都少了点味道。今晚做了什么菜？" 0.51: characters, not meaning.)
MIN_THRESHOLD = 0.75
# rule -> (data file, label, role, n-gram sizes, L2 strength)
TASKS = {
    "A001": ("replies", "lecturing", "assistant", 3, 1e-4),
    "U003": ("user_turns", "formal", "user", 3, 1e-4),
}
HIDDEN = {"A001": 32}  # rules whose scorer has a hidden layer, and its width
# rules whose scorer also reads Latin-script word 1..m-grams, and m (round 13: English
# orders live in words together, "sit down", "no more", which character 3-grams cut apart)
WORDS = {"A001": 3}
EPOCHS = 4
# A001's scorer adds to patterns that are right about 0.95 of the time on new text: what it
# adds must be more precise than that, or it lowers the rule's precision.
PRECISION_TARGETS = {"A001": 0.97}
# Rules whose scorer may overrule their patterns: a pattern's finding is dropped where the
# scorer, reading the sentence the order stands in (`veto_text`), is sure of the opposite:
# below the highest score under which, out of fold on every
# repeat, at most VETO_TRUE_SHARE of the patterns' findings were right (so a veto removes at
# least three false findings for each true one it loses).
VETO = {"A001"}
VETO_TRUE_SHARE = 0.25


def _evaluator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("accuracy_evaluate", HERE / "evaluate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def grams(text: str, n: int, code: str = "A001") -> list[str]:
    """The n-grams the rule's scorer reads: of the text as the rule hands it over (A001
    blanks the clauses its patterns ruled out, U003 the words that only look like requests)."""
    from sftlint.chinese import ngrams
    from sftlint.rules import imperative_reply, user_turns

    module = imperative_reply if code == "A001" else user_turns
    return ngrams(module.scorer_text(text), n, WORDS.get(code, 0))


def veto_grams(text: str, n: int) -> list[str]:
    """The n-grams A001's scorer reads to decide whether to overrule a pattern's order: of
    the sentence the order stands in."""
    from sftlint.chinese import ngrams
    from sftlint.rules import imperative_reply

    return ngrams(imperative_reply.veto_text(text), n, WORDS.get("A001", 0))


def _vocabulary(texts: list[list[str]]) -> list[str]:
    """The n-grams seen in at least MIN_DF texts, sorted."""
    df: dict[str, int] = {}
    for gs in texts:
        for g in set(gs):
            df[g] = df.get(g, 0) + 1
    return sorted(g for g, c in df.items() if c >= MIN_DF)


def fit(texts: list[list[str]], labels: np.ndarray, l2: float,
        steps: int = 1500, rate: float = 4.0) -> tuple[dict[str, float], float]:
    """Logistic regression weights for n-grams seen in MIN_DF texts, and the bias."""
    vocab = _vocabulary(texts)
    index = {g: i for i, g in enumerate(vocab)}
    # the design matrix, sparse as (row, column, value) triples: each n-gram present, scaled
    # by 1/sqrt(all occurrences), as NgramScorer reads it
    rows, cols, vals = [], [], []
    for row, gs in enumerate(texts):
        for col in {index[g] for g in gs if g in index}:
            rows.append(row)
            cols.append(col)
            vals.append(1.0 / math.sqrt(len(gs)))
    r, c, v = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(vals)
    n = len(texts)
    y = labels.astype(np.float64)
    w = np.zeros(len(vocab))
    b = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(np.bincount(r, weights=v * w[c], minlength=n) + b)))
        err = p - y
        w -= rate * (np.bincount(c, weights=v * err[r], minlength=len(vocab)) / n + l2 * w)
        b -= rate * float(err.mean())
    return {g: float(x) for g, x in zip(vocab, w, strict=True)}, b


def fit_hidden(texts: list[list[str]], labels: np.ndarray, hidden: int, seed: int = SEED,
               weight: np.ndarray | None = None
               ) -> tuple[dict[str, list[float]], list[float], float]:
    """(n-gram -> vector, output weights, bias) of the scorer with a hidden layer; `weight`
    scales each text's share of the loss (1 for every text when None)."""
    import torch

    torch.set_num_threads(2)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    vocab = _vocabulary(texts)
    index = {g: i for i, g in enumerate(vocab)}
    rows = [sorted({index[g] for g in gs if g in index}) for gs in texts]
    scale = [1.0 / math.sqrt(len(gs)) if gs else 1.0 for gs in texts]
    embed = torch.nn.EmbeddingBag(len(vocab), hidden, mode="sum")
    torch.nn.init.normal_(embed.weight, std=0.02)
    out = torch.nn.Linear(hidden, 1)
    optimizer = torch.optim.Adam([*embed.parameters(), *out.parameters()], lr=3e-3)
    target = torch.tensor(labels.astype(np.float32))
    share = torch.tensor(np.ones(len(texts)) if weight is None else weight, dtype=torch.float32)
    for _ in range(EPOCHS):
        order = list(range(len(texts)))
        rng.shuffle(order)
        for start in range(0, len(order), 64):
            batch = order[start:start + 64]
            flat = [j for i in batch for j in rows[i]]
            offsets = np.cumsum([0] + [len(rows[i]) for i in batch[:-1]]).tolist()
            weights = [scale[i] for i in batch for _ in rows[i]]
            summed = embed(torch.tensor(flat, dtype=torch.long), torch.tensor(offsets),
                           per_sample_weights=torch.tensor(weights))
            logits = out(torch.relu(summed)).squeeze(-1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, target[batch], weight=share[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    vectors = embed.weight.detach().numpy()
    return ({g: vectors[i].tolist() for i, g in enumerate(vocab)},
            out.weight.detach().numpy()[0].tolist(), float(out.bias.detach()))


def score(gs: list[str], weights: dict[str, float], bias: float) -> float:
    if not gs:
        return bias
    return bias + sum(weights.get(g, 0.0) for g in set(gs)) / math.sqrt(len(gs))


def score_hidden(gs: list[str], vectors: dict[str, list[float]], output: list[float],
                 bias: float) -> float:
    """The hidden-layer scorer's definition, as NgramScorer computes it for a column."""
    summed = np.zeros(len(output))
    for g in set(gs):
        if g in vectors:
            summed += vectors[g]
    if gs:
        summed /= math.sqrt(len(gs))
    return bias + float(np.maximum(summed, 0) @ np.array(output))


def folds(labels: list[bool], seed: int) -> list[int]:
    """A fold per item, stratified by label."""
    rng = random.Random(seed)
    out = [0] * len(labels)
    for value in (True, False):
        idx = [i for i, y in enumerate(labels) if y == value]
        rng.shuffle(idx)
        for k, i in enumerate(idx):
            out[i] = k % FOLDS
    return out


def pr(flags: list[bool], labels: list[bool]) -> tuple[int, int, int, int]:
    tp = sum(f and y for f, y in zip(flags, labels, strict=True))
    fp = sum(f and not y for f, y in zip(flags, labels, strict=True))
    fn = sum(y and not f for f, y in zip(flags, labels, strict=True))
    return tp, fp, fn, len(labels) - tp - fp - fn


def fmt(c: tuple[int, int, int, int]) -> str:
    tp, fp, fn, tn = c
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return f"TP {tp:3d} FP {fp:3d} FN {fn:3d} TN {tn:3d}  precision {p:.3f} recall {r:.3f}"


def _old_rule(commit: str, path: str) -> ModuleType:
    import subprocess
    import tempfile

    source = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout
    file = Path(tempfile.mkdtemp()) / Path(path).name
    file.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"old_{file.stem}", file)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def replay(ev: ModuleType, commit: str) -> int:
    old = {"A001": _old_rule(commit, "rules/imperative_reply.py").imperative_phrase,
           "U003": _old_rule(commit, "rules/user_turns.py").formal_marker}
    for code, (name, label, _, n, l2) in TASKS.items():
        items = [i for i in ev.load(ev.DATA, name) if label in i]
        dev = [i for i in items if i["split"] == "dev"]
        test = [i for i in items if i["split"] == "test"]
        dev_labels = [bool(i[label]) for i in dev]
        dev_grams = [grams(str(i["text"]), n, code) for i in dev]
        # the threshold from cross-validation on dev alone
        oof = []
        for rep in range(REPEATS):
            fold = folds(dev_labels, SEED + rep)
            scores = [0.0] * len(dev)
            for k in range(FOLDS):
                train = [i for i in range(len(dev)) if fold[i] != k]
                w, b = fit([dev_grams[i] for i in train],
                           np.array([dev_labels[i] for i in train]), l2)
                for i in range(len(dev)):
                    if fold[i] == k:
                        scores[i] = score(dev_grams[i], w, b)
            oof.append(scores)
        chosen = _threshold(oof, dev_labels, TARGET_PRECISION)
        w, b = fit(dev_grams, np.array(dev_labels), l2)
        labels = [bool(i[label]) for i in test]
        scores = [score(grams(str(i["text"]), n, code), w, b) for i in test]
        pattern = [old[code](str(i["text"])) is not None for i in test]
        print(f"{code} ({label}), trained on dev ({len(dev)}), threshold {chosen:.2f}, "
              f"test split ({len(test)}), patterns at {commit}:")
        print(f"  patterns alone     {fmt(pr(pattern, labels))}")
        print(f"  scorer alone       {fmt(pr([s >= chosen for s in scores], labels))}")
        both = [p or s >= chosen for p, s in zip(pattern, scores, strict=True)]
        print(f"  pattern OR scorer  {fmt(pr(both, labels))}")
    return 0


def _threshold(oof: list[list[float]], labels: list[bool], target: float) -> float:
    """The lowest score, at least MIN_THRESHOLD, at which the scorer's out-of-fold precision
    reaches `target` on every repeat."""
    for t in sorted({round(s, 2) for scores in oof for s in scores if s >= MIN_THRESHOLD}):
        if all(_precision(pr([s >= t for s in scores], labels)) >= target
               for scores in oof):
            return t
    return 99.0


def _veto(oof: list[list[float]], labels: list[bool], pattern: list[bool]) -> float | None:
    """The highest score under which the patterns' out-of-fold findings are right at most
    VETO_TRUE_SHARE of the time on every repeat (None: there is none)."""
    hits = np.array(pattern)
    truth = np.array(labels)[hits]
    # per repeat: the pattern hits' scores sorted, and how many of the lowest k are right
    ordered = []
    for scores in oof:
        s = np.array(scores)[hits]
        order = np.argsort(s)
        ordered.append((s[order], np.concatenate(([0], np.cumsum(truth[order])))))
    for v in sorted({round(float(x), 2) for x in ordered[0][0]}, reverse=True):
        below = [int(np.searchsorted(s, v)) for s, _ in ordered]  # hits scoring under v
        if all(k > 0 and right[k] <= VETO_TRUE_SHARE * k
               for k, (_, right) in zip(below, ordered, strict=True)):
            return v
    return None


def _precision(c: tuple[int, int, int, int]) -> float:
    return c[0] / (c[0] + c[1]) if c[0] + c[1] else 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="print cross-validation figures")
    parser.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(REPO)}")
    parser.add_argument("--replay", metavar="COMMIT",
                        help="train on dev only, add to the patterns at COMMIT, score on test")
    parser.add_argument("--also", metavar="FOLDER", type=Path, action="append", default=[],
                        help="train on this labeled folder too (pending/h34, real/r5, ...)")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="write the weights into DIR instead of rules/ (implies --write): "
                             "an experiment's scorer, for threshold_curve.py --weights DIR")
    parser.add_argument("--real-weight", type=float, default=1.0, metavar="K",
                        help="weigh each text of a real sample (real/...) K times in A001's loss")
    args = parser.parse_args(argv)
    if not (args.real_weight > 0 and math.isfinite(args.real_weight)):
        parser.error(f"--real-weight must be a positive number, got {args.real_weight}")
    weights_file = args.out / OUT.name if args.out else OUT
    args.write = args.write or args.out is not None
    ev = _evaluator()
    if any((HERE / f).resolve() == ev.HELDOUT.resolve() for f in args.also):
        parser.error("the held-out set is never trained on")
    if args.replay:
        return replay(ev, args.replay)
    written: dict[str, tuple[dict[str, float], float, float]] = {}
    hidden_layers: dict[str, tuple[dict[str, list[float]], list[float], float, float,
                                   float | None]] = {}
    for code, (name, label, role, n, l2) in TASKS.items():
        folders = (ev.DATA, *ev.LATER_SETS.values(), *(HERE / f for f in args.also))
        origin = [(folder, i) for folder in folders for i in ev.load(folder, name) if label in i]
        items = [i for _, i in origin]
        weight = np.array([args.real_weight if Path(folder).parent.name == "real" else 1.0
                           for folder, _ in origin])
        texts = [str(i["text"]) for i in items]
        labels = [bool(i[label]) for i in items]
        gs = [grams(t, n, code) for t in texts]
        # the patterns alone, as the rule runs them with the scorer switched off
        pattern = ev.flagged_items(code, texts, role, use_scorer=False)
        # what the scorer reads to overrule a pattern's finding (the order's sentence)
        vetoed = {i: veto_grams(texts[i], n) for i, p in enumerate(pattern) if p} \
            if code in VETO else {}
        oof: list[list[float]] = []
        veto_oof: list[list[float]] = []  # out-of-fold scores of `vetoed` (0 elsewhere)
        for rep in range(REPEATS):
            fold = folds(labels, SEED + rep)
            scores = [0.0] * len(texts)
            veto_scores = [0.0] * len(texts)
            for k in range(FOLDS):
                train = [i for i in range(len(texts)) if fold[i] != k]
                kept = [gs[i] for i in train], np.array([labels[i] for i in train])
                if code in HIDDEN:
                    vectors, output, b = fit_hidden(*kept, HIDDEN[code], weight=weight[train])
                else:
                    w, b = fit(*kept, l2)
                for i in range(len(texts)):
                    if fold[i] == k:
                        for g, out in ((gs[i], scores), (vetoed.get(i), veto_scores)):
                            if g is not None:
                                out[i] = score_hidden(g, vectors, output, b) \
                                    if code in HIDDEN else score(g, w, b)
            oof.append(scores)
            veto_oof.append(veto_scores)
        chosen = _threshold(oof, labels, PRECISION_TARGETS.get(code, TARGET_PRECISION))
        veto = _veto(veto_oof, labels, pattern) if code in VETO else None
        if args.cv or not args.write:
            print(f"{code} ({label}), {len(texts)} texts, {FOLDS}-fold x {REPEATS}, "
                  f"threshold {chosen:.2f}, veto {veto}")
            print(f"  patterns alone (tuned on all of it):  {fmt(pr(pattern, labels))}")
            for rep, (scores, veto_scores) in enumerate(zip(oof, veto_oof, strict=True)):
                alone = pr([s >= chosen for s in scores], labels)
                both = pr([(p and (veto is None or v >= veto)) or s >= chosen
                           for p, s, v in zip(pattern, scores, veto_scores, strict=True)],
                          labels)
                print(f"  repeat {rep}: scorer alone  {fmt(alone)}")
                print(f"  repeat {rep}: pattern OR scorer {fmt(both)}")
        if code in HIDDEN:
            vectors, output, b = fit_hidden(gs, np.array(labels), HIDDEN[code], weight=weight)
            hidden_layers[code] = (vectors, output, b, chosen, veto)
        else:
            w, b = fit(gs, np.array(labels), l2)
            written[code] = ({g: v for g, v in w.items() if abs(v) >= PRUNE}, b, chosen)
    if args.write:
        from sftlint.chinese import NgramScorer

        weights_file.parent.mkdir(parents=True, exist_ok=True)

        table, readable = {}, {}

        def store(code: str, scorer: NgramScorer) -> None:  # keyed here: loading computes nothing
            stem = f"{weights_file.stem}.{code}"
            scorer.save_arrays(weights_file.parent, stem)
            table[code] = scorer.to_table(stem)

        for code, (w, b, t) in written.items():
            names = sorted(w)
            store(code, NgramScorer.from_weights(TASKS[code][3], round(b, 4), round(t, 2),
                                                 {g: round(w[g], 3) for g in names}))
            readable[code] = {g: round(w[g], 3) for g in names}
        for code, (vectors, output, b, t, veto) in hidden_layers.items():
            store(code, NgramScorer.from_weights(TASKS[code][3], round(b, 4), round(t, 2),
                                                 vectors, output, veto, WORDS.get(code, 0)))
        weights_file.write_text(json.dumps(table) + "\n", encoding="utf-8")
        if not args.out:  # the readable copy describes the weights the rules ship
            GRAMS.write_text(json.dumps(readable, ensure_ascii=False, indent=0) + "\n",
                             encoding="utf-8")
        print(f"wrote {weights_file}: " + ", ".join(
            [f"{c} {len(w)} n-grams, threshold {t:.2f}" for c, (w, _, t) in written.items()]
            + [f"{c} {len(v)} n-grams x {len(o)} hidden units, threshold {t:.2f}, veto {veto}"
               for c, (v, o, _, t, veto) in hidden_layers.items()]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
