"""The gated LoRA trainer (needs the `train` extra: torch, transformers, peft, trl)."""
