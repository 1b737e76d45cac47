"""The style rules keep the precision and recall docs/accuracy.md reports, on the labeled
development set in benchmarks/accuracy/data and on the held-out set in
benchmarks/accuracy/heldout (each skipped where its folder is absent), and stay cheap: clean
text never loads jieba, and the n-gram scorer's cost per turn stays small."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO

DATA = REPO / "benchmarks" / "accuracy" / "data"
HELDOUT = REPO / "benchmarks" / "accuracy" / "heldout"
# (rule, precision, recall) on the development data (dev and test together), which the
# patterns were tuned on and the scorers trained on: docs/accuracy.md gives A001 0.986 /
# 0.991, A002 and U003 1.000 / 1.000 (1.000 everywhere with only the authored items, where
# ../shared/realdata is absent). Rounded down a little so that only a real loss fails. These
# are fitted figures, not an estimate for new text: the held-out floors below are that.
FLOORS = {
    "A001": (0.97, 0.98),
    "A002": (0.99, 0.99),
    "U003": (0.99, 0.99),
}
# On the held-out set v2, measured once after the rules were final: docs/accuracy.md gives
# A001 0.879 / 0.614, A002 0.980 / 0.909, U003 0.962 / 0.785 (below the goal of 0.95 / 0.95;
# these floors only keep a later change from losing ground on text nobody tuned on). One
# change came after that measurement: U003's scorer gate matched single characters (是, 些,
# 能, 可) where it meant words, and flagged plain speech in the example data; fixed, U003
# reads 0.962 / 0.769 there.
HELDOUT_FLOORS = {
    "A001": (0.86, 0.60),
    "A002": (0.97, 0.89),
    "U003": (0.94, 0.75),
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


def _has_data(folder: Path) -> bool:
    return any((folder / f"{name}.jsonl").exists() for name in ("replies", "user_turns"))


@pytest.mark.skipif(not _has_data(HELDOUT), reason="no held-out set in benchmarks/accuracy/heldout")
def test_heldout_precision_and_recall_do_not_fall() -> None:
    results = _evaluator().evaluate(HELDOUT, HELDOUT_FLOORS, ["heldout"])
    for code, (precision, recall) in HELDOUT_FLOORS.items():
        c = results.get((code, "heldout"))
        if c is None:
            continue  # the held-out set has no items for this rule
        assert c.precision >= precision, f"{code} precision {c.precision:.3f} < {precision}"
        assert c.recall >= recall, f"{code} recall {c.recall:.3f} < {recall}"


def test_scorer_is_cheap() -> None:
    # the n-gram scorers read a turn only behind a cheap gate; a typical reply costs tens of
    # microseconds at most
    import time

    from sftlint.rules.imperative_reply import learned_lecture
    from sftlint.rules.user_turns import learned_formal

    learned_lecture("您好。")  # load the weights
    reply = "听您这么说，我心里也跟着暖暖的。今天天气不错，您下午打算出去走走吗？" * 2
    user = "今天孙子来电话了，说过年要带女朋友回来，我这心里高兴得不得了。"
    start = time.perf_counter()
    for _ in range(1000):
        learned_lecture(reply)
        learned_formal(user)
    assert time.perf_counter() - start < 1.0


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
