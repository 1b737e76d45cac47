"""The reader's bounds: peak memory on one huge line, and time on a large .json array.

    python benchmarks/bench_reader.py line --mb 200 --select F,S
    python benchmarks/bench_reader.py array --records 28600 114800

`line` writes one JSON Lines record whose assistant reply is MB megabytes of Chinese text
and prints the peak RSS of `sftlint check` (the largest of the process and its workers,
from RUSAGE_CHILDREN in a fresh process) minus that of the same command on a one-record
file, as a ratio against the line's size. `array` writes .json arrays of N records each,
times `sftlint check --select F` on them and prints seconds per megabyte (flat when linear).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SYSTEM = "你是一位耐心的陪伴者。"
POOL = ("的一是不了人我在有他这中大来上个国到说们为子和你地出会"
        "也时要就可以对生能而那得于着下自之年过发后")
PEAK = ("import resource, subprocess, sys\n"
        "subprocess.run([sys.executable, '-m', 'sftlint', 'check', *sys.argv[1:]],"
        " capture_output=True, check=False)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)\n")


def record(user: str, reply: str) -> dict[str, object]:
    return {"messages": [{"role": "system", "content": SYSTEM},
                         {"role": "user", "content": user},
                         {"role": "assistant", "content": reply}]}


def peak_rss(*args: str) -> int:
    out = subprocess.run([sys.executable, "-c", PEAK, *args], capture_output=True, text=True,
                         check=True).stdout
    return int(out)


def bench_line(folder: Path, mb: int, select: str) -> None:
    rng = random.Random(1)
    block = "".join(rng.choices(POOL, k=1_000_000))  # 3 MB of UTF-8
    reply = block * max(1, mb * 1_000_000 // 3 // len(block))
    big = folder / "big.jsonl"
    big.write_bytes((json.dumps(record("给我讲个很长的故事吧。", reply), ensure_ascii=False)
                     + "\n").encode())
    del reply
    tiny = folder / "tiny.jsonl"
    tiny.write_bytes((json.dumps(record("你好。", "你好呀。"), ensure_ascii=False)
                      + "\n").encode())
    size = big.stat().st_size
    base = peak_rss(str(tiny), "--select", select)
    start = time.perf_counter()
    peak = peak_rss(str(big), "--select", select)
    seconds = time.perf_counter() - start
    print(f"line {size / 1e6:.0f} MB, --select {select}: peak RSS {peak / 2**20:,.0f} MiB "
          f"(one-record file: {base / 2**20:,.0f} MiB), {seconds:.1f} s; "
          f"(peak - base) / line = {(peak - base) / size:.2f}x")


def bench_array(folder: Path, counts: list[int]) -> None:
    rng = random.Random(1)
    for n in counts:
        path = folder / f"array{n}.json"
        items = [json.dumps(record("".join(rng.choices(POOL, k=12)),
                                   "".join(rng.choices(POOL, k=40))), ensure_ascii=False)
                 for _ in range(n)]
        path.write_bytes(("[\n" + ",\n".join(items) + "\n]\n").encode())
        size = path.stat().st_size
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sftlint", "check", str(path), "--select", "F",
                        "--exit-zero"], capture_output=True, check=True)
        seconds = time.perf_counter() - start
        print(f".json array of {n:,} records ({size / 1e6:.1f} MB): {seconds:.2f} s, "
              f"{seconds / (size / 1e6):.3f} s/MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    line = sub.add_parser("line")
    line.add_argument("--mb", type=int, default=200)
    line.add_argument("--select", default="F,S")
    array = sub.add_parser("array")
    array.add_argument("--records", type=int, nargs="+", default=[28_600, 114_800])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.what == "line":
            bench_line(Path(tmp), args.mb, args.select)
        else:
            bench_array(Path(tmp), args.records)


if __name__ == "__main__":
    main()
