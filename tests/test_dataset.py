"""Dataset scope: directories as datasets, cross-file duplicates, near-duplicate recall,
and the parallel reader giving the same findings as the serial one."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from sftlint.dedup import EXHAUSTIVE_MAX, exhaustive_pairs, find_near_duplicates
from sftlint.records import Row
from sftlint.rules.duplicates import sample_text
from tests.conftest import REPO, chat, jsonl, lint

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402


def test_duplicates_across_files_of_a_directory(in_tmp: Path) -> None:
    (in_tmp / "data").mkdir()
    (in_tmp / "data" / "a.jsonl").write_bytes(jsonl([chat("有点想家了。", "想家是很正常的。")]))
    (in_tmp / "data" / "b.jsonl").write_bytes(jsonl([chat("今天降温了。", "多穿点。"),
                                                     chat("有点想家了。", "想家是很正常的。")]))
    findings = lint(["data"], select=["D001"])
    assert [(f.path, f.line, f.code) for f in findings] == [("data/b.jsonl", 2, "D001")]
    assert "data/a.jsonl:1" in findings[0].message
    # files given one by one are separate datasets
    assert lint(["data/a.jsonl", "data/b.jsonl"], select=["D001"]) == []


def rows_of(records: list[dict]) -> list[str]:
    def row(i: int, r: dict) -> Row:
        turns = {role: "\n".join(m["content"] for m in r["messages"] if m["role"] == role)
                 for role in ("user", "assistant")}
        return Row("x", i, None, turns["user"], turns["assistant"], None)

    return [sample_text(row(i, r)) for i, r in enumerate(records)]


def test_near_duplicate_recall_against_exhaustive() -> None:
    records, planted = generate(EXHAUSTIVE_MAX + 1500, near_dup_share=0.03, seed=7)
    texts = rows_of(records)
    unique = list(dict.fromkeys(texts))  # the rule searches distinct texts only
    truth = {(i, j) for i, j, _ in exhaustive_pairs(unique, 90)}
    found = {(i, j) for i, j, _ in find_near_duplicates(unique, 90)}
    assert len(unique) > EXHAUSTIVE_MAX  # so the LSH path ran
    assert len(truth) >= 100
    recall = len(truth & found) / len(truth)
    assert recall >= 0.99, recall
    assert found <= truth  # every reported pair is verified exactly


def test_planted_near_duplicates_are_reported(in_tmp: Path) -> None:
    records, planted = generate(EXHAUSTIVE_MAX + 1000, near_dup_share=0.02, seed=3)
    (in_tmp / "big.jsonl").write_bytes(jsonl(records))
    reported = {f.line for f in lint(["big.jsonl"], select=["D001", "D002"])}
    texts = rows_of(records)
    from rapidfuzz import fuzz
    should = {j + 1 for i, j in planted if texts[i] != texts[j]
              and fuzz.ratio(texts[i], texts[j]) >= 90}
    assert len(should) > 30
    assert len(should & reported) / len(should) >= 0.99


def test_parallel_equals_serial(in_tmp: Path, monkeypatch) -> None:
    import sftlint.engine as engine

    records, _ = generate(3000, seed=5)
    data = jsonl(records).splitlines(keepends=True)
    data[10] = b'{"broken": \n'
    data[2000] = b"\n"
    data[2500] = json.dumps(chat("睡不着。", "你应该早点睡。"), ensure_ascii=False).encode() + b"\n"
    (in_tmp / "d.jsonl").write_bytes(b"".join(data))
    monkeypatch.setattr(engine, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(engine, "CHUNK_BYTES", 100_000)  # several chunks per worker
    serial = lint(["d.jsonl"], jobs=1)
    parallel = lint(["d.jsonl"], jobs=2)
    assert [f.to_dict() for f in serial] == [f.to_dict() for f in parallel]
    assert {"F006", "F005", "A001", "D001", "D002"} <= {f.code for f in serial}


@pytest.mark.parametrize("pair", [
    # sharegpt ranking, OpenAI preference, whole conversations: shapes read by identity
    lambda i: {"conversations": [{"from": "human", "value": f"问题{i}？"}],
               "chosen": {"from": "gpt", "value": f"好的，我们一起想想第{i}个办法。"},
               "rejected": {"from": "gpt", "value": "不知道。"}},
    lambda i: {"input": {"messages": [{"role": "user", "content": f"问题{i}？"}]},
               "preferred_output": [{"role": "assistant", "content": f"好的，第{i}个。"}],
               "non_preferred_output": [{"role": "assistant", "content": "不知道。"}]},
    lambda i: {"chosen_messages": [{"role": "user", "content": f"问题{i}？"},
                                   {"role": "assistant", "content": f"好的，第{i}个。"}],
               "rejected_messages": [{"role": "user", "content": f"问题{i}？"},
                                     {"role": "assistant", "content": "不知道。"}]},
], ids=["sharegpt-ranking", "openai-preference", "chosen-rejected-messages"])
def test_parallel_equals_serial_for_preference_pairs(in_tmp: Path, monkeypatch,
                                                     pair: Any) -> None:
    """Workers get the file's shape pickled: a copy of a built-in shape failed the reader's
    identity tests, and every record of a large pair file got S004 or V004 and lost its
    real findings (1 in 10 here: the same reply as its rejected side, V001)."""
    import pickle

    import sftlint.engine as engine
    from sftlint.records import BUILTIN_SHAPES

    assert all(pickle.loads(pickle.dumps(s)) is s for s in BUILTIN_SHAPES.values())
    records = [pair(i) for i in range(400)]
    for record in records[::10]:  # identical sides
        for chosen, rejected in (("chosen", "rejected"), ("preferred_output",
                                                          "non_preferred_output")):
            if chosen in record:
                record[rejected] = record[chosen]
        if "chosen_messages" in record:
            record["rejected_messages"] = record["chosen_messages"]
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    monkeypatch.setattr(engine, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(engine, "CHUNK_BYTES", 4_000)
    serial = lint(["d.jsonl"], select=["S", "V"], jobs=1)
    assert [f.code for f in serial] == ["V001"] * 40
    assert [f.to_dict() for f in lint(["d.jsonl"], select=["S", "V"], jobs=2)] == \
        [f.to_dict() for f in serial]


def test_records_sharing_a_line_are_each_a_record(in_tmp: Path) -> None:
    """`json.dump(records, f)` writes a JSON array on one line: its records share line 1,
    and a dataset rule that told records apart by their line read a duplicate as the same
    record (D001 and D003 lost, D002 naming the record's own line)."""
    same = chat("最近老睡不好。", "睡不好真难受。要不要跟我说说，夜里都在想些什么？")
    near = chat("最近老睡不好。", "睡不好真难受。要不要跟我说说，夜里都在想什么呢？")
    canned = [chat(u, "我理解您的感受，能多说说吗？") for u in ("想家了。", "降温了。", "腿疼。")]
    records = [same, same, near, *canned]
    text = json.dumps(records, ensure_ascii=False)
    (in_tmp / "one.json").write_text(text, encoding="utf-8")
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    by_line = lint(["d.jsonl"], select=["D"])
    on_one = lint(["one.json"], select=["D"])
    assert sorted(f.code for f in on_one) == sorted(f.code for f in by_line) == [
        "D001", "D002", "D003"]
    parts = [json.dumps(r, ensure_ascii=False) for r in records]
    assert text == "[" + ", ".join(parts) + "]"
    starts = [2 + sum(len(p) + 2 for p in parts[:k]) for k in range(len(parts))]  # 1-based
    assert [(f.code, f.line, f.column) for f in sorted(on_one, key=lambda f: f.column)] == [
        ("D001", 1, starts[1]), ("D002", 1, starts[2]), ("D003", 1, starts[3])]
    messages = {f.code: f.message for f in on_one}
    assert messages["D001"] == f"same user and assistant text as line 1, column {starts[0]}"
    assert messages["D002"].startswith(f"near-duplicate of line 1, column {starts[0]} ")
    assert messages["D003"].endswith(f"line 1, column {starts[3]}, line 1, column "
                                     f"{starts[4]}, line 1, column {starts[5]}")
    assert {f.code: f.message for f in by_line}["D001"] == "same user and assistant text as line 1"


def test_dataset_findings_point_at_each_record_of_a_shared_line(in_tmp: Path) -> None:
    """S004's majority half and R002 on a JSON array written on one line: one finding per
    record, each at its record's column (they all read 1:1)."""
    def reply(i: int, system: bool, think: bool) -> dict[str, Any]:
        messages = [{"role": "user", "content": f"问题{i}"},
                    {"role": "assistant", "content": f"回答{i}",
                     **({"reasoning_content": "想一想"} if think else {})}]
        if system:
            messages.insert(0, {"role": "system", "content": "你是小暖。"})
        return {"messages": messages}
    records = [reply(i, system=i < 5, think=i < 5) for i in range(7)]
    parts = [json.dumps(r, ensure_ascii=False) for r in records]
    (in_tmp / "one.json").write_text("[" + ", ".join(parts) + "]", encoding="utf-8")
    starts = [2 + sum(len(p) + 2 for p in parts[:k]) for k in range(len(parts))]
    found = lint(["one.json"], select=["S004", "R002"])
    assert sorted((f.code, f.line, f.column) for f in found) == [
        ("R002", 1, starts[5]), ("R002", 1, starts[6]),
        ("S004", 1, starts[5]), ("S004", 1, starts[6])]
