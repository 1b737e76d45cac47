"""`sftlint train --dry-run`: what the model will learn from each record, without training.

It shows the gate's own encodings, made with the model's tokenizer: what is shown is what
training uses.
"""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

import numpy as np
from sftlint.trainer.data import IGNORE_INDEX
from sftlint.trainer.gate import Gate


def trainable_text(tokenizer: Any, ids: list[int], labels: list[int]) -> str:
    return str(tokenizer.decode([t for t, lab in zip(ids, labels, strict=True)
                                 if lab != IGNORE_INDEX], skip_special_tokens=False))


def marked_sample(tokenizer: Any, ids: list[int], labels: list[int]) -> str:
    """The decoded record with its trainable spans in [[...]]. Each span is decoded whole:
    a character split across byte-level tokens (most CJK in a small vocabulary) decodes
    only with all its bytes."""
    pieces = []
    pairs = zip(ids, labels, strict=True)
    for trainable, run in groupby(pairs, key=lambda pair: pair[1] != IGNORE_INDEX):
        text = str(tokenizer.decode([t for t, _ in run], skip_special_tokens=False))
        pieces.append(f"[[{text}]]" if trainable else text)
    return "".join(pieces)


def dry_run_json(gate: Gate) -> str:
    items = [{"path": r.path, "line": r.line, "tokens": len(e.input_ids),
              "trainable_tokens": e.trainable_tokens, "truncated": e.truncated,
              "trainable_text": trainable_text(gate.tokenizer, e.input_ids, e.labels)}
             for r, e in zip(gate.records, gate.encoded, strict=True)]
    return json.dumps(items, ensure_ascii=False, indent=2)


def dry_run_text(gate: Gate) -> str:
    encoded, records = gate.encoded, gate.records
    max_length = gate.settings.max_length
    if not encoded:
        return "no records"
    lengths = np.array([e.full_length for e in encoded])
    first = encoded[0]
    return "\n".join([
        f"records            {len(encoded)}",
        f"max-length         {max_length}",
        "tokens             p50 {:.0f}  p90 {:.0f}  p99 {:.0f}  max {}".format(
            *np.percentile(lengths, [50, 90, 99]), int(lengths.max())),
        f"truncated          {sum(e.truncated for e in encoded)}",
        f"no trainable token {sum(e.trainable_tokens == 0 for e in encoded)}",
        f"trainable tokens   {sum(e.trainable_tokens for e in encoded)} of "
        f"{sum(len(e.input_ids) for e in encoded)}",
        f"tokenizer          {gate.tokenizer_dir}",
        "",
        f"sample ({records[0].path}:{records[0].line}), trainable spans in [[...]]:",
        marked_sample(gate.tokenizer, first.input_ids, first.labels),
    ])
