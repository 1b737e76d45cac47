"""Category targets (B001 and the stats report) and how B001 shows a deviation."""

from __future__ import annotations

from sftlint.rules.categories import _signed, category_targets, match_keywords
from tests.conftest import make_config


def test_targets_come_from_expected_then_expected_records_then_the_total() -> None:
    counts = {"a": 170, "b": 200, "c": 200, "d": 200, "e": 207}
    names = {"names": list(counts), "field": "category"}
    exact = make_config({"expected-records": 1000,
                         "categories": {**names, "expected": {"a": 300, "b": 200, "c": 200,
                                                              "d": 200, "e": 100}}})
    assert category_targets(exact.categories, exact.expected_records, counts)["a"] == 300
    planned = make_config({"expected-records": 1000, "categories": names})
    assert category_targets(planned.categories, planned.expected_records, counts) == \
        dict.fromkeys(counts, 200.0)
    actual = make_config({"categories": names})
    assert category_targets(actual.categories, actual.expected_records, counts)["a"] == \
        sum(counts.values()) / 5


def test_a_deviation_beyond_the_tolerance_never_reads_as_within_it() -> None:
    assert _signed(201, 200.4, 0.0) == "+0.3%"
    assert _signed(201, 200, 0.0) == "+0.5%"
    assert _signed(260, 200, 0.2) == "+30%"
    assert _signed(200, 200, 0.0) == "+0%"
    assert _signed(3, 10 / 3, 0.1) == "-10%"  # at the tolerance, not a hair beyond it


def test_targets_and_names_that_disagree_are_config_errors() -> None:
    import pytest

    from sftlint.config import ConfigError

    names = {"names": ["a", "b", "c"], "field": "category"}
    for categories, error in (
            ({**names, "expected": {"a": 2, "b": 2}}, "no target for c"),
            ({**names, "expected": {"a": 2, "b": 2, "c": 2, "zz": 2}}, "not in names: zz"),
            ({**names, "keywords": {"a": ["x"], "zz": ["y"]}}, "not in names: zz"),
            ({"names": ["a", "b"]}, "need a field")):
        with pytest.raises(ConfigError, match=error):
            make_config({"categories": categories})


def test_keywords_match_as_substrings_first_configured_wins() -> None:
    config = make_config({"categories": {"names": ["loneliness", "nostalgia"], "keywords": {
        "nostalgia": ["以前"], "loneliness": ["一个人", "孤单"]}}})
    assert config.categories is not None
    match = match_keywords("以前热闹，现在一个人。", config.categories)
    assert match.category == "loneliness"
    assert match.found == {"loneliness": ["一个人"], "nostalgia": ["以前"]}
    assert match_keywords("今天天气好。", config.categories).category is None


def test_keywords_match_whatever_their_case() -> None:
    config = make_config({"categories": {"names": ["lonely"], "keywords": {
        "lonely": ["no one to talk to"]}}})
    assert config.categories is not None
    for text in ("No one to talk to, honestly", "I have NO ONE TO TALK TO"):
        assert match_keywords(text, config.categories).category == "lonely"
