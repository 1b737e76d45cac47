"""D rules: the same sample, or nearly the same, more than once in a dataset."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import replace

from sftlint.config import MAX_COUNT, StrictModel, relative_path
from sftlint.dedup import best_matches, find_near_duplicates, normalize_text
from sftlint.findings import Finding, Severity
from sftlint.options import Field, from_project
from sftlint.records import Row, conversation_key
from sftlint.rule import DatasetRule


def _place(path: str, line: int, column: int, here: str, root: str | None,
           with_column: bool) -> str:
    """Where another record is, as a finding's own place is shown: relative to the project
    root (`root`), or "line N" in the same file (`here`); `with_column` where records share
    a line (a JSON array written on one line)."""
    at = f"line {line}" if path == here else f"{relative_path(path, root) if root else path}:{line}"
    return f"{at}, column {column}" if with_column else at


class PlacedOptions(StrictModel):
    # the folder reported paths are relative to, for the other records a message names
    root: str | None = from_project("project-root")


class Places:
    """(path, line) of many records as one int each: a million tuples would cost ~100 MB."""

    SHIFT = 40

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.ids: dict[str, int] = {}

    def encode(self, path: str, line: int) -> int:
        index = self.ids.setdefault(path, len(self.ids))
        if index == len(self.paths):
            self.paths.append(path)
        return (index << self.SHIFT) | line

    def decode(self, code: int) -> tuple[str, int]:
        return self.paths[code >> self.SHIFT], code & ((1 << self.SHIFT) - 1)


def normalized_turns(row: Row) -> tuple[str, str]:
    """The row's user and assistant text, normalized."""
    return normalize_text(row.user), normalize_text(row.assistant)


def sample_text(row: Row) -> str:
    """What two samples must share to be duplicates: the user and assistant text."""
    user, assistant = normalized_turns(row)
    return user + "\n" + assistant


def shared_turns(rule: DatasetRule, row: Row) -> tuple[str, str]:
    """normalized_turns(row), computed once per row for D001-D003: they observe the same
    row one after another, and the run's cache (not this module) keeps the last result."""
    return rule.run.latest(normalized_turns, row, lambda: normalized_turns(row))


def shared_sample_text(rule: DatasetRule, row: Row) -> str:
    user, assistant = shared_turns(rule, row)
    return user + "\n" + assistant


# Texts longer than this are left out of the near-duplicate search (D001 still finds exact
# copies): comparing two of them costs time quadratic in their length, and a turn that
# long is a defect of its own.
NEAR_MAX_CHARS = 100_000


def near_comparable(text: str) -> bool:
    """Whether D002 (and D004) compare this sample text: one place for the bound."""
    return len(text) <= NEAR_MAX_CHARS


def text_key(text: str) -> str:
    """A stable hash of the compared text: what baselines key D findings by (the
    records' content, never their lines, so shuffling a file keeps the keys)."""
    return conversation_key((("text", text),))


class ExactDuplicate(DatasetRule):
    """Same user and assistant text as an earlier record.

    ## What it does
    Compares the user and assistant text of every record (case and runs of whitespace
    ignored; the system prompt is not compared) with all earlier records of the dataset,
    across its files, and names the earlier record.

    ## Why it matters for training
    A duplicated sample is trained on twice per epoch: the model memorizes it, and an
    evaluation split that shares it overstates quality.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？"}]}
    ```
    """

    code = "D001"
    name = "exact-duplicate"

    class Options(PlacedOptions):
        pass

    options: Options

    def __init__(self, options: StrictModel) -> None:
        super().__init__(options)
        self.places = Places()
        self.first: dict[int, int] = {}
        self.first_column: dict[int, int] = {}  # where it is not 1: JSON arrays on one line
        self.found: list[Finding] = []

    def observe(self, row: Row) -> None:
        if not row.user and not row.assistant:
            return  # nothing was read from it (S001/S002 say why): not a duplicate of anything
        # a 64-bit hash as the key: a collision among a million samples has odds ~1e-8
        text = shared_sample_text(self, row)
        key = hash(text)
        earlier = self.first.get(key)
        if earlier is None:  # each row is observed once: a second sight is another record
            self.first[key] = self.places.encode(row.path, row.line)
            if row.column != 1:
                self.first_column[key] = row.column
            return
        path, line = self.places.decode(earlier)
        where = _place(path, line, self.first_column.get(key, 1), row.path, self.options.root,
                       (path, line) == (row.path, row.line))
        self.found.append(self.finding(row.path, row.line, row.column,
                                       f"same user and assistant text as {where}",
                                       record_key=text_key(text)))

    def finish(self, dataset: str) -> Iterator[Finding]:
        yield from self.found


class NearDuplicate(DatasetRule):
    """User and assistant text nearly the same as an earlier record.

    ## What it does
    Finds records whose user + "\\n" + assistant text has a rapidfuzz ratio of at least
    `threshold` (0-100) with an earlier record, and names the most similar one with the
    score. Exact duplicates are left to D001, and so are samples over 100,000 characters
    (comparing two costs time quadratic in their length). Small datasets are compared pair by pair;
    large ones through a candidate search (a bounded number of candidates a record,
    each verified exactly); see docs/benchmarks.md for its measured recall against an
    exhaustive comparison.

    ## Why it matters for training
    Near-copies (one word changed, a typo fixed) weigh a sample several times over, and
    they are what template-driven generation produces most.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？是饭菜的味道吗？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？是饭菜的味道吧？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？是饭菜的味道吗？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天降温了。"}, {"role": "assistant", "content": "降温了可得多穿点，您那边冷不冷？"}]}
    ```

    ## Options
    - `threshold` (default 90): the rapidfuzz ratio at or above which two samples count.
    """

    about_pairs = True  # the record reported and the earlier one it nearly duplicates
    code = "D002"
    name = "near-duplicate"
    severity = Severity.WARNING

    class Options(PlacedOptions):
        threshold: float = Field(90, gt=0, le=100)

    options: Options

    def __init__(self, options: StrictModel) -> None:
        super().__init__(options)
        self.seen: set[int] = set()
        self.texts: list[str] = []
        self.places = Places()
        self.codes = array("q")
        self.columns = array("Q")

    def observe(self, row: Row) -> None:
        if not row.user and not row.assistant:
            return
        text = shared_sample_text(self, row)
        if not near_comparable(text):
            return
        key = hash(text)
        if key in self.seen:
            return  # an exact duplicate: D001's finding
        self.seen.add(key)
        self.texts.append(text)
        self.codes.append(self.places.encode(row.path, row.line))
        self.columns.append(row.column)

    def finish(self, dataset: str) -> Iterator[Finding]:
        best = best_matches(find_near_duplicates(self.texts, self.options.threshold))
        for j, (score, i) in sorted(best.items()):
            yield self.report((*self.places.decode(self.codes[j]), self.columns[j]),
                              (*self.places.decode(self.codes[i]), self.columns[i]), score,
                              text_key(self.texts[j]), text_key(self.texts[i]))

    def report(self, place: tuple[str, int, int], other: tuple[str, int, int], score: float,
               key: str, other_key: str) -> Finding:
        """The finding for the record at `place` (path, line, column), most similar to the
        earlier one at `other` (keys: each text's `text_key`); the Ray engine reports
        through it too."""
        path, line, column = place
        where = _place(*other, path, self.options.root, other[:2] == (path, line))
        finding = self.finding(path, line, column, f"near-duplicate of {where} "
                               f"(similarity {score:.0f}, threshold "
                               f"{self.options.threshold:g})", record_key=key)
        return replace(finding, related_keys=(other_key,))


class ReusedReply(DatasetRule):
    """One assistant reply used for several different user turns.

    ## What it does
    Groups records by their assistant text and reports a reply given to `min-count` or more
    different user turns, once, listing the lines.

    ## Why it matters for training
    A stock reply for any input teaches the model to ignore what it was told: the canned
    "我理解你的感受" that users notice at once.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "我理解您的感受，能多说说吗？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天降温了。"}, {"role": "assistant", "content": "我理解您的感受，能多说说吗？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "膝盖又疼了。"}, {"role": "assistant", "content": "我理解您的感受，能多说说吗？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天降温了。"}, {"role": "assistant", "content": "降温了可得多穿点，您那边冷不冷？"}]}
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "膝盖又疼了。"}, {"role": "assistant", "content": "膝盖疼起来走路都难，疼了多久了？"}]}
    ```

    ## Options
    - `min-count` (default 3): different user turns that make a reply "reused".
    """

    code = "D003"
    name = "reused-reply"
    severity = Severity.WARNING

    class Options(PlacedOptions):
        min_count: int = Field(3, ge=2, le=MAX_COUNT)

    options: Options
    MAX_LISTED = 10

    def __init__(self, options: StrictModel) -> None:
        super().__init__(options)
        # Most replies occur once: keep (first user, first place) for them, and the sets
        # and lists only for replies seen twice (a million sets would cost ~200 MB).
        self.first: dict[int, tuple[int, str, int, int]] = {}
        self.users: dict[int, set[int]] = {}
        self.places: dict[int, list[tuple[str, int, int]]] = {}
        self.replies: dict[int, str] = {}  # the text of replies seen twice, for the key

    def observe(self, row: Row) -> None:
        user, reply = shared_turns(self, row)
        if not reply:
            return
        key, user_key = hash(reply), hash(user)
        first = self.first.get(key)
        if first is None:  # each row is observed once: a second sight is another record
            self.first[key] = (user_key, row.path, row.line, row.column)
            return
        self.users.setdefault(key, {first[0]}).add(user_key)
        self.replies.setdefault(key, reply)
        places = self.places.setdefault(key, [first[1:]])
        if len(places) < self.MAX_LISTED:
            places.append((row.path, row.line, row.column))

    def finish(self, dataset: str) -> Iterator[Finding]:
        for key, users in self.users.items():
            if len(users) >= self.options.min_count:
                places = self.places[key]
                path, line, column = places[0]
                shared = len({(p, n) for p, n, _ in places}) < len(places)
                listed = ", ".join(_place(p, n, c, path, self.options.root, shared)
                                   for p, n, c in places)
                more = "" if len(places) < self.MAX_LISTED else ", ..."
                yield self.finding(path, line, column,
                                   f"same assistant reply for {len(users)} different user "
                                   f"turns: {listed}{more}",
                                   record_key=text_key(self.replies[key]))
