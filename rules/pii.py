"""I001-I004: personal data in content (e-mail, phone, national ID, payment card).

Every text a template puts before the model is read: a turn's content, its reasoning and
the values in its tool calls' arguments (a phone number passed to a `send_sms` tool is as
much in the training data as one in a reply), on both sides of a preference pair. ID and card
numbers are validated by their checksums, so random digit runs (order numbers, timestamps)
are not flagged; full-width digits (１３９…, as Chinese input methods type them) are read as
digits; only the first match per text and rule is reported.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator

from sftlint import regex_cache
from sftlint.batch import Batch
from sftlint.findings import Finding, Severity
from sftlint.rule import RecordRule

# Boundaries are ASCII: in Chinese an address or number follows a character directly
# (邮箱是zhangwei1958@163.com), and a full stop ends a sentence after it ("call 13912345678.")
# but a decimal point continues a number.
_EMAIL = regex_cache.compile(r"(?<![A-Za-z0-9_.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@"
                             r"((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})(?![A-Za-z0-9_-])")
# RFC 2606 / 6761 names that never belong to anyone: documentation examples, not PII.
_RESERVED_DOMAINS = ("example.com", "example.org", "example.net", "localhost")
_RESERVED_TLDS = (".example", ".test", ".invalid", ".localhost")
# File suffixes that are no top-level domain: icon@2x.png is a retina image's name
_FILE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".tif", ".tiff",
                  ".heic", ".js", ".css", ".json", ".txt", ".pdf", ".html", ".htm", ".xml",
                  ".yaml", ".yml", ".mp3", ".mp4", ".wav", ".jsonl", ".csv")
_CN_MOBILE = regex_cache.compile(r"(?<!\d)(?<!\d\.)(?:\+?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})"
                                 r"(?!\d|\.\d)")
# not a plus that adds to a number above it (472547338\n+960397912423686)
_E164 = regex_cache.compile(r"(?<![A-Za-z0-9_+])(?<!\d\s)\+[1-9](?:[ -]?\d){7,14}(?!\d|\.\d)")
_CN_ID = regex_cache.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_CARD = regex_cache.compile(r"(?<![\d.-])([2-6]\d{3}(?:[ -]?\d){9,15})(?!\d|\.\d)")
# A card number is written whole or in the groups printed on the card (4-4-4-4, Amex's
# 4-6-5, 4-4-4-4-3); other separators make arithmetic (355909190063-746), not a card.
_CARD_GROUPS = regex_cache.compile(r"\d+|\d{4}(?:([ -])\d{4}){2,3}(?:\1\d{1,4})?|\d{4}([ -])\d{6}\2\d{4,5}")


# An equation on long numbers (256626720691 + 1646615806005 = ..., 84834150134 - 6778576 =):
# a text that works one out is a math answer, and its long numbers are operands and results,
# which pass the Luhn check one time in ten and look like phone numbers often. A range
# (100000-150000元) or a list of numbers (13912345678/13812345678) is no equation.
_EQUATION = regex_cache.compile(r"\d{6}\s*[-+*/×÷]\s*\d{3,}\s*=")


def _card_grouping(number: str) -> bool:
    return _CARD_GROUPS.fullmatch(number) is not None


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


# Digits as a Chinese input method types them (full-width), with its plus, hyphen, space and
# an ID number's check letter X: read as ASCII, one character for one, so positions stay.
_FULL_WIDTH = regex_cache.compile("[\uff10-\uff19\uff0b\uff0d\u3000\uff38\uff58]")
_ASCII_DIGITS = str.maketrans({**{chr(0xFF10 + d): str(d) for d in range(10)},
                               "\uff0b": "+", "\uff0d": "-", "\u3000": " ", "\uff38": "X",
                               "\uff58": "x"})


def _mask(text: str) -> str:
    """Enough of a match to find it, not enough to leak it into a CI log."""
    return text[:3] + "*" * max(len(text) - 5, 1) + text[-2:] if len(text) > 6 else "***"


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def valid_cn_id(number: str) -> bool:
    """A PRC resident ID: a plausible region and birth date, and the ISO 7064 MOD 11-2 check."""
    if len(number) != 18 or number[0] not in "12345678":
        return False
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    if not (1900 <= year <= 2099 and 1 <= month <= 12
            and 1 <= day <= calendar.monthrange(year, month)[1]):  # no 29 February 1949
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


class _PiiRule(RecordRule):
    """Shared: report the first match per string of a turn (its content, its reasoning, each
    value in its tool calls' arguments: `Batch.fields`; arguments given as JSON text are one
    string), masked. The texts of a batch are
    read by one pass of `gate` over them, and `matches` only in those it finds something in,
    with full-width digits read as ASCII ones."""

    what = ""
    gate: re.Pattern[str]  # matches wherever `matches` can find anything (and more)

    def matches(self, text: str) -> Iterator[tuple[int, int]]:
        """The (start, end) of each match in `text`, whose digits are ASCII."""
        raise NotImplementedError

    def check_batch(self, batch: Batch) -> Iterator[Finding]:
        fields = batch.fields()
        reported: set[tuple[int, str]] = set()  # texts at one pointer are one string there
        for i in sorted(fields.matching(self.gate)):
            place = id(fields.records[i]), fields.pointers[i]
            if place in reported:
                continue
            text = fields.texts[i]
            read = text.translate(_ASCII_DIGITS) if _FULL_WIDTH.search(text) else text
            for start, end in self.matches(read):
                found = text[start:end]
                reported.add(place)
                yield self.at(fields.records[i], fields.pointers[i],
                              f"{self.what} in {fields.messages[i].role} turn "
                              f'("{_mask(found)}"); remove or replace it', span=found)
                break


class PiiEmail(_PiiRule):
    """An e-mail address in content.

    ## What it does
    Flags e-mail addresses in any message (its content, reasoning and tool-call
    arguments). Documentation domains that belong to nobody
    (`example.com`, `example.org`, `example.net`, `*.example`, `*.test`, `*.invalid`,
    `localhost`) are not flagged.

    ## Why it matters for training
    A model trained on real addresses can repeat them to anyone; scraped and logged chats
    carry them more often than people expect.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "我儿子的邮箱是 wang.lei1987@qq.com，你帮我记着。"}, {"role": "assistant", "content": "好的，我记下了。"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "我儿子的邮箱是 someone@example.com，你帮我记着。"}, {"role": "assistant", "content": "好的，我记下了。"}]}
    ```
    """

    code = "I001"
    name = "pii-email"
    severity = Severity.WARNING
    what = "e-mail address"
    gate = regex_cache.compile("@")

    def matches(self, text: str) -> Iterator[tuple[int, int]]:
        for match in _EMAIL.finditer(text):
            domain = match.group(1).lower()
            if domain in _RESERVED_DOMAINS or domain.endswith(_RESERVED_TLDS + _FILE_SUFFIXES) \
                    or any(domain.endswith("." + d) for d in _RESERVED_DOMAINS):
                continue
            yield match.span()


class PiiPhone(_PiiRule):
    """A phone number in content.

    ## What it does
    Flags mainland China mobile numbers (`1[3-9]` and 9 more digits, optionally with a `+86`
    prefix and spaces or dashes as `138-1234-5678`) and international numbers written in
    E.164 form (`+` and 8 to 15 digits), in a message's content, reasoning or tool-call
    arguments; full-width digits count. Digit runs inside longer numbers are not flagged, nor
    are numbers in a text that works out an equation on long numbers (`84834150134 - 6778576
    = -16666579378`: operands and results, not phones), nor a `+` that adds to a number on
    the line above.

    ## Why it matters for training
    Phone numbers identify people; a model that memorizes them can leak them.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "我闺女电话是13912345678，有事你找她。"}, {"role": "assistant", "content": "好的，有您闺女照应真好。"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "我闺女电话在本子上记着呢，有事你找她。"}, {"role": "assistant", "content": "好的，有您闺女照应真好。"}]}
    ```
    """

    code = "I002"
    name = "pii-phone"
    severity = Severity.WARNING
    what = "phone number"
    # four branches that each start with one character: faster than two character classes
    gate = regex_cache.compile(r"1[3-9３-９]\d|\+[1-9１-９]|１[3-9３-９]\d|＋[1-9１-９]")

    def matches(self, text: str) -> Iterator[tuple[int, int]]:
        if _EQUATION.search(text):
            return
        for match in _CN_MOBILE.finditer(text):
            yield match.span()
        if "+" in text:
            for match in _E164.finditer(text):
                yield match.span()


class PiiNationalId(_PiiRule):
    """A national ID number whose checksum is valid.

    ## What it does
    Flags 18-character PRC resident ID numbers with a plausible region digit and birth date
    whose last character is the ISO 7064 MOD 11-2 check of the first 17. Random 18-digit runs
    fail the check ten times in eleven, and are not flagged. Content, reasoning and tool-call
    arguments are read, full-width digits as digits.

    ## Why it matters for training
    An ID number is the key to a person's records; it must never be in training data.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "我身份证号是11010519491231002X，挂号要用。"}, {"role": "assistant", "content": "好的，挂号那天我提醒您带上证件。"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "挂号要用身份证，我带着呢。"}, {"role": "assistant", "content": "带着就好，到了窗口给他们看一下就行。"}]}
    ```
    """

    code = "I003"
    name = "pii-national-id"
    what = "national ID number"
    gate = regex_cache.compile(r"\d{17}")

    def matches(self, text: str) -> Iterator[tuple[int, int]]:
        for match in _CN_ID.finditer(text):
            if valid_cn_id(match.group(1)):
                yield match.span(1)


class PiiPaymentCard(_PiiRule):
    """A 13-19 digit card number that passes the Luhn check.

    ## What it does
    Flags runs of 13 to 19 digits (spaces or dashes between them allowed, as in
    `4111 1111 1111 1111`) that start with 2-6, as card numbers do, and pass the Luhn check.
    A number that is a valid national ID (I003) is not also reported here, nor are numbers
    in a text that works out an equation on long numbers (a sum's result passes the Luhn
    check one time in ten). Content, reasoning and tool-call arguments are read, full-width digits as
    digits.

    ## Why it matters for training
    Card numbers in training data are a leak waiting to be generated.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "我的卡号是 6222 0212 3456 7894，你帮我记着啊。"}, {"role": "assistant", "content": "好的，我帮您记在心里了。"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "我的银行卡号记不住，怎么办？"}, {"role": "assistant", "content": "记不住很正常，咱们可以把它抄在家里的本子上。"}]}
    ```
    """

    code = "I004"
    name = "pii-payment-card"
    what = "payment card number"
    gate = regex_cache.compile(r"[2-6２-６]\d{3}")

    def matches(self, text: str) -> Iterator[tuple[int, int]]:
        if _EQUATION.search(text):
            return
        for match in _CARD.finditer(text):
            digits = _digits(match.group(1))
            if 13 <= len(digits) <= 19 and luhn_valid(digits) and not valid_cn_id(digits) \
                    and _card_grouping(match.group(1)):
                yield match.span(1)
