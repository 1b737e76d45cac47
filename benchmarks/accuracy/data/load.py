"""Load the labeled sets. Items sampled from ../shared/realdata carry only their locator
and a hash: that folder's data may not be copied into this project, so their text is read
back from it when it is present (and those items are left out when it is not)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REALDATA = HERE.parents[2].parent / "shared" / "realdata"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _real_texts(root: Path) -> dict[str, str]:
    """Every turn of the sampled files by locator, as sample_realdata.py names them."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("sample_realdata", HERE / "sample_realdata.py")
    assert spec and spec.loader
    sampler = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sampler)
    sampler.ROOT = str(root)
    texts: dict[str, str] = {}
    for path, _, _ in sampler.PLAN + sampler.PLAN_EXTRA + sampler.LOCATE_ONLY:
        if (root / path).exists():
            for src, _, text in sampler.turns(path):
                texts[src] = (text or "").strip()
    return texts


def load(name: str, realdata: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """The items of `replies` or `user_turns`; real-data items only where their text is found."""
    root = Path(realdata) if realdata else REALDATA
    items = [json.loads(line) for line in (HERE / f"{name}.jsonl").read_text("utf-8").splitlines()]
    texts = _real_texts(root) if root.is_dir() else {}
    out = []
    for item in items:
        if item["text"] is None:
            text = texts.get(item["source"])
            if text is None or text_hash(text) != item["text_sha256"]:
                continue
            item = {**item, "text": text}
        out.append(item)
    return out
