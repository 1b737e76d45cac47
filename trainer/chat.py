"""`sftlint chat`: reply with a trained adapter under its recorded system prompt."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sftlint.config import ConfigError
from sftlint.trainer.receipt import read_receipt

# what peft saves; without one, peft would look for the adapter on the Hugging Face hub
ADAPTER_WEIGHTS = ("adapter_model.safetensors", "adapter_model.bin")


def load_chat_model(adapter_dir: str) -> tuple[Any, Any, str | None]:
    """(model, tokenizer, system prompt) from an adapter directory and its receipt."""
    from sftlint.trainer.data import load_tokenizer, quiet_libraries

    quiet_libraries()
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    folder = Path(adapter_dir).resolve()  # a path, never a hub id such as org/name
    if not folder.is_dir():
        raise ConfigError(f"{adapter_dir}: not a folder; --adapter names the output folder "
                          "of `sftlint train`")
    receipt = read_receipt(str(folder))
    if not any((folder / name).is_file() for name in ADAPTER_WEIGHTS):
        raise ConfigError(f"{adapter_dir}: no adapter weights ({' or '.join(ADAPTER_WEIGHTS)});"
                          " was the training run finished?")
    config_path = folder / "adapter_config.json"
    try:
        base = json.loads(config_path.read_text(encoding="utf-8"))["base_model_name_or_path"]
    except (OSError, KeyError, ValueError) as exc:
        raise ConfigError(f"{config_path}: cannot read the base model ({exc})") from None
    if not Path(base).is_dir():
        raise ConfigError(f"base model {base} (from {config_path}) is not a local directory")
    base_model = AutoModelForCausalLM.from_pretrained(base, trust_remote_code=False,
                                                      local_files_only=True)
    model = PeftModel.from_pretrained(base_model, str(folder), local_files_only=True)
    model.eval()
    return model, load_tokenizer(str(folder)), receipt.get("system_prompt")


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


def user_text(text: str) -> str:
    """`text` as typed; a one-line error for bytes that are not UTF-8 (the shell hands them
    over as lone surrogates, which no tokenizer takes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError("the message is not valid UTF-8; type it in UTF-8") from None
    return text


def read_line(prompt: str) -> str | None:
    """The next line the user types (stripped), or None at the end of input."""
    try:
        return user_text(input(prompt)).strip()
    except EOFError:
        return None
    except UnicodeDecodeError:  # a terminal that decodes strictly
        raise ConfigError("the message is not valid UTF-8; type it in UTF-8") from None
