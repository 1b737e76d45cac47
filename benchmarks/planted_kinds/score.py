#!/usr/bin/env python3
"""Run sftlint on the planted corpus and score it against key.json by (file, line, code)."""
import collections
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
# the sftlint installed beside this Python (a venv's bin), else the one on PATH
SFTLINT = next((p for p in (os.path.join(os.path.dirname(sys.executable), "sftlint"),
                            shutil.which("sftlint")) if p and os.path.exists(p)), "sftlint")
SELECT = "F,S001,S002,S003,S004,S005,S006,S007,S008,S009,S011,C,R001,R002,R004,V,M,D004,I"
SCORED = None  # every code in SELECT


def run(args, cwd):
    p = subprocess.run([SFTLINT, "check", *args, "--format", "json", "--exit-zero", "--select", SELECT],
                       cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        print("sftlint failed:", args, p.returncode, p.stderr, file=sys.stderr)
        return []
    return json.loads(p.stdout or "[]")


def main():
    key = json.load(open(os.path.join(ROOT, "key.json"), encoding="utf-8"))
    files = key["files"]
    found = collections.defaultdict(dict)  # (file, line) -> {code: finding}
    unlocated = []
    corpus = os.path.join(ROOT, "corpus")
    for rel in sorted(files):
        if not rel.startswith("corpus/"):
            continue
        name = rel[len("corpus/"):]
        for f in run([name, "--config", "sftlint.toml"], corpus):
            path = "corpus/" + f["path"]
            if f["line"] is None:
                unlocated.append((path, f))
            else:
                found[(path, f["line"])].setdefault(f["code"], f)
    splits = os.path.join(ROOT, "splits")
    for f in run([".", "--config", "sftlint.toml"], splits):
        path = "splits/" + f["path"]
        if f["line"] is None:
            unlocated.append((path, f))
        else:
            found[(path, f["line"])].setdefault(f["code"], f)

    tp = collections.Counter()
    fp = collections.Counter()
    fn = collections.Counter()
    fps, fns = [], []
    for (path, line) in found:
        if path not in files or str(line) not in files[path]:
            for code, f in found[(path, line)].items():
                fp[code] += 1
                fps.append((path, line, code, f["message"], "(line not in key)"))
    for path, entries in sorted(files.items()):
        for line, e in sorted(entries.items(), key=lambda kv: int(kv[0])):
            rep = found.get((path, int(line)), {})
            must, may = set(e["must"]), set(e["may"])
            groups = [set(g) for g in e["any"]]
            allowed = must | may | set().union(*groups) if groups else must | may
            for c in must:
                if c in rep:
                    tp[c] += 1
                else:
                    fn[c] += 1
                    fns.append((path, int(line), c, e["note"]))
            for g in groups:
                hit = sorted(g & set(rep))
                if hit:
                    tp[hit[0]] += 1
                else:
                    label = "|".join(sorted(g))
                    fn[label] += 1
                    fns.append((path, int(line), label, e["note"]))
            for c, f in rep.items():
                if c not in allowed:
                    fp[c] += 1
                    fps.append((path, int(line), c, f["message"], e["note"]))

    codes = sorted(set(tp) | set(fp) | set(fn))
    out = []
    out.append("| code | TP | FP | FN | precision | recall |")
    out.append("|---|---:|---:|---:|---:|---:|")
    T = P = N = 0
    for c in codes:
        t, p, n = tp[c], fp[c], fn[c]
        T, P, N = T + t, P + p, N + n
        prec = f"{t / (t + p):.3f}" if t + p else "-"
        rec = f"{t / (t + n):.3f}" if t + n else "-"
        out.append(f"| {c} | {t} | {p} | {n} | {prec} | {rec} |")
    out.append(f"| **all** | {T} | {P} | {N} | {T / (T + P):.3f} | {T / (T + N):.3f} |")
    print("\n".join(out))
    print("\nFALSE POSITIVES")
    for x in sorted(fps):
        print(" ", x)
    print("\nFALSE NEGATIVES")
    for x in sorted(fns):
        print(" ", x)
    print("\nFINDINGS WITHOUT A LINE")
    for path, f in unlocated:
        print(" ", path, f["code"], f["message"])
    json.dump({"table": out, "fp": fps, "fn": fns, "unlocated": [(p, f) for p, f in unlocated],
               "found": {f"{p}:{l}": v for (p, l), v in found.items()}},
              open(os.path.join(ROOT, "score.json"), "w"), ensure_ascii=False, indent=1)
    return 1 if fps or fns else 0


if __name__ == "__main__":
    sys.exit(main())
