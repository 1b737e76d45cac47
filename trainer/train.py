"""LoRA SFT on gated data with transformers + peft + trl; loss on assistant tokens only.

Runs as is on one CPU or GPU, and under `accelerate launch` on several GPUs or nodes:
nothing here assumes one process, and only the main process writes the receipt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sftlint.trainer.data import quiet_libraries
from sftlint.trainer.gate import Gate, changed_files
from sftlint.trainer.receipt import RECEIPT_NAME, build_receipt, write_receipt

from sftlint.config import ConfigError
from sftlint.engine import display_path


class DataChanged(ConfigError):
    """A data file changed while training ran: the receipt names what was trained, but the
    file on disk is no longer it."""


def train(gate: Gate, log: Callable[[str], None] = print) -> Path:
    """Train a LoRA adapter on what a passed gate holds; returns the receipt's path.

    Raises DataChanged (after writing the adapter and its receipt, which describe what was
    trained) when a data file changed during training."""
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, PrinterCallback, TrainerCallback, set_seed
    from trl import SFTConfig, SFTTrainer

    if not gate.passed:
        raise ConfigError(f"refusing to train: the gate found {len(gate.errors)} "
                          "error-level finding(s)")
    quiet_libraries()
    settings = gate.settings
    set_seed(settings.seed)
    tokenizer = gate.tokenizer
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    rows = [{"input_ids": e.input_ids, "labels": e.labels,
             "attention_mask": [1] * len(e.input_ids)}
            for e in gate.encoded if e.trainable_tokens]
    if not rows:
        raise ConfigError("no record has a trainable token within max-length "
                          f"{settings.max_length}: nothing to train on")
    dataset = Dataset.from_list(rows)
    try:
        model = AutoModelForCausalLM.from_pretrained(settings.model, trust_remote_code=False,
                                                     local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"model {settings.model}: cannot load it: "
                          f"{str(exc).strip().splitlines()[0]}") from None
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
    if trainer.is_world_process_zero():
        # an old run's receipt must not survive next to a new adapter, even if this crashes
        (Path(settings.output) / RECEIPT_NAME).unlink(missing_ok=True)
    trainer.train()
    trainer.save_model(settings.output)
    if not trainer.is_world_process_zero():
        return Path(settings.output)
    tokenizer.save_pretrained(settings.output)
    state = trainer.state
    changed = changed_files(gate.files)
    receipt = build_receipt(
        data=[{"path": f.path, "sha256": f.sha256, "records": f.records} for f in gate.files],
        system_prompt=gate.system_prompt, findings=gate.check.findings,
        settings={**asdict(settings), "lora_target_modules": "all-linear", "bf16": bf16,
                  "device": "cpu" if use_cpu else "cuda"},
        trained={"steps": state.global_step, "epochs": round(float(state.epoch or 0), 4),
                 "records": len(rows), "every_record_seen": float(state.epoch or 0) >= 1},
        loss_curve=loss_curve, data_changed=changed)
    path = write_receipt(settings.output, receipt)
    if changed:
        raise DataChanged(f"{display_path(changed[0])} changed during training: the adapter in "
                          f"{display_path(settings.output)} was trained on the content its "
                          "receipt hashes, not on the file as it is now")
    return path
