"""The receipt: ties an adapter to the exact data, system prompt, lint result and settings."""

from __future__ import annotations

import hashlib
import json
import platform
from collections import Counter
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from sftlint.findings import Finding

RECEIPT_NAME = "sftlint-receipt.json"


def sha256_of(path: str) -> str:
    """The SHA-256 of a file's bytes; of a folder (an Arrow dataset saved with
    `save_to_disk`), of each of its files' names and digests, in name order."""
    digest = hashlib.sha256()
    if Path(path).is_dir():
        for item in sorted(p for p in Path(path).rglob("*") if p.is_file()):
            digest.update(f"{item.relative_to(path).as_posix()}\0{sha256_of(str(item))}\n".encode())
        return digest.hexdigest()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("torch", "transformers", "peft", "trl", "sftlint"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def lint_summary(findings: list[Finding]) -> dict[str, Any]:
    return {
        "errors": sum(1 for f in findings if f.severity.value == "error"),
        "warnings": sum(1 for f in findings if f.severity.value == "warning"),
        "by_code": dict(sorted(Counter(f.code for f in findings).items())),
    }


def build_receipt(*, data: list[dict[str, Any]], system_prompt: str | None,
                  findings: list[Finding], settings: dict[str, Any], trained: dict[str, Any],
                  loss_curve: list[dict[str, float]],
                  data_changed: list[str] | None = None) -> dict[str, Any]:
    """`data` holds each file's hash as taken before the gate, so it names the bytes that
    were checked and trained; `trained` is what ran (steps, epochs, records), which a
    `max_steps` run makes differ from the `epochs` setting."""
    receipt: dict[str, Any] = {
        "data": data,
        "system_prompt": system_prompt,
        "lint": lint_summary(findings),
        "config": settings,
        "trained": trained,
        "versions": versions(),
        "loss_curve": loss_curve,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if data_changed:
        receipt["data_changed_during_training"] = data_changed
    return receipt


def write_receipt(output_dir: str, receipt: dict[str, Any]) -> Path:
    path = Path(output_dir) / RECEIPT_NAME
    path.write_text(json.dumps(receipt, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def read_receipt(adapter_dir: str) -> dict[str, Any]:
    """The receipt `sftlint train` wrote beside an adapter; a one-line error for a missing,
    unreadable or malformed one (a FIFO in its place would hang the read)."""
    from sftlint.config import ConfigError, require_regular_file

    path = Path(adapter_dir) / RECEIPT_NAME
    if not path.exists() and not path.is_symlink():
        raise ConfigError(f"{path}: no receipt; was this adapter trained by `sftlint train`?")
    require_regular_file(path, "the receipt")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: not a receipt `sftlint train` wrote ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: not a receipt `sftlint train` wrote (a JSON "
                          f"{type(data).__name__}, not an object)")
    prompt = data.get("system_prompt")
    if prompt is not None and not isinstance(prompt, str):
        raise ConfigError(f'{path}: "system_prompt" is {type(prompt).__name__}, not a string')
    return data
