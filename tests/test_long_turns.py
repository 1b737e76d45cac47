"""Rules stay bounded on very long turns and still see what matters in them."""

from __future__ import annotations

import random
from pathlib import Path

from tests.conftest import chat, jsonl, lint


def varied_text(chars: int, seed: int = 7) -> str:
    """Text with no repeated 4-grams to speak of: random Han characters."""
    rng = random.Random(seed)
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(chars))


def test_a004_finds_a_loop_at_the_end_of_a_huge_turn(tmp_path: Path) -> None:
    reply = varied_text(5_000) + "吃个香蕉吧！" * 10_000  # a runaway generation
    path = tmp_path / "d.jsonl"
    path.write_bytes(jsonl([chat("饿了。", reply)]))
    assert [f.code for f in lint([path], select=["A004"])] == ["A004"]


def test_a004_leaves_a_huge_varied_turn_alone(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(jsonl([chat("讲个长故事。", varied_text(200_000))]))
    assert lint([path], select=["A004"]) == []


def test_near_duplicate_search_leaves_huge_samples_to_d001(tmp_path: Path) -> None:
    """Two 150,000-character near-copies would cost a quadratic comparison: D002 leaves
    samples over 100,000 characters alone, and D001 still finds an exact copy of one."""
    text = varied_text(150_000)
    rows = [chat("讲个长故事。", text), chat("讲个长故事。", text[:-1] + "。"),
            chat("讲个长故事。", text)]
    path = tmp_path / "d.jsonl"
    path.write_bytes(jsonl(rows))
    assert [(f.code, f.line) for f in lint([path], select=["D001", "D002"])] == [("D001", 3)]
