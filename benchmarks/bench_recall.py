"""Near-duplicate recall of sftlint's search against an exhaustive rapidfuzz comparison.

    python benchmarks/bench_recall.py --records 20000
    python benchmarks/bench_recall.py --config eldercare.toml \
        --file ../shared/realdata/eldercare-agent/eldercare_15000_dialogues_part1-11.jsonl

Generated data has planted near-duplicates (1-5 edited characters); a real file is read
with the given config (a mapping for its shape). Exhaustive: every pair by
rapidfuzz.process.cdist; sftlint: MinHash LSH + verification (forced, whatever the size).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402
from sftlint.rules.duplicates import sample_text  # noqa: E402

from sftlint import dedup  # noqa: E402
from sftlint.config import load_config  # noqa: E402
from sftlint.engine import iter_records  # noqa: E402
from sftlint.records import Row  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--file", type=Path)
    parser.add_argument("--limit", type=int, default=10_000)
    parser.add_argument("--config")
    parser.add_argument("--threshold", type=float, default=90)
    args = parser.parse_args()
    if args.file:
        config, _ = load_config(args.config)
        rows = [r.row() for _, r in zip(range(args.limit), iter_records(str(args.file), config),
                                        strict=False)]
        source = f"{args.file.name} (first {len(rows)} records)"
    else:
        records, _ = generate(args.records, near_dup_share=0.03, seed=11)
        rows = []
        for i, rec in enumerate(records):
            turns = {role: "\n".join(m["content"] for m in rec["messages"] if m["role"] == role)
                     for role in ("user", "assistant")}
            rows.append(Row("gen", i + 1, None, turns["user"], turns["assistant"], None))
        source = f"generated ({len(rows)} records, 3% planted near-duplicates)"
    texts = list(dict.fromkeys(sample_text(r) for r in rows))
    start = time.perf_counter()
    truth = {(i, j) for i, j, _ in dedup.exhaustive_pairs(texts, args.threshold)}
    exhaustive_s = time.perf_counter() - start
    dedup.EXHAUSTIVE_MAX = 0  # force the LSH path
    start = time.perf_counter()
    found = {(i, j) for i, j, _ in dedup.find_near_duplicates(texts, args.threshold)}
    lsh_s = time.perf_counter() - start
    recall = len(truth & found) / len(truth) if truth else 1.0
    print(f"data: {source}, {len(texts)} distinct samples, threshold {args.threshold:g}")
    print(f"exhaustive cdist: {len(truth)} pairs in {exhaustive_s:.1f} s")
    print(f"MinHash LSH:      {len(found)} pairs in {lsh_s:.1f} s, "
          f"{len(found - truth)} not in exhaustive")
    print(f"recall:           {recall:.4f}")


if __name__ == "__main__":
    main()
