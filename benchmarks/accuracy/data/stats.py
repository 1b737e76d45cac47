#!/usr/bin/env python3
"""Counts per label, hard class, source and split for replies.jsonl and user_turns.jsonl."""
import collections
import json
import os

D = os.path.dirname(os.path.abspath(__file__))
R = [json.loads(l) for l in open(os.path.join(D, "replies.jsonl"), encoding="utf-8")]
U = [json.loads(l) for l in open(os.path.join(D, "user_turns.jsonl"), encoding="utf-8")]

def src(r):
    return "authored" if r["source"] == "authored" else r["source"].split("/")[1]

def table(rows, labels):
    print(f"| group | n | dev | test | " + " | ".join(f"{l} (dev/test)" for l in labels) + " |")
    print("|---|---|---|---|" + "---|" * len(labels))
    groups = collections.defaultdict(list)
    for r in rows:
        groups["ALL"].append(r)
    for r in sorted(rows, key=lambda r: r["lang"]):
        groups["lang=" + r["lang"]].append(r)
    for r in sorted(rows, key=src):
        groups["source=" + src(r)].append(r)
    for r in rows:
        groups["hard_class=" + (r["hard_class"] or "(none)")].append(r)
    for g, rs in groups.items():
        d = [r for r in rs if r["split"] == "dev"]; t = [r for r in rs if r["split"] == "test"]
        cells = []
        for l in labels:
            cells.append(f"{sum(r[l] for r in rs)} ({sum(r[l] for r in d)}/{sum(r[l] for r in t)})")
        print(f"| {g} | {len(rs)} | {len(d)} | {len(t)} | " + " | ".join(cells) + " |")

print("### replies.jsonl\n"); table(R, ["lecturing", "checklist"])
print("\n### user_turns.jsonl\n"); table(U, ["formal"])
