"""A001: lecturing, imperative replies ("你应该…", "you should…")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sftlint.chinese import words
from sftlint.findings import Finding
from sftlint.records import Record
from sftlint.rule import RecordRule

# Phrases that lecture wherever they appear.
_PHRASES = ("不要这样想", "别这样想", "不要那样想", "别想太多", "不要想太多", "别多想", "不要多想",
            "想开点", "想开一点")
# 你/您 + a modal of obligation. Which characters form a word decides (迷你应该, 你得到), so
# a match here is confirmed on jieba tokens.
_MODAL_HINT = re.compile(r"[你您](?:应该|必须|一定要|得|该|不该|不应该)")
_ENGLISH = re.compile(
    r"\byou\s+(?:should|must|need\s+to|have\s+to|ought\s+to|had\s+better|'d\s+better)\b"
    r"|\bdon'?t\s+think\s+(?:like\s+that|that\s+way)\b|\bstop\s+(?:worrying|overthinking)\b",
    re.IGNORECASE,
)
_CHINESE_HINT = re.compile("|".join(_PHRASES) + "|" + _MODAL_HINT.pattern)
_MODALS = {"应该", "必须", "一定要", "得", "该", "不该", "不应该"}
_SUBJECTS = {"你", "您"}
# 应该 as "probably" (你应该很累吧, 您应该是想家了) guesses, it does not order.
_EPISTEMIC_NEXT = {"是", "很", "挺", "也", "已经", "会", "不会", "还", "蛮", "比较", "特别", "非常",
                   "就是", "没", "没有", "能", "可以", "感觉", "觉得", "累", "也是", "都"}


def imperative_phrase(text: str) -> str | None:
    """The first lecturing phrase in `text`, or None."""
    # Cheap substring gates before any regex: every Chinese pattern has 你, 您 or 想, and
    # every English one an "o" ("you", "don't think", "stop").
    chinese = ("你" in text or "您" in text or "想" in text) and _CHINESE_HINT.search(text)
    english = _ENGLISH.search(text) if "o" in text or "O" in text else None
    if not chinese and not english:
        return None
    for phrase in _PHRASES:
        if phrase in text:
            return phrase
    if chinese and _MODAL_HINT.search(text):
        tokens = words(text)
        for i in range(len(tokens) - 1):
            if tokens[i] in _SUBJECTS and tokens[i + 1] in _MODALS:
                nxt = tokens[i + 2] if i + 2 < len(tokens) else ""
                if tokens[i + 1] in ("应该", "该") and nxt in _EPISTEMIC_NEXT:
                    continue
                return tokens[i] + tokens[i + 1]
    return english.group() if english else None


class ImperativeReply(RecordRule):
    """Lecturing or imperative phrasing in an assistant turn.

    ## What it does
    Flags assistant turns that tell the user what to do or how to feel: 你/您应该, 你/您必须,
    你一定要, 不要这样想, 别想太多, and in English "you should", "you must", "you need to".
    Gentle forms are left alone: 要不要, 要是, 我应该, 别人, 您愿意…吗. Words are matched on
    jieba tokens (迷你 is not 你, 得到 is not 得), and 应该 meaning "probably"
    (您应该很累吧) is not an order. jieba runs only on turns a cheap regex has flagged.

    ## Why it matters for training
    A few lecturing replies are enough for a companion model to start preaching; people
    who are lonely or low stop talking to a model that tells them what they should do.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "最近老睡不好。"}, {"role": "assistant", "content": "你应该早点睡，别想太多。"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "最近老睡不好。"}, {"role": "assistant", "content": "睡不好真难受。要不要跟我说说，夜里都在想些什么？"}]}
    ```
    """

    code = "A001"
    name = "imperative-reply"

    def check(self, record: Record) -> Iterator[Finding]:
        for m in record.messages:
            if m.role == "assistant":
                phrase = imperative_phrase(m.content)
                if phrase:
                    yield self.at(record, m.pointer,
                                  f'lecturing phrase "{phrase}" in assistant turn; offer '
                                  'instead of telling ("要不要试试…")')
