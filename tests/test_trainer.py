"""The gated trainer, for real on a tiny model: gate, masks, loss, receipt, reload, chat,
and the token rules."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("trl")

import torch  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from sftlint.cli import cli  # noqa: E402
from sftlint.trainer.data import IGNORE_INDEX, encode, load_tokenizer  # noqa: E402
from tests.conftest import SYSTEM, chat, jsonl  # noqa: E402
from tests.tiny_model import (  # noqa: E402
    CHATML_DEFAULT_SYSTEM,
    CHATML_GENERATION,
    PAIRS,
    build_tiny_model,
    shared_tiny_model,
)

pytestmark = pytest.mark.train
torch.set_num_threads(1)

RECORDS = [chat(u, a) for u, a in PAIRS]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts = [SYSTEM] + [t for pair in PAIRS for t in pair] * 5
    return shared_tiny_model(tmp_path_factory.getbasetemp(), "tiny", texts)


@pytest.fixture(scope="session")
def injecting_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts = [SYSTEM] + [t for pair in PAIRS for t in pair]
    return build_tiny_model(tmp_path_factory.mktemp("models") / "inject", texts,
                            template=CHATML_DEFAULT_SYSTEM)


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def reference_labels(tokenizer, messages: list[dict[str, str]]) -> list[int]:
    """Independently: tokenize turn by turn; only assistant content + <|im_end|> count."""
    ids: list[int] = []
    labels: list[int] = []
    for m in messages:
        head = tokenizer(f"<|im_start|>{m['role']}\n", add_special_tokens=False)["input_ids"]
        body = tokenizer(m["content"], add_special_tokens=False)["input_ids"]
        end = tokenizer("<|im_end|>", add_special_tokens=False)["input_ids"]
        nl = tokenizer("\n", add_special_tokens=False)["input_ids"]
        ids += head + body + end + nl
        learn = m["role"] == "assistant"
        labels += [IGNORE_INDEX] * len(head) + (body + end if learn else
                                               [IGNORE_INDEX] * len(body + end))
        labels += [IGNORE_INDEX] * len(nl)
    return labels


def test_masks_match_an_independent_computation(tiny_model: Path) -> None:
    tokenizer = load_tokenizer(str(tiny_model))
    multi = chat(*PAIRS[0])["messages"] + [{"role": "user", "content": PAIRS[1][0]},
                                          {"role": "assistant", "content": PAIRS[1][1]}]
    for messages in (RECORDS[0]["messages"], multi):
        enc = encode(tokenizer, messages, max_length=1000)
        assert enc.labels == reference_labels(tokenizer, messages)
        learned = tokenizer.decode([t for t, lab in zip(enc.input_ids, enc.labels, strict=True)
                                    if lab != IGNORE_INDEX])
        replies = [m["content"] + "<|im_end|>" for m in messages if m["role"] == "assistant"]
        assert learned == "".join(replies)
    # truncated: labels are the untruncated ones, cut
    full = encode(tokenizer, multi, max_length=1000)
    cut = encode(tokenizer, multi, max_length=len(full.input_ids) - 5)
    assert cut.truncated and cut.labels == full.labels[: len(full.input_ids) - 5]


def test_generation_markers_give_the_same_masks(tiny_model: Path) -> None:
    from sftlint.trainer.data import has_generation_markers

    plain = load_tokenizer(str(tiny_model))
    marked = copy.deepcopy(plain)
    marked.chat_template = CHATML_GENERATION
    assert has_generation_markers(marked) and not has_generation_markers(plain)
    multi = chat(*PAIRS[0])["messages"] + [{"role": "user", "content": PAIRS[1][0]},
                                          {"role": "assistant", "content": PAIRS[1][1]}]
    a, b = encode(plain, multi, 1000), encode(marked, multi, 1000)
    assert a.input_ids == b.input_ids and a.labels == b.labels
    assert a.assistant_spans == b.assistant_spans


def test_gate_refuses_dirty_data_and_writes_nothing(tiny_model: Path, in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(RECORDS + [chat("睡不着。", "你应该早点睡。")]))
    code, out, err = run(["train", "d.jsonl", "--model", str(tiny_model), "--output", "out"])
    assert code == 1
    assert "A001" in err and "refusing to train" in err
    assert not (in_tmp / "out").exists()


def test_dry_run_json_shows_only_assistant_text(tiny_model: Path, in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(RECORDS))
    code, out, _ = run(["train", "d.jsonl", "--model", str(tiny_model), "--dry-run",
                        "--format", "json"])
    assert code == 0
    items = json.loads(out)
    assert len(items) == len(RECORDS)
    for item, (_user, reply) in zip(items, PAIRS, strict=True):
        assert item["trainable_text"] == reply + "<|im_end|>"
        assert 0 < item["trainable_tokens"] < item["tokens"] and item["truncated"] is False
    assert not (in_tmp / "out").exists()
    code, out, _ = run(["train", "d.jsonl", "--model", str(tiny_model), "--dry-run"])
    assert "p50" in out and "truncated          0" in out and "[[" in out


def test_train_receipt_reload_and_chat(tiny_model: Path, in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(RECORDS))
    code, out, err = run(["train", "d.jsonl", "--model", str(tiny_model), "--output", "out",
                          "--max-steps", "40", "--learning-rate", "1e-2", "--batch-size", "2",
                          "--lora-r", "8", "--seed", "1"])
    assert code == 0, err
    assert "loss" in err  # progress lines
    receipt = json.loads((in_tmp / "out" / "sftlint-receipt.json").read_text())
    assert receipt["system_prompt"] == SYSTEM
    assert receipt["data"][0]["records"] == len(RECORDS)
    assert len(receipt["data"][0]["sha256"]) == 64
    assert receipt["lint"]["errors"] == 0
    assert receipt["config"]["lora_r"] == 8 and receipt["config"]["max_steps"] == 40
    assert set(receipt["versions"]) >= {"python", "torch", "transformers", "peft", "trl",
                                        "sftlint"}
    curve = [p["loss"] for p in receipt["loss_curve"]]
    assert len(curve) == 40
    assert sum(curve[-5:]) / 5 < 0.85 * sum(curve[:5]) / 5  # the loss falls
    adapter_config = json.loads((in_tmp / "out" / "adapter_config.json").read_text())
    assert os.path.isabs(adapter_config["base_model_name_or_path"])
    assert (in_tmp / "out" / "adapter_model.safetensors").exists()

    # plain peft reload gives the same output as sftlint chat
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from sftlint.trainer.chat import load_chat_model, reply

    base = AutoModelForCausalLM.from_pretrained(adapter_config["base_model_name_or_path"])
    plain = PeftModel.from_pretrained(base, str(in_tmp / "out")).eval()
    model, tokenizer, prompt = load_chat_model(str(in_tmp / "out"))
    assert prompt == SYSTEM
    history = [{"role": "user", "content": PAIRS[1][0]}]
    assert reply(plain, tokenizer, history, prompt) == reply(model, tokenizer, history, prompt)
    code, out, _ = run(["chat", "--adapter", "out", PAIRS[1][0]])
    assert code == 0 and out.strip()


def test_token_rules(tiny_model: Path, injecting_model: Path, in_tmp: Path) -> None:
    long_reply = "谢" * 200  # unseen by the BPE: several tokens a character
    records = [chat(*PAIRS[0]), chat(PAIRS[1][0], long_reply),
               chat("想" * 300, PAIRS[2][1])]
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    (in_tmp / "sftlint.toml").write_text(
        f'[tokens]\ntokenizer = "{tiny_model}"\nmax-length = 120\n')
    code, out, _ = run(["check", "d.jsonl", "--select", "T", "--format", "json"])
    found = sorted((i["code"], i["line"]) for i in json.loads(out))
    assert found == [("T001", 2), ("T001", 3), ("T002", 3), ("T004", 2)]
    assert code == 1
    (in_tmp / "n.jsonl").write_bytes(jsonl([chat(*PAIRS[0], system=None), chat(*PAIRS[1])]))
    (in_tmp / "sftlint.toml").write_text(f'[tokens]\ntokenizer = "{injecting_model}"\n')
    code, out, _ = run(["check", "n.jsonl", "--select", "T003", "--format", "json"])
    items = json.loads(out)
    assert [(i["code"], i["line"]) for i in items] == [("T003", 1)]
    assert "You are a helpful assistant." in items[0]["message"]


def test_runs_under_accelerate_launch(tiny_model: Path, in_tmp: Path) -> None:
    import shutil
    import subprocess
    import sys

    (in_tmp / "d.jsonl").write_bytes(jsonl(RECORDS))
    launcher = shutil.which("accelerate", path=str(Path(sys.executable).parent))
    assert launcher, "accelerate is part of the train extra"
    proc = subprocess.run(
        [launcher, "launch", "--cpu", "--num_processes", "1", "--num_machines", "1",
         "--mixed_precision", "no", "--dynamo_backend", "no", "-m", "sftlint", "train",
         "d.jsonl", "--model", str(tiny_model), "--output", "out", "--max-steps", "2"],
        cwd=in_tmp, capture_output=True, text=True, timeout=300,
        env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    receipt = json.loads((in_tmp / "out" / "sftlint-receipt.json").read_text())
    assert [p["step"] for p in receipt["loss_curve"]] == [1, 2]
    assert "{'loss'" not in proc.stdout  # the trainer's own log dicts are not printed


def test_interactive_chat(tiny_model: Path, in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(RECORDS))
    assert run(["train", "d.jsonl", "--model", str(tiny_model), "--output", "out",
                "--max-steps", "2"])[0] == 0
    result = CliRunner().invoke(cli, ["chat", "--adapter", "out", "--max-new-tokens", "5"],
                                input="有点想家了。\n今天降温了。\n\n")
    assert result.exit_code == 0
    assert result.stdout.count("bot> ") == 2


def test_chat_refuses_what_is_not_a_finished_adapter_in_one_line(tiny_model: Path,
                                                                 in_tmp: Path) -> None:
    """A folder without weights sent peft to the Hugging Face hub; a malformed receipt, a
    FIFO in its place or a file as --adapter crashed or hung."""
    import shutil

    (in_tmp / "d.jsonl").write_bytes(jsonl(RECORDS))
    assert run(["train", "d.jsonl", "--model", str(tiny_model), "--output", "out",
                "--max-steps", "1"])[0] == 0
    receipt = in_tmp / "out" / "sftlint-receipt.json"
    cases = {"noweights": "no adapter weights", "list": "not an object",
             "prompt": '"system_prompt" is int', "fifo": "not a regular file",
             "broken": "not a receipt"}
    for name in cases:
        shutil.copytree(in_tmp / "out", in_tmp / name)
    (in_tmp / "noweights" / "adapter_model.safetensors").unlink()
    (in_tmp / "list" / receipt.name).write_text("[]")
    (in_tmp / "prompt" / receipt.name).write_text('{"system_prompt": 123}')
    (in_tmp / "fifo" / receipt.name).unlink()
    os.mkfifo(in_tmp / "fifo" / receipt.name)
    (in_tmp / "broken" / receipt.name).write_bytes(b"\xff\xfe{")
    for name, words in {**cases, "d.jsonl": "not a folder"}.items():
        result = CliRunner().invoke(cli, ["chat", "--adapter", name, "hi"])
        assert result.exit_code == 2 and words in result.stderr, (name, result.output)
        assert result.stderr.count("\n") == 1, result.stderr
    bad = CliRunner().invoke(cli, ["chat", "--adapter", "out", "\udcff"])
    assert bad.exit_code == 2 and "not valid UTF-8" in bad.stderr
    assert CliRunner().invoke(cli, ["chat", "--adapter", "out", "--max-new-tokens", "0",
                                    "hi"]).exit_code == 2
