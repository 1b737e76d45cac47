"""A002-A004: the shape of assistant replies (checklists, length, repetition)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sftlint import regex_cache
from sftlint.chinese import reading_form
from sftlint.config import MAX_CHARS, StrictModel
from sftlint.findings import Finding, Severity
from sftlint.options import Field, model_check
from sftlint.records import Record
from sftlint.rule import RecordRule

# A line that starts with a list marker: 1. / 2、 / （3） / ① / - / • / ✔ / 一、 / 第一， / A. / # heading
_LIST_LINE = regex_cache.compile(
    r"(?m)^[ \t]*(?:[*_>]{1,2}[ \t]*)?(?:\d{1,2}[.、．)）:：](?![\d.:：])|[（(]\d{1,2}[)）]|[①-⑳]"
    r"|[-*+][ \t]|[•·●▪◆◇■□★☆✔✓✅➤►▶→][ \t]?|[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2B55][\ufe0f]?|[一二三四五六七八九十]{1,2}[、.．]"
    r"|第[一二三四五六七八九十]+(?:步|点|条)?[，,、：:.．\s]|[A-Ha-h][.)）][ \t]|#{1,6}[ \t]|(?:Step|步骤)[ \t]*\d"
    r"|\*\*[^*\n]{1,20}\*\*[ \t]*[：:]|\*\*[^*\n]{1,20}[：:]\*\*|【[^】\n]{1,8}】|[A-H][ \t](?=[\u4e00-\u9fff]))")
# A key: value line ("爷爷：王德顺", "早上：降压药一片"): three or more in a row make a list.
_KEY_VALUE_LINE = regex_cache.compile(r"(?m)^[ \t]*[^\s：:，,。！？!?]{1,10}(?:[：:]|[ \t]+(?=[\U0001F300-\U0001FAFF\u2600-\u27BF])"
                             r"|[ \t]*[-–—→|][ \t]*)[ \t]*\S[^\n]{0,60}$")
# Numbered items inside a sentence, after a colon, a stop, a semicolon or a comma:
# "建议您：1.按时服药；2.保持低盐饮食；3.…", "一是少吃盐，二是别熬夜", "第一，…第二，…", "①…②…".
_INLINE_ITEM = regex_cache.compile(
    r"(?:(?:^|(?<=[：:；;，,。.！!？?\s]))(?:(?P<arabic>\d{1,2})[.、．)）](?![\d%])|[（(](?P<paren>\d{1,2})[)）]"
    r"|(?P<han>[一二三四五六七八九十])(?:是|要|不|、)(?![一二三四五六七八九十])"
    r"|(?P<letter>[a-hA-H])[.)）](?=[ \t]|[\u4e00-\u9fff])|[（(](?P<letterp>[a-hA-H])[)）]"
    r"|(?P<roman>i{1,3}|iv|vi{0,3})[.)）](?=[ \t])|(?P<upper_roman>[Ⅰ-Ⅻ])|(?P<lower_roman>[ⅰ-ⅻ])"
    r"|(?P<paren_digit>[⑴-⒇])"
    r"|[（(]?(?P<stem>[甲乙丙丁戊己庚])(?:[)）]|[、，,：:])|其(?P<qi>[一二三四五六七八九十])"
    r"|(?:Step|步骤)[ \t]*(?:(?P<step>\d{1,2})|(?P<stephan>[一二三四五六七八九十]))[：:.]"
    r"|[（(](?P<hanparen>[一二三四五六七八九十])[)）]"
    r"|(?:第|头)(?P<ordinal>[一二三四五六七八九十])(?:步|点|条|件|个方面)?[，,、：:]"
    r"|(?P<word>[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even)[,:])"
    # marks that set themselves apart, wherever they stand
    r"|(?P<circled>[①-⑳])|(?P<keycap>\d)\ufe0f?\u20e3|【(?P<bracket>\d{1,2}|[A-Ha-h])】)")
_HAN_DIGITS = "一二三四五六七八九十"
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven")
_ITEM_ONE = regex_cache.compile(r"[1①aA⑴Ⅰⅰ甲]|一[是要不、]|[第头（(其]一|步骤一|[Oo]ne[,:]|\bi[.)）]")
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii")
_STEMS = "甲乙丙丁戊己庚"
# 一来…二来…三来: two of them are one sentence's reasons (一来腿疼，二来又下雨), three a list.
_LAI_RUN = regex_cache.compile(r"一来[^。！？!?\n]{1,40}?二来[^。！？!?\n]{1,40}?三来")
# A markdown table: its rows under the |---|---| line.
_TABLE_RULE = regex_cache.compile(r"(?m)^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*$")
# Bare numbers opening items, after a blank or a line break, with no mark after them (typed by
# voice or in a hurry): "1打开支付宝 2搜健康码 3点进去", "1 用手机打车\n2 网上挂号\n3 发红包".
_BARE_ITEM = regex_cache.compile(r"(?:^|(?<=\s))(\d{1,2})[ \t]?(?=[\u4e00-\u9fff])")
# Unmarked lines under a line that ends in a colon, each short and without a sentence's end:
# a schedule or a phone list ("您的安排：\n周一 量血压\n周三 书法课\n周五 孙女来").
_COLON_HEAD = regex_cache.compile(r"[：:][ \t]*$")
_BARE_LINE = regex_cache.compile(r"[^\s。！？!?.][^\n。！？!?.]{0,29}(?<![，,])")
# A fenced code block: its lines (def f(x):⏎    return x) are code, not a list.
_CODE_FENCE = regex_cache.compile(r"^[ \t]*```[^\n]*\n.*?(?:^[ \t]*```|\Z)", re.M | re.S)
# Steps in prose: 首先…其次…(最后), 先…然后…最后…; First… Second… Finally…
_STEP_FIRST = regex_cache.compile(r"(?:^|(?<=[：:；;，,。！!？?\s]))(?:首先|第一步|先)(?=[，,]?)")
_STEP_SECOND = regex_cache.compile(r"(?:^|(?<=[：:；;，,。！!？?\s]))(?:其次|然后|接着|再次|第二步)")
_STEP_NEXT = regex_cache.compile(r"(?:^|(?<=[：:；;，,。！!？?\s]))(?:其次)[，,]")
_STEP_LAST = regex_cache.compile(r"(?:^|(?<=[：:；;，,。！!？?\s]))(?:最后|第三步)")
# 先…，然后/再…，最后… in one run, wherever 先 stands (您必须先去…，然后…，最后…).
_STEP_RUN = regex_cache.compile(r"先[^。！？!?\n]{2,60}?[，,；;。]\s*(?:然后|再|接着|之后)[^。！？!?\n]{1,60}?[，,；;。]\s*最后")
_EN_FIRST = regex_cache.compile(r"(?:^|(?<=[.!?]\s))First(?:ly)?,|(?<=[:;]\s)[Ff]irst(?:ly)?,", re.M)
_EN_NEXT = regex_cache.compile(r"(?:^|(?<=[.!?;]\s))(?:[Ss]econd(?:ly)?|Next|Then),", re.M)
_EN_LAST = regex_cache.compile(r"(?:^|(?<=[.!?;]\s))(?:[Tt]hird(?:ly)?|Finally|Lastly),", re.M)
# After a colon, three or more short items split by semicolons: "日程是：周一理发；周三复查；…"
_SEMICOLON_LIST = regex_cache.compile(r"[：:][^；;。.!?！？\n]{1,30}(?:[；;][^；;。!?！？\n]{1,30}){2,}")


def _number(m: re.Match[str]) -> int:
    for group in ("arabic", "paren"):
        if m.group(group):
            return int(m.group(group))
    if m.group("circled"):
        return ord(m.group("circled")) - ord("①") + 1
    letter = m.group("letter") or m.group("letterp")
    if letter:
        return ord(letter.lower()) - ord("a") + 1
    if m.group("step"):
        return int(m.group("step"))
    if m.group("word"):
        return _NUMBER_WORDS.index(m.group("word").lower()) + 1
    for group, first in (("upper_roman", "Ⅰ"), ("lower_roman", "ⅰ"), ("paren_digit", "⑴")):
        if m.group(group):
            return ord(m.group(group)) - ord(first) + 1
    if m.group("roman"):
        return _ROMAN.index(m.group("roman")) + 1
    if m.group("keycap") or m.group("bracket"):
        mark = m.group("keycap") or m.group("bracket")
        return int(mark) if mark.isdigit() else ord(mark.lower()) - ord("a") + 1
    if m.group("stem"):
        return _STEMS.index(m.group("stem")) + 1
    if m.group("qi"):
        return _HAN_DIGITS.index(m.group("qi")) + 1
    han = m.group("han") or m.group("hanparen") or m.group("ordinal") or m.group("stephan")
    return _HAN_DIGITS.index(han) + 1


def _inline_run(text: str, spoken: bool) -> int:
    """The longest run of items numbered 1, 2, 3... in order, each with some text; with
    `spoken`, also items counted off in words (one, …; two, …)."""
    best = run = 0
    expected = 1
    last_end = -1
    for m in _INLINE_ITEM.finditer(text):
        if not spoken and m.group("word"):
            continue
        n = _number(m)
        if n == 1:
            run, expected, last_end = 1, 2, m.end()
        elif n == expected and m.start() - last_end >= 2:
            run, expected, last_end = run + 1, expected + 1, m.end()
        else:
            continue
        best = max(best, run)
    return best if best >= 2 else 0


def _bare_run(text: str) -> int:
    """The longest run of bare numbers 1, 2, 3... opening items in order (3 or more count:
    two bare numbers are as often a count as a list)."""
    best = run = 0
    for m in _BARE_ITEM.finditer(text):
        n = int(m.group(1))
        run = 1 if n == 1 else run + 1 if n == run + 1 else run
        best = max(best, run)
    return best if best >= 3 else 0


def _colon_lines_run(text: str) -> int:
    """The most unmarked short lines right under a line that ends in a colon (3 or more
    count), none indented (code is) and none in a fenced code block."""
    best = run = 0
    head = False
    if "```" in text:
        text = _CODE_FENCE.sub("", text)
    for line in text.split("\n"):
        if head and _BARE_LINE.fullmatch(line):
            run += 1
            best = max(best, run)
            continue
        head, run = bool(_COLON_HEAD.search(line)), 0
    return best if best >= 3 else 0


def _table_rows(text: str) -> int:
    """The rows of the first markdown table in `text`, 0 where it has none."""
    rule = _TABLE_RULE.search(text)
    if rule is None:
        return 0
    rows = 0
    for line in text[rule.end():].lstrip("\n").split("\n"):
        if "|" not in line:
            break
        rows += 1
    return rows


def _key_value_run(text: str) -> int:
    """The longest run of consecutive key: value lines (3 or more count)."""
    best = run = 0
    for line in text.split("\n"):
        run = run + 1 if _KEY_VALUE_LINE.fullmatch(line) else 0
        best = max(best, run)
    return best if best >= 3 else 0


def item_markers(text: str) -> list[tuple[int, int]]:
    """Where the markers of a list's items lie (1. / ① / - / 第一， / 一是 / Step 1:), as
    (start, end) with the blanks after it: each marker opens an item, as a clause start
    opens a clause."""
    spans = [(m.start(), m.end()) for m in _LIST_LINE.finditer(text)] if "\n" in text else []
    for m in _INLINE_ITEM.finditer(text):
        han = m.start("han")
        # 一是/二要/三不: the number only, the word after it belongs to the item
        spans.append((m.start(), m.end()) if han < 0 or m.group().endswith("、")
                     else (han, han + 1))
    return [(start, end + len(text[end:end + 8]) - len(text[end:end + 8].lstrip(" \t")))
            for start, end in spans]


def checklist_items(text: str, *, spoken: bool = True) -> int:
    """How many items `text` lists, in whatever layout: list lines, key: value lines,
    numbered items in a sentence, or steps (首先…其次…最后); 0 when it is prose. `spoken`:
    count items counted off in words (one, …; two, …), a list in a reply but the way
    people enumerate aloud in a user turn."""
    counts = [0]
    if "\n" in text:
        counts.append(len(_LIST_LINE.findall(text)))
        counts.append(_key_value_run(text))
        if "：" in text or ":" in text:
            counts.append(_colon_lines_run(text))
        if "|" in text and "---" in text:
            counts.append(_table_rows(text))
    # each layout needs a literal first: its item 1, its first step, its semicolons
    if _ITEM_ONE.search(text):
        counts.append(_inline_run(text, spoken))
        counts.append(_bare_run(text))
    if ("首先" in text or "第一步" in text or "先" in text and "最后" in text) \
            and _STEP_FIRST.search(text):
        nexts = len(_STEP_SECOND.findall(text))
        if _STEP_NEXT.search(text) or (nexts and _STEP_LAST.search(text)):
            counts.append(1 + nexts + len(_STEP_LAST.findall(text)))
    if "三来" in text and _LAI_RUN.search(text):
        counts.append(3)
    if "先" in text and "最后" in text and _STEP_RUN.search(text):
        counts.append(3)
    if ("First" in text or "first" in text) and _EN_FIRST.search(text) and _EN_NEXT.search(text):
        counts.append(1 + len(_EN_NEXT.findall(text)) + len(_EN_LAST.findall(text)))
    if "；" in text or ";" in text:
        m = _SEMICOLON_LIST.search(text)
        if m:
            counts.append(m.group().count("；") + m.group().count(";") + 1)
    return max(counts)


class ChecklistReply(RecordRule):
    """Assistant turn is a list of suggestions.

    ## What it does
    Flags assistant turns laid out as a list of `min-items` or more items, in any of the
    layouts a list takes:
    - lines that start with a marker: `1.`, `2、`, `（3）`, `①`, `-`, `•`, `·`, `✔`, an
      emoji, `一、`, `第一，`, `A.`, `# heading`;
    - three or more `key: value` lines in a row (`早上：降压药一片`, `周一 😊 孙子来电话`,
      `周三 - 复查`);
    - numbered items inside a sentence, in order from 1: `建议您：1.按时服药；2.保持低盐饮食；
      3.…`, `一是…，二是…`, `第一，…；第二，…`, `①…②…`, `1）…2）…`;
    - steps in prose: `首先…其次…`, `首先/先…然后/再…最后…` (also after a modal:
      `您得先…，再…，最后…`), `第一步…第二步…`, and in English
      `First, … Second, … Finally, …`;
    - three or more short items split by semicolons after a colon (`日程是：周一理发；周三复查；…`);
    - three or more unmarked short lines under a line that ends in a colon (a schedule, a
      phone list), a markdown table's rows, bare numbers opening items (`1打开支付宝 2搜健康码
      3点进去`), English number words (`one, …; two, …`), and the markers 其一, 甲、乙、,
      ⑴, Ⅰ, ⅰ, `i)`, 【1】, 【A】, keycap emoji (1️⃣) and 一来…二来…三来.

    Traditional characters read as Simplified (第一條 is 第一条).

    Not flagged: one number, a time or a date in a sentence (养大了3个孩子, 下午3:30, 2.5 小时,
    第一次), two things in one flowing sentence, 首先 used once as an opener, 一来…二来… (two
    reasons in one sentence), counting aloud (one, two, three), and
    long prose that moves on with 另外 / 此外 / 同时. Several short orders in one sentence (平时
    要多喝水，多吃蔬菜) are A001's business, not a list.

    ## Why it matters for training
    A person who says they feel low and gets "1. 多运动 2. 早睡 3. 找朋友聊天" has been handed
    a leaflet, not listened to. Models copy the format eagerly.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "最近心情不好。"}, {"role": "assistant", "content": "可以试试：\\n1. 多出去走走\\n2. 早点休息\\n3. 找朋友聊天"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "最近心情不好。"}, {"role": "assistant", "content": "心情不好的时候，日子过得特别慢。最近是发生了什么吗？"}]}
    ```

    ## Options
    - `min-items` (default 2): list lines needed to call a reply a checklist.
    """

    code = "A002"
    name = "checklist-reply"

    class Options(StrictModel):
        min_items: int = Field(2, ge=1, le=1000)

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        if record.undesirable:  # a KTO example of what not to say
            return
        need = self.options.min_items
        for m in record.messages:
            if m.role == "assistant":
                items = checklist_items(reading_form(m.content))
                if items >= need:
                    yield self.at(record, m.pointer,
                                  f"assistant turn is a checklist ({items} list items); "
                                  "reply in sentences")


class ReplyLength(RecordRule):
    """Assistant turn outside `min-chars`..`max-chars`.

    ## What it does
    Flags assistant turns shorter than `min-chars` or longer than `max-chars` characters
    (surrounding whitespace excluded).

    ## Why it matters for training
    Very short replies teach curtness; very long ones teach the model to talk past the
    user, and are the first to be cut by `max_length`.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天降温了。"}, {"role": "assistant", "content": "哦"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "今天降温了。"}, {"role": "assistant", "content": "降温了可得多穿点，您那边冷不冷？"}]}
    ```

    ## Options
    - `min-chars` (default 4)
    - `max-chars` (default 500)
    """

    code = "A003"
    name = "reply-length"
    severity = Severity.WARNING

    class Options(StrictModel):
        min_chars: int = Field(4, ge=0, le=MAX_CHARS)
        max_chars: int = Field(500, gt=0, le=MAX_CHARS)

        @model_check
        def _min_below_max(self) -> None:
            if self.min_chars > self.max_chars:
                raise ValueError(f"min-chars ({self.min_chars}) is above max-chars "
                                 f"({self.max_chars}); lower min-chars or raise max-chars")

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        if record.undesirable:  # a KTO example of what not to say
            return
        lo = self.options.min_chars
        hi = self.options.max_chars
        for m in record.messages:
            if m.role == "assistant":
                n = len(m.content)
                if n < lo or n > hi:
                    n = len(m.content.strip())
                    if 0 < n < lo:
                        yield self.at(record, m.pointer,
                                      f"assistant turn is {n} characters (min {lo})")
                    elif n > hi:
                        yield self.at(record, m.pointer,
                                      f"assistant turn is {n} characters (max {hi})")


_TANDEM = regex_cache.compile(r"(.{4,80}?)\1{2,}", re.S)
_LETTER = regex_cache.compile(r"[^\W\d_]")


def loop_coverage(text: str) -> float:
    """Share of `text` inside runs where one unit (4-80 characters, with a letter in it: not
    a rule of dashes or indentation) repeats three or more times in a row: the signature
    of a generation loop."""
    covered = sum(m.end() - m.start() for m in _TANDEM.finditer(text)
                  if _LETTER.search(m.group(1)))
    return covered / len(text) if text else 0.0


# Turns longer than twice this are judged on their first and last this many characters.
_EDGE_CHARS = 10_000


def repeated_share(text: str, n: int) -> float:
    """Share of character n-grams in `text` that repeat an earlier one."""
    total = len(text) - n + 1
    if total <= 0:
        return 0.0
    unique = set(map(text.__getitem__, map(slice, range(total), range(n, total + n))))
    return 1 - len(unique) / total


class DegenerateRepetition(RecordRule):
    """A turn that repeats itself.

    ## What it does
    Measures the share of character n-grams (`n`, default 4) in a turn that repeat an
    earlier one; where it reaches `threshold` (default 0.5) in a turn of at least
    `min-chars` characters, confirms that the repeats are a loop: one unit said three or
    more times in a row, covering at least `min-loop-share` (default 0.3) of the turn, as in
    "Eat a banana! Eat a banana! Eat a banana!". Code and JSON repeat n-grams too (keys,
    indentation) without looping, and are not flagged. A turn longer than 20,000 characters
    is judged on its first and last 10,000, where loops show, so that any turn costs bounded
    time and memory.

    ## Why it matters for training
    Such turns are usually generation failures; trained on, they teach the model the
    loop it should never fall into.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。想家是很正常的。想家是很正常的。想家是很正常的。"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "有点想家了。"}, {"role": "assistant", "content": "想家是很正常的。最想念家里的什么呢？"}]}
    ```

    ## Options
    - `n` (default 4), `threshold` (default 0.5), `min-chars` (default 20),
      `min-loop-share` (default 0.3)
    """

    code = "A004"
    name = "degenerate-repetition"

    class Options(StrictModel):
        n: int = Field(4, ge=1, le=100)
        threshold: float = Field(0.5, gt=0, le=1)
        min_chars: int = Field(20, ge=1, le=MAX_CHARS)
        min_loop_share: float = Field(0.3, ge=0, le=1)

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        if record.undesirable:  # a KTO example of what not to say
            return
        o = self.options
        for m in record.messages:
            text = m.content
            if len(text) > 2 * _EDGE_CHARS:  # bounded work on any turn: loops show at the edges
                text = text[:_EDGE_CHARS] + "\n" + text[-_EDGE_CHARS:]
            if m.role != "system" and len(text) >= o.min_chars:
                # Each first occurrence of a character starts or ends a new n-gram, so there
                # are at least (distinct characters - n + 1) distinct n-grams: when that is
                # already too many for the threshold, skip the full count.
                grams = len(text) - o.n + 1
                if len(set(text)) - o.n + 1 > grams * (1 - o.threshold):
                    continue
                share = repeated_share(text, o.n)
                if share >= o.threshold and loop_coverage(text) >= o.min_loop_share:
                    yield self.at(record, m.pointer,
                                  f"{m.role} turn repeats itself ({share:.0%} of its "
                                  f"{o.n}-grams are repeats)")
