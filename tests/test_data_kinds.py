"""The data people train on today (DESIGN.md, Version 2): every shape normalizes to one
conversation with tools, calls, results, reasoning, media and pairs, and its pointers lead to
the exact place in the source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sftlint.formats.json_array import JSON_ARRAY
from sftlint.formats.jsonl import JSON_LINES
from sftlint.records import (
    MISSING,
    Record,
    detect_shape,
    normalize,
    turn_pointer,
)
from sftlint.rule import locate
from tests.conftest import REPO, lint

WEATHER = [{"type": "function", "function": {
    "name": "get_weather", "description": "weather",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]}}}]


def record_of(value: Any, pretty: bool = False) -> Record:
    """The first record of a file holding `value` (as JSON Lines, or pretty as a .json)."""
    if pretty:
        data = json.dumps([value], ensure_ascii=False, indent=2).encode() + b"\n"
        name = "data.json"
    else:
        data = json.dumps(value, ensure_ascii=False).encode() + b"\n"
        name = "data.jsonl"
    _, raws = (JSON_ARRAY if pretty else JSON_LINES).read_bytes(name, data, False)
    return normalize(raws[0], name, detect_shape(raws[0].value), None)


def text_at(record: Record, pointer: str) -> str:
    """The source text from the place `locate` gives for `pointer`."""
    line, column = locate(record, pointer)
    lines = record.source.raw.decode().split("\n")
    return lines[line - record.line][column - 1:]


@pytest.mark.parametrize(("value", "shape"), [
    ({"messages": []}, "messages"),
    ({"messages": [], "label": True}, "kto"),
    ({"messages": [], "label": "x"}, "messages"),
    ({"conversations": []}, "sharegpt"),
    ({"conversations": [], "chosen": {}, "rejected": {}}, "sharegpt-ranking"),
    ({"chosen_messages": [], "rejected_messages": []}, "chosen-rejected-messages"),
    ({"prompt": "p", "chosen": "a", "rejected": "b"}, "trl-preference"),
    ({"instruction": "p", "chosen": "a", "rejected": "b"}, "trl-preference"),
    ({"input": {}, "preferred_output": [], "non_preferred_output": []}, "openai-preference"),
    ({"prompt": "p", "completion": "c"}, "prompt-completion"),
    ({"prompt": "p", "completion": "c", "label": False}, "kto-prompt-completion"),
    ({"instruction": "p", "output": "o"}, "alpaca"),
    ({"conversation": []}, "xtuner"),
])
def test_detect_shape(value: dict[str, Any], shape: str) -> None:
    assert detect_shape(value).name == shape


def test_openai_tool_calls_and_results() -> None:
    rec = record_of({"messages": [
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "c1", "type": "function",
             "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
        {"role": "assistant", "content": "Sunny."}], "tools": WEATHER})
    assert not rec.problems
    assert [m.role for m in rec.messages] == ["user", "assistant", "tool", "assistant"]
    call = rec.messages[1].tool_calls[0]  # type: ignore[index]
    assert (call.name, call.arguments, call.id, call.error) == (
        "get_weather", {"city": "Paris"}, "c1", None)
    assert call.arguments_pointer == "/messages/1/tool_calls/0/function/arguments"
    assert text_at(rec, call.arguments_pointer).startswith('"{\\"city')
    assert rec.messages[2].tool_call_id == "c1"
    assert rec.tools is not None and rec.tools.find("get_weather") is not None
    assert turn_pointer(rec.messages[1], rec.shape) == "/messages/1"


def test_sharegpt_function_call_and_observation() -> None:
    tools = json.dumps([{"name": "f", "description": "d", "parameters": {"type": "object"}}])
    rec = record_of({"conversations": [
        {"from": "human", "value": "hi"},
        {"from": "function_call", "value": "{\"name\": \"f\", \"arguments\": {\"x\": 1}}"},
        {"from": "observation", "value": "{}"},
        {"from": "gpt", "value": "done"}], "tools": tools}, pretty=True)
    assert [m.role for m in rec.messages] == ["user", "assistant", "tool", "assistant"]
    assert [m.raw_role for m in rec.messages][1:3] == ["function_call", "observation"]
    call = rec.messages[1].tool_calls[0]  # type: ignore[index]
    assert (call.name, call.arguments) == ("f", {"x": 1})
    assert rec.messages[1].content == ""
    # pretty-printed .json: the pointer still leads to the exact line and column
    assert text_at(rec, "/conversations/3/value") == '"done"'
    assert rec.tools is not None and [d.name for d in rec.tools.declarations] == ["f"]


def test_llama_factory_v1_parts() -> None:
    rec = record_of({"messages": [
        {"role": "user", "content": [{"type": "text", "value": "hi"},
                                     {"type": "image_url", "value": "img/1.jpg"}],
         "loss_weight": 0.0},
        {"role": "assistant", "content": [
            {"type": "reasoning", "value": "think"},
            {"type": "tool_call", "value": "{\"name\": \"f\", \"arguments\": {}}"}],
         "loss_weight": 1.0}]})
    assert not rec.problems and not rec.extra_keys
    user, reply = rec.messages
    assert user.content == "hi" and user.pointer == "/messages/0/content/0/value"
    assert user.media is not None and user.media[0].path == "img/1.jpg"
    assert user.media[0].pointer == "/messages/0/content/1/value"
    assert reply.reasoning == "think"
    assert reply.reasoning_pointer == "/messages/1/content/0/value"
    assert reply.tool_calls is not None and reply.tool_calls[0].name == "f"
    assert text_at(rec, user.pointer) == '"hi"}, {"type": "image_url", "value": "img/1.jpg"}]' \
        ', "loss_weight": 0.0}, {"role": "assistant", "content": [{"type": "reasoning", ' \
        '"value": "think"}, {"type": "tool_call", "value": "{\\"name\\": \\"f\\", ' \
        '\\"arguments\\": {}}"}], "loss_weight": 1.0}]}'
    assert turn_pointer(user, rec.shape) == "/messages/0"


def test_openai_parts_and_media_lists() -> None:
    rec = record_of({"messages": [
        {"role": "user", "content": [
            {"type": "text", "text": "look"},
            {"type": "image_url", "image_url": {"url": "https://x/a.png"}},
            {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}]},
        {"role": "assistant", "content": "<image>nice"}], "images": ["a.png", {"path": "b.png"}]})
    refs = rec.media_refs()
    assert [(r.kind, r.path, r.pointer) for r in refs] == [
        ("image", "a.png", "/images/0"), ("image", "b.png", "/images/1"),
        ("image", "https://x/a.png", "/messages/0/content/1/image_url/url"),
        ("audio", "", "/messages/0/content/2/input_audio/data")]
    assert refs[-1].inline == "UklGRg=="


@pytest.mark.parametrize(("content", "reasoning", "answer", "issue"), [
    ("<think>a</think>b", "a", "b", None),
    ("<think>\na\n</think>\n\nb", "\na\n", "b", None),
    ("<think>a", None, "<think>a", "unterminated"),
    ("a</think>b", None, "a</think>b", "without an opening"),
    ("b<think>a</think>", None, "b<think>a</think>", "after the answer"),
    ("<think>a<think>b</think></think>c", None, None, "nested"),
    ("no tags, but think> in text", None, "no tags, but think> in text", None),
])
def test_think_tags(content: str, reasoning: str | None, answer: str | None,
                    issue: str | None) -> None:
    rec = record_of({"messages": [{"role": "user", "content": "q"},
                                  {"role": "assistant", "content": content}]})
    reply = rec.messages[1]
    assert reply.reasoning == reasoning
    if answer is not None:
        assert reply.content == answer
    assert (reply.reasoning_issue is None) == (issue is None)
    if issue:
        assert issue in reply.reasoning_issue  # type: ignore[operator]


def test_sharegpt_ranking_pair() -> None:
    rec = record_of({"conversations": [{"from": "human", "value": "q"}],
                     "chosen": {"from": "gpt", "value": "good"},
                     "rejected": {"from": "gpt", "value": "bad"}}, pretty=True)
    assert [m.content for m in rec.messages] == ["q", "good"]
    assert rec.pair is not None and rec.pair.rejected is not None
    assert rec.pair.rejected[0].pointer == "/rejected/value"
    assert text_at(rec, "/rejected/value") == '"bad"'


def test_chosen_rejected_messages_share_the_prompt() -> None:
    side = [{"role": "user", "content": [{"type": "text", "value": "q"}]},
            {"role": "assistant", "content": [{"type": "text", "value": "good"}]}]
    other = [side[0], {"role": "assistant", "content": [{"type": "text", "value": "bad"}]}]
    rec = record_of({"chosen_messages": side, "rejected_messages": other})
    assert [m.content for m in rec.messages] == ["q", "good"]
    assert rec.pair is not None and rec.pair.prompt_mismatch is None
    assert rec.pair.rejected is not None
    assert rec.pair.rejected[0].pointer == "/rejected_messages/1/content/0/value"


def test_trl_and_openai_preference() -> None:
    rec = record_of({"prompt": "q", "chosen": "good", "rejected": "bad"})
    assert [(m.role, m.content, m.pointer) for m in rec.messages] == [
        ("user", "q", "/prompt"), ("assistant", "good", "/chosen")]
    rec = record_of({"input": {"messages": [{"role": "user", "content": "q"}], "tools": WEATHER},
                     "preferred_output": [{"role": "assistant", "content": "good"}],
                     "non_preferred_output": [{"role": "assistant", "content": "bad"}]})
    assert [m.pointer for m in rec.messages] == ["/input/messages/0/content",
                                                 "/preferred_output/0/content"]
    assert rec.tools is not None and rec.tools.pointer == "/input/tools"


def test_kto_label() -> None:
    rec = record_of({"messages": [{"role": "user", "content": "q"},
                                  {"role": "assistant", "content": "a"}], "label": False})
    assert rec.shape.kto and rec.label is False
    rec = record_of({"prompt": "q", "completion": "a", "label": True})
    assert [m.role for m in rec.messages] == ["user", "assistant"] and rec.label is True
    rec = record_of({"messages": [{"role": "user", "content": "q"},
                                  {"role": "assistant", "content": "a"}]})
    assert rec.label is MISSING


def test_plain_records_stay_plain() -> None:
    """The shapes of version 1 carry nothing new, and cost nothing new."""
    rec = record_of({"messages": [{"role": "system", "content": "s"},
                                  {"role": "user", "content": "q"},
                                  {"role": "assistant", "content": "a"}]})
    assert rec.tools is None and rec.media is None and rec.pair is None
    assert all(m.tool_calls is None and m.reasoning is None for m in rec.messages)
    assert rec.row().reasoning is False


REALDATA = REPO.parent / "shared" / "realdata" / "llama-factory"


@pytest.mark.skipif(not REALDATA.is_dir(), reason="the real data is not part of the project")
def test_llama_factory_demos_have_no_structural_false_errors() -> None:
    files = sorted(p for p in REALDATA.iterdir()
                   if p.suffix in (".json", ".jsonl") and p.name != "dataset_info.json")
    findings = lint(files, select=["S001", "S002", "S003", "S004", "S007", "C001", "C003",
                                   "V", "M001", "R001"])
    assert not findings, [f"{Path(f.path).name}:{f.line} {f.code} {f.message}"
                          for f in findings]


def test_style_rules_leave_an_undesirable_kto_reply_alone(tmp_path: Path) -> None:
    """A `label: false` reply is a bad example on purpose: A001-A005 do not judge it (it
    would block the gate), but they still judge the same reply labelled true."""
    from tests.conftest import jsonl, lint

    lecture = "你应该早点睡。1. 关灯\n2. 喝水\n3. 别玩手机"
    rows = [{"messages": [{"role": "user", "content": "睡不着。"},
                          {"role": "assistant", "content": lecture}], "label": label}
            for label in (False, True)]
    path = tmp_path / "kto.jsonl"
    path.write_bytes(jsonl(rows))
    found = {(f.code, f.line) for f in lint([path], select=["A"])}
    assert {line for _, line in found} == {2}
    assert {"A001", "A002"} <= {code for code, _ in found}


def test_missing_messages_points_at_the_mapping(tmp_path: Path) -> None:
    """A record of another shape (Eldercare-agent's `dialogue`) gets S001 with the way out."""
    from tests.conftest import jsonl, lint

    path = tmp_path / "d.jsonl"
    path.write_bytes(jsonl([{"dialogue": [{"role": "user", "text": "你好"}], "id": 1}]))
    [finding] = lint([path], select=["S001"])
    assert 'set [tool.sftlint.mapping] messages = "dialogue"' in finding.message
