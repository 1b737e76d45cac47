"""The style rules keep the precision and recall docs/accuracy.md reports, on the labeled set
in benchmarks/accuracy/data (skipped where that folder is absent), and stay cheap: clean
text never loads jieba."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO

DATA = REPO / "benchmarks" / "accuracy" / "data"
# (rule, precision, recall): the figures docs/accuracy.md gives for dev and test together
# (A001 0.953 / 0.863, A002 1.000 / 0.954, U003 1.000 / 0.929), rounded down a little so
# that only a real loss fails, and low enough to hold where ../shared/realdata is absent and
# only the authored items are measured (A001 0.993 / 0.899, A002 1.000 / 0.952, U003
# 1.000 / 0.907).
FLOORS = {
    "A001": (0.94, 0.85),
    "A002": (0.98, 0.94),
    "U003": (0.98, 0.90),
}


def _evaluator() -> ModuleType:
    path = REPO / "benchmarks" / "accuracy" / "evaluate.py"
    spec = importlib.util.spec_from_file_location("accuracy_evaluate", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not all((DATA / f).exists() for f in ("replies.jsonl", "user_turns.jsonl")),
                    reason="no labeled data in benchmarks/accuracy/data")
def test_precision_and_recall_do_not_fall() -> None:
    results = _evaluator().evaluate(DATA, FLOORS, ["all"])
    for code, (precision, recall) in FLOORS.items():
        c = results[(code, "all")]
        assert c.n > 50, f"{code}: only {c.n} labeled texts"
        assert c.precision >= precision, f"{code} precision {c.precision:.3f} < {precision}"
        assert c.recall >= recall, f"{code} recall {c.recall:.3f} < {recall}"


def test_clean_text_does_not_load_jieba(tmp_path: Path) -> None:
    # jieba costs 0.7 s to load: only a turn that a cheap test flagged may pay for it
    data = tmp_path / "clean.jsonl"
    data.write_text(
        '{"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, '
        '{"role": "user", "content": "今天降温了，老伴又念叨他的腿。"}, '
        '{"role": "assistant", "content": "降温了腿就容易疼，他今天走路还方便吗？别太担心，'
        '要不要我提醒他多穿点？"}]}\n', encoding="utf-8")
    code = ("import sys\n"
            "from sftlint.config import parse_config\n"
            "from sftlint.engine import Linter\n"
            "from sftlint.registry import select_rules\n"
            "config = parse_config({}, 'test', '.')\n"
            "linter = Linter(config, select_rules(['A001', 'A002', 'U003'], []))\n"
            f"result = linter.check([{str(data)!r}])\n"
            "assert not result.findings, result.findings\n"
            "assert 'jieba' not in sys.modules, 'jieba was loaded for clean text'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)


def test_near_misses_do_not_make_a_turn_slow() -> None:
    # thousands of candidates that context rules out, in one sentence: bounded work each
    import time

    from sftlint.rules.assistant_replies import checklist_items
    from sftlint.rules.imperative_reply import imperative_phrase
    from sftlint.rules.user_turns import formal_marker

    texts = ["孩子们说" + "，您应该是很累" * 3000, "您应该是很累" * 5000, "：甲；乙" * 10000,
             "1.好；" * 10000, "请问" + "如何" * 10000]
    start = time.perf_counter()
    for text in texts:
        imperative_phrase(text)
        checklist_items(text)
        formal_marker(text)
    assert time.perf_counter() - start < 5
