"""Build a tiny Qwen2-style chat model on disk: a byte-level BPE tokenizer trained with
`tokenizers` on the test texts, a ChatML template without generation markers, and random
weights. Real files, loaded back with from_pretrained, trained for real on the CPU."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHATML = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
          "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
          "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
# Qwen2.5's habit: a default system prompt when the conversation has none.
CHATML_DEFAULT_SYSTEM = ("{% if messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\n"
                         "You are a helpful assistant.<|im_end|>\\n' }}{% endif %}" + CHATML)
SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


PAIRS = [("最近老睡不好。", "睡不好挺磨人的，最近是心里有事吗？"),
         ("有点想家了。", "想家是很正常的。最想念家里的什么呢？"),
         ("今天降温了。", "降温了可得多穿点，您那边冷不冷？"),
         ("膝盖又疼了。", "膝盖疼起来走路都难，疼了多久了？"),
         ("孩子们都忙。", "等电话的滋味不好受。最想跟他们说什么？"),
         ("晚上吃饭没人陪。", "一个人吃饭，饭菜都少了点味道。今晚吃的什么？")]


def shared_tiny_model(base: Path, name: str, texts: list[str], template: str = CHATML) -> Path:
    """The tiny model under `base`, built on first use: test modules of one session that
    ask for the same name share one build."""
    out = base / name
    if not (out / "config.json").is_file():
        build_tiny_model(out, texts, template)
    return out


def train_bpe(texts: list[str], special: list[str], vocab_size: int) -> Any:
    """A byte-level BPE trained on `texts`, with `special` tokens."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=special,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    bpe.train_from_iterator(texts, trainer=trainer)
    return bpe


def build_tiny_model(out: Path, texts: list[str], template: str = CHATML) -> Path:
    import torch
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    bpe = train_bpe(texts, SPECIAL, 600)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|im_end|>",
                                        pad_token="<|endoftext|>",
                                        additional_special_tokens=SPECIAL[1:])
    tokenizer.chat_template = template
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=1024, initializer_range=0.1,
                         tie_word_embeddings=True, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id)
    model = Qwen2ForCausalLM(config)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out

# The same ChatML with trl's {% generation %} markers around what the assistant says.
CHATML_GENERATION = (
    "{% for message in messages %}{% if message['role'] == 'assistant' %}"
    "{{ '<|im_start|>assistant\\n' }}{% generation %}{{ message['content'] + '<|im_end|>' }}"
    "{% endgeneration %}{{ '\\n' }}{% else %}{{ '<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n' }}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
