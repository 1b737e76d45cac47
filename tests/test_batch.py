"""Batch rules: one pass over a column of turns gives what a pass per turn gives.

`Turns.matching` must flag exactly the turns a per-turn search flags, the vectorized n-gram
scorer must compute exactly the score its definition (`ngrams`) gives, and a batch
rule must report on a batch of records what it reports on each record alone."""

from __future__ import annotations

import json
import math
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sftlint.batch import SEPARATOR, Turns
from sftlint.chinese import WORD_MARK, NgramScorer, char_ngrams, ngrams
from sftlint.config import load_config
from sftlint.engine import Linter, iter_records
from sftlint.findings import Finding
from sftlint.registry import all_rules
from sftlint.rule import RecordRule

REPO = Path(__file__).resolve().parent.parent
ALPHABET = "你您要别a o\n。，？ 1"
texts = st.lists(st.text(alphabet=ALPHABET, max_size=12), max_size=8)
# patterns that run across a turn's end, read the line break before a turn, look behind,
# and find words at a boundary: what the rules' patterns do
PATTERNS = [re.compile(p) for p in (
    r"要.{0,3}你", r"\s*你", r"[。\n]\s*要", r"(?<!别)要", r"\bo\b", r"你\s+要", r"别|您",
    r"1[。，]", r"\n别")]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(texts)
def test_matching_flags_the_turns_a_search_per_turn_flags(column: list[str]) -> None:
    turns = Turns(texts=column)
    for pattern in PATTERNS:
        expected = {i for i, t in enumerate(column) if pattern.search(SEPARATOR + t)}
        assert turns.matching(pattern) == expected, (pattern.pattern, column)


grams = st.text(alphabet="你您要别ao 0\x02\x03", min_size=1, max_size=3)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.dictionaries(grams, st.floats(-3, 3), min_size=1, max_size=30),
       st.lists(st.text(alphabet="你您要别AaO o 7\t\n。", max_size=40), max_size=6))
def test_scorer_computes_its_definition(weights: dict[str, float], column: list[str]) -> None:
    scorer = NgramScorer.from_weights(3, -0.5, 0.0, weights)
    for text, score in zip(column, scorer.scores(column), strict=True):
        occurrences = char_ngrams(text, 3)
        expected = -0.5 + sum(weights.get(g, 0.0) for g in set(occurrences)) / math.sqrt(
            len(occurrences))
        assert math.isclose(score, expected, abs_tol=1e-9), (text, score, expected)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.dictionaries(grams, st.lists(st.floats(-3, 3, width=16), min_size=3, max_size=3),
                       min_size=1, max_size=30),
       st.lists(st.floats(-3, 3), min_size=3, max_size=3),
       st.lists(st.text(alphabet="你您要别AaO o 7\t\n。", max_size=40), max_size=6))
def test_scorer_with_a_hidden_layer_computes_its_definition(
        vectors: dict[str, list[float]], output: list[float], column: list[str]) -> None:
    """bias + output . relu(sum of the distinct n-grams' vectors / sqrt(occurrences)), the
    same after a round trip through the weights file (vectors of float16 values)."""
    _check_hidden_layer(NgramScorer.from_weights(3, 0.25, 0.0, vectors, output), vectors,
                        output, column, lambda text: char_ngrams(text, 3))


def _check_hidden_layer(scorer: NgramScorer, vectors: dict[str, list[float]],
                        output: list[float], column: list[str],
                        features: Callable[[str], list[str]]) -> None:
    """`scorer` (bias 0.25) scores each text of `column` as its definition over
    `features(text)` does, before and after the round trip through the weights file."""
    with tempfile.TemporaryDirectory() as folder:
        scorer.save_arrays(Path(folder), "s")
        stored = NgramScorer.from_table(scorer.to_table("s"), Path(folder))
        stored_scores = stored.scores(column)
    for text, score, score_stored in zip(column, scorer.scores(column), stored_scores,
                                         strict=True):
        occurrences = features(text)
        summed = [sum(vectors[g][u] for g in set(occurrences) if g in vectors)
                  / math.sqrt(len(occurrences)) for u in range(len(output))]
        expected = 0.25 + sum(max(x, 0.0) * w for x, w in zip(summed, output, strict=True))
        assert math.isclose(score, expected, abs_tol=1e-5), (text, score, expected)
        assert score_stored == score


word_grams = st.lists(st.sampled_from(["sit", "down", "no", "o", "don't", "more"]),
                      min_size=1, max_size=2).map(lambda ws: WORD_MARK + " ".join(ws))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.dictionaries(grams | word_grams,
                       st.lists(st.floats(-3, 3, width=16), min_size=2, max_size=2),
                       min_size=1, max_size=30),
       st.lists(st.lists(st.sampled_from(
           ["你", "要", " ", "sit", "down", "Sit", "no", "o", "don't", "more", "。", "!", "7"]),
           max_size=12).map("".join), max_size=6))
def test_scorer_reading_words_computes_its_definition(
        vectors: dict[str, list[float]], column: list[str]) -> None:
    """With word 1..2-grams (m = 2), each distinct weighted n-gram of `ngrams(text, 3, 2)`
    counts once and every occurrence of either kind in the scale, before and after the
    round trip through the weights file; a word 1-gram is not its own character n-gram."""
    output = [0.5, -1.5]
    _check_hidden_layer(NgramScorer.from_weights(3, 0.25, 0.0, vectors, output, m=2), vectors,
                        output, column, lambda text: ngrams(text, 3, 2))


def test_word_ngrams_are_the_words_of_the_scorer_input_together() -> None:
    assert ngrams("Sit, DOWN!", 1, 2)[-3:] == [WORD_MARK + "sit", WORD_MARK + "down",
                                              WORD_MARK + "sit down"]
    assert ngrams("您坐下", 3, 3) == char_ngrams("您坐下", 3)  # no Latin words, none read


def test_scorer_with_keys_near_the_int64_range_scores_a_column_as_each_text_alone() -> None:
    """An n-gram's key takes most of an int64 where 1,000 characters and 6-grams make the
    keys: the texts of a column still score as each does alone."""
    alphabet = [chr(0x4E00 + i) for i in range(1000)]
    weights = {c: (i % 7 - 3) / 3 for i, c in enumerate(alphabet)}
    weights.update({"".join(alphabet[i:i + 6]): 2.0 for i in range(0, 60, 6)})
    scorer = NgramScorer.from_weights(6, 0.1, 0.0, weights)
    assert scorer.offsets[-1] + scorer.base ** 6 > 1 << 59
    column = ["".join(alphabet[i:i + 30]) + "x" for i in range(0, 300, 23)]
    assert scorer.scores(column) == [scorer.scores([text])[0] for text in column]


def test_a_stored_hidden_layer_scores_alike_read_row_by_row_or_converted_whole(
        tmp_path: Path) -> None:
    """The float16 rows of a stored scorer are read as they are until it has read as many
    n-grams as it has rows, then converted to float32 all at once: the same scores
    either way."""
    alphabet = "你您要别好吗吧的了是不在有我他她们这那就都也还又"
    vectors = {a + b: [((i * 7 + j * 3) % 11 - 5) / 4 for j in range(4)]
               for i, (a, b) in enumerate((a, b) for a in alphabet for b in alphabet)}
    scorer = NgramScorer.from_weights(3, 0.1, 0.0, vectors, [0.5, -0.25, 1.0, 0.75])
    scorer.save_arrays(tmp_path, "s")
    table = scorer.to_table("s")
    column = [alphabet[i:] + alphabet[:i] for i in range(len(alphabet))]
    one_by_one = [NgramScorer.from_table(table, tmp_path).scores([text])[0] for text in column]
    stored = NgramScorer.from_table(table, tmp_path)
    assert stored.scores(column[:10]) == one_by_one[:10]
    assert stored._rows32 is None  # 240 n-grams read of 625 rows
    assert stored.scores(column) == one_by_one
    assert stored._rows32 is not None  # 840 read: converted
    assert stored.scores(column) == one_by_one


def test_a_linear_scorer_scores_alike_from_files_or_inline(tmp_path: Path) -> None:
    """The weights file names .npy files for a scorer's arrays (mapped, not parsed), or
    holds them inline; a hidden layer's rows only go to a file."""
    scorer = NgramScorer.from_weights(3, 0.1, 0.5, {"你": 1.0, "别再": -0.5, "好吗": 2.0})
    scorer.save_arrays(tmp_path, "linear")
    table = scorer.to_table("linear")
    assert sorted(table["files"]) == ["chars", "keys", "weights"]  # type: ignore[call-overload]
    column = ["你别再说了", "好吗？", "x"]
    assert NgramScorer.from_table(table, tmp_path).scores(column) == \
        NgramScorer.from_table(scorer.to_table()).scores(column) == scorer.scores(column)
    with pytest.raises(ValueError, match="folder"):
        NgramScorer.from_table(table)
    hidden = NgramScorer.from_weights(3, 0.1, 0.5, {"你": [1.0, 2.0]}, [0.5, 0.5])
    with pytest.raises(ValueError, match="files"):
        hidden.to_table()


def test_scorer_reads_at_most_its_reach() -> None:
    scorer = NgramScorer.from_weights(3, 0.0, 0.0, {"你": 1.0})
    short, long = scorer.scores(["你" * 1500, "你" * 1500 + "x" * 10_000])
    assert short == long


def test_batched_rules_report_on_a_batch_what_they_report_record_by_record(
        tmp_path: Path) -> None:
    data = tmp_path / "mixed.jsonl"
    lines = []
    examples = REPO / "examples"
    for source in (examples / "dirty.jsonl", examples / "data" / "companion.jsonl"):
        lines += [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config, _ = load_config(None, cwd=tmp_path)
    batched = [r for r in all_rules() if issubclass(r, RecordRule) and r.batched()]
    assert {r.code for r in batched} >= {"A001", "A005", "U003"}
    linter = Linter(config, batched, dataset_rules=False, jobs=1)
    whole = [_seen(f) for f in linter.check([str(data)]).findings]
    assert {f[0] for f in whole} >= {"A001", "U003"}, "the examples hold findings of these"
    alone = [_seen(f) for rule in linter.batch_rules
             for record in iter_records(str(data), config) for f in rule.check(record)]
    assert sorted(whole) == sorted(alone)


def _seen(f: Finding) -> tuple[object, ...]:
    return (f.code, f.path, f.line, f.column, f.length, f.pointer, f.message)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(alphabet="0123456789１２３６９٣XxＸ+-＋－　. @a你", max_size=40))
def test_a_pii_rule_gate_passes_every_turn_its_matches_read(text: str) -> None:
    """A PII rule reads only the turns its gate finds something in: the gate must find
    something wherever the rule's own matching does (random runs of digits, separators,
    plus signs, at signs, full-width and other non-ASCII digits), which reads full-width
    digits as ASCII ones."""
    from sftlint.rules.pii import _ASCII_DIGITS, PiiEmail, PiiNationalId, PiiPaymentCard, PiiPhone

    for rule in (PiiEmail, PiiPhone, PiiNationalId, PiiPaymentCard):
        if any(True for _ in rule.matches(rule.__new__(rule), text.translate(_ASCII_DIGITS))):
            assert rule.gate.search(text), (rule.code, text)


def test_pii_rules_read_every_role() -> None:
    from sftlint import check

    report = check([{"messages": [
        {"role": "system", "content": "联系 wang.lei1987@qq.com"},
        {"role": "user", "content": "我电话13912345678"},
        {"role": "assistant", "content": "卡号 4111 1111 1111 1111，身份证 11010519491231002X"}]}],
        select=["I"])
    assert sorted((f.code, f.pointer) for f in report.findings) == [
        ("I001", "/messages/0/content"), ("I002", "/messages/1/content"),
        ("I003", "/messages/2/content"), ("I004", "/messages/2/content")]


def test_personal_data_in_reasoning_and_tool_calls_is_reported_where_it_stands(
        tmp_path: Path) -> None:
    """Reasoning and the values of a tool call's arguments are trained on as much as the
    content: a finding there points at the value, the column at the number itself, whether
    the arguments are an object or JSON text."""
    records = [
        {"messages": [{"role": "user", "content": "给我闺女发短信"}, {
            "role": "assistant", "content": None, "tool_calls": [{
                "id": "c1", "type": "function", "function": {
                    "name": "send_sms",
                    "arguments": '{"to": "13912345678", "text": "到家了"}'}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "sent"},
            {"role": "assistant", "content": "发好了。"}]},
        {"messages": [{"role": "user", "content": "打给她"}, {
            "role": "assistant", "content": None, "tool_calls": [{
                "id": "c1", "type": "function", "function": {
                    "name": "call", "arguments": {"who": ["闺女", {"phone": "13912345678"}]}}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "ok"},
            {"role": "assistant", "content": "打通了。"}]},
        {"messages": [{"role": "user", "content": "记得她电话吗"}, {
            "role": "assistant", "reasoning_content": "她闺女的号码是１３９１２３４５６７８。",
            "content": "记得。"}]},
    ]
    data = tmp_path / "calls.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config, _ = load_config(None, cwd=tmp_path)
    rules = [r for r in all_rules() if r.code == "I002"]
    findings = sorted(Linter(config, rules, dataset_rules=False, jobs=1).check(
        [str(data)]).findings, key=lambda f: f.line)
    assert [(f.line, f.pointer) for f in findings] == [
        (1, "/messages/1/tool_calls/0/function/arguments"),
        (2, "/messages/1/tool_calls/0/function/arguments/who/1/phone"),
        (3, "/messages/1/reasoning_content")]
    numbers = ("13912345678", "13912345678", "１３９１２３４５６７８")
    for f, line, number in zip(findings, lines, numbers, strict=True):
        assert f.column is not None and line[f.column - 1:].startswith(number), f
        assert f.length == len(number)


def test_a_sharegpt_function_call_points_at_its_string(tmp_path: Path) -> None:
    """A sharegpt `function_call` turn holds its call as JSON text: a finding in its
    arguments points at that text (there is no `/value/arguments/to` in the file), the column
    at the address itself."""
    record = {"conversations": [
        {"from": "human", "value": "Email my boss that I am late."},
        {"from": "function_call", "value": json.dumps(
            {"name": "send_email", "arguments": {"to": "li.ming@corp-mail.cn", "body": "late"}})},
        {"from": "observation", "value": "sent"},
        {"from": "gpt", "value": "Done."}]}
    line = json.dumps(record)
    data = tmp_path / "sharegpt.jsonl"
    data.write_text(line + "\n", encoding="utf-8")
    config, _ = load_config(None, cwd=tmp_path)
    rules = [r for r in all_rules() if r.code == "I001"]
    [f] = Linter(config, rules, dataset_rules=False, jobs=1).check([str(data)]).findings
    assert f.pointer == "/conversations/1/value"
    assert f.column is not None and line[f.column - 1:].startswith("li.ming@corp-mail.cn")


def test_one_finding_per_string_and_llama_factory_call_parts_point_at_their_value(
        tmp_path: Path) -> None:
    """Texts that share a string (a reply and its <think> block; the values of arguments
    given as JSON text) get one finding there, not one each at the same place; a
    LLaMA-Factory tool_call part's arguments are under its `value` or `function`."""
    records = [
        {"messages": [{"role": "user", "content": "记下"}, {
            "role": "assistant",
            "content": "<think>号码是13912345678</think>好的，13912345678。"}]},
        {"messages": [{"role": "user", "content": "发邮件"}, {
            "role": "assistant", "content": None, "tool_calls": [{"type": "function", "function": {
                "name": "send", "arguments": '{"cc": "xwang@qq.com", "to": "wang@qq.com"}'}}]},
            {"role": "tool", "content": "ok"}, {"role": "assistant", "content": "发了。"}]},
        {"messages": [{"role": "user", "content": [{"type": "text", "value": "发邮件"}]}, {
            "role": "assistant", "content": [{"type": "tool_call", "value": {
                "name": "send", "arguments": {"to": "li.ming@corp-mail.cn"}}}]},
            {"role": "tool", "content": [{"type": "text", "value": "ok"}]},
            {"role": "assistant", "content": [{"type": "text", "value": "发了。"}]}]},
    ]
    data = tmp_path / "d.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config, _ = load_config(None, cwd=tmp_path)
    rules = [r for r in all_rules() if r.code in ("I001", "I002")]
    findings = sorted(Linter(config, rules, dataset_rules=False, jobs=1).check(
        [str(data)]).findings, key=lambda f: f.line)
    assert [(f.code, f.line, f.pointer) for f in findings] == [
        ("I002", 1, "/messages/1/content"),
        ("I001", 2, "/messages/1/tool_calls/0/function/arguments"),
        ("I001", 3, "/messages/1/content/0/value/arguments/to")]
    for f, line, found in zip(findings, lines, ("13912345678", "xwang@qq.com",
                                                "li.ming@corp-mail.cn"), strict=True):
        assert f.column is not None and line[f.column - 1:].startswith(found), f


def test_a_pair_whose_arguments_hold_a_huge_integer_is_compared(tmp_path: Path) -> None:
    from sftlint import check

    side = [{"role": "assistant", "content": "", "tool_calls": [
        {"type": "function", "function": {"name": "f", "arguments": {"n": 2 ** 70}}}]}]
    report = check([{"prompt": [{"role": "user", "content": "go"}], "chosen": side,
                     "rejected": side}], select=["V001"])
    assert [f.code for f in report.findings] == ["V001"]


def test_a_column_in_traditional_characters_is_read_as_simplified_and_reported_as_written(
        tmp_path: Path) -> None:
    # U003 reads 請提供 as 请提供; the finding quotes and points at what the file holds
    turns = Turns(texts=["請提供申請所需文件。", "今天好冷"])
    assert turns.reading().texts == ["请提供申请所需文件。", "今天好冷"]
    assert Turns(texts=["今天好冷"]).reading().texts == ["今天好冷"]
    data = tmp_path / "trad.jsonl"
    line = ('{"messages": [{"role": "system", "content": "你是小暖。"}, {"role": "user", '
            '"content": "您好，請提供香港長者綜援的申請資格。"}, {"role": "assistant", '
            '"content": "好的。"}]}')
    data.write_text(line + "\n", encoding="utf-8")
    config, _ = load_config(None, cwd=tmp_path)
    rules = [r for r in all_rules() if r.code == "U003"]
    [finding] = Linter(config, rules, dataset_rules=False, jobs=1).check([str(data)]).findings
    assert '"請提供"' in finding.message
    assert finding.column is not None and line[finding.column - 1:].startswith("請提供")
