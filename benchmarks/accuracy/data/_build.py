import json
from collections import defaultdict


def load(f, var):
    ns = {}; exec(open(f, encoding="utf-8").read(), ns); return ns[var]

# ---- replies
exec(open("_real_reply_labels.py").read())
real = [json.loads(l) for l in open("realdata_replies_unlabeled.jsonl", encoding="utf-8")]
rows = []
for i, r in enumerate(real):
    rows.append(dict(text=r["text"], lang=r["lang"], source=r["source"], hard_class=HARD.get(i, ""),
                     lecturing=i in LECT, checklist=i in CHECK))
for part in "abcd":
    for hc, lect, chk, lang, t in load(f"_authored_replies_{part}.py", "R"):
        rows.append(dict(text=t, lang=lang, source="authored", hard_class=hc, lecturing=lect, checklist=chk))

def assign(rows, keyf):
    # sort by (labels, hard class, source folder), then alternate dev/test along that order:
    # every label, hard class and source gets a near-even split, and so does the whole file
    order = sorted(range(len(rows)), key=lambda i: (keyf(rows[i]), i))
    for n, i in enumerate(order):
        rows[i]["split"] = "dev" if n % 2 == 0 else "test"

assign(rows, lambda r: (r["hard_class"], r["lecturing"], r["checklist"], r["lang"], r["source"].split(":")[0]))
for i, lecturing in ADJUDICATED.items():
    rows[i]["lecturing"] = lecturing
with open("replies.jsonl", "w", encoding="utf-8") as f:
    for n, r in enumerate(rows, 1):
        o = {"id": f"r{n:04d}", **{k: r[k] for k in ("text", "lang", "source", "hard_class", "lecturing", "checklist", "split")}}
        f.write(json.dumps(o, ensure_ascii=False) + "\n")

# ---- user turns
ns = {}; exec(open("_real_user_labels.py").read(), ns)
realu = [json.loads(l) for l in open("realdata_user_unlabeled.jsonl", encoding="utf-8")]
urows = []
for i, r in enumerate(realu):
    urows.append(dict(text=r["text"], lang=r["lang"], source=r["source"], hard_class=ns["HARD"].get(i, ""), formal=i in ns["FORMAL"]))
for hc, formal, lang, t in load("_authored_users.py", "U"):
    urows.append(dict(text=t, lang=lang, source="authored", hard_class=hc, formal=formal))
assign(urows, lambda r: (r["formal"], r["hard_class"], r["lang"], r["source"].split(":")[0]))
with open("user_turns.jsonl", "w", encoding="utf-8") as f:
    for n, r in enumerate(urows, 1):
        o = {"id": f"u{n:04d}", **{k: r[k] for k in ("text", "lang", "source", "hard_class", "formal", "split")}}
        f.write(json.dumps(o, ensure_ascii=False) + "\n")
print(len(rows), len(urows))
