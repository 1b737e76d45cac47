"""Time `sftlint check` against a bare orjson.loads loop over the same file, in one run.

    python benchmarks/bench_check.py --records 300000 --select F,S,P,U,A
    python benchmarks/bench_check.py --records 1000000 --select D

Prints the baseline time, sftlint's time and peak memory (max RSS of the sftlint
process and its workers), and the ratio. The data is generated once into a temp folder.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402


def orjson_loop(path: Path) -> float:
    start = time.perf_counter()
    with path.open("rb") as f:
        for line in f:
            orjson.loads(line)
    return time.perf_counter() - start


def run_sftlint(path: Path, select: str, jobs: int | None) -> tuple[float, float, int]:
    cmd = [sys.executable, "-m", "sftlint", "check", str(path), "--select", select,
           "--statistics", "--exit-zero"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    findings = sum(int(line.split("\t")[0]) for line in proc.stdout.splitlines() if "\t" in line)
    return elapsed, max(peak_kb, before) / 1024, findings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--select", default="F,S,P,U,A")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--file", type=Path, help="an existing file instead of generated data")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "bench.jsonl"
        if args.file is None:
            records, _ = generate(args.records, seed=0)
            with path.open("w", encoding="utf-8") as f:
                for r in records:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
            del records
        size_mb = os.path.getsize(path) / 1e6
        baseline = min(orjson_loop(path) for _ in range(3))
        elapsed, peak_mb, findings = run_sftlint(path, args.select, args.jobs)
        print(f"file: {path.name if args.file else 'generated'} {size_mb:.0f} MB, "
              f"select {args.select}, jobs {args.jobs or os.cpu_count()}")
        print(f"orjson.loads loop: {baseline:.2f} s")
        print(f"sftlint check:     {elapsed:.2f} s, peak RSS {peak_mb:.0f} MB, "
              f"{findings} findings")
        print(f"ratio:             {elapsed / baseline:.2f}x")


if __name__ == "__main__":
    main()
