#!/usr/bin/env python3
"""Reproducibly sample assistant replies and user turns from /work/shared/realdata.

Writes realdata_replies_unlabeled.jsonl and realdata_user_unlabeled.jsonl next to this file
(with source pointers "realdata/<path>:<line>" for JSONL files, or
"realdata/<path>:rec<index>" for files that are a single JSON array; ":t<k>" is the turn
index inside the record). Labels were then added by hand, by reading each text.

Usage: python3 sample_realdata.py [REALDATA_DIR]
"""
import json
import os
import random
import sys

SEED = 20261123
ROOT = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/realdata"
MAXLEN, MINLEN = 400, 8
OUT = os.path.dirname(os.path.abspath(__file__))

# (folder/file, replies wanted, user turns wanted)
PLAN = [
    ("eldercare-agent/eldercare_15000_dialogues_part1-11.jsonl", 70, 30),
    ("smilechat/smilechat_first3000.jsonl", 45, 20),
    ("emollm/data.json", 40, 12),
    ("emollm/ruozhiba_format_emo.jsonl", 10, 3),
    ("cmed4mhs/dev.jsonl", 30, 15),
    ("esconv/FailedESConv.json", 35, 15),
]
# a second, later draw (appended after the first so the first draw stays identical)
PLAN_EXTRA = [
    ("eldercare-agent/eldercare_15000_dialogues_part1-11.jsonl", 40, 0),
    ("smilechat/smilechat_first3000.jsonl", 20, 0),
]
# files this sampler never draws from, whose turns later samples point into (the real
# samples of round 18, benchmarks/accuracy/real/): load.py reads them back by locator too
LOCATE_ONLY = [
    ("llama-factory/alpaca_zh_demo.json", 0, 0),
]


def turns(path):
    """Yield (source, role, text) for every turn; role is 'user' or 'assistant'."""
    full = os.path.join(ROOT, path)
    raw = open(full, encoding="utf-8").read()
    try:   # a single JSON array (even when named .jsonl)
        records = [(f"rec{i}", r) for i, r in enumerate(json.loads(raw))]
    except json.JSONDecodeError:   # JSON Lines; <line> is 1-based
        records = [(str(i + 1), json.loads(l)) for i, l in enumerate(open(full, encoding="utf-8")) if l.strip()]
    for loc, rec in records:
        src = f"realdata/{path}:{loc}"
        if isinstance(rec, dict) and "dialogue" in rec:            # eldercare-agent
            for k, t in enumerate(rec["dialogue"]):
                yield f"{src}:t{k}", "user" if t["role"] == "user" else "assistant", t["text"]
        elif isinstance(rec, list):                                   # smilechat
            for k, t in enumerate(rec):
                yield f"{src}:t{k}", "user" if t["role"] == "client" else "assistant", t["content"]
        elif isinstance(rec, dict) and "conversation" in rec:        # emollm (xtuner)
            for k, t in enumerate(rec["conversation"]):
                yield f"{src}:t{k}in", "user", t.get("input", "")
                yield f"{src}:t{k}out", "assistant", t.get("output", "")
        elif isinstance(rec, dict) and "conversations" in rec:       # cmed4mhs (sharegpt)
            for k, t in enumerate(rec["conversations"]):
                yield f"{src}:t{k}", "user" if t["from"] == "human" else "assistant", t["value"]
        elif isinstance(rec, dict) and "instruction" in rec:         # alpaca
            extra = rec.get("input") or ""
            yield f"{src}:t0", "user", rec["instruction"] + ("\n" + extra if extra else "")
            yield f"{src}:t1", "assistant", rec.get("output", "")
        elif isinstance(rec, dict) and "dialog" in rec:              # esconv
            for k, t in enumerate(rec["dialog"]):
                # in ESConv the help-seeker is "seeker"/"speaker" and the supporter "supporter"/"listener"
                role = "assistant" if t["speaker"] in ("supporter", "listener") else "user"
                yield f"{src}:t{k}", role, t["content"]


def main():
    rng = random.Random(SEED)
    replies, users = [], []
    taken = set()
    for path, n_rep, n_user in PLAN + PLAN_EXTRA:
        pool = {"assistant": [], "user": []}
        seen = set(taken)
        for src, role, text in turns(path):
            text = (text or "").strip()
            minlen = 20 if path.startswith("esconv") or path.startswith("cmed4mhs") else MINLEN
            if not (minlen <= len(text) <= MAXLEN) or text in seen:
                continue
            seen.add(text)
            pool[role].append((src, text))
        lang = "en" if path.startswith("esconv") else "zh"
        for role, n, out in (("assistant", n_rep, replies), ("user", n_user, users)):
            for src, text in rng.sample(pool[role], n):
                taken.add(text)
                out.append({"text": text, "lang": lang, "source": src})
    for name, rows in (("realdata_replies_unlabeled.jsonl", replies), ("realdata_user_unlabeled.jsonl", users)):
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(name, len(rows))


if __name__ == "__main__":
    main()
