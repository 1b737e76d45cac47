"""B rules: category balance and record counts."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from sftlint.config import CategoriesConfig, StrictModel
from sftlint.findings import Finding
from sftlint.options import from_project
from sftlint.reader import SourceFacts
from sftlint.records import Record, Row
from sftlint.rule import DatasetRule, RecordRule, Scope

UNCATEGORIZED = "(none)"


class KeywordMatch(NamedTuple):
    """What a record's text says about its category: the category it counts under (None when
    no keyword matches) and, per matching category, the keywords found."""

    category: str | None
    found: dict[str, list[str]]


def match_keywords(text: str, categories: CategoriesConfig) -> KeywordMatch:
    """Which categories' keywords occur in `text`, as substrings (so 一个人 matches as a whole),
    whatever their case.

    When several categories match, the first one configured (in `names`, then `expected`,
    then `keywords` order) wins; B002 reports the record so the keywords can be sharpened.
    """
    keywords = categories.keywords or {}
    folded = text.casefold()  # "No one to talk to" has the keyword "no one to talk to"
    found = {name: hits for name in categories.all_names
             if (hits := [k for k in keywords.get(name, ()) if k and k.casefold() in folded])}
    return KeywordMatch(next(iter(found), None), found)


def record_text(row: Row) -> str:
    return row.user + "\n" + row.assistant


def category_of(row: Row, categories: CategoriesConfig) -> str | None:
    """The record's category: its field, else (with keywords) inferred from its text."""
    if row.category is not None:
        return row.category
    if categories.keywords:
        return match_keywords(record_text(row), categories).category
    return None


def category_targets(spec: CategoriesConfig | None, expected_records: int | None,
                     counts: Mapping[str, int]) -> dict[str, float]:
    """Each category's target count: `expected`, else `expected-records` split evenly over the
    names, else the records counted under one of the names, split evenly. B001 and the stats
    report (its target line) both use this."""
    if spec is None:
        return {}
    names = spec.all_names or sorted(c for c in counts if c != UNCATEGORIZED)
    if not names:
        return {}
    if spec.expected:
        return {n: float(spec.expected.get(n, 0)) for n in names}
    total = expected_records if expected_records is not None \
        else sum(counts.get(n, 0) for n in names)
    return {n: total / len(names) for n in names}


class CategoryImbalance(DatasetRule):
    """Category counts deviate from the expected counts by more than `tolerance`.

    ## What it does
    Counts the records of each category (from `[categories] field`, or inferred from
    `[categories] keywords`, matched as substrings, when a record has no field) and compares
    each count with its target: `expected` (exact targets), else `expected-records` split
    evenly over the names, else the records that have one of the names, split evenly. A
    category off by more than `tolerance` (a share of its target, default 0.2) is reported,
    with every count and target in the message.

    It does not flag counts as even as the total allows: with an even split of N records
    over K names, any count between floor(N/K) and ceil(N/K) passes, even at `tolerance = 0`.

    ## Why it matters for training
    The model's behaviour follows the mix: a dataset that is 60% health anxiety makes a
    companion that steers every chat to symptoms.

    ## Config
    ```toml
    [categories]
    field = "category"
    names = ["loneliness", "nostalgia"]
    ```

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？"}], "category": "nostalgia"}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "又梦见我妈了。"}, {"role": "assistant", "content": "梦见妈妈，醒来一定很想她。梦里她在做什么？"}], "category": "nostalgia"}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "老家的枣树结果了没有。"}, {"role": "assistant", "content": "那棵枣树一定陪了您很多年。小时候常爬吗？"}], "category": "nostalgia"}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "家里太安静了。"}, {"role": "assistant", "content": "安静得连钟声都听得见吧。今天做了些什么？"}], "category": "loneliness"}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？"}], "category": "nostalgia"}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "家里太安静了。"}, {"role": "assistant", "content": "安静得连钟声都听得见吧。今天做了些什么？"}], "category": "loneliness"}
    ```

    ## Options
    In `[categories]`: `field`, `names`, `expected` (exact targets), `tolerance`, `keywords`;
    and the top-level `expected-records`.
    """

    code = "B001"
    name = "category-imbalance"

    class Options(StrictModel):
        categories: CategoriesConfig | None = from_project("categories")
        expected_records: int | None = from_project("expected-records")

    options: Options

    def __init__(self, options: StrictModel) -> None:
        super().__init__(options)
        self.counts: Counter[str] = Counter()

    def observe(self, row: Row) -> None:
        categories = self.options.categories
        if categories is None:
            return
        self.counts[category_of(row, categories) or UNCATEGORIZED] += 1

    def finish(self, dataset: str) -> Iterator[Finding]:
        categories = self.options.categories
        if categories is None or not (categories.field or categories.keywords):
            return
        if not sum(self.counts.values()):
            return
        targets = category_targets(categories, self.options.expected_records, self.counts)
        if not targets:
            return
        tolerance = categories.tolerance
        even = None
        if not categories.expected:
            # an even split: floor(N/K)..ceil(N/K) is as even as N records over K names allow
            share = next(iter(targets.values()))
            even = (math.floor(share + 1e-9), math.ceil(share - 1e-9))
        off = [n for n, target in targets.items()
               if _deviation(self.counts[n], target) > tolerance
               and not (even and even[0] <= self.counts[n] <= even[1])]
        if not off:
            return
        shown = ", ".join(f"{n} {self.counts[n]} (expected {round(t, 1):g}, "
                          f"{_signed(self.counts[n], t, tolerance)})" for n, t in targets.items())
        head = (f"category counts off by more than {tolerance:.0%}" if tolerance
                else "category counts differ from their targets")
        yield self.finding(dataset, None, None, f"{head}: {', '.join(off)}; counts: {shown}")


def _deviation(count: int, expected: float) -> float:
    # a hair of float error is no deviation: 3 of 10/3 is 10% off, not 10.000000000000002%
    return abs(count - expected) / expected - 1e-9 if expected else \
        (0.0 if count == 0 else math.inf)


def _signed(count: int, expected: float, tolerance: float) -> str:
    """The deviation in percent, with as many decimals as it takes to show a deviation
    beyond the tolerance as beyond it (never "+0%" next to "more than 0%")."""
    if not expected:
        return "unexpected" if count else "+0%"
    share = (count - expected) / expected
    for decimals in range(4):
        text = f"{share:+.{decimals}%}"
        if abs(share) <= tolerance + 1e-9 or abs(float(text.rstrip("%"))) > tolerance * 100:
            return text
    return text


class MissingCategory(RecordRule):
    """Categories are configured and the record has none.

    ## What it does
    With `[categories] field` set and no `keywords`, flags records where that field (a
    dotted path such as `meta.category`) is absent or not a string.

    With `keywords`, a record without the field gets its category from its text (user and
    assistant turns): the categories whose keywords occur in it as substrings, whatever
    their case. This rule then reports the records that no category's keywords match (they count as no category,
    and nothing else would say so) and, with `ambiguous = true` (the default), those that
    several categories' keywords match: they count under the first of those categories in
    config order (`names`, then `expected`, then `keywords`), and the message names every
    keyword found, so the keywords can be sharpened.

    ## Why it matters for training
    A record without a category escapes the balance check and every per-category filter.

    ## Config
    ```toml
    [categories]
    field = "category"
    names = ["nostalgia"]
    ```

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？"}], "category": "nostalgia"}
    ```

    ## Options
    - `ambiguous` (default `true`): also report records that several categories' keywords
      match.
    """

    code = "B002"
    name = "missing-category"

    class Options(StrictModel):
        ambiguous: bool = True
        categories: CategoriesConfig | None = from_project("categories")

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        categories = self.options.categories
        if not categories or record.category is not None:
            return
        if not categories.keywords:
            if categories.field:
                yield self.at(record, None, f'record has no category ("{categories.field}")')
            return
        match = match_keywords(record_text(record.row()), categories)
        if not match.found:
            where = f'no "{categories.field}" field and ' if categories.field else ""
            yield self.at(record, None, f"record has {where}no category keyword in its text "
                                        f"({', '.join(categories.keywords)})")
        elif len(match.found) > 1 and self.options.ambiguous:
            found = "; ".join(f"{n}: {', '.join(ks)}" for n, ks in match.found.items())
            yield self.at(record, None, f"keywords of {len(match.found)} categories match "
                                        f"({found}); counted as {match.category}")


class UnknownCategory(RecordRule):
    """The record's category is not one of the configured ones.

    ## What it does
    Flags a category value that is not in `names` (or the keys of `expected`): a typo like
    `lonliness`, or a category from another project.

    ## Why it matters for training
    Misspelled categories split one category in two and both halves look under-filled.

    ## Config
    ```toml
    [categories]
    field = "category"
    names = ["loneliness"]
    ```

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "家里太安静了。"}, {"role": "assistant", "content": "安静得连钟声都听得见吧。今天做了些什么？"}], "category": "lonliness"}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "又是一个人吃饭。"}, {"role": "assistant", "content": "一个人吃饭，饭菜都少了点味道。今晚吃的什么？"}], "category": "loneliness"}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "家里太安静了。"}, {"role": "assistant", "content": "安静得连钟声都听得见吧。今天做了些什么？"}], "category": "loneliness"}
    ```
    """

    code = "B003"
    name = "unknown-category"

    class Options(StrictModel):
        categories: CategoriesConfig | None = from_project("categories")

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        categories = self.options.categories
        if not categories or not categories.field or record.category is None:
            return
        names = categories.all_names
        if names and record.category not in names:
            import difflib

            close = difflib.get_close_matches(record.category, names, n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            yield self.at(record, None, f'unknown category "{record.category}"{hint}')


class RecordCount(DatasetRule):
    """The number of records differs from `expected-records`.

    ## What it does
    Counts the records of the dataset and compares the total with `expected-records`. The
    message reconciles, per file, physical lines, records, blank and unreadable lines and
    a missing final newline, so "wc -l says 999 but the log says 1000" explains itself.

    ## Why it matters for training
    A lost or extra record is the first sign of a broken export, a bad merge or a BOM
    that swallowed line 1.

    ## Config
    ```toml
    expected-records = 2
    ```

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天降温了。"}, {"role": "assistant", "content": "降温了可得多穿点，您那边冷不冷？"}]}
    ```
    """

    code = "B004"
    name = "record-count"
    scope = Scope.DATASET
    needs_turns = False

    class Options(StrictModel):
        expected_records: int | None = from_project("expected-records")

    options: Options

    def __init__(self, options: StrictModel) -> None:
        super().__init__(options)
        self.files: list[SourceFacts] = []

    def observe_file(self, facts: SourceFacts) -> None:
        self.files.append(facts)

    def observe(self, row: Row) -> None:
        pass

    def finish(self, dataset: str) -> Iterator[Finding]:
        expected = self.options.expected_records
        if expected is None:
            return
        total = sum(f.records for f in self.files)
        if total == expected:
            return
        details = "; ".join(_reconcile(f) for f in self.files)
        yield self.finding(dataset, None, None,
                           f"{total} records, expected {expected} ({details})")


def _reconcile(facts: SourceFacts) -> str:
    wc = facts.lines - (1 if facts.unterminated_last_line else 0)
    bad = len(facts.json_errors) + len(facts.undecodable) + len(facts.non_objects)
    parts = [f"{facts.records} records"]
    if facts.blank:
        parts.append(f"{len(facts.blank)} blank")
    if bad:
        parts.append(f"{bad} unreadable")
    text = f"{facts.path}: {facts.lines} lines = " + " + ".join(parts)
    if facts.unterminated_last_line:
        text += f", `wc -l` says {wc} (no final newline)"
    return text
