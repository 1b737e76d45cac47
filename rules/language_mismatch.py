"""A005: the assistant answers in another script than the user wrote in."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sftlint import regex_cache
from sftlint.batch import Batch, Turns
from sftlint.config import StrictModel
from sftlint.findings import Finding, Severity
from sftlint.options import Field
from sftlint.rule import RecordRule

_CODE_BLOCK = regex_cache.compile(r"```.*?(?:```|$)|`[^`\n]*`", re.S)
# Code point ranges of each script, as numpy counts them over a column of turns at once.
_SCRIPTS = (("Chinese", ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))),
            ("Japanese", ((0x3040, 0x30FF),)),
            ("Korean", ((0xAC00, 0xD7AF),)),
            ("Latin", ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F))),
            ("Cyrillic", ((0x400, 0x4FF),)))
# A user turn that asks for a translation or names a language expects the other script.
_NAMES_A_LANGUAGE = regex_cache.compile(
    r"翻译|译成|译为|[英中日韩法德俄西]文|[英汉日韩法德俄]语|普通话|拼音|translat|\b(?:in|into|to) "
    r"(?:English|Chinese|Japanese|Korean|French|German|Spanish|Russian)\b|pinyin", re.I)


def dominant_scripts(turns: Turns, min_letters: int) -> list[str | None]:
    """The script of most of each turn outside code; None for short or mixed text. Counted
    for the whole column at once."""
    import numpy as np

    texts = [_CODE_BLOCK.sub(" ", t) if "`" in t else t for t in turns.texts]
    codes, starts = Turns(texts=texts).codepoints()
    ends = np.append(starts[1:], len(codes)).astype(np.int64)
    count = {}
    for name, ranges in _SCRIPTS:
        inside = np.zeros(len(codes), dtype=bool)
        for lo, hi in ranges:
            inside |= (codes >= lo) & (codes <= hi)
        running = np.concatenate(([0], np.cumsum(inside)))
        count[name] = (running[ends] - running[starts]).astype(np.float64)
    letters = sum(count.values())
    # Kana in an emoticon (づ) is not Japanese; Japanese text mixes kana with kanji.
    japanese = (count["Japanese"] >= 3) & (count["Japanese"] >= 0.2 * (count["Japanese"]
                                                                       + count["Chinese"]))
    weights = np.stack([
        np.where(japanese, 0.0, count["Chinese"]),
        np.where(japanese, count["Japanese"] + count["Chinese"], 0.0),
        count["Korean"],
        # One Han character carries about as much as three letters of an alphabet, so an
        # English name or term in Chinese text (or a list of glosses) does not outweigh it.
        count["Latin"] / 3,
        count["Cyrillic"] / 3,
    ])
    top = weights.argmax(axis=0)
    judged = (letters >= min_letters) & (weights.max(axis=0) >= 0.7 * weights.sum(axis=0))
    names = [name for name, _ in _SCRIPTS]
    return [names[t] if ok else None for t, ok in zip(top.tolist(), judged.tolist(), strict=True)]


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

    def check_batch(self, batch: Batch) -> Iterator[Finding]:
        min_letters = self.options.min_letters
        script: dict[int, str | None] = {}  # by id() of a message of the batch (alive)
        for role in ("user", "assistant"):
            turns = batch.turns(role, desirable_only=True)  # not a KTO example of what not to say
            for message, name in zip(turns.messages, dominant_scripts(turns, min_letters),
                                     strict=True):
                script[id(message)] = name
        for record in batch.records:
            if record.undesirable:
                continue
            user_script: str | None = None
            for m in record.messages:
                if m.role == "user":
                    user_script = (None if _NAMES_A_LANGUAGE.search(m.content)
                                   else script[id(m)])
                elif m.role == "assistant" and user_script is not None:
                    reply = script[id(m)]
                    if reply is not None and reply != user_script:
                        yield self.at(record, m.pointer, f"user writes {user_script}, "
                                                         f"assistant replies in {reply}")
                    user_script = None
