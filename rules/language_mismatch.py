"""A005: the assistant answers in another script than the user wrote in."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import Field

from sftlint.config import StrictModel
from sftlint.findings import Finding, Severity
from sftlint.records import Record
from sftlint.rule import RecordRule

_CODE_BLOCK = re.compile(r"```.*?(?:```|$)|`[^`\n]*`", re.S)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# A user turn that asks for a translation or names a language expects the other script.
_NAMES_A_LANGUAGE = re.compile(
    r"翻译|译成|译为|[英中日韩法德俄西]文|[英汉日韩法德俄]语|普通话|拼音|translat|\b(?:in|into|to) "
    r"(?:English|Chinese|Japanese|Korean|French|German|Spanish|Russian)\b|pinyin", re.I)
_SCRIPTS = (("Chinese", _HAN), ("Japanese", _KANA), ("Korean", _HANGUL), ("Latin", _LATIN),
            ("Cyrillic", _CYRILLIC))


def dominant_script(text: str, min_letters: int) -> str | None:
    """The script of most of the text outside code, or None for short or mixed text."""
    text = _CODE_BLOCK.sub(" ", text) if "`" in text else text
    counts = {name: float(len(pattern.findall(text))) for name, pattern in _SCRIPTS}
    if sum(counts.values()) < min_letters:
        return None
    # One Han character carries about as much as three letters of an alphabet, so an
    # English name or term in Chinese text (or a list of glosses) does not outweigh it.
    counts["Latin"] /= 3
    counts["Cyrillic"] /= 3
    # Kana in an emoticon (づ) is not Japanese; Japanese text mixes kana with kanji.
    if counts["Japanese"] >= 3 and counts["Japanese"] >= 0.2 * (counts["Japanese"]
                                                                   + counts["Chinese"]):
        counts["Japanese"] += counts.pop("Chinese")
    else:
        counts.pop("Japanese")
    total = sum(counts.values())
    name, top = max(counts.items(), key=lambda item: item[1])
    return name if top >= 0.7 * total else None


class LanguageMismatch(RecordRule):
    """The assistant replies in another language or script than the user wrote in.

    ## What it does
    Compares the dominant script of each user turn with that of the assistant reply that
    follows it (Chinese, Japanese, Korean, Latin, Cyrillic; code in backticks is ignored).
    A Han character weighs as much as three letters of an alphabet. Turns with fewer than
    `min-letters` letters, or with no script at 70% or more of that weight, are not judged;
    a few kana (an emoticon's づ) do not make a text Japanese. A user turn that asks for a
    translation or names a language (翻译, 英文, "in English", ...) is not judged. Latin-script languages (English, French, ...) are not told apart.

    ## Why it matters for training
    A few replies in the wrong language teach the model to switch languages unprompted,
    a common artifact of machine-translated or mixed-source data.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "最近总是睡不好，半夜老醒。"}, {"role": "assistant", "content": "That sounds exhausting. What usually wakes you up at night?"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "最近总是睡不好，半夜老醒。"}, {"role": "assistant", "content": "半夜老醒确实磨人。一般是什么把您弄醒的呢？"}]}
    ```

    ## Options
    - `min-letters` (default 6): shorter turns are not judged.
    """

    code = "A005"
    name = "language-mismatch"
    severity = Severity.WARNING

    class Options(StrictModel):
        min_letters: int = Field(6, ge=1, le=10_000)

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        if record.undesirable:  # a KTO example of what not to say
            return
        min_letters = self.options.min_letters
        user_script: str | None = None
        for m in record.messages:
            if m.role == "user":
                user_script = (None if _NAMES_A_LANGUAGE.search(m.content)
                               else dominant_script(m.content, min_letters))
            elif m.role == "assistant" and user_script is not None:
                reply = dominant_script(m.content, min_letters)
                if reply is not None and reply != user_script:
                    yield self.at(record, m.pointer, f"user writes {user_script}, assistant "
                                                     f"replies in {reply}")
                user_script = None
