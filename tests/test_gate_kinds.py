"""The gate refuses, per kind of data, what training would get silently wrong: tool calls,
tool results or `tools` a template does not render (T002), a pair the template renders to
the same tokens (T005), and a KTO reply cut to nothing (T002). Gate findings only: nothing
is trained."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")
pytest.importorskip("trl")

import torch  # noqa: E402

from sftlint.trainer.data import encode, load_tokenizer  # noqa: E402
from sftlint.trainer.gate import TrainRequest, run_gate  # noqa: E402
from tests.conftest import SYSTEM, jsonl, make_config  # noqa: E402
from tests.test_trainer_v2 import WEATHER  # noqa: E402
from tests.tiny_model import CHATML_GENERATION, PAIRS, shared_tiny_model  # noqa: E402

pytestmark = pytest.mark.train
torch.set_num_threads(1)


def tools_template(call: str, results: bool = True) -> str:
    """ChatML with declarations in a system turn, each call rendered as `call` (a jinja
    expression of `c`), and tool results as their own turn unless `results` is False."""
    skip = "" if results else "{% if m['role'] != 'tool' %}"
    end = "" if results else "{% endif %}"
    return ("{% if tools %}{{ '<|im_start|>system\\n# Tools' }}{% for t in tools %}"
            "{{ '\\n' + (t | tojson) }}{% endfor %}{{ '<|im_end|>\\n' }}{% endif %}"
            "{% for m in messages %}" + skip +
            "{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] }}"
            "{% for c in m.get('tool_calls') or [] %}{{ " + call + " }}{% endfor %}"
            "{{ '<|im_end|>\\n' }}" + end + "{% endfor %}"
            "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")


# the arguments as JSON with \u escapes: still rendered
TOOLS = tools_template("'<tool_call>' + c['function']['name'] + ' ' + "
                       "(c['function']['arguments'] | tojson(ensure_ascii=True)) + '</tool_call>'")
NAME_ONLY = tools_template("'<tool_call>' + c['function']['name'] + '</tool_call>'")
NO_RESULTS = tools_template("'<tool_call>' + c['function']['name'] + ' ' + "
                            "(c['function']['arguments'] | tojson) + '</tool_call>'",
                            results=False)
# Llama-3's habit: each content trimmed
TRIM = ("{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] | trim "
        "+ '<|im_end|>\\n' }}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")

TOOL_CHAT = {"tools": [WEATHER], "messages": [
    {"role": "system", "content": SYSTEM},
    {"role": "user", "content": "北京今天冷不冷？"},
    {"role": "assistant", "content": "", "tool_calls": [
        {"id": "c1", "type": "function",
         "function": {"name": "get_weather", "arguments": {"city": "北京"}}}]},
    {"role": "tool", "tool_call_id": "c1", "content": "{\"temp\": -3}"},
    {"role": "assistant", "content": "零下三度，出门多穿点。"},
]}


@pytest.fixture(scope="session")
def base_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts = [SYSTEM, "北京今天冷不冷？", "零下三度，出门多穿点。", "get_weather"]
    texts += [t for pair in PAIRS for t in pair]
    return shared_tiny_model(tmp_path_factory.getbasetemp(), "kinds", texts * 5)


@pytest.fixture(scope="session")
def with_template(base_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The tiny model with another chat template, one copy per template."""
    made: dict[str, Path] = {}

    def make(template: str) -> Path:
        if template not in made:
            out = tmp_path_factory.mktemp("models") / "model"
            shutil.copytree(base_model, out)
            (out / "chat_template.jinja").write_text(template)
            made[template] = out
        return made[template]

    return make


def gate_errors(model: Path, records: list[Any], method: str = "sft",
                options: dict[str, Any] | None = None) -> list[tuple[str, str | None, str]]:
    """The gate's error-level findings as (code, pointer, message), for a dry run."""
    Path("d.jsonl").write_bytes(jsonl(records))
    config = make_config({"select": ["S"], **(options or {})})
    gate = run_gate(config, TrainRequest(data=("d.jsonl",), model=str(model), dry_run=True,
                                         method=method))
    return [(f.code, f.pointer, f.message) for f in gate.errors]


def codes_at(errors: list[tuple[str, str | None, str]]) -> list[tuple[str, str | None]]:
    return [(code, pointer) for code, pointer, _ in errors]


# --- tools a template does not render ------------------------------------------------------

def test_template_without_tool_support_is_refused_at_the_call(base_model: Path,
                                                               in_tmp: Path) -> None:
    """Plain ChatML renders neither calls nor `tools`: an empty assistant turn would be
    trained. T002 at the call and at the declarations; the result is rendered."""
    errors = gate_errors(base_model, [TOOL_CHAT])
    assert codes_at(errors) == [("T002", "/tools"), ("T002", "/messages/2/tool_calls/0")]
    assert "does not render the record's tools (1 declaration)" in errors[0][2]
    assert "does not render this turn's tool call (get_weather)" in errors[1][2]
    enc = encode(load_tokenizer(str(base_model)), TOOL_CHAT["messages"], 1000)
    assert (enc.tool_turns_dropped, enc.tools_dropped) == ([2], False)  # no tools given


def test_template_with_tool_support_passes(with_template: Any, in_tmp: Path) -> None:
    """Calls whose arguments are written with \\u escapes still count as rendered."""
    model = with_template(TOOLS)
    assert gate_errors(model, [TOOL_CHAT]) == []
    tokenizer = load_tokenizer(str(model))
    enc = encode(tokenizer, TOOL_CHAT["messages"], 1000, [WEATHER])
    assert (enc.tool_turns_dropped, enc.tools_dropped) == ([], False)
    learned = tokenizer.decode([t for t in enc.labels if t != -100])
    assert '<tool_call>get_weather {"city": "\\u5317\\u4eac"}</tool_call>' in learned


def test_a_call_rendered_without_its_arguments_is_refused(with_template: Any,
                                                          in_tmp: Path) -> None:
    errors = gate_errors(with_template(NAME_ONLY), [TOOL_CHAT])
    assert codes_at(errors) == [("T002", "/messages/2/tool_calls/0")]


def test_a_tool_result_the_template_drops_is_refused(with_template: Any,
                                                     in_tmp: Path) -> None:
    errors = gate_errors(with_template(NO_RESULTS), [TOOL_CHAT])
    assert codes_at(errors) == [("T002", "/messages/3/content")]
    assert "does not render this tool result (12 characters)" in errors[0][2]
    # the reply quoting the result is no rendering of it
    quoted = json.loads(json.dumps(TOOL_CHAT))
    quoted["messages"][3]["content"] = "零下三度"
    errors = gate_errors(with_template(NO_RESULTS), [quoted])
    assert codes_at(errors) == [("T002", "/messages/3/content")]


def test_generation_markers_template_without_tool_support(with_template: Any,
                                                          in_tmp: Path) -> None:
    """The `{% generation %}` path checks the calls in the marked tokens."""
    errors = gate_errors(with_template(CHATML_GENERATION), [TOOL_CHAT])
    assert codes_at(errors) == [("T002", "/tools"), ("T002", "/messages/2/tool_calls/0")]


def test_dpo_rejected_tool_call_the_template_drops(base_model: Path, with_template: Any,
                                                   in_tmp: Path) -> None:
    pair = {"prompt": TOOL_CHAT["messages"][:2],
            "chosen": [{"role": "assistant", "content": "我查一下。", "tool_calls": [
                {"type": "function", "function": {"name": "get_weather",
                                                  "arguments": {"city": "北京"}}}]}],
            "rejected": [{"role": "assistant", "content": "我查一下。", "tool_calls": [
                {"type": "function", "function": {"name": "get_weather",
                                                  "arguments": {"city": "上海"}}}]}]}
    assert codes_at(gate_errors(base_model, [pair], "dpo")) == [
        ("T002", "/chosen/0/tool_calls/0"), ("T005", "/rejected/0/content"),
        ("T002", "/rejected/0/tool_calls/0")]
    assert gate_errors(with_template(TOOLS), [pair], "dpo") == []


# --- DPO: a pair the template renders to the same tokens -----------------------------------

def test_pair_identical_once_rendered_is_t005(with_template: Any, in_tmp: Path) -> None:
    """The rejected reply differs by a trailing space that the template trims."""
    user, reply = PAIRS[0]
    pair = {"prompt": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
            "chosen": [{"role": "assistant", "content": reply}],
            "rejected": [{"role": "assistant", "content": reply + " "}]}
    errors = gate_errors(with_template(TRIM), [pair], "dpo")
    assert codes_at(errors) == [("T005", "/rejected/0/content")]
    assert "encode to the same" in errors[0][2]
    # the prompt alone fills max-length: no token of either reply is left
    pair["prompt"][1]["content"] = "想" * 200
    pair["rejected"][0]["content"] = PAIRS[1][1]
    errors = gate_errors(with_template(TRIM), [pair], "dpo", {"tokens": {"max-length": 60}})
    assert codes_at(errors) == [("T002", None), ("T005", "/rejected/0/content")]
    assert errors[1][2].startswith("the prompt alone is ")
    assert "(max-length 60): no token of either reply is left" in errors[1][2]


def test_pair_identical_as_text_is_refused_with_v001_ignored(base_model: Path,
                                                            in_tmp: Path) -> None:
    """Equal as text, the pair is V001 and T005 (equal once encoded): ignoring V001 must not
    let the gate train it."""
    user, reply = PAIRS[0]
    pair = {"prompt": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
            "chosen": [{"role": "assistant", "content": reply}],
            "rejected": [{"role": "assistant", "content": reply}]}
    errors = gate_errors(base_model, [pair], "dpo", {"select": ["S", "V"]})
    assert codes_at(errors) == [("T005", "/rejected/0/content"), ("V001", "/rejected/0/content")]
    errors = gate_errors(base_model, [pair], "dpo", {"select": ["S", "V"], "ignore": ["V001"]})
    assert codes_at(errors) == [("T005", "/rejected/0/content")]


# --- KTO: the labelled reply cut to nothing ------------------------------------------------

def test_kto_reply_past_max_length_is_refused(base_model: Path, in_tmp: Path) -> None:
    """An earlier reply fits, so the conversation has trainable tokens; the labelled one
    does not: its label would never be trained."""
    record = {"label": True, "messages": [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": PAIRS[0][0]}, {"role": "assistant", "content": PAIRS[0][1]},
        {"role": "user", "content": "想" * 300}, {"role": "assistant", "content": PAIRS[1][1]}]}
    fits = {"label": False, "messages": record["messages"][:3]}
    options = {"tokens": {"max-length": 120}}
    errors = gate_errors(base_model, [fits, record], "kto", options)
    assert codes_at(errors) == [("T002", "/messages/4/content")]
    assert "the labelled reply keeps no token within max-length 120" in errors[0][2]
    enc = encode(load_tokenizer(str(base_model)), record["messages"], 120)
    assert enc.trainable_tokens > 0  # what SFT would keep: not the label's reply
    assert gate_errors(base_model, [fits], "kto", options) == []
