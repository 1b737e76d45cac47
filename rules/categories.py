"""B rules: category balance and record counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from sftlint.chinese import words
from sftlint.config import CategoriesConfig, Config, StrictModel
from sftlint.findings import Finding
from sftlint.reader import SourceFacts
from sftlint.records import Record, Row
from sftlint.rule import DatasetRule, RecordRule, Scope

UNCATEGORIZED = "(none)"


def infer_category(text: str, keywords: dict[str, list[str]]) -> str | None:
    """The category whose keywords appear most among the jieba tokens of `text`.

    A substring test first, so jieba runs only on text that can match at all.
    """
    if not any(k in text for ks in keywords.values() for k in ks):
        return None
    tokens = Counter(words(text))
    scores = {name: sum(tokens[k] for k in ks) for name, ks in keywords.items()}
    best = max(scores, key=lambda name: scores[name])
    return best if scores[best] > 0 else None


def category_of(row: Row, categories: CategoriesConfig) -> str | None:
    """The record's category: its field, else (with keywords) inferred from its text."""
    if row.category is not None:
        return row.category
    if categories.keywords:
        return infer_category(row.user + "\n" + row.assistant, categories.keywords)
    return None


class CategoryImbalance(DatasetRule):
    """Category counts deviate from the expected counts by more than `tolerance`.

    ## What it does
    Counts the records of each category (from `[categories] field`, or inferred from
    `[categories] keywords` on jieba tokens when the data has no field) and compares each
    count with `expected` (exact targets) or, without targets, with an even split over
    `names`. A category off by more than `tolerance` (a share of its expected count,
    default 0.2) is reported, with every count in the message.

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
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "家里太安静了。"}, {"role": "assistant", "content": "安静得连钟声都听得见吧。今天做了些什么？"}], "category": "loneliness"}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？"}], "category": "nostalgia"}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "家里太安静了。"}, {"role": "assistant", "content": "安静得连钟声都听得见吧。今天做了些什么？"}], "category": "loneliness"}
    ```

    ## Options
    In `[categories]`: `field`, `names`, `expected` (exact targets), `tolerance`, `keywords`.
    """

    code = "B001"
    name = "category-imbalance"

    def __init__(self, options: StrictModel, config: Config) -> None:
        super().__init__(options, config)
        self.counts: Counter[str] = Counter()

    def observe(self, row: Row) -> None:
        categories = self.config.categories
        if categories is None:
            return
        self.counts[category_of(row, categories) or UNCATEGORIZED] += 1

    def finish(self, dataset: str) -> Iterator[Finding]:
        categories = self.config.categories
        if categories is None or not (categories.field or categories.keywords):
            return
        total = sum(self.counts.values())
        names = categories.all_names or sorted(c for c in self.counts if c != UNCATEGORIZED)
        if not total or not names:
            return
        if categories.expected:
            expected = {n: float(categories.expected.get(n, 0)) for n in names}
        else:
            known = sum(self.counts[n] for n in names)  # B002/B003 report the others
            expected = {n: known / len(names) for n in names}
        off = [n for n in names if _deviation(self.counts[n], expected[n]) > categories.tolerance]
        if not off:
            return
        shown = ", ".join(
            f"{n} {self.counts[n]} (expected {expected[n]:g}, "
            f"{_signed(self.counts[n], expected[n])})" for n in names)
        yield self.finding(dataset, None, None,
                           f"category counts off by more than {categories.tolerance:.0%}: "
                           f"{', '.join(off)}; counts: {shown}")


def _deviation(count: int, expected: float) -> float:
    return abs(count - expected) / expected if expected else (0.0 if count == 0 else 1e9)


def _signed(count: int, expected: float) -> str:
    if not expected:
        return "unexpected"
    return f"{(count - expected) / expected:+.0%}"


class MissingCategory(RecordRule):
    """Categories are configured and the record has none.

    ## What it does
    With `[categories] field` set, flags records where that field (a dotted path such as
    `meta.category`) is absent or not a string. Not used when `keywords` are configured:
    then a record without the field has its category inferred from its text.

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
    """

    code = "B002"
    name = "missing-category"

    def check(self, record: Record) -> Iterator[Finding]:
        categories = self.config.categories
        if categories and categories.field and not categories.keywords \
                and record.category is None:
            yield self.at(record, None, f'record has no category ("{categories.field}")')


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

    def check(self, record: Record) -> Iterator[Finding]:
        categories = self.config.categories
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

    def __init__(self, options: StrictModel, config: Config) -> None:
        super().__init__(options, config)
        self.files: list[SourceFacts] = []

    def observe_file(self, facts: SourceFacts) -> None:
        self.files.append(facts)

    def observe(self, row: Row) -> None:
        pass

    def finish(self, dataset: str) -> Iterator[Finding]:
        expected = self.config.expected_records
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
