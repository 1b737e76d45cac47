"""How the style rules read Chinese text: one character for one, whatever the script."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sftlint.chinese import reading_form


def test_traditional_reads_as_simplified() -> None:
    assert reading_form("您應該多休息,好嗎?") == "您应该多休息，好吗？"
    assert reading_form("醫生話你要少食啲") == "医生话你要少食啲"
    # every Traditional character OpenCC pairs with one Simplified one, not only the rules' words
    assert reading_form("請幫我擬一份遺囑草稿，財產") == "请帮我拟一份遗嘱草稿，财产"


def test_simplified_and_english_stay_as_written() -> None:
    for text in ("您应该早点睡。", "You should rest, okay?", "别担心，我在。"):
        assert reading_form(text) == text


@given(st.text(alphabet=st.sampled_from("應该說话別别你您，,?!的 abc"), max_size=40))
def test_every_position_holds(text: str) -> None:
    # a finding's column is read from the written text at the position matched in this form
    assert len(reading_form(text)) == len(text)


_WORD = st.text(alphabet="您你一定要别想开aA.*(", min_size=1, max_size=5)


@given(st.lists(_WORD, min_size=1, max_size=30), st.text(alphabet="您你一定要别想开aA.*( ",
                                                          max_size=60))
def test_literal_trie_finds_the_longest_word_where_a_plain_alternation_does(
        words: list[str], text: str) -> None:
    """At every place, the trie matches the longest word that starts there, as an
    alternation of the words, longest first, does (the regex metacharacters are literals)."""
    import re

    from sftlint.chinese import literal_trie

    trie = re.compile(literal_trie(words))
    plain = re.compile("|".join(map(re.escape, sorted(set(words), key=len, reverse=True))))
    for at in range(len(text) + 1):
        got, expected = trie.match(text, at), plain.match(text, at)
        assert (got and got.group()) == (expected and expected.group())
