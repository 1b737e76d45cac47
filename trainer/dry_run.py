"""`sftlint train --dry-run`: what the model will learn from each record, without training."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from sftlint.trainer.data import IGNORE_INDEX, chat_messages, encode, load_tokenizer


def _encoded(records: list[Any], tokenizer_dir: str, max_length: int) -> tuple[Any, list[Any]]:
    tokenizer = load_tokenizer(tokenizer_dir)
    return tokenizer, [encode(tokenizer, chat_messages(r), max_length) for r in records]


def trainable_text(tokenizer: Any, ids: list[int], labels: list[int]) -> str:
    return str(tokenizer.decode([t for t, lab in zip(ids, labels, strict=True)
                                 if lab != IGNORE_INDEX], skip_special_tokens=False))


def dry_run_json(records: list[Any], tokenizer_dir: str, max_length: int) -> str:
    tokenizer, encoded = _encoded(records, tokenizer_dir, max_length)
    items = [{"path": r.path, "line": r.line, "tokens": len(e.input_ids),
              "trainable_tokens": e.trainable_tokens, "truncated": e.truncated,
              "trainable_text": trainable_text(tokenizer, e.input_ids, e.labels)}
             for r, e in zip(records, encoded, strict=True)]
    return json.dumps(items, ensure_ascii=False, indent=2)


def dry_run_text(records: list[Any], tokenizer_dir: str, max_length: int) -> str:
    tokenizer, encoded = _encoded(records, tokenizer_dir, max_length)
    if not encoded:
        return "no records"
    lengths = np.array([e.full_length for e in encoded])
    lines = [f"records            {len(encoded)}",
             f"max-length         {max_length}",
             "tokens             p50 {:.0f}  p90 {:.0f}  p99 {:.0f}  max {}".format(
                 *np.percentile(lengths, [50, 90, 99]), int(lengths.max())),
             f"truncated          {sum(e.truncated for e in encoded)}",
             f"no trainable token {sum(e.trainable_tokens == 0 for e in encoded)}",
             f"trainable tokens   {sum(e.trainable_tokens for e in encoded)} of "
             f"{sum(len(e.input_ids) for e in encoded)}",
             "",
             f"sample ({records[0].path}:{records[0].line}), trainable spans in [[...]]:"]
    first = encoded[0]
    pieces, inside = [], False
    for tok, lab in zip(first.input_ids, first.labels, strict=True):
        trainable = lab != IGNORE_INDEX
        if trainable != inside:
            pieces.append("[[" if trainable else "]]")
            inside = trainable
        pieces.append(tokenizer.decode([tok], skip_special_tokens=False))
    if inside:
        pieces.append("]]")
    lines.append("".join(pieces))
    return "\n".join(lines)
