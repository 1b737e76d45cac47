"""A001's scorer may overrule its patterns: a pattern's finding stands unless the scorer's
score for the reply falls under the `veto` stored with its weights."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from sftlint.chinese import NgramScorer
from sftlint.rules import imperative_reply
from tests.conftest import chat, jsonl, lint

ORDER = "你应该早点睡，别想太多。"  # a pattern's order


def _findings(in_tmp: Path, monkeypatch: pytest.MonkeyPatch, scorer: NgramScorer) -> list[str]:
    monkeypatch.setattr(imperative_reply, "load_scorer", lambda code: scorer)
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("睡不着。", ORDER)]))
    return [f.message for f in lint(["d.jsonl"], select=["A001"])]


@pytest.mark.parametrize(("weights", "veto", "flagged"), [
    ({"睡": -50.0}, None, True),  # no veto stored: the patterns have the last word
    ({"睡": -50.0}, -1.0, False),  # the scorer is sure it is not an order: overruled
    ({"睡": -0.5}, -1.0, True),  # not sure enough: the finding stands
    ({}, -1.0, True),
])
def test_the_scorer_overrules_a_pattern_only_under_its_veto(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch, weights: dict[str, float],
        veto: float | None, flagged: bool) -> None:
    scorer = NgramScorer.from_weights(3, 0.0, 99.0, weights or {"x": 0.0}, veto=veto)
    messages = _findings(in_tmp, monkeypatch, scorer)
    assert bool(messages) is flagged
    assert all('lecturing phrase "' in m for m in messages)


def test_the_veto_survives_the_weights_file() -> None:
    scorer = NgramScorer.from_weights(3, 0.0, 1.5, {"你": 1.0}, veto=-2.25)
    assert NgramScorer.from_table(scorer.to_table()).veto == -2.25
    assert NgramScorer.from_table(NgramScorer.from_weights(3, 0.0, 1.5, {"你": 1.0})
                                  .to_table()).veto is None


@pytest.mark.parametrize(("reply", "flagged"), [
    # the offer stands in another sentence: it does not take the order back
    ("你可以试着出去走走，晒晒太阳。你需要早点睡，别想太多。", True),
    ("你需要早点睡，别想太多。你可以试着出去走走，晒晒太阳。", True),
    # the scorer's reason to overrule stands in the order's own sentence
    ("你需要早点睡，也可以试着出去走走。", False),
])
def test_the_veto_reads_the_sentence_the_order_stands_in(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch, reply: str, flagged: bool) -> None:
    scorer = NgramScorer.from_weights(3, 0.0, 99.0, {"试着": -50.0}, veto=-1.0)
    monkeypatch.setattr(imperative_reply, "load_scorer", lambda code: scorer)
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("睡不着。", reply)]))
    assert bool(lint(["d.jsonl"], select=["A001"])) is flagged


def test_veto_text_is_the_orders_sentence() -> None:
    text = "我懂您的难处，要不要先歇一歇？您必须按时吃药。"
    assert imperative_reply.veto_text(text) == "您必须按时吃药。"


@pytest.mark.parametrize(("threshold", "flagged"), [
    (None, False),  # the trained threshold (50) is above the reply's score
    (5.0, True),  # a lower one flags it
    (99.0, False),
])
def test_scorer_threshold_moves_only_the_scorers_findings(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch, threshold: float | None,
        flagged: bool) -> None:
    """`[rules.A001] scorer-threshold` replaces the trained threshold for replies no
    pattern flags; a pattern's order is flagged whatever it is."""
    scorer = NgramScorer.from_weights(3, 0.0, 50.0, {"歇": 50.0})
    monkeypatch.setattr(imperative_reply, "load_scorer", lambda code: scorer)
    unmarked = "您先去歇着。"  # no pattern's order, a mark (您) for the scorer to read it
    assert 5.0 < scorer.scores([imperative_reply.scorer_text(unmarked)])[0] < 50.0
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("累了。", unmarked), chat("睡不着。", ORDER)]))
    options = {} if threshold is None else {"scorer-threshold": threshold}
    found = {f.line: f.message for f in lint(["d.jsonl"], select=["A001"],
                                              config={"rules": {"A001": options}})}
    assert (1 in found) is flagged
    assert 'lecturing phrase "' in found[2]


def test_scorer_threshold_without_the_scorer_is_an_error(in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("累了。", "您先去歇着。")]))
    (in_tmp / "sftlint.toml").write_text("[rules.A001]\nscorer = false\nscorer-threshold = 4\n",
                                         encoding="utf-8")
    result = subprocess.run(["sftlint", "check", "d.jsonl", "--select", "A001"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "scorer-threshold has no effect with scorer = false" in result.stderr
    assert "Traceback" not in result.stderr
