"""The built wheel installs one top-level package, `sftlint`, with rules and trainer inside."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.mark.e2e
def test_wheel_has_one_top_level_package(tmp_path: Path) -> None:
    # built from a copy of the sources: setuptools never cleans a checkout's build/lib,
    # so a wheel built in place also ships files since renamed or deleted
    source = tmp_path / "src"
    for folder in ("sftlint", "rules", "trainer"):
        shutil.copytree(REPO / folder, source / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                    str(tmp_path), str(source)], check=True, capture_output=True, timeout=600)
    wheel = next(tmp_path.glob("sftlint-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"sftlint"}
    assert "sftlint/rules/imperative_reply.py" in names
    assert "sftlint/trainer/data.py" in names
    assert "sftlint/formats/parquet.py" in names
    # the scorers' weights, and the files of their arrays and word n-grams
    assert "sftlint/rules/ngram_weights.json" in names
    tables = json.loads((REPO / "rules" / "ngram_weights.json").read_text())
    files = {f"sftlint/rules/{file}" for t in tables.values() for file in t["files"].values()}
    assert {n for n in names if n.startswith("sftlint/rules/ngram_weights")} == {
        "sftlint/rules/ngram_weights.json", *files}  # each one named, none left over
    metadata = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith("METADATA"))).decode()
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist")]
    core = [r for r in requires if "extra ==" not in r]
    assert not any("torch" in r or "transformers" in r for r in core)
    assert any("torch>=2.4" in r and 'extra == "train"' in r for r in requires)
    assert not any("pyarrow" in r for r in core)  # large: Parquet and Arrow are an extra
    assert any("pyarrow>=14" in r and 'extra == "parquet"' in r for r in requires)
