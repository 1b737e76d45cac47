"""Time the HTML report (`sftlint stats --html`) of a generated dataset: the check, the
stats pass, and the rendering alone, and the size of the file written.

    python benchmarks/generate.py /tmp/1m.jsonl --records 1000000
    python benchmarks/bench_report.py /tmp/1m.jsonl --html /tmp/1m.html
"""

from __future__ import annotations

import argparse
import os
import resource
import time

from sftlint.cli import progress_printer
from sftlint.config import load_config
from sftlint.engine import Linter
from sftlint.filtering import filter_findings
from sftlint.registry import select_rules
from sftlint.stats import compute_stats
from sftlint.stats_html import render_html


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data")
    parser.add_argument("--html", required=True)
    parser.add_argument("--config", default=None)
    args = parser.parse_args()
    config, _ = load_config(args.config)
    t0 = time.perf_counter()
    result = Linter(config, select_rules(config.select, config.ignore)).check(
        [args.data], progress=progress_printer())
    result.findings = filter_findings(result.findings, config).findings
    t1 = time.perf_counter()
    stats = compute_stats([args.data], config, result, None, progress_printer())
    t2 = time.perf_counter()
    page = render_html(stats, args.data)
    with open(args.html, "w", encoding="utf-8") as f:
        f.write(page)
    t3 = time.perf_counter()
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(f"records {stats.records:,}, findings {len(result.findings):,}, "
          f"duplicate clusters {len(stats.duplicate_clusters):,}")
    print(f"check {t1 - t0:.1f} s, stats {t2 - t1:.1f} s, render+write {t3 - t2:.2f} s, "
          f"file {os.path.getsize(args.html) / 1e6:.2f} MB, peak RSS {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
