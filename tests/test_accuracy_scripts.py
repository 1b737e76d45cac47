"""The accuracy scripts as a round uses them: train_scorer.py writes an experiment's weights
into a folder of its own (`--out`), threshold_curve.py reads A001's precision and recall with
them, agreement.py compares two annotators. Run on a tiny labeled folder, so that a script
that crashes after its work (as `--out` once did, at the write) fails here, not after a
16-minute training."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ACCURACY = Path(__file__).resolve().parents[1] / "benchmarks" / "accuracy"

LECTURES = ["你应该早点睡，别想太多。", "您必须按时吃药，听我的。", "别哭了，赶紧去洗脸。",
            "你得学会放下，不能总想着过去。", "You need to stop drinking right now.",
            "您不能再熬夜了，明天就去医院。", "把烟戒了吧，别再抽了。",
            "你要多出去走走，别老闷着。"]
KIND = ["睡不着真难受，要不要跟我说说？", "您今天吃饭了吗？", "听起来你很累，我在这儿陪你。",
        "这事搁谁身上都难过。", "That sounds like a hard day. Want to tell me more?",
        "您说的那家面馆我也想去看看。", "孙子来电话了呀，真好！", "慢慢来，不着急。"]
FORMAL = ["请列出老年人高血压饮食注意事项", "写一篇关于春天的短文", "比较一下两种药的优缺点",
          "请提供社区医院的联系方式"]
SPOKEN = ["今天降温了，冷死了。", "你说我孙子啥时候回来呀？", "我腿又疼了。", "给我讲个笑话呗。"]


def _module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _write(folder: Path, name: str, rows: list[dict[str, object]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def labeled(tmp_path: Path) -> Path:
    """A labeled folder as a round writes one: replies and user turns with their labels."""
    folder = tmp_path / "tiny"
    # three of each, so that every fold holds both labels
    replies = [{"id": f"r{i}", "text": t, "lecturing": t in LECTURES, "checklist": False}
               for i, t in enumerate((LECTURES + KIND) * 3)]
    turns = [{"id": f"u{i}", "text": t, "formal": t in FORMAL}
             for i, t in enumerate((FORMAL + SPOKEN) * 3)]
    _write(folder, "replies", replies)
    _write(folder, "user_turns", turns)
    return folder


def test_train_scorer_out_writes_weights_threshold_curve_reads(
        labeled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("torch")
    monkeypatch.syspath_prepend(str(ACCURACY))
    train = _module("accuracy_train_scorer", ACCURACY / "train_scorer.py")
    evaluator = train._evaluator()
    monkeypatch.setattr(evaluator, "DATA", labeled)
    monkeypatch.setattr(evaluator, "LATER_SETS", {})
    monkeypatch.setattr(train, "_evaluator", lambda: evaluator)
    for name, value in (("FOLDS", 2), ("REPEATS", 1), ("EPOCHS", 1), ("MIN_DF", 1)):
        monkeypatch.setattr(train, name, value)
    shipped = (train.OUT.read_bytes(), train.GRAMS.read_bytes())
    out = tmp_path / "weights" / "e0"  # a folder that does not exist yet
    assert train.main(["--out", str(out), "--real-weight", "2"]) == 0
    table = json.loads((out / "ngram_weights.json").read_text(encoding="utf-8"))
    assert set(table) == {"A001", "U003"}
    assert all((out / file).is_file() for scorer in table.values()
               for file in scorer["files"].values())
    assert (train.OUT.read_bytes(), train.GRAMS.read_bytes()) == shipped  # rules/ untouched
    with pytest.raises(SystemExit):
        train.main(["--out", str(out), "--real-weight", "0"])

    curve = _module("accuracy_threshold_curve", ACCURACY / "threshold_curve.py")
    from sftlint.rules import imperative_reply

    shipped = imperative_reply.load_scorer
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["threshold_curve.py", "--weights", str(out), "--sets",
                                      str(labeled), "--thresholds=-99,99"])
    assert curve.main() == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| -99")
            or line.startswith("| 99")]
    assert len(rows) == 2
    # the curve's scorer is the process's no longer: later checks read the shipped weights
    assert imperative_reply.load_scorer is shipped
    # at -99 the scorer flags every reply it reads: every lecture is found
    assert rows[0].split("|")[3].strip() == "1.000"
    monkeypatch.setattr(sys, "argv", ["threshold_curve.py", "--weights", str(out), "--sets",
                                      f"{labeled},{tmp_path / 'nothing-here'}"])
    with pytest.raises(SystemExit):  # a set with no texts is an error, not silently left out
        curve.main()


def test_agreement_scores_a_second_annotator(labeled: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.syspath_prepend(str(ACCURACY))
    agreement = _module("accuracy_agreement", ACCURACY / "agreement.py")
    second = labeled / "second_labels"
    replies = [json.loads(line) for line in (labeled / "replies.jsonl").open(encoding="utf-8")]
    turns = [json.loads(line) for line in (labeled / "user_turns.jsonl").open(encoding="utf-8")]
    # the second annotator differs on one reply's lecturing label, nowhere else
    _write(second, "replies_b", [{"id": r["id"], "lecturing": r["lecturing"] != (k == 0),
                                  "checklist": r["checklist"]} for k, r in enumerate(replies)])
    _write(second, "user_turns_b", [{"id": t["id"], "formal": t["formal"]} for t in turns])
    monkeypatch.setattr(agreement, "SETS", {"tiny": (labeled, "first")})
    monkeypatch.setattr(sys, "argv", ["agreement.py", "--set", "tiny"])
    assert agreement.main() == 0
    out = capsys.readouterr().out
    assert f"| A001 (lecturing) | {len(replies)} | first / b | " \
           f"{(len(replies) - 1) / len(replies):.3f} |" in out
    assert "| U003 (formal) | 24 | first / b | 1.000 |" in out
    assert f"the {len(replies) - 1} texts both label alike" in out


def test_sentence_scorer_trains_each_model_and_reads_its_frontier(labeled: Path) -> None:
    """sentence_scorer.py (round 25) on the tiny folder: each unit reading trains, and one
    trained on replies that are plainly lecturing or not ranks them apart (AUC, frontier)."""
    pytest.importorskip("torch")
    import numpy as np

    module = _module("accuracy_sentence_scorer", ACCURACY / "sentence_scorer.py")
    assert [len(u) > 0 for u in module.units("别哭了。我在这儿陪你。", module.UNITS["sentences"])] \
        == [True, True]
    assert len(module.units("别哭了。我在这儿陪你。", None)) == 1
    texts, labels = module.replies([labeled])
    assert labels.sum() == 24 and len(labels) == 48
    for split in module.UNITS.values():
        scores = module.train_and_score(split, (texts, labels), {"same": texts})["same"]
        assert scores.shape == (48,) and module.roc_auc(scores, labels) > 0.9
    perfect = np.array([1.0, 2.0, 3.0, 4.0])
    truth = np.array([False, False, True, True])
    assert module.roc_auc(perfect, truth) == 1.0 and module.roc_auc(-perfect, truth) == 0.0
    assert module.frontier(perfect, truth, None).startswith("F1 1.000 (P 1.000 R 1.000)")
