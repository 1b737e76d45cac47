"""Category targets (B001 and the stats report) and how B001 shows a deviation."""

from __future__ import annotations

from sftlint.rules.categories import _signed, category_targets, match_keywords
from tests.conftest import make_config


def test_targets_come_from_expected_then_expected_records_then_the_total() -> None:
    counts = {"a": 170, "b": 200, "c": 200, "d": 200, "e": 207}
    names = {"names": list(counts)}
    exact = make_config({"expected-records": 1000,
                         "categories": {**names, "expected": {"a": 300}}})
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


def test_keywords_match_as_substrings_first_configured_wins() -> None:
    config = make_config({"categories": {"names": ["loneliness", "nostalgia"], "keywords": {
        "nostalgia": ["以前"], "loneliness": ["一个人", "孤单"]}}})
    assert config.categories is not None
    match = match_keywords("以前热闹，现在一个人。", config.categories)
    assert match.category == "loneliness"
    assert match.found == {"loneliness": ["一个人"], "nostalgia": ["以前"]}
    assert match_keywords("今天天气好。", config.categories).category is None
