"""LoRA training on gated data with transformers + peft + trl: SFT (loss on assistant
tokens only), DPO on preference pairs, KTO on labelled replies.

Every method trains the gate's own encodings, so what `--dry-run` shows is what is trained:
trl's trainers get token ids, not text to render again. DPO and KTO use LoRA's base model
(the adapter disabled) as the reference model, so there is no second copy of the model.
Runs as is on one CPU or GPU, and under `accelerate launch` on several GPUs or nodes:
nothing here assumes one process, and only the main process writes the receipt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sftlint.config import ConfigError
from sftlint.engine import display_path
from sftlint.trainer.data import Encoded, EncodedCompletion, EncodedPair, quiet_libraries
from sftlint.trainer.gate import Gate, TrainSettings, changed_files
from sftlint.trainer.receipt import RECEIPT_NAME, build_receipt, write_receipt


class DataChanged(ConfigError):
    """A data file changed while training ran: the receipt names what was trained, but the
    file on disk is no longer it."""


def train(gate: Gate, log: Callable[[str], None] = print) -> Path:
    """Train a LoRA adapter on what a passed gate holds; returns the receipt's path.

    Raises DataChanged (after writing the adapter and its receipt, which describe what was
    trained) when a data file changed during training."""
    import torch
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, PrinterCallback, TrainerCallback, set_seed

    if not gate.passed:
        raise ConfigError(f"refusing to train: the gate found {len(gate.errors)} "
                          "error-level finding(s)")
    quiet_libraries()
    settings = gate.settings
    set_seed(settings.seed)
    tokenizer = gate.tokenizer
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    rows = training_rows(gate)
    if not rows:
        raise ConfigError("no record has a trainable token within max-length "
                          f"{settings.max_length}: nothing to train on")
    if settings.method == "kto" and settings.loss_type == "kto" and settings.batch_size < 2:
        raise ConfigError("--batch-size 1: kto estimates its KL term from the other replies "
                          "of a batch; use --batch-size 2 or more")
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
    loss_curve: list[dict[str, float]] = []
    logged = ("loss", "rewards/margins", "rewards/chosen", "rewards/rejected", "kl")

    class LossLog(TrainerCallback):
        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None,
                   **kwargs: Any) -> None:
            if logs and "loss" in logs and state.is_world_process_zero:
                point = {"step": state.global_step,
                         **{k: float(logs[k]) for k in logged if k in logs}}
                loss_curve.append(point)
                extra = "".join(f"  {k.split('/')[-1]} {logs[k]:.4f}" for k in logged[1:2]
                                if k in logs)
                log(f"step {state.global_step}/{state.max_steps}  loss {logs['loss']:.4f}{extra}")

    trainer = make_trainer(settings, model, tokenizer, rows, lora, bf16, use_cpu, [LossLog()])
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
    extra_settings: dict[str, Any] = {}
    if settings.method != "sft":
        extra_settings["reference_model"] = "the base model (the LoRA adapter disabled)"
        extra_settings["disable_dropout"] = True  # trl's default: policy and reference alike
    receipt = build_receipt(
        data=[{"path": f.path, "sha256": f.sha256, "records": f.records} for f in gate.files],
        system_prompt=gate.system_prompt, findings=gate.check.findings,
        settings={**asdict(settings), **extra_settings, "lora_target_modules": "all-linear",
                  "bf16": bf16, "device": "cpu" if use_cpu else "cuda"},
        trained={"method": settings.method, "steps": state.global_step,
                 "epochs": round(float(state.epoch or 0), 4), "records": len(rows),
                 "every_record_seen": float(state.epoch or 0) >= 1},
        loss_curve=loss_curve, data_changed=changed)
    path = write_receipt(settings.output, receipt)
    if changed:
        raise DataChanged(f"{display_path(changed[0])} changed during training: the adapter in "
                          f"{display_path(settings.output)} was trained on the content its "
                          "receipt hashes, not on the file as it is now")
    return path


def training_rows(gate: Gate) -> list[dict[str, Any]]:
    """The gate's encodings as trl's trainers take them; what carries no trainable token
    within max-length is left out (T002 reports it)."""
    rows: list[dict[str, Any]] = []
    for e in gate.encoded:
        if isinstance(e, Encoded) and e.trainable_tokens:
            rows.append({"input_ids": e.input_ids, "labels": e.labels,
                         "attention_mask": [1] * len(e.input_ids)})
        elif isinstance(e, EncodedPair) and e.chosen.trainable_ids and e.rejected.trainable_ids:
            rows.append({"prompt_ids": e.prompt_ids, "chosen_ids": e.chosen_ids,
                         "rejected_ids": e.rejected_ids})
        elif isinstance(e, EncodedCompletion) and e.trainable_ids:
            rows.append({"prompt_ids": e.prompt_ids, "completion_ids": e.completion_ids,
                         "label": bool(e.label)})
    return rows


def make_trainer(settings: TrainSettings, model: Any, tokenizer: Any, rows: list[dict[str, Any]],
                 lora: Any, bf16: bool, use_cpu: bool, callbacks: list[Any]) -> Any:
    """trl's trainer for the method, on pre-tokenized rows."""
    from datasets import Dataset

    common = dict(
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
    dataset = Dataset.from_list(rows)
    if settings.method == "sft":
        from trl import SFTConfig, SFTTrainer

        return SFTTrainer(model=model, args=SFTConfig(**common), train_dataset=dataset,
                          processing_class=tokenizer, peft_config=lora, callbacks=callbacks)
    if settings.method == "dpo":
        from trl import DPOConfig, DPOTrainer

        dpo_args = DPOConfig(**common, beta=settings.beta, loss_type=[settings.loss_type])
        return pretokenized(DPOTrainer)(model=model, ref_model=None, args=dpo_args,
                                        train_dataset=dataset, processing_class=tokenizer,
                                        peft_config=lora, callbacks=callbacks)
    from trl import KTOConfig, KTOTrainer

    kto_args = KTOConfig(**common, beta=settings.beta, loss_type=settings.loss_type)
    return pretokenized(KTOTrainer)(model=model, ref_model=None, args=kto_args,
                                    train_dataset=dataset, processing_class=tokenizer,
                                    peft_config=lora, callbacks=callbacks)


def pretokenized(base: type) -> type:
    """trl's DPO/KTO trainer, taking the gate's token ids as they are. trl 1.16 would
    render the text again itself (`_prepare_dataset`); here the rows already hold
    `prompt_ids` and the completions, made with the same template by the gate, and checked
    by it. KTO's KL completions are built as trl builds them: each batch's completions
    rotated by one."""

    class Pretokenized(base):
        def _prepare_dataset(self, dataset: Any, processing_class: Any, args: Any,
                             dataset_name: str) -> Any:
            if not getattr(self, "calculate_KL", False):
                return dataset

            def add_kl(batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
                done = batch["completion_ids"]
                batch["KL_completion_ids"] = [done[-1], *done[:-1]]
                return batch

            return dataset.map(add_kl, batched=True,
                               batch_size=args.per_device_train_batch_size)

    Pretokenized.__name__ = Pretokenized.__qualname__ = f"Pretokenized{base.__name__}"
    return Pretokenized
