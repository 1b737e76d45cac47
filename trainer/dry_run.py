"""`sftlint train --dry-run`: what the model will learn from each record, without training.

It shows the gate's own encodings, made with the model's tokenizer: what is shown is what
training uses. SFT: the tokens that carry loss. DPO: per pair, the prompt, chosen and
rejected token counts, which side max-length cuts, and the token where the two replies
diverge. KTO: the completion that carries the label.
"""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

import numpy as np

from sftlint.trainer.data import IGNORE_INDEX, Encoded, EncodedCompletion, EncodedPair
from sftlint.trainer.gate import Example, Gate


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


def decode(tokenizer: Any, ids: list[int]) -> str:
    return str(tokenizer.decode(ids, skip_special_tokens=False))


def dry_run_item(tokenizer: Any, e: Example) -> dict[str, Any]:
    """What one record trains, as `--dry-run --format json` shows it."""
    if isinstance(e, Encoded):
        return {"tokens": len(e.input_ids), "trainable_tokens": e.trainable_tokens,
                "truncated": e.truncated,
                "trainable_text": trainable_text(tokenizer, e.input_ids, e.labels)}
    if isinstance(e, EncodedPair):
        at = e.diverge_at
        chosen, rejected = e.chosen, e.rejected
        return {"prompt_tokens": len(e.prompt_ids), "chosen_tokens": len(e.chosen_ids),
                "rejected_tokens": len(e.rejected_ids), "chosen_truncated": chosen.truncated,
                "rejected_truncated": rejected.truncated, "diverge_at": at,
                "diverge_within_max_length": at is not None and at < e.max_length,
                "chosen_text": decode(tokenizer, chosen.trainable_ids),
                "rejected_text": decode(tokenizer, rejected.trainable_ids)}
    return {"prompt_tokens": len(e.prompt_ids), "completion_tokens": len(e.completion_ids),
            "truncated": e.truncated, "label": e.label,
            "completion_text": decode(tokenizer, e.trainable_ids)}


def dry_run_json(gate: Gate) -> str:
    items = [{"path": r.path, "line": r.line, **dry_run_item(gate.tokenizer, e)}
             for r, e in zip(gate.records, gate.encoded, strict=True)]
    return json.dumps(items, ensure_ascii=False, indent=2)


def dry_run_text(gate: Gate) -> str:
    if gate.settings.method == "dpo":
        return pairs_text(gate)
    if gate.settings.method == "kto":
        return completions_text(gate)
    encoded = [e for e in gate.encoded if isinstance(e, Encoded)]
    records = gate.records
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


def _percentiles(lengths: list[int]) -> str:
    values = np.array(lengths)
    return "p50 {:.0f}  p90 {:.0f}  p99 {:.0f}  max {}".format(
        *np.percentile(values, [50, 90, 99]), int(values.max()))


def pairs_text(gate: Gate) -> str:
    pairs = [e for e in gate.encoded if isinstance(e, EncodedPair)]
    if not pairs:
        return "no pairs"
    first, record = pairs[0], gate.records[0]
    at = first.diverge_at
    sequence = first.prompt_ids + first.chosen_ids
    where = "" if at is None else decode(gate.tokenizer, sequence[:at])[-30:]
    return "\n".join([
        "method             dpo",
        f"pairs              {len(pairs)}",
        f"max-length         {gate.settings.max_length}",
        f"prompt tokens      {_percentiles([len(e.prompt_ids) for e in pairs])}",
        f"chosen tokens      {_percentiles([len(e.chosen_ids) for e in pairs])}",
        f"rejected tokens    {_percentiles([len(e.rejected_ids) for e in pairs])}",
        f"chosen truncated   {sum(e.chosen.truncated for e in pairs)}",
        f"rejected truncated {sum(e.rejected.truncated for e in pairs)}",
        f"same within limit  {sum(e.identical_within_max_length for e in pairs)}",
        f"tokenizer          {gate.tokenizer_dir}",
        "",
        f"sample ({record.path}:{record.line}), the prompt then each reply in [[...]]:",
        decode(gate.tokenizer, first.prompt_ids),
        f"chosen:   [[{decode(gate.tokenizer, first.chosen.trainable_ids)}]]",
        f"rejected: [[{decode(gate.tokenizer, first.rejected.trainable_ids)}]]",
        f"diverge at token {at} (after ...{where!r})" if at is not None else "identical",
    ])


def completions_text(gate: Gate) -> str:
    done = [e for e in gate.encoded if isinstance(e, EncodedCompletion)]
    if not done:
        return "no records"
    first, record = done[0], gate.records[0]
    desirable = sum(bool(e.label) for e in done)
    return "\n".join([
        "method             kto",
        f"records            {len(done)} ({desirable} desirable, {len(done) - desirable} "
        "undesirable)",
        f"max-length         {gate.settings.max_length}",
        f"prompt tokens      {_percentiles([len(e.prompt_ids) for e in done])}",
        f"completion tokens  {_percentiles([len(e.completion_ids) for e in done])}",
        f"truncated          {sum(e.truncated for e in done)}",
        f"tokenizer          {gate.tokenizer_dir}",
        "",
        f"sample ({record.path}:{record.line}, label {str(first.label).lower()}), the "
        "completion in [[...]]:",
        decode(gate.tokenizer, first.prompt_ids)
        + f"[[{decode(gate.tokenizer, first.trainable_ids)}]]",
    ])
