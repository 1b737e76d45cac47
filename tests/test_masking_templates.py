"""Masking with templates that end the last turn their own way (Phi-3, OLMo, a ChatML that
leaves the marker off the last reply), and a token that straddles the generation prompt and
the reply: which characters carry loss, read from the real encoding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")
pytest.importorskip("trl")

import torch  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from sftlint.cli import cli  # noqa: E402
from sftlint.trainer.data import (  # noqa: E402
    IGNORE_INDEX,
    TemplateError,
    encode,
    encode_pair,
    load_tokenizer,
)
from tests.conftest import SYSTEM, jsonl  # noqa: E402
from tests.tiny_model import (  # noqa: E402
    CHATML,
    PAIRS,
    train_bpe,  # noqa: E402
)

pytestmark = pytest.mark.train
torch.set_num_threads(1)

SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|begin_of_text|>",
           "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|user|>",
           "<|assistant|>", "<|end|>", "<|system|>", "</s>", "<s>"]

# Phi-3-mini's own: the eos only at the end of the conversation.
PHI3 = ("{% for message in messages %}{% if message['role'] == 'system' %}"
        "{{'<|system|>\\n' + message['content'] + '<|end|>\\n'}}"
        "{% elif message['role'] == 'user' %}{{'<|user|>\\n' + message['content'] + '<|end|>\\n'}}"
        "{% elif message['role'] == 'assistant' %}"
        "{{'<|assistant|>\\n' + message['content'] + '<|end|>\\n'}}{% endif %}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}"
        "{% else %}{{ eos_token }}{% endif %}")
# OLMo's: earlier replies end with <|im_end|>, the last with the eos.
OLMO = ("{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] }}"
        "{% if m['role'] == 'assistant' %}{% if not loop.last %}{{ '<|im_end|>\\n' }}"
        "{% else %}{{ eos_token }}{% endif %}{% else %}{{ '<|im_end|>\\n' }}{% endif %}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
# Seen in the wild: ChatML without <|im_end|> after the last reply.
NO_END_LAST = ("{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] }}"
               "{% if not (m['role'] == 'assistant' and loop.last) %}{{ '<|im_end|>\\n' }}"
               "{% endif %}{% endfor %}"
               "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
# OLMo's endings under a default system prompt that ends like the earlier replies: the
# marker cannot be told from the next turn's header.
OLMO_DEFAULT_SYSTEM = ("{% if messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\n"
                       "You are OLMo.<|im_end|>\\n' }}{% endif %}" + OLMO)
LLAMA3 = ("{{ '<|begin_of_text|>' }}{% for m in messages %}{{ '<|start_header_id|>' + m['role'] "
          "+ '<|end_header_id|>\\n\\n' + m['content'] | trim + '<|eot_id|>' }}{% endfor %}"
          "{% if add_generation_prompt %}"
          "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}")
LLAMA2 = ("{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
          "{% set system_message = messages[0]['content'] %}{% else %}"
          "{% set loop_messages = messages %}{% set system_message = false %}{% endif %}"
          "{% for message in loop_messages %}{% if loop.index0 == 0 and system_message != false %}"
          "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + "
          "message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}"
          "{% if message['role'] == 'user' %}{{ '<s>' + '[INST] ' + content.strip() + ' [/INST]' }}"
          "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + '</s>' }}"
          "{% endif %}{% endfor %}")
# No end-of-turn marker at all, and a generation prompt ending in a space.
PLAIN = ("{% for m in messages %}{{ m['role'] + ': ' + m['content'] + '\\n' }}{% endfor %}"
         "{% if add_generation_prompt %}{{ 'assistant: ' }}{% endif %}")

TEXTS = ([SYSTEM, "I am fine thanks.", "Hello there, how are you?", " am", "You are OLMo."]
         + [t for pair in PAIRS for t in pair]) * 5
U1, A1 = PAIRS[0]
U2, A2 = PAIRS[1]
TWO = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": U1},
       {"role": "assistant", "content": A1}, {"role": "user", "content": U2},
       {"role": "assistant", "content": A2}]


@pytest.fixture(scope="session")
def bpe() -> Any:
    """One byte-level BPE for every template (as tests/tiny_model.py trains it), with the
    special tokens of all of them."""
    return train_bpe(TEXTS, SPECIAL, 700)


def make_tokenizer(bpe: Any, template: str, eos: str = "<|im_end|>") -> Any:
    from transformers import PreTrainedTokenizerFast

    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe, eos_token=eos, pad_token="<|endoftext|>",
        additional_special_tokens=[s for s in SPECIAL if s not in (eos, "<|endoftext|>")])
    tokenizer.chat_template = template
    return tokenizer


def save_model(bpe: Any, template: str, eos: str, out: Path) -> Path:
    """A tiny model on disk with this template, as tests/tiny_model.py builds one."""
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    tokenizer = make_tokenizer(bpe, template, eos)
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=1024, tie_word_embeddings=True,
                         eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id)
    out.mkdir(parents=True)
    Qwen2ForCausalLM(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def trained_runs(tokenizer: Any, messages: list[dict[str, str]]) -> list[str]:
    """The characters that carry loss, as runs of the rendered text: from the encoding's own
    labels and the tokens' character offsets."""
    enc = encode(tokenizer, messages, max_length=4000)
    full = tokenizer.apply_chat_template(messages, tokenize=False)
    tokens = tokenizer(full, add_special_tokens=False, return_offsets_mapping=True)
    assert tokens["input_ids"] == enc.input_ids
    carried = [False] * len(full)
    for (a, b), label in zip(tokens["offset_mapping"], enc.labels, strict=True):
        if label != IGNORE_INDEX:
            carried[a:b] = [True] * (b - a)
    runs, run = [], ""
    for char, on in zip(full, carried, strict=True):
        if on:
            run += char
        elif run:
            runs.append(run)
            run = ""
    return [*runs, run] if run else runs


@pytest.mark.parametrize(("template", "eos", "expected"), [
    (PHI3, "<|endoftext|>", [f"{A1}<|end|>", f"{A2}<|end|>\n<|endoftext|>"]),
    (OLMO, "<|endoftext|>", [f"{A1}<|im_end|>", f"{A2}<|endoftext|>"]),
    (NO_END_LAST, "<|im_end|>", [f"{A1}<|im_end|>", A2]),
], ids=["phi3", "olmo", "no-end-on-last-turn"])
def test_each_reply_carries_its_own_end_and_no_later_turn(bpe: Any, template: str, eos: str,
                                                          expected: list[str]) -> None:
    tokenizer = make_tokenizer(bpe, template, eos)
    assert trained_runs(tokenizer, TWO) == expected
    assert trained_runs(tokenizer, TWO[1:]) == expected  # without a system turn
    assert trained_runs(tokenizer, TWO[:3]) == [expected[1].replace(A2, A1)]  # one exchange


@pytest.mark.parametrize(("template", "eos", "expected"), [
    (CHATML, "<|im_end|>", [f"{A1}<|im_end|>", f"{A2}<|im_end|>"]),
    (LLAMA3, "<|eot_id|>", [f"{A1}<|eot_id|>", f"{A2}<|eot_id|>"]),
    (LLAMA2, "</s>", [f" {A1} </s>", f" {A2} </s>"]),
    ("{% if messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are OLMo."
     "<|im_end|>\\n' }}{% endif %}" + CHATML, "<|im_end|>", [f"{A1}<|im_end|>", f"{A2}<|im_end|>"]),
    (PLAIN, "<|im_end|>", [A1, A2]),
], ids=["chatml", "llama3-trim", "llama2", "default-system", "no-marker"])
def test_templates_that_end_every_turn_alike_are_masked_as_before(bpe: Any, template: str,
                                                                  eos: str,
                                                                  expected: list[str]) -> None:
    tokenizer = make_tokenizer(bpe, template, eos)
    assert trained_runs(tokenizer, TWO[1:]) == expected


def test_an_end_that_cannot_be_placed_is_refused(bpe: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    tokenizer = make_tokenizer(bpe, OLMO_DEFAULT_SYSTEM, "<|endoftext|>")
    with pytest.raises(TemplateError, match="cannot be placed"):
        encode(tokenizer, TWO[1:], max_length=4000)
    assert trained_runs(tokenizer, TWO[1:3]) == [f"{A1}<|endoftext|>"]  # one exchange: clear
    # the gate says so at the record, as T002
    tokenizer.save_pretrained(tmp_path / "tok")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sftlint.toml").write_text('[tokens]\ntokenizer = "tok"\n')
    (tmp_path / "d.jsonl").write_bytes(jsonl([{"messages": TWO[1:3]}, {"messages": TWO[1:]}]))
    result = CliRunner().invoke(cli, ["check", "d.jsonl", "--select", "T002", "--format",
                                      "json"], catch_exceptions=False)
    found = json.loads(result.stdout)
    assert result.exit_code == 1 and [(f["code"], f["line"]) for f in found] == [("T002", 2)]
    assert "cannot be placed" in found[0]["message"] and "'<|im_end|>'" not in found[0]["message"]


def test_dry_run_shows_no_user_turn_with_phi3(bpe: Any, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    model = save_model(bpe, PHI3, "<|endoftext|>", tmp_path / "phi3")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.jsonl").write_bytes(jsonl([{"messages": TWO}]))
    result = CliRunner().invoke(cli, ["train", "d.jsonl", "--model", str(model), "--dry-run",
                                      "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    [item] = json.loads(result.stdout)
    assert item["trainable_text"] == f"{A1}<|end|>{A2}<|end|>\n<|endoftext|>"
    assert U2 not in item["trainable_text"] and "<|user|>" not in item["trainable_text"]


def test_a_token_straddling_the_generation_prompt_is_trained(bpe: Any) -> None:
    tokenizer = make_tokenizer(bpe, PLAIN)
    assert tokenizer.tokenize(" am") == ["Ġam"]  # "assistant: " + "am" merges the space
    messages = [{"role": "user", "content": "Hello there, how are you?"},
                {"role": "assistant", "content": "am fine thanks."}]
    assert trained_runs(tokenizer, messages) == [" am fine thanks."]
    pair = encode_pair(tokenizer, messages[:1], messages[1:],
                       [{"role": "assistant", "content": "am not."}], max_length=4000)
    assert tokenizer.decode(pair.chosen_ids) == " am fine thanks."
    assert tokenizer.decode(pair.prompt_ids).endswith("assistant:")


def test_saved_tokenizer_loads_with_the_same_masks(bpe: Any, tmp_path: Path) -> None:
    make_tokenizer(bpe, OLMO, "<|endoftext|>").save_pretrained(tmp_path / "olmo")
    tokenizer = load_tokenizer(str(tmp_path / "olmo"))
    assert trained_runs(tokenizer, TWO) == [f"{A1}<|im_end|>", f"{A2}<|endoftext|>"]
