"""Generate large synthetic SFT datasets (messages shape) with planted defects.

    python benchmarks/generate.py OUT.jsonl --records 300000 [--near-dups 0.01] [--seed 0]
    python benchmarks/generate.py OUT.jsonl --records 1000000 --corpus words

`--corpus phrases` (the default): text built from phrase pools plus random characters, so
unrelated records share template phrases (as generated data does) without being
near-duplicates by accident. Near-duplicates are planted by copying an earlier record and
editing 1-5 characters.

`--corpus words`: every turn is a sequence of words drawn from a vocabulary of 40 words,
as templated and LLM-generated data often is: every short substring is common, so
n-gram and segment indexes see thousands of unrelated records sharing each key.
Near-duplicates are planted with 1 to len/6 character or word edits, so many of them sit
just above or just below the 90 threshold.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

SYSTEM = "你是「小暖」，一位温和耐心的陪伴者，陪老人家聊天。多倾听，少说教，用口语回应。"
CATEGORIES = ["loneliness", "health_anxiety", "burden_guilt", "nostalgia", "low_mood"]
HANZI = ("的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家"
         "可下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己"
         "面最女但现前些所同日手又行意动方期它头经长儿回位分爱老因很给名法间斯知世什两次使身者被"
         "高已亲其进此话常与活正感见明问力理尔点文几定本公特做外孩相西果走将月十实向声车全信重三"
         "机工物气每并别真打太新比才便夫再书部水像眼等体却加电主界门利海受听表德少克代员许稜先口")
USER_OPENERS = ["最近", "今天", "这两天", "昨晚", "早上", "老是", "总觉得", "刚才", "其实", "唉，"]
USER_TOPICS = ["睡不好", "膝盖疼", "想孩子", "一个人吃饭", "血压高", "没胃口", "想老伴",
               "心里闷", "腿脚不便", "眼睛花", "记性差", "怕麻烦人", "想老家", "看不进电视"]
REPLY_OPENERS = ["听起来", "这样的日子", "我能感觉到", "嗯，", "原来是这样，", "真不容易，"]
REPLY_MIDDLES = ["您心里一定不好受", "挺磨人的", "换谁都会难过", "说明您很在乎", "慢慢来不着急"]
REPLY_QUESTIONS = ["最近发生了什么吗？", "愿意跟我多说说吗？", "这样有多久了？",
                   "今天吃过饭了吗？", "平时都是谁陪着您？", "要不要跟我聊聊？"]


WORDS = ["今天", "我们", "觉得", "时候", "一直", "还是", "真的", "有点", "不过", "因为",
         "所以", "可以", "知道", "没有", "现在", "以前", "孩子", "身体", "心里", "晚上",
         "吃饭", "睡觉", "出去", "走走", "聊聊", "慢慢", "好像", "特别", "一个人", "家里",
         "医生", "药", "腿", "累", "想", "说", "看", "好", "嗯", "，"]


def random_chars(rng: random.Random, lo: int, hi: int) -> str:
    return "".join(rng.choice(HANZI) for _ in range(rng.randint(lo, hi)))


def make_record(rng: random.Random) -> dict[str, object]:
    user = rng.choice(USER_OPENERS) + rng.choice(USER_TOPICS) + random_chars(rng, 4, 12) + "。"
    reply = (rng.choice(REPLY_OPENERS) + rng.choice(REPLY_MIDDLES) + "，"
             + random_chars(rng, 10, 30) + "。" + rng.choice(REPLY_QUESTIONS))
    return {"messages": [{"role": "system", "content": SYSTEM},
                         {"role": "user", "content": user},
                         {"role": "assistant", "content": reply}],
            "category": rng.choice(CATEGORIES)}


def make_word_record(rng: random.Random) -> dict[str, object]:
    """A record whose turns are sequences of words from one small vocabulary."""
    user = "".join(rng.choices(WORDS, k=rng.randint(3, 10))) + "。"
    reply = "".join(rng.choices(WORDS, k=rng.randint(10, 30))) + "？"
    return {"messages": [{"role": "system", "content": SYSTEM},
                         {"role": "user", "content": user},
                         {"role": "assistant", "content": reply}],
            "category": rng.choice(CATEGORIES)}


def edit_words(rng: random.Random, text: str) -> str:
    """1 to len/6 edits anywhere in the text, each a character or a vocabulary word
    substituted, inserted or deleted: near the threshold, and scattered."""
    chars = list(text)
    for _ in range(rng.randint(1, max(1, len(text) // 6))):
        i = rng.randrange(len(chars))
        new = list(rng.choice(WORDS)) if rng.random() < 0.5 else [rng.choice(HANZI)]
        op = rng.choice("sid")
        if op == "s":
            chars[i:i + len(new)] = new
        elif op == "i":
            chars[i:i] = new
        elif len(chars) > 2:
            del chars[i]
    return "".join(chars)


def edit(rng: random.Random, text: str, edits: int) -> str:
    chars = list(text)
    for _ in range(edits):
        i = rng.randrange(len(chars))
        op = rng.choice("sid")
        if op == "s":
            chars[i] = rng.choice(HANZI)
        elif op == "i":
            chars.insert(i, rng.choice(HANZI))
        elif len(chars) > 2:
            del chars[i]
    return "".join(chars)


def generate(records: int, near_dup_share: float = 0.01, exact_dup_share: float = 0.002,
             seed: int = 0, corpus: str = "phrases"
             ) -> tuple[list[dict[str, object]], list[tuple[int, int]]]:
    """Records and the planted (original, copy) index pairs of near-duplicates."""
    rng = random.Random(seed)
    words = corpus == "words"
    out: list[dict[str, object]] = []
    planted: list[tuple[int, int]] = []
    for i in range(records):
        roll = rng.random()
        if i > 10 and roll < near_dup_share:
            j = rng.randrange(i)
            copy = json.loads(json.dumps(out[j]))
            msgs = copy["messages"]
            target = rng.choice([1, 2])
            text = msgs[target]["content"]
            msgs[target]["content"] = (edit_words(rng, text) if words
                                       else edit(rng, text, rng.randint(1, 5)))
            out.append(copy)
            planted.append((j, i))
        elif i > 10 and roll < near_dup_share + exact_dup_share:
            out.append(out[rng.randrange(i)])
        else:
            out.append(make_word_record(rng) if words else make_record(rng))
    return out, planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--near-dups", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", choices=["phrases", "words"], default="phrases")
    args = parser.parse_args()
    records, _ = generate(args.records, args.near_dups, seed=args.seed, corpus=args.corpus)
    with args.out.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
