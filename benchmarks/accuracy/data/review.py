#!/usr/bin/env python3
"""Print labeled items in batches for a cold re-read: python3 review.py replies|users START COUNT"""
import json
import sys

kind, start, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
f = "replies.jsonl" if kind == "replies" else "user_turns.jsonl"
rows = [json.loads(l) for l in open(f, encoding="utf-8")][start:start + n]
for r in rows:
    lab = ("L" if r.get("lecturing") else "-") + ("C" if r.get("checklist") else "-") if kind == "replies" else ("F" if r["formal"] else "-")
    print(r["id"], lab, r["hard_class"] or ".", "|", r["text"].replace("\n", "⏎"))
