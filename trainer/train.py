"""LoRA SFT on gated data with transformers + peft + trl; loss on assistant tokens only.

Runs as is on one CPU or GPU, and under `accelerate launch` on several GPUs or nodes:
nothing here assumes one process, and only the main process writes the receipt.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sftlint.trainer.data import (
    Encoded,
    chat_messages,
    encode,
    load_tokenizer,
    quiet_libraries,
)
from sftlint.trainer.receipt import build_receipt, write_receipt

from sftlint.config import ConfigError
from sftlint.findings import Finding


@dataclass
class TrainSettings:
    model: str
    output: str
    epochs: float = 3.0
    max_steps: int = -1
    learning_rate: float = 2e-4
    batch_size: int = 4
    gradient_accumulation_steps: int = 1
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    seed: int = 42
    logging_steps: int = 1
    max_length: int = 512


@dataclass
class EncodedRecord:
    path: str
    line: int
    encoded: Encoded


def encode_records(records: list[Any], model_dir: str, max_length: int) -> list[EncodedRecord]:
    tokenizer = load_tokenizer(model_dir)
    return [EncodedRecord(r.path, r.line, encode(tokenizer, chat_messages(r), max_length))
            for r in records]


def train(records: list[Any], settings: TrainSettings, *, files: dict[str, int],
          system_prompt: str | None, findings: list[Finding],
          log: Callable[[str], None] = print) -> Path:
    """Train a LoRA adapter into settings.output; returns the receipt's path."""
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, PrinterCallback, TrainerCallback, set_seed
    from trl import SFTConfig, SFTTrainer

    quiet_libraries()
    model_dir = str(Path(settings.model).resolve())
    if not Path(model_dir).is_dir():
        raise ConfigError(f"--model {settings.model}: not a local model directory")
    set_seed(settings.seed)
    tokenizer = load_tokenizer(model_dir)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    encoded = [e.encoded for e in encode_records(records, model_dir, settings.max_length)]
    rows = [{"input_ids": e.input_ids, "labels": e.labels,
             "attention_mask": [1] * len(e.input_ids)}
            for e in encoded if e.trainable_tokens]
    dataset = Dataset.from_list(rows)
    model = AutoModelForCausalLM.from_pretrained(model_dir, trust_remote_code=False,
                                                 local_files_only=True)
    lora = LoraConfig(r=settings.lora_r, lora_alpha=settings.lora_alpha,
                      lora_dropout=settings.lora_dropout, target_modules="all-linear",
                      task_type="CAUSAL_LM")
    use_cpu = not torch.cuda.is_available()
    bf16 = (not use_cpu) and torch.cuda.is_bf16_supported()
    args = SFTConfig(
        output_dir=settings.output,
        num_train_epochs=settings.epochs,
        max_steps=settings.max_steps,
        learning_rate=settings.learning_rate,
        per_device_train_batch_size=settings.batch_size,
        gradient_accumulation_steps=settings.gradient_accumulation_steps,
        logging_steps=settings.logging_steps,
        seed=settings.seed,
        max_length=settings.max_length,
        save_strategy="no",
        report_to=[],
        bf16=bf16,
        use_cpu=use_cpu,
        disable_tqdm=True,
        dataset_num_proc=None,
    )
    loss_curve: list[dict[str, float]] = []

    class LossLog(TrainerCallback):
        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None,
                   **kwargs: Any) -> None:
            if logs and "loss" in logs and state.is_world_process_zero:
                loss_curve.append({"step": state.global_step, "loss": float(logs["loss"])})
                log(f"step {state.global_step}/{state.max_steps}  loss {logs['loss']:.4f}")

    trainer = SFTTrainer(model=model, args=args, train_dataset=dataset,
                         processing_class=tokenizer, peft_config=lora, callbacks=[LossLog()])
    trainer.remove_callback(PrinterCallback)  # LossLog prints the steps, on stderr
    trainer.train()
    trainer.save_model(settings.output)
    if not trainer.is_world_process_zero():
        return Path(settings.output)
    tokenizer.save_pretrained(settings.output)
    receipt = build_receipt(
        files=files, system_prompt=system_prompt, findings=findings,
        settings={**vars(settings), "model": model_dir, "output": os.path.abspath(settings.output),
                  "lora_target_modules": "all-linear", "bf16": bf16, "device":
                  "cpu" if use_cpu else "cuda", "trained_records": len(rows)},
        loss_curve=loss_curve)
    return write_receipt(settings.output, receipt)
