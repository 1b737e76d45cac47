"""Near-duplicate recall of sftlint's search against an exhaustive rapidfuzz comparison.

    python benchmarks/bench_recall.py --records 20000
    python benchmarks/bench_recall.py --records 20000 --corpus words
    python benchmarks/bench_recall.py --records 20000 --corpus words --baseline-rev 401e53c
    python benchmarks/bench_recall.py --config eldercare.toml \
        --file ../shared/realdata/eldercare-agent/eldercare_15000_dialogues_part1-11.jsonl

Generated data has planted near-duplicates (see generate.py for the two corpora); a real
file is read with the given config (a mapping for its shape). Exhaustive: every pair by
rapidfuzz.process.cdist (nothing of sftlint); sftlint: the candidate search + verification
(forced, whatever the size). `--baseline-rev` also runs the search of an earlier commit (its
sftlint/dedup.py, taken with `git show`) on the same texts.

Reported: pair recall (pairs found / pairs the exhaustive comparison finds), record recall
(records D002 flags / records it should flag: those with an earlier near-duplicate), the
records whose named partner has a lower score than the exhaustive best, and candidates
per record (pairs handed to rapidfuzz, before the length filter).
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402

from sftlint import dedup  # noqa: E402
from sftlint.config import load_config  # noqa: E402
from sftlint.engine import iter_records  # noqa: E402
from sftlint.records import Row  # noqa: E402
from sftlint.rules.duplicates import sample_text  # noqa: E402

Pairs = list[tuple[int, int, float]]


def load_baseline(rev: str) -> ModuleType:
    """sftlint/dedup.py as of commit `rev`, as a module."""
    source = subprocess.run(["git", "show", f"{rev}:sftlint/dedup.py"], check=True,
                            capture_output=True, text=True,
                            cwd=Path(__file__).parent).stdout
    path = Path(tempfile.mkdtemp()) / "dedup_baseline.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("dedup_baseline", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def all_pairs(texts: list[str], threshold: float) -> Pairs:
    """Every pair (i < j) at or above threshold by plain rapidfuzz cdist, rows in blocks:
    the ground truth, independent of sftlint's own filters."""
    from rapidfuzz import fuzz, process

    pairs: Pairs = []
    step = 2000
    for start in range(0, len(texts), step):
        scores = process.cdist(texts[start:start + step], texts, scorer=fuzz.ratio,
                               score_cutoff=threshold, workers=-1)
        i, j = np.nonzero(scores)
        keep = start + i < j
        pairs += [(int(a), int(b), float(scores[a - start, b]))
                  for a, b in zip(start + i[keep], j[keep], strict=True)]
    return pairs


def best(pairs: Pairs) -> dict[int, float]:
    top: dict[int, float] = {}
    for _, j, score in pairs:
        top[j] = max(score, top.get(j, 0.0))
    return top


def report(name: str, pairs: Pairs, seconds: float, truth: Pairs) -> None:
    want = {(i, j) for i, j, _ in truth}
    got = {(i, j) for i, j, _ in pairs}
    should, flagged = best(truth), best(pairs)
    worse = sum(1 for j, s in flagged.items() if s <= should.get(j, 0) - 1)  # cdist rounds
    recall = len(want & got) / len(want) if want else 1.0
    record_recall = len(should.keys() & flagged.keys()) / len(should) if should else 1.0
    print(f"{name:<18} {len(got)} pairs in {seconds:.1f} s, {len(got - want)} not in "
          f"exhaustive; pair recall {recall:.4f}; record recall {record_recall:.4f} "
          f"({len(should.keys() - flagged.keys())} of {len(should)} missed); "
          f"{worse} named a less similar record")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--corpus", choices=["phrases", "words"], default="phrases")
    parser.add_argument("--file", type=Path)
    parser.add_argument("--limit", type=int, default=10_000)
    parser.add_argument("--config")
    parser.add_argument("--threshold", type=float, default=90)
    parser.add_argument("--baseline-rev", help="also run the search of this commit")
    parser.add_argument("--truth", type=Path, help="cache the exhaustive pairs in this .npy")
    args = parser.parse_args()
    if args.file:
        config, _ = load_config(args.config)
        rows = [r.row() for _, r in zip(range(args.limit), iter_records(str(args.file), config),
                                        strict=False)]
        source = f"{args.file.name} (first {len(rows)} records)"
    else:
        records, _ = generate(args.records, near_dup_share=0.03, seed=11, corpus=args.corpus)
        rows = []
        for i, rec in enumerate(records):
            turns = {role: "\n".join(m["content"] for m in rec["messages"] if m["role"] == role)
                     for role in ("user", "assistant")}
            rows.append(Row("gen", i + 1, None, turns["user"], turns["assistant"], None))
        source = f"generated {args.corpus} ({len(rows)} records, 3% planted near-duplicates)"
    texts = list(dict.fromkeys(sample_text(r) for r in rows))
    print(f"data: {source}, {len(texts)} distinct samples, threshold {args.threshold:g}")

    start = time.perf_counter()
    if args.truth and args.truth.exists():
        cached = np.load(args.truth)
        truth = [(int(i), int(j), float(s)) for i, j, s in cached]
        exhaustive_s = float("nan")
    else:
        truth = all_pairs(texts, args.threshold)
        exhaustive_s = time.perf_counter() - start
        if args.truth:
            np.save(args.truth, np.array(truth, dtype=np.float64).reshape(-1, 3))
    print(f"{'exhaustive cdist':<18} {len(truth)} pairs in {exhaustive_s:.1f} s")

    start = time.perf_counter()
    sketches = dedup.sketch(texts)
    blocks = list(dedup.neighbour_pairs(sketches.keys))
    kept = dedup.promising(blocks, sketches, sketches, args.threshold)
    found = dedup.verify(kept, texts, texts, args.threshold)
    search_s = time.perf_counter() - start
    candidates = np.unique(np.concatenate(blocks), axis=0)
    per_record = np.bincount(candidates.ravel(), minlength=len(texts))
    print(f"{'candidates':<18} {len(candidates)} distinct pairs, "
          f"{2 * len(candidates) / len(texts):.1f} a record (max {per_record.max()}, bound "
          f"{2 * dedup.KEYS * dedup.CLUSTER_NEIGHBOURS}); {len(kept)} left after the length and "
          f"histogram filter, for rapidfuzz")
    report("anchored keys", found, search_s, truth)

    if args.baseline_rev:
        old = load_baseline(args.baseline_rev)
        old.EXHAUSTIVE_MAX = 0  # force its candidate search
        start = time.perf_counter()
        old_found = old.find_near_duplicates(texts, args.threshold)
        old_s = time.perf_counter() - start
        report(f"{args.baseline_rev} LSH", old_found, old_s, truth)


if __name__ == "__main__":
    main()
