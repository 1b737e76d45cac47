"""The style rules keep the precision and recall docs/accuracy.md reports, on the labeled
development set in benchmarks/accuracy/data, on the other labeled sets in
benchmarks/accuracy/data_v2 ... data_v34 and on the held-out set in benchmarks/accuracy/heldout
(each skipped where its folder is absent), and stay cheap: clean text never loads jieba."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO

DATA = REPO / "benchmarks" / "accuracy" / "data"
ACCURACY = REPO / "benchmarks" / "accuracy"
HELDOUT = ACCURACY / "heldout"
# (rule, precision, recall) on the development data (dev and test together), which the
# patterns were tuned on and the scorers trained on: docs/accuracy.md gives A001 0.978 /
# 1.000, A002 and U003 1.000 / 1.000 (1.000 everywhere with only the authored items, where
# ../shared/realdata is absent). Rounded down a little so that only a real loss fails. These
# are fitted figures, not an estimate for new text: the held-out floors below are that.
FLOORS = {
    "A001": (0.96, 0.95),
    "A002": (0.99, 0.99),
    "U003": (0.99, 0.99),
}
# Sets v2-v36, each written blind by another annotator: v2-v6, v12-v14, v18 (v15h), v21
# (v21h), v24 (v24h), v27 (v27h), v30 (v28h), v34 (v30h) and v36 (v31h) were each the held-out
# set once, v7-v11, v15-v17, v19, v20, v22, v23, v25, v26, v28, v29, v31-v33 and v35 were
# written for training
# (docs/accuracy.md has what each read gave). Now the patterns are tuned on their misses and
# the scorers trained on them: fitted figures (A001, A002, U003 precision / recall,
# docs/accuracy.md), each floor a little under its figure (room for one text to turn). Round
# 23's scorers, trained on more sets (the pending ones and real3-9 too), read some of these a
# text or two lower; those floors moved down by 0.01. Round 24's (threshold 2.43 after 2.33,
# more real samples) reads A001 a little less precisely and more completely on these sets:
# twelve precision floors moved down by 0.01 (v32 by 0.02).
SET_FLOORS = {
    "v2": {"A001": (0.99, 0.96), "A002": (0.96, 0.96), "U003": (0.98, 0.98)},
    "v3": {"A001": (0.98, 0.93), "A002": (0.96, 0.98), "U003": (0.97, 0.98)},
    "v4": {"A001": (0.98, 0.93), "A002": (0.98, 0.97), "U003": (0.97, 0.95)},
    "v5": {"A001": (0.98, 0.98), "A002": (0.98, 0.98), "U003": (0.98, 0.96)},
    "v6": {"A001": (0.98, 0.94), "A002": (0.93, 0.98), "U003": (0.98, 0.98)},
    "v7": {"A001": (0.99, 0.92), "A002": (0.95, 0.96), "U003": (0.98, 0.96)},
    "v8": {"A001": (0.98, 0.98), "A002": (0.91, 0.96), "U003": (0.98, 0.97)},
    "v9": {"A001": (0.98, 0.90), "A002": (0.95, 0.96), "U003": (0.98, 0.98)},
    "v10": {"A001": (0.97, 0.91), "A002": (0.93, 0.96), "U003": (0.98, 0.98)},
    "v11": {"A001": (0.98, 0.92), "A002": (0.96, 0.96), "U003": (0.98, 0.98)},
    "v12": {"A001": (0.98, 0.88), "A002": (0.94, 0.96), "U003": (0.98, 0.94)},
    "v13": {"A001": (0.98, 0.97), "A002": (0.93, 0.95), "U003": (0.97, 0.95)},
    "v14": {"A001": (0.97, 0.95), "A002": (0.94, 0.96), "U003": (0.97, 0.97)},
    "v15": {"A001": (0.99, 0.84), "A002": (0.95, 0.96), "U003": (0.95, 0.97)},
    "v16": {"A001": (0.96, 0.89), "A002": (0.96, 0.96), "U003": (0.97, 0.97)},
    "v17": {"A001": (0.97, 0.93), "A002": (0.95, 0.88), "U003": (0.95, 0.97)},
    "v18": {"A001": (0.97, 0.90), "A002": (0.95, 0.96), "U003": (0.98, 0.96)},
    "v19": {"A001": (0.98, 0.93), "A002": (0.93, 0.97), "U003": (0.97, 0.97)},
    "v20": {"A001": (0.93, 0.99), "A002": (0.95, 0.95), "U003": (0.98, 0.97)},
    "v21": {"A001": (0.99, 0.95), "A002": (0.95, 0.95), "U003": (0.98, 0.96)},
    "v22": {"A001": (0.98, 0.82), "A002": (0.95, 0.97), "U003": (0.97, 0.97)},
    "v23": {"A001": (0.97, 0.96), "A002": (0.97, 0.97), "U003": (0.98, 0.98)},
    "v24": {"A001": (0.98, 0.95), "A002": (0.96, 0.97), "U003": (0.98, 0.98)},
    "v25": {"A001": (0.98, 0.93), "A002": (0.97, 0.96), "U003": (0.98, 0.98)},
    "v26": {"A001": (0.98, 0.85), "A002": (0.97, 0.98), "U003": (0.97, 0.88)},
    "v27": {"A001": (0.99, 0.96), "A002": (0.97, 0.96), "U003": (0.98, 0.98)},
    "v28": {"A001": (0.98, 0.89), "A002": (0.95, 0.98), "U003": (0.98, 0.94)},
    "v29": {"A001": (0.98, 0.91), "A002": (0.96, 0.94), "U003": (0.99, 0.97)},
    "v30": {"A001": (0.98, 0.97), "A002": (0.96, 0.98), "U003": (0.97, 0.98)},
    "v31": {"A001": (0.97, 0.92), "A002": (0.97, 0.96), "U003": (0.98, 0.95)},
    "v32": {"A001": (0.95, 0.95), "A002": (0.98, 0.96), "U003": (0.98, 0.96)},
    "v33": {"A001": (0.96, 0.96), "A002": (0.97, 0.95), "U003": (0.93, 0.90)},
    "v34": {"A001": (0.97, 0.93), "A002": (0.94, 0.99), "U003": (0.98, 0.95)},
    "v35": {"A001": (0.98, 0.97), "A002": (0.98, 0.98), "U003": (0.98, 0.98)},
    "v36": {"A001": (0.96, 0.96), "A002": (0.95, 0.96), "U003": (0.97, 0.95)},
}
# On the held-out set h39, written blind in round 25 by a new helper (its angle: family
# conflict across generations, with the line between taking the user's side and telling them
# what to do), read once with round 24's rules and scorer, which nothing in round 25 changed:
# A001 0.928 / 0.921, A002 0.977 / 0.966, U003 0.986 / 0.944. These floors keep a later change
# from losing ground on text nobody tuned on. (h38, round 24's set, is in pending/ and nothing
# has been trained on it.)
HELDOUT_FLOORS = {
    "A001": (0.92, 0.91),
    "A002": (0.97, 0.96),
    "U003": (0.98, 0.94),
}

# Samples of ../shared/realdata labeled blind (benchmarks/accuracy/real/; checked only where
# that folder is present): real3 was read once with round 17's rules and round 18's patterns
# were built from its misses (fitted: A001 0.911 / 0.767, A002 0.923 / 0.800, U003 0.884 /
# 0.884); real4 was read once after round 18 was final (A001 0.832 / 0.732, A002 0.500 /
# 0.667 on six lists, U003 0.970 / 0.780), then part 4 was built from its false findings
# (fitted: A001 0.874 / 0.732); real5 was read once after part 4 (924cdf9), nobody tuned on it
# (A001 0.889 / 0.672, A002 1.000 / 0.600 on ten lists, U003 0.914 / 0.821); round 19 built
# its patterns from real3-5 (fitted since: A001 0.913 / 0.789, 0.862 / 0.746, 0.893 / 0.702);
# real6 was drawn and labeled in round 19 and read after it (A001 0.788 / 0.727, A002 0.700 /
# 1.000 on seven lists, U003 0.943 / 0.825); round 20 built patterns from real3-6's misses
# (real6 since: A001 0.793 / 0.748); real7 was drawn and labeled in round 20 and read once
# after it (A001 0.838 / 0.772, A002 0.400 / 1.000 on four lists, U003 0.857 / 0.769); round 21
# built patterns from real3-7's misses (fitted since: A001 real3 0.915 / 0.805, real4 0.880 /
# 0.775, real7 0.840 / 0.787; U003 real4 0.974 / 0.902, real5 0.919 / 0.872, real6 0.949 /
# 0.925, real7 0.865 / 0.821); real8 was drawn and labeled in round 21 and read once after it
# (A001 0.877 / 0.710, A002 0.583 / 1.000 on seven lists, U003 0.921 / 0.875; the session's
# starting rules gave the same); round 22 built patterns from real3-8's misses (fitted since:
# real4 A001 0.882 / 0.789, real8 A001 0.888 / 0.725, U003 0.927 / 0.950); real9 was drawn
# and labeled in round 22 and read once after it (A001 0.855 / 0.734, A002 1.000 / 0.857 on
# seven lists, U003 0.917 / 0.805; the session's starting rules: A001 the same, U003 0.912 /
# 0.756). Round 23 trained the scorers on real3-9 too, so their figures are fitted now (A001
# real3 0.970 / 0.977 … real9 0.947 / 0.984, docs/accuracy.md); real10 was drawn and labeled
# in round 23 and read once after it (A001 0.884 / 0.759, A002 1.000 / 0.800 on ten lists,
# U003 0.944 / 0.895; the scorer before: A001 0.869 / 0.752). Round 24 trained the scorers on
# real3-10 and on real12-14 (drawn and labeled in round 24 as training data), so their figures
# are fitted; real11 was drawn and labeled in round 24 and read once after it (A001 0.748 /
# 0.779, A002 0.750 / 1.000 on three lists, U003 0.889 / 0.865; round 23's scorer: A001 0.795 /
# 0.730). real15 was drawn and labeled in round 25 and read once with round 24's rules, which
# round 25 did not change (A001 0.902 / 0.822, A002 0.600 / 0.429 on seven lists, U003 0.971 /
# 0.805).
REAL_FLOORS = {
    "real3": {"A001": (0.96, 0.97), "A002": (0.85, 0.73), "U003": (0.89, 0.86)},
    "real4": {"A001": (0.96, 0.99), "A002": (0.44, 0.50), "U003": (0.95, 0.88)},
    "real5": {"A001": (0.94, 0.97), "A002": (0.85, 0.50), "U003": (0.90, 0.85)},
    "real6": {"A001": (0.90, 0.97), "A002": (0.63, 0.85), "U003": (0.95, 0.90)},
    "real7": {"A001": (0.95, 0.96), "A002": (0.33, 0.90), "U003": (0.84, 0.80)},
    "real8": {"A001": (0.97, 0.99), "A002": (0.50, 0.90), "U003": (0.93, 0.93)},
    "real9": {"A001": (0.93, 0.97), "A002": (0.85, 0.80), "U003": (0.90, 0.81)},
    "real10": {"A001": (0.93, 0.98), "A002": (0.90, 0.70), "U003": (0.96, 0.86)},
    "real11": {"A001": (0.74, 0.77), "A002": (0.70, 0.95), "U003": (0.88, 0.86)},
    "real12": {"A001": (0.92, 0.98), "A002": (0.95, 0.70), "U003": (0.96, 0.85)},
    "real13": {"A001": (0.92, 0.98), "A002": (0.95, 0.95), "U003": (0.96, 0.77)},
    "real14": {"A001": (0.94, 0.99), "A002": (0.85, 0.85), "U003": (0.96, 0.82)},
    "real15": {"A001": (0.90, 0.82), "A002": (0.60, 0.42), "U003": (0.97, 0.80)},
}

def test_real_samples_resolve_every_text() -> None:
    """Each real sample's item points at one turn of ../shared/realdata, and its hash matches
    what is there: a sample measured on other texts would be measured on nothing."""
    if not (ACCURACY.parents[1].parent / "shared" / "realdata").is_dir():
        pytest.skip("../shared/realdata is absent")
    evaluator = _evaluator()
    for folder in sorted((ACCURACY / "real").glob("r*")):
        for name in ("replies", "user_turns"):
            with (folder / f"{name}.jsonl").open(encoding="utf-8") as f:
                total = sum(1 for line in f if line.strip())
            assert len(evaluator.load(folder, name)) == total, f"{folder.name}/{name}"


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


@pytest.mark.parametrize(("folder", "split", "floors"), [
    *((ACCURACY / f"data_{name}", name, floors) for name, floors in SET_FLOORS.items()),
    (HELDOUT, "heldout", HELDOUT_FLOORS),
    *((ACCURACY / "real" / f"r{name.removeprefix('real')}", name, floors)
      for name, floors in REAL_FLOORS.items())], ids=[*SET_FLOORS, "heldout", *REAL_FLOORS])
def test_other_sets_precision_and_recall_do_not_fall(folder: Path, split: str,
                                                     floors: dict[str, tuple[float, float]]
                                                     ) -> None:
    if not _has_data(folder):
        pytest.skip(f"no labeled set in {folder}")
    evaluator = _evaluator()
    if split.startswith("real") and not evaluator.load(folder, "replies"):
        pytest.skip("../shared/realdata, which holds the real samples' texts, is absent")
    results = evaluator.evaluate(folder, floors, [split])
    for code, (precision, recall) in floors.items():
        c = results.get((code, split))
        if c is None:
            continue  # the held-out set has no items for this rule
        assert c.precision >= precision, f"{code} precision {c.precision:.3f} < {precision}"
        assert c.recall >= recall, f"{code} recall {c.recall:.3f} < {recall}"


@pytest.mark.parametrize(("folder", "annotators"), [("data_v18", ("a", "b")),
                                                    ("real/r10", ("b",))])
def test_second_labels_cover_their_set_exactly(folder: str, annotators: tuple[str, ...]) -> None:
    """benchmarks/accuracy/agreement.py compares a set's own labels (v15h's writer's, now
    data_v18; real sample r10's first labeler's) with blind annotators': each annotator
    labels every text of the set once, and nothing else."""
    import json

    second = ACCURACY / folder / "second_labels"
    if not second.exists():
        pytest.skip("no second labels")
    for name, labels in (("replies", {"lecturing", "checklist"}), ("user_turns", {"formal"})):
        ids = [json.loads(line)["id"] for line in (second.parent / f"{name}.jsonl").open()]
        for who in annotators:
            rows = [json.loads(line) for line in (second / f"{name}_{who}.jsonl").open()]
            assert sorted(r["id"] for r in rows) == sorted(ids)
            assert all(set(r) == {"id", *labels} and all(isinstance(r[k], bool) for k in labels)
                       for r in rows)
        assert sorted(p.name for p in second.glob(f"{name}_*.jsonl")) == sorted(
            f"{name}_{who}.jsonl" for who in annotators)


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
             "1.好；" * 10000, "请问" + "如何" * 10000,
             # long runs of blanks and of empty list items: each line break must not rescan
             # the run (quadratic: 20,000 took about 20 s)
             "\n " * 20000, "\n- " * 20000]
    start = time.perf_counter()
    for text in texts:
        imperative_phrase(text)
        checklist_items(text)
        formal_marker(text)
    assert time.perf_counter() - start < 5
