"""Progress goes to stderr only when it is a terminal, and never into machine output."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

from tests.conftest import chat, jsonl


def run_with_tty_stderr(args: list[str], cwd: Path) -> tuple[str, str]:
    """Run with stderr on a pseudo-terminal and stdout on a pipe."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    # stdout is read beside the terminal: a report past the pipe's buffer (64 KiB) would
    # block the check while this loop waits for the terminal to close
    out_parts: list[bytes] = []
    reader = threading.Thread(target=lambda: out_parts.append(
        proc.stdout.read() if proc.stdout else b""))
    reader.start()
    err = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
    reader.join(timeout=120)
    out = b"".join(out_parts)
    proc.wait(timeout=120)
    os.close(master)
    return out.decode(), err.decode(errors="replace")


def test_progress_on_a_terminal_only(in_tmp: Path) -> None:
    records = [chat(f"第{i}天，有点想家了。", f"想家是很正常的，第{i}次聊这个。")
               for i in range(200)]
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    args = [sys.executable, "-m", "sftlint", "check", "d.jsonl", "--format", "json",
            "--exit-zero"]
    out, err = run_with_tty_stderr(args, in_tmp)
    assert "sftlint: file 1/1 d.jsonl" in err and "\r" in err
    json.loads(out)  # stdout stays pure JSON
    piped = subprocess.run(args, cwd=in_tmp, capture_output=True, text=True, timeout=120)
    assert piped.stderr == ""
    assert json.loads(piped.stdout) == json.loads(out)
