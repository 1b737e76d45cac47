"""sftlint: lint and gate supervised fine-tuning (SFT) chat data.

`sftlint.check(...)` and `sftlint.gate(...)` are the Python API (see `sftlint.api`); they
load on first use, so `import sftlint` stays light (no numpy or jieba)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["CheckReport", "GateError", "check", "gate", "__version__"]

if TYPE_CHECKING:
    from sftlint.api import CheckReport, GateError, check, gate


def __getattr__(name: str) -> Any:
    if name in ("check", "gate", "CheckReport", "GateError"):
        from sftlint import api

        return getattr(api, name)
    raise AttributeError(f"module 'sftlint' has no attribute {name!r}")
