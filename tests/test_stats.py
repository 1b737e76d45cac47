"""`sftlint stats`: the terminal table, and the HTML report rendered in headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from sftlint.cli import cli
from tests.conftest import REPO, chat, jsonl


def test_terminal_table_on_the_example() -> None:
    result = CliRunner().invoke(cli, ["stats", "--config", str(REPO / "examples" / "sftlint.toml"),
                                      str(REPO / "examples" / "data")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "records      40 in 1 file(s)" in out
    assert "loneliness" in out and "duplicate clusters: 0" in out
    assert "user (chars)" in out


def test_duplicates_and_findings_in_the_table(in_tmp: Path) -> None:
    records = [chat("有点想家了。", "想家是很正常的。"), chat("有点想家了。", "想家是很正常的。"),
               chat("睡不着。", "你应该早点睡。")]
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    out = CliRunner().invoke(cli, ["stats", "d.jsonl"]).output
    assert "duplicate clusters: 1" in out and "d.jsonl:1, d.jsonl:2" in out
    assert "A001 imperative-reply" in out and "D001 exact-duplicate" in out


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return path


def headless(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=120)


def test_html_report_renders_its_plots_in_chromium(in_tmp: Path) -> None:
    report = in_tmp / "report.html"
    result = CliRunner().invoke(cli, ["stats", "--config",
                                      str(REPO / "examples" / "sftlint.toml"),
                                      str(REPO / "examples" / "data"),
                                      str(REPO / "examples" / "dirty.jsonl"),
                                      "--html", str(report)])
    assert result.exit_code == 0, result.output
    html = report.read_text(encoding="utf-8")
    assert "http://" not in html.replace('http://www.w3.org', '') and "<script" not in html
    dom = headless("--dump-dom", report.as_uri()).stdout
    for plot in ("hist-user", "hist-assistant", "categories", "findings"):
        assert f'id="{plot}"' in dom, plot
    assert dom.count('class="bar"') >= 20 and 'class="target"' in dom
    shot = in_tmp / "report.png"
    headless("--window-size=1280,1100", f"--screenshot={shot}", report.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a page, not a blank
