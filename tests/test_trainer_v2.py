"""The trainer on today's data, for real on a tiny model: tool-call and reasoning
conversations masked as the template renders them (checked against an independent
turn-by-turn computation), R003 and T005, DPO whose reward margin rises, KTO, the gate per
method, and the dry run for pairs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")
pytest.importorskip("trl")

import torch  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from sftlint.cli import cli  # noqa: E402
from sftlint.trainer.data import IGNORE_INDEX, encode, load_tokenizer  # noqa: E402
from sftlint.trainer.gate import TrainRequest, run_gate  # noqa: E402
from tests.conftest import SYSTEM, chat, jsonl, make_config  # noqa: E402
from tests.tiny_model import PAIRS, shared_tiny_model  # noqa: E402

pytestmark = pytest.mark.train
torch.set_num_threads(1)

# ChatML with tools, as Qwen2.5/Qwen3 render them: declarations in the system turn, calls in
# <tool_call>, results folded into a user turn as <tool_response> (consecutive results share
# it), and Qwen3's reasoning: `reasoning_content` is rendered only for the assistant turns
# after the last user message, and the last reply without reasoning gets an empty <think>.
CHATML_TOOLS = (
    "{%- if tools %}{{ '<|im_start|>system\\n' }}"
    "{%- if messages[0].role == 'system' %}{{ messages[0].content + '\\n\\n' }}{% endif %}"
    "{{ '# Tools\\n<tools>' }}{% for tool in tools %}{{ '\\n' + (tool | tojson) }}{% endfor %}"
    "{{ '\\n</tools><|im_end|>\\n' }}"
    "{%- elif messages[0].role == 'system' %}"
    "{{ '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}{% endif %}"
    "{%- set ns = namespace(last_query=-1) %}"
    "{%- for m in messages %}{% if m.role == 'user' %}{% set ns.last_query = loop.index0 %}"
    "{% endif %}{% endfor %}"
    "{%- for m in messages %}"
    "{%- if m.role == 'user' %}{{ '<|im_start|>user\\n' + m.content + '<|im_end|>\\n' }}"
    "{%- elif m.role == 'assistant' %}{{ '<|im_start|>assistant\\n' }}"
    "{%- if m.reasoning_content and loop.index0 > ns.last_query %}"
    "{{ '<think>\\n' + m.reasoning_content + '\\n</think>\\n\\n' }}"
    "{%- elif loop.last and loop.index0 > ns.last_query %}{{ '<think>\\n\\n</think>\\n\\n' }}"
    "{% endif %}"
    "{{ m.content }}"
    "{%- for call in m.tool_calls or [] %}{% if m.content or not loop.first %}{{ '\\n' }}"
    "{% endif %}{{ '<tool_call>\\n{\"name\": \"' + call.function.name + '\", \"arguments\": ' "
    "+ (call.function.arguments | tojson) + '}\\n</tool_call>' }}{% endfor %}"
    "{{ '<|im_end|>\\n' }}"
    "{%- elif m.role == 'tool' %}"
    "{%- if loop.first or messages[loop.index0 - 1].role != 'tool' %}{{ '<|im_start|>user' }}"
    "{% endif %}{{ '\\n<tool_response>\\n' + m.content + '\\n</tool_response>' }}"
    "{%- if loop.last or messages[loop.index0 + 1].role != 'tool' %}{{ '<|im_end|>\\n' }}"
    "{% endif %}"
    "{%- endif %}{%- endfor %}"
    "{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")

WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "今天的天气",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]}}}
TOOL_CHAT = {"tools": [WEATHER], "messages": [
    {"role": "system", "content": SYSTEM},
    {"role": "user", "content": "北京今天冷不冷？"},
    {"role": "assistant", "content": "", "tool_calls": [
        {"id": "c1", "type": "function",
         "function": {"name": "get_weather", "arguments": "{\"city\": \"北京\"}"}}]},
    {"role": "tool", "tool_call_id": "c1", "content": "{\"temp\": -3}"},
    {"role": "assistant", "content": "零下三度，出门多穿点。"},
]}
THINKING_CHAT = {"messages": [
    {"role": "system", "content": SYSTEM},
    {"role": "user", "content": PAIRS[0][0]},
    {"role": "assistant", "reasoning_content": "先问问睡眠。", "content": PAIRS[0][1]},
    {"role": "user", "content": PAIRS[1][0]},
    {"role": "assistant", "reasoning_content": "想家了，问问想什么。", "content": PAIRS[1][1]},
]}
PREFERENCE = [{"prompt": [{"role": "system", "content": SYSTEM},
                          {"role": "user", "content": user}],
               "chosen": [{"role": "assistant", "content": reply}],
               "rejected": [{"role": "assistant", "content": other}]}
              for (user, reply), (_, other) in zip(PAIRS[:4], PAIRS[2:], strict=True)]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts = [SYSTEM] + [t for pair in PAIRS for t in pair] * 5
    return shared_tiny_model(tmp_path_factory.getbasetemp(), "tiny", texts)


@pytest.fixture(scope="session")
def tools_model(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("models") / "tools"
    shutil.copytree(tiny_model, out)
    (out / "chat_template.jinja").write_text(CHATML_TOOLS)
    return out


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sftlint: error: "), err
    return lines[0]


def gate_records(model: Path, data: str, **request: Any) -> Any:
    gate = run_gate(make_config(), TrainRequest(data=(data,), model=str(model), dry_run=True,
                                                **request))
    assert gate.passed, [f"{f.code} {f.message}" for f in gate.errors]
    return gate


# --- masks ---------------------------------------------------------------------------------

def reference(tokenizer: Any, pieces: list[tuple[str, bool]]) -> tuple[list[int], list[int]]:
    """Independently: tokenize the text the template should render piece by piece; a
    piece's tokens carry loss when it is marked so."""
    ids: list[int] = []
    labels: list[int] = []
    for text, learn in pieces:
        got = tokenizer(text, add_special_tokens=False)["input_ids"]
        ids += got
        labels += got if learn else [IGNORE_INDEX] * len(got)
    return ids, labels


def test_tool_call_masks_match_a_turn_by_turn_computation(tools_model: Path,
                                                          in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl([TOOL_CHAT]))
    gate = gate_records(tools_model, "d.jsonl")
    tokenizer = gate.tokenizer
    call = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "北京"}}\n</tool_call>'
    tools = json.dumps(WEATHER, ensure_ascii=False)
    pieces = [
        (f"<|im_start|>system\n{SYSTEM}\n\n# Tools\n<tools>\n{tools}\n</tools><|im_end|>\n", False),
        ("<|im_start|>user\n北京今天冷不冷？<|im_end|>\n", False),
        ("<|im_start|>assistant\n", False), (call + "<|im_end|>", True), ("\n", False),
        ('<|im_start|>user\n<tool_response>\n{"temp": -3}\n</tool_response><|im_end|>\n', False),
        ("<|im_start|>assistant\n", False),
        ("<think>\n\n</think>\n\n零下三度，出门多穿点。<|im_end|>", True), ("\n", False),
    ]
    ids, labels = reference(tokenizer, pieces)
    enc = gate.encoded[0]
    assert tokenizer.decode(enc.input_ids) == "".join(text for text, _ in pieces)
    assert enc.input_ids == ids and enc.labels == labels
    # two results of two calls fold into one user turn; both calls and the answer learn
    two = json.loads(json.dumps(TOOL_CHAT))
    two["messages"][2]["tool_calls"].append(
        {"id": "c2", "type": "function",
         "function": {"name": "get_weather", "arguments": {"city": "上海"}}})
    two["messages"].insert(4, {"role": "tool", "tool_call_id": "c2", "content": "8"})
    (in_tmp / "d.jsonl").write_bytes(jsonl([two]))
    (in_tmp / "sftlint.toml").write_text("[tokens]\nmax-length = 1024\n")  # byte tokens
    code, out, err = run(["train", "d.jsonl", "--model", str(tools_model), "--dry-run",
                          "--format", "json"])
    assert code == 0, err
    second = call.replace("北京", "上海")
    assert json.loads(out)[0]["trainable_text"] == (
        f"{call}\n{second}<|im_end|><think>\n\n</think>\n\n零下三度，出门多穿点。<|im_end|>")


def test_reasoning_dropped_by_the_template_is_followed_and_flagged(tools_model: Path,
                                                                   in_tmp: Path) -> None:
    tokenizer = load_tokenizer(str(tools_model))
    messages = THINKING_CHAT["messages"]
    enc = encode(tokenizer, messages, 1000)
    pieces = [(f"<|im_start|>system\n{SYSTEM}<|im_end|>\n", False),
              (f"<|im_start|>user\n{PAIRS[0][0]}<|im_end|>\n", False),
              ("<|im_start|>assistant\n", False), (f"{PAIRS[0][1]}<|im_end|>", True),
              ("\n", False), (f"<|im_start|>user\n{PAIRS[1][0]}<|im_end|>\n", False),
              ("<|im_start|>assistant\n", False),
              (f"<think>\n想家了，问问想什么。\n</think>\n\n{PAIRS[1][1]}<|im_end|>", True),
              ("\n", False)]
    assert (enc.input_ids, enc.labels) == reference(tokenizer, pieces)
    assert enc.reasoning_dropped == [2]
    # R003 says so, at the dropped reasoning; the gate refuses until the user decides
    (in_tmp / "d.jsonl").write_bytes(jsonl([THINKING_CHAT]))
    (in_tmp / "sftlint.toml").write_text(f'[tokens]\ntokenizer = "{tools_model}"\n')
    code, out, _ = run(["check", "d.jsonl", "--select", "R003", "--format", "json"])
    found = json.loads(out)
    assert code == 1 and [(f["code"], f["pointer"]) for f in found] == [
        ("R003", "/messages/2/reasoning_content")]
    code, _, err = run(["train", "d.jsonl", "--model", str(tools_model), "--dry-run"])
    assert code == 1 and "R003" in err
    # a reviewed decision (severity lowered) lets it train what the template renders
    (in_tmp / "sftlint.toml").write_text('[rules.R003]\nseverity = "warning"\n')
    code, out, err = run(["train", "d.jsonl", "--model", str(tools_model), "--dry-run",
                          "--format", "json"])
    assert code == 0, err
    assert json.loads(out)[0]["trainable_text"] == (
        f"{PAIRS[0][1]}<|im_end|><think>\n想家了，问问想什么。\n</think>\n\n{PAIRS[1][1]}<|im_end|>")


def test_dropped_reasoning_of_an_earlier_tool_call_turn(tools_model: Path) -> None:
    """Reasoning, a call, its result, reasoning and an answer, then a new question: the
    first exchange's turns are rendered without their reasoning, and masked as rendered."""
    tokenizer = load_tokenizer(str(tools_model))
    call = {"type": "function", "function": {"name": "get_weather",
                                             "arguments": {"city": "北京"}}}
    messages = [{"role": "user", "content": "北京冷不冷？"},
                {"role": "assistant", "reasoning_content": "查天气。", "content": "",
                 "tool_calls": [call]},
                {"role": "tool", "content": "-3"},
                {"role": "assistant", "reasoning_content": "很冷。", "content": "零下三度。"},
                {"role": "user", "content": PAIRS[1][0]},
                {"role": "assistant", "reasoning_content": "想家。", "content": PAIRS[1][1]}]
    enc = encode(tokenizer, messages, 1000)
    assert enc.reasoning_dropped == [1, 3]
    learned = tokenizer.decode([t for t, lab in zip(enc.input_ids, enc.labels, strict=True)
                                if lab != IGNORE_INDEX])
    assert learned == ('<tool_call>\n{"name": "get_weather", "arguments": {"city": "北京"}}\n'
                       "</tool_call><|im_end|>零下三度。<|im_end|>"
                       f"<think>\n想家。\n</think>\n\n{PAIRS[1][1]}<|im_end|>")


def test_loss_weight_zero_turns_carry_no_loss(tiny_model: Path, in_tmp: Path) -> None:
    record = chat(*PAIRS[0])
    record["messages"] += [{"role": "user", "content": PAIRS[1][0]},
                           {"role": "assistant", "content": PAIRS[1][1]}]
    record["messages"][2]["loss_weight"] = 0.0
    record["messages"][4]["loss_weight"] = 1.0
    (in_tmp / "d.jsonl").write_bytes(jsonl([record]))
    code, out, err = run(["train", "d.jsonl", "--model", str(tiny_model), "--dry-run",
                          "--format", "json"])
    assert code == 0, err
    assert json.loads(out)[0]["trainable_text"] == PAIRS[1][1] + "<|im_end|>"
    record["messages"][4]["loss_weight"] = 0.5
    (in_tmp / "d.jsonl").write_bytes(jsonl([record]))
    code, _, err = run(["train", "d.jsonl", "--model", str(tiny_model), "--dry-run"])
    assert code == 2 and 'a "loss_weight" of 0.5' in one_line_error(err)


def test_inline_think_is_given_to_the_template_as_written(tiny_model: Path,
                                                          in_tmp: Path) -> None:
    """Plain ChatML knows no reasoning field: `<think>` in the content is rendered, and
    trained, as the data wrote it; a `reasoning_content` field it drops is R003."""
    inline = chat(PAIRS[0][0], f"<think>先问问睡眠。</think>\n{PAIRS[0][1]}")
    field = chat(*PAIRS[1])
    field["messages"][2]["reasoning_content"] = "想家了。"
    (in_tmp / "d.jsonl").write_bytes(jsonl([inline, field]))
    (in_tmp / "sftlint.toml").write_text('per-file-ignores = { "d.jsonl" = ["R003"] }\n')
    code, out, err = run(["train", "d.jsonl", "--model", str(tiny_model), "--dry-run",
                          "--format", "json"])
    assert code == 0, err
    items = json.loads(out)
    assert items[0]["trainable_text"] == f"<think>先问问睡眠。</think>\n{PAIRS[0][1]}<|im_end|>"
    assert items[1]["trainable_text"] == f"{PAIRS[1][1]}<|im_end|>"
    (in_tmp / "sftlint.toml").write_text(f'[tokens]\ntokenizer = "{tiny_model}"\n')
    code, out, _ = run(["check", "d.jsonl", "--select", "R003", "--format", "json"])
    assert [(f["code"], f["line"]) for f in json.loads(out)] == [("R003", 2)]


# --- the gate, per method ------------------------------------------------------------------

def test_each_method_refuses_what_it_cannot_train(tiny_model: Path, in_tmp: Path) -> None:
    kto = [dict(chat(*pair), label=i % 2 == 0) for i, pair in enumerate(PAIRS[:2])]
    media = chat(PAIRS[0][0], PAIRS[0][1], images=["a.png"])
    media["messages"][1]["content"] = "<image>" + PAIRS[0][0]
    (in_tmp / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    cases = [(PREFERENCE, "sft", "d.jsonl:1: the record has a preference pair: train pairs "
                                 "with --method dpo"),
             (kto, "sft", "d.jsonl:1: the record has a KTO label: train labelled replies with "
                          "--method kto"),
             # the first record has no label, so the file reads as conversations: still a label
             ([chat(*PAIRS[0]), dict(chat(*PAIRS[1]), label=False)], "sft",
              "d.jsonl:2: the record has a KTO label"),
             ([chat(*PAIRS[0]), dict(chat(*PAIRS[1]), label=0)], "sft",
              "d.jsonl:2: the record has a KTO label"),
             ([chat(*PAIRS[0])], "dpo", "d.jsonl:1: the record has no preference pair"),
             (PREFERENCE, "kto", "no boolean KTO label"),
             ([chat(*PAIRS[1]), media], "sft", "d.jsonl:2: the record has media")]
    (in_tmp / "sftlint.toml").write_text('ignore = ["M003"]\n')  # a PNG header only
    for records, method, expected in cases:
        (in_tmp / "d.jsonl").write_bytes(jsonl(records))
        code, _, err = run(["train", "d.jsonl", "--model", str(tiny_model), "--dry-run",
                            "--method", method])
        assert code == 2 and expected in one_line_error(err), (method, err)


def test_gate_refuses_an_identical_pair_and_one_cut_to_identical(tiny_model: Path,
                                                                 in_tmp: Path) -> None:
    same = json.loads(json.dumps(PREFERENCE[0]))
    same["rejected"] = same["chosen"]
    (in_tmp / "d.jsonl").write_bytes(jsonl([PREFERENCE[1], same]))
    (in_tmp / "sftlint.toml").write_text('select = ["S"]\n')  # V rules gate regardless
    code, _, err = run(["train", "d.jsonl", "--model", str(tiny_model), "--method", "dpo",
                        "--output", "out"])
    assert code == 1 and "d.jsonl:2:" in err and "V001" in err and "refusing to train" in err
    assert not (in_tmp / "out").exists()
    # replies that differ only past max-length: T005, at the gate and in `check`
    late = json.loads(json.dumps(PREFERENCE[0]))
    late["rejected"] = [{"role": "assistant", "content": PAIRS[0][1] + "您说呢？"}]
    (in_tmp / "d.jsonl").write_bytes(jsonl([late]))
    (in_tmp / "sftlint.toml").write_text("[tokens]\nmax-length = 36\n")
    code, out, err = run(["train", "d.jsonl", "--model", str(tiny_model), "--method", "dpo",
                          "--dry-run"])
    assert code == 1 and "T005" in err and "past max-length 36" in err
    (in_tmp / "sftlint.toml").write_text(
        f'[tokens]\ntokenizer = "{tiny_model}"\nmax-length = 36\n')
    code, out, _ = run(["check", "d.jsonl", "--select", "T005", "--format", "json"])
    assert [(f["code"], f["pointer"]) for f in json.loads(out)] == [("T005", "/rejected/0/content")]


def test_gate_honours_reviewed_decisions_but_never_a_baseline(tiny_model: Path,
                                                              in_tmp: Path) -> None:
    records = [chat(*PAIRS[0]), chat(PAIRS[1][0], "你应该早点睡。")]  # A001 on line 2
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    args = ["train", "d.jsonl", "--model", str(tiny_model), "--dry-run"]
    assert run(["check", "d.jsonl", "--write-baseline", "base.json"])[0] == 0
    (in_tmp / "sftlint.toml").write_text('baseline = "base.json"\n')
    code, _, err = run(args)
    assert code == 1 and "A001" in err
    (in_tmp / "sftlint.toml").write_text('per-file-ignores = { "d.jsonl" = ["A001"] }\n')
    assert run(args)[0] == 0


# --- dry run -------------------------------------------------------------------------------

def test_dry_run_json_for_pairs(tiny_model: Path, in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(PREFERENCE[:2]))
    (in_tmp / "sftlint.toml").write_text("[tokens]\nmax-length = 40\n")
    code, out, err = run(["train", "d.jsonl", "--model", str(tiny_model), "--method", "dpo",
                          "--dry-run", "--format", "json"])
    assert code == 0, err  # T001 is a warning
    items = json.loads(out)
    first = items[0]
    assert set(first) == {"path", "line", "prompt_tokens", "chosen_tokens", "rejected_tokens",
                          "chosen_truncated", "rejected_truncated", "diverge_at",
                          "diverge_within_max_length", "chosen_text", "rejected_text"}
    assert first["diverge_at"] == first["prompt_tokens"]  # they differ from the first token
    assert first["chosen_text"] == PAIRS[0][1] + "<|im_end|>"
    tokenizer = load_tokenizer(str(tiny_model))
    rejected = tokenizer(PAIRS[2][1] + "<|im_end|>", add_special_tokens=False)["input_ids"]
    assert first["rejected_tokens"] == len(rejected)
    truncated = first["prompt_tokens"] + first["rejected_tokens"] > 40
    assert first["rejected_truncated"] is truncated
    code, out, _ = run(["train", "d.jsonl", "--model", str(tiny_model), "--method", "dpo",
                        "--dry-run"])
    assert code == 0 and "pairs              2" in out and "diverge at token" in out
    # a rejected reply longer than the chosen one is cut where the chosen is not: T001, T004
    longer = json.loads(json.dumps(PREFERENCE[0]))
    longer["rejected"] = [{"role": "assistant", "content": PAIRS[5][1]}]  # 7 tokens, not 5
    (in_tmp / "d.jsonl").write_bytes(jsonl([longer]))
    limit = first["prompt_tokens"] + 6
    (in_tmp / "sftlint.toml").write_text(
        f'[tokens]\ntokenizer = "{tiny_model}"\nmax-length = {limit}\n')
    code, out, _ = run(["check", "d.jsonl", "--select", "T001,T004", "--format", "json"])
    found = [(f["code"], f["message"].split(":")[0]) for f in json.loads(out)]
    assert found == [("T001", f"prompt and rejected reply are {limit + 1} tokens "
                              f"(max-length {limit})"),
                     ("T004", f"max-length {limit} cuts the rejected reply at token 6 of 7")]


# --- training ------------------------------------------------------------------------------

def sequence_logp(model: Any, prompt: list[int], completion: list[int]) -> float:
    ids = torch.tensor([prompt + completion])
    with torch.no_grad():
        logits = model(input_ids=ids).logits[0, :-1].float()
    logps = torch.log_softmax(logits, dim=-1)
    targets = ids[0, 1:]
    picked = logps[torch.arange(len(targets)), targets]
    return float(picked[len(prompt) - 1:].sum())


def margins(model: Any, pairs: list[Any]) -> list[float]:
    return [sequence_logp(model, e.prompt_ids, e.chosen_ids)
            - sequence_logp(model, e.prompt_ids, e.rejected_ids) for e in pairs]


def test_dpo_raises_the_margin_and_chat_works(tiny_model: Path, in_tmp: Path) -> None:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    (in_tmp / "d.jsonl").write_bytes(jsonl(PREFERENCE))
    gate = gate_records(tiny_model, "d.jsonl", method="dpo")
    base = AutoModelForCausalLM.from_pretrained(str(tiny_model)).eval()
    before = margins(base, gate.encoded)
    code, _, err = run(["train", "d.jsonl", "--model", str(tiny_model), "--method", "dpo",
                        "--output", "out", "--max-steps", "12", "--learning-rate", "5e-3",
                        "--batch-size", "4", "--beta", "0.1", "--seed", "1"])
    assert code == 0, err
    assert "margins" in err  # progress lines
    receipt = json.loads((in_tmp / "out" / "sftlint-receipt.json").read_text())
    config = receipt["config"]
    assert (config["method"], config["beta"], config["loss_type"]) == ("dpo", 0.1, "sigmoid")
    assert "adapter disabled" in config["reference_model"]
    assert receipt["trained"]["method"] == "dpo" and receipt["trained"]["records"] == 4
    assert receipt["data"][0]["records"] == 4 and len(receipt["data"][0]["sha256"]) == 64
    logged = [p["rewards/margins"] for p in receipt["loss_curve"]]
    assert len(logged) == 12 and logged[-1] > logged[0]
    trained = PeftModel.from_pretrained(
        AutoModelForCausalLM.from_pretrained(str(tiny_model)), str(in_tmp / "out")).eval()
    after = margins(trained, gate.encoded)
    print(f"DPO margins before {before}, after {after}, logged {logged[0]:.3f} -> "
          f"{logged[-1]:.3f}")
    assert all(a > b + 0.5 for a, b in zip(after, before, strict=True))
    code, out, _ = run(["chat", "--adapter", "out", "--max-new-tokens", "5", PAIRS[1][0]])
    assert code == 0 and out.strip()


def test_kto_trains_labelled_replies(tiny_model: Path, in_tmp: Path) -> None:
    records = [dict(chat(*PAIRS[0]), label=True), dict(chat(PAIRS[1][0], "哦。"), label=False),
               dict(chat(*PAIRS[2]), label=True), dict(chat(PAIRS[3][0], "嗯嗯。"), label=False)]
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    code, out, err = run(["train", "d.jsonl", "--model", str(tiny_model), "--method", "kto",
                          "--dry-run", "--format", "json"])
    assert code == 0, err
    items = json.loads(out)
    assert [i["label"] for i in items] == [True, False, True, False]
    assert items[1]["completion_text"] == "哦。<|im_end|>"
    code, _, err = run(["train", "d.jsonl", "--model", str(tiny_model), "--method", "kto",
                        "--output", "out", "--max-steps", "3", "--batch-size", "2",
                        "--learning-rate", "1e-3"])
    assert code == 0, err
    receipt = json.loads((in_tmp / "out" / "sftlint-receipt.json").read_text())
    assert (receipt["config"]["method"], receipt["config"]["loss_type"]) == ("kto", "kto")
    assert [p["step"] for p in receipt["loss_curve"]] == [1, 2, 3]
    code, _, err = run(["train", "d.jsonl", "--model", str(tiny_model), "--method", "kto",
                        "--output", "out2", "--batch-size", "1", "--max-steps", "1"])
    assert code == 2 and "--batch-size 2 or more" in one_line_error(err)


def test_tool_calls_train_with_sft(tools_model: Path, in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl([TOOL_CHAT, chat(*PAIRS[0])]))
    code, _, err = run(["train", "d.jsonl", "--model", str(tools_model), "--output", "out",
                        "--max-steps", "2", "--batch-size", "2"])
    assert code == 0, err
    receipt = json.loads((in_tmp / "out" / "sftlint-receipt.json").read_text())
    assert receipt["config"]["method"] == "sft" and receipt["config"]["beta"] is None
    assert receipt["trained"]["records"] == 2


def test_dpo_under_accelerate_launch(tiny_model: Path, in_tmp: Path) -> None:
    import os
    import subprocess
    import sys

    (in_tmp / "d.jsonl").write_bytes(jsonl(PREFERENCE))
    launcher = shutil.which("accelerate", path=str(Path(sys.executable).parent))
    assert launcher, "accelerate is part of the train extra"
    proc = subprocess.run(
        [launcher, "launch", "--cpu", "--num_processes", "1", "--num_machines", "1",
         "--mixed_precision", "no", "--dynamo_backend", "no", "-m", "sftlint", "train",
         "d.jsonl", "--model", str(tiny_model), "--output", "out", "--method", "dpo",
         "--max-steps", "2", "--batch-size", "2"],
        cwd=in_tmp, capture_output=True, text=True, timeout=300,
        env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    receipt = json.loads((in_tmp / "out" / "sftlint-receipt.json").read_text())
    assert receipt["config"]["method"] == "dpo"
    assert [p["step"] for p in receipt["loss_curve"]] == [1, 2]
    assert "{'loss'" not in proc.stdout
