"""Time `sftlint check` against a bare orjson.loads loop over the same file, in one run.

    python benchmarks/bench_check.py --records 300000 --select F,S,P,U,A
    python benchmarks/bench_check.py --records 1000000 --select D
    python benchmarks/bench_check.py --records 1000000 --select D --corpus words \
        --baseline-rev 401e53c

Prints the baseline time, sftlint's time and peak memory (max RSS of the sftlint
process and its workers), and the ratio. The data is generated once into a temp folder
(`--corpus`: see generate.py). `--baseline-rev` also times the sftlint of an earlier
commit (its sftlint/ and rules/, from `git archive`) on the same file, in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402


def orjson_loop(path: Path, clock: Callable[[], float] = time.perf_counter) -> float:
    """Seconds (of `clock`: wall time, or time.process_time for CPU) to parse every line."""
    start = clock()
    with path.open("rb") as f:
        for line in f:
            orjson.loads(line)
    return clock() - start


PEAK_WRAPPER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(usage.ru_utime + usage.ru_stime, usage.ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def checkout(rev: str, into: Path) -> Path:
    """sftlint/ and rules/ of commit `rev` laid out as an importable `sftlint` package."""
    repo = Path(__file__).resolve().parent.parent
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", rev, "sftlint", "rules"], cwd=repo,
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    shutil.move(str(into / "rules"), str(into / "sftlint" / "rules"))
    return into


def run_sftlint(path: Path, select: str, jobs: int | None, python_path: Path | None = None
                ) -> tuple[float, float, float, int]:
    """(seconds, CPU seconds, peak RSS in MiB, findings) of one `sftlint check`. It runs
    under a small wrapper process whose RUSAGE_CHILDREN covers that check and its workers
    only. CPU seconds (all processes) vary less than wall time on a shared machine."""
    cmd = [sys.executable, "-c", PEAK_WRAPPER,
           sys.executable, "-m", "sftlint", "check", str(path), "--select", select,
           "--statistics", "--exit-zero"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    env = dict(os.environ, PYTHONPATH=str(python_path)) if python_path else None
    start = time.perf_counter()
    # run beside the data, not in the repository: `python -m` puts the working directory
    # first on sys.path, where the repository's sftlint/ would hide the one of --baseline-rev
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=path.parent)
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"sftlint failed ({proc.returncode}): {err[-2000:]}")
    cpu, peak_kb = err.strip().splitlines()[-1].split()
    findings = sum(int(line.split("\t")[0]) for line in out.splitlines() if "\t" in line)
    return elapsed, float(cpu), int(peak_kb) / 1024, findings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--select", default="F,S,P,U,A")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--file", type=Path, help="an existing file instead of generated data")
    parser.add_argument("--corpus", choices=["phrases", "words"], default="phrases")
    parser.add_argument("--baseline-rev", help="also time the sftlint of this commit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "bench.jsonl"
        if args.file is None:
            records, _ = generate(args.records, seed=0, corpus=args.corpus)
            with path.open("w", encoding="utf-8") as f:
                for r in records:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
            del records
        size_mb = os.path.getsize(path) / 1e6
        baseline = min(orjson_loop(path) for _ in range(3))
        print(f"file: {path.name if args.file else 'generated ' + args.corpus} "
              f"{size_mb:.0f} MB, select {args.select}, jobs {args.jobs or os.cpu_count()}")
        baseline_cpu = min(orjson_loop(path, time.process_time) for _ in range(3))
        print(f"orjson.loads loop: {baseline:.2f} s ({baseline_cpu:.2f} s CPU)", flush=True)
        if args.baseline_rev:
            old = checkout(args.baseline_rev, Path(tmp) / "baseline")
            old_s, old_cpu, old_mb, old_findings = run_sftlint(path, args.select, args.jobs,
                                                               old)
            print(f"sftlint {args.baseline_rev}:  {old_s:.2f} s ({old_cpu:.1f} s CPU), peak RSS "
                  f"{old_mb:.0f} MiB, {old_findings} findings, ratio {old_s / baseline:.2f}x",
                  flush=True)
        elapsed, cpu, peak_mb, findings = run_sftlint(path, args.select, args.jobs)
        print(f"sftlint check:     {elapsed:.2f} s ({cpu:.1f} s CPU), peak RSS {peak_mb:.0f} "
              f"MiB, {findings} findings")
        print(f"ratio:             {elapsed / baseline:.2f}x "
              f"(CPU: {cpu / baseline_cpu:.2f}x)")


if __name__ == "__main__":
    main()
