"""`sftlint chat`: reply with a trained adapter under its recorded system prompt."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sftlint.config import ConfigError
from sftlint.trainer.receipt import read_receipt


def load_chat_model(adapter_dir: str) -> tuple[Any, Any, str | None]:
    """(model, tokenizer, system prompt) from an adapter directory and its receipt."""
    from sftlint.trainer.data import load_tokenizer, quiet_libraries

    quiet_libraries()
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    receipt = read_receipt(adapter_dir)
    config_path = Path(adapter_dir) / "adapter_config.json"
    try:
        base = json.loads(config_path.read_text(encoding="utf-8"))["base_model_name_or_path"]
    except (OSError, KeyError, ValueError) as exc:
        raise ConfigError(f"{config_path}: cannot read the base model ({exc})") from None
    if not Path(base).is_dir():
        raise ConfigError(f"base model {base} (from {config_path}) is not a local directory")
    base_model = AutoModelForCausalLM.from_pretrained(base, trust_remote_code=False,
                                                      local_files_only=True)
    model = PeftModel.from_pretrained(base_model, adapter_dir)
    model.eval()
    return model, load_tokenizer(str(Path(adapter_dir).resolve())), receipt.get("system_prompt")


def reply(model: Any, tokenizer: Any, history: list[dict[str, str]], system_prompt: str | None,
          max_new_tokens: int = 128) -> str:
    import torch

    messages = ([{"role": "system", "content": system_prompt}] if system_prompt else []) + history
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                           return_dict=True, return_tensors="pt")
    with torch.no_grad():
        output = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False,
                                pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id)
    new_tokens = output[0, inputs["input_ids"].shape[1]:]
    return str(tokenizer.decode(new_tokens, skip_special_tokens=True)).strip()
