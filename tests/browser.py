"""Headless Chromium for the report tests: skipped with a reason where it is not installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile

import pytest


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium); the "
                    "report's rendering is not checked")
    return path


def headless(*args: str) -> subprocess.CompletedProcess[str]:
    """Run Chromium headless with the flags a machine without network needs."""
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=120)
