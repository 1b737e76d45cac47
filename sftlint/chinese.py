"""Chinese text helpers: jieba tokens (loaded lazily, only when a pre-filter asks) and CJK share."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")


@cache
def _jieba() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def words(text: str) -> list[str]:
    """jieba's tokens of `text` (precise mode, no HMM so results are stable)."""
    return _jieba().lcut(text, HMM=False)


def cjk_share(text: str) -> float:
    """Share of CJK ideographs among the letters of `text` (0 when it has none)."""
    letters = len(_LETTER.findall(text))
    return len(_CJK.findall(text)) / letters if letters else 0.0
