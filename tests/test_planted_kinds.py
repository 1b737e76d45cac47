"""The planted corpus of the newer data kinds (benchmarks/planted_kinds), keyed from the spec
by a helper that never read the rules: every planted defect found, no look-alike flagged."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_the_planted_corpus_of_data_kinds_scores_one(tmp_path: Path) -> None:
    for name in ("make.py", "score.py"):
        shutil.copy(REPO / "benchmarks" / "planted_kinds" / name, tmp_path / name)
    subprocess.run([sys.executable, "make.py"], cwd=tmp_path, check=True, capture_output=True)
    proc = subprocess.run([sys.executable, "score.py"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    total = next(line for line in proc.stdout.splitlines() if line.startswith("| **all** |"))
    cells = [c.strip() for c in total.strip("|").split("|")]
    assert int(cells[1]) >= 280 and cells[2:4] == ["0", "0"], total
    assert cells[4:6] == ["1.000", "1.000"], total
