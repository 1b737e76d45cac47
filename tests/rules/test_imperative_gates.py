"""A001 searches each fixed phrase only where one of its literals stands: that is exact only
if every match of the phrase holds one of them. Checked on every labeled reply and every
A001 case; a phrase edited without its literals fails here, not silently on users' data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sftlint.chinese import reading_form
from sftlint.rules import imperative_reply as a001

REPO = Path(__file__).resolve().parents[2]


def replies() -> list[str]:
    texts = [json.loads(line)["text"]
             for path in sorted((REPO / "benchmarks" / "accuracy").glob("*/replies.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for case in yaml.safe_load((REPO / "tests/rules/cases/A001.yaml").read_text("utf-8")):
        texts += [r["chat"][1] for r in case.get("records", []) if "chat" in r]
    return [text for text in texts if isinstance(text, str)]


TEXTS = replies()


@pytest.mark.parametrize("index", range(len(a001._FIXED)))
def test_every_match_of_a_fixed_phrase_holds_one_of_its_literals(index: int) -> None:
    assert len(TEXTS) > 1000  # the labeled sets are in the repository
    pattern, literals = a001._FIXED[index]
    lowered = [literal.lower() for literal in literals]
    for text in TEXTS:
        padded = "\n" + a001._items_as_clauses(reading_form(text))
        for m in a001._fixed_pattern(index).finditer(padded):
            assert any(literal in padded.lower() for literal in lowered), (m.group(), text)


def test_the_scan_picks_exactly_the_phrases_whose_literals_stand_in_the_text() -> None:
    """One scan reports the longest literal at each place; the phrases of the literals it
    starts with, and of literals overlapping it, are searched too: the same phrases as
    looking for each literal on its own."""
    for text in [*TEXTS, "\n您就是想太多了，怎么能这么想呢", "\nWhat did I say? NO MORE."]:
        lowered = text.lower()
        wanted = {i for i, (_, literals) in enumerate(a001._FIXED)
                  if any(literal.lower() in lowered for literal in literals)}
        got = {int(next(iter(p.groupindex)).removeprefix("fixed"))
               for p in a001._fixed_patterns(text)}
        assert got == wanted, text


@pytest.mark.parametrize(("reply", "marked"), [
    ("He's right. Sell the car.", True),
    ("Hey, put the phone down and go to sleep.", True),
    ("Okay, take a deep breath and count to ten.", True),
    ("So go and apologize to her today.", True),
    ("Then call the doctor.", True),
    ('"Take it easy," she told me.', True),
    ("Okay, don’t worry about it.", True),  # a curly apostrophe
    ("Relax!", True),
    ("For tonight:\n- Nothing to eat after midnight.", True),
    ("She is not doing the task.", False),
    ("Snoopy", False),
    ("Okay, I understand.", False),
    ("No, sweetie, the ride is not there anymore. It used to be.", False),
    ("Why did the frog cross? Because he wanted to.", False),
    ("作为 {{name}}，我努力成为一个有用的助手。", False),
    ("冰雪(snow), 寒冷(cold), 热饮(hot drink)", False),
    ("She is a well-known author.", False),
])
def test_the_english_order_marks_that_open_the_scorer(reply: str, marked: bool) -> None:
    """The scorer reads an English reply only with a mark an order needs: the listener,
    don't/stop/never/please, or a sentence opening (after openers such as Hey, Okay, So)
    on a word that can order, followed by another word or "!"."""
    turns = a001.Turns(texts=[reply])
    assert (a001._with_order_mark(turns, [0]) == {0}) is marked


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet="ab .!?\n\t x", max_size=40), st.integers(0, 40))
def test_the_english_sentence_start_is_the_last_split(text: str, at: int) -> None:
    """`_sentence_start` finds, once per text, what splitting the text before `at` after
    every sentence mark found for each candidate (quadratic in a long reply)."""
    import re

    at = min(at, len(text))
    ends = [b.end() for b in a001._SENTENCE_BREAK.finditer(text)]
    assert text[a001._sentence_start(ends, at):at] == re.split(r"(?<=[.!?])\s", text[:at])[-1]
