"""The HTML report a data reviewer reads: examples with the flagged text marked, duplicate
clusters with their text, charts with the configured limits; rendered in headless Chromium."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from sftlint.cli import cli
from sftlint.stats import Distribution
from sftlint.stats_html import histogram
from tests.browser import headless
from tests.conftest import chat, jsonl

CONFIG = """\
system-prompt = "你是一位耐心的陪伴者。"
[categories]
field = "category"
names = ["sleep", "family"]
tolerance = 0.2
[rules.U001]
max-chars = 50
[rules.A003]
min-chars = 4
max-chars = 40
"""
LONG_USER = ("我家老伴走了以后，我一个人住在老房子里，孩子们都在外地工作，"
             "每天早上起来不知道该做什么，晚上也睡不着，总是想起以前的事情。")
DUPLICATE = chat("有点想家了。", "想家是很正常的，愿意说说老家的样子吗？", category="family")


def write_dataset(folder: Path) -> None:
    records = [
        # JSON escapes (a quote, a newline) and an astral character before the phrase: the
        # column counts characters of the file line, the report marks the decoded text.
        chat("睡不着。", '他说"好"。\n😀其实你应该早点睡，别熬夜。', category="sleep"),
        chat("您好，请问晚上睡不着怎么办？", "睡不着的时候，心里在想些什么呢？", category="sleep"),
        chat("我女儿叫什么来着？", "您的女儿叫{{name}}，她很想您。", category="family"),
        chat("我的邮箱是 wang.li1987@qq.com，帮我记一下。", "好的，我记下了。", category="family"),
        chat(LONG_USER, "一个人的日子，确实会觉得空落落的。", category="family"),
        DUPLICATE, DUPLICATE, DUPLICATE,
        chat("今天天气真好，想出去走走。", "天气好的时候出去走走，心情也会跟着好起来呢。",
             category="sleep"),
        chat("今天天气真好，想出去走一走。", "天气好的时候出去走走，心情也会跟着好起来吧。",
             category="sleep"),
        {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"},
                      {"role": "user", "content": "你在吗？"}], "category": "family"},
    ]
    data = jsonl(records[:1]).replace("😀".encode(), b"\\ud83d\\ude00") + jsonl(records[1:])
    (folder / "data.jsonl").write_bytes(data + b'{"messages": [\n')
    (folder / "sftlint.toml").write_text(CONFIG, encoding="utf-8")


def marks(html: str) -> list[str]:
    return [unescape(m) for m in re.findall(r'<mark class="span">(.*?)</mark>', html, re.S)]


def section(html: str, start: str) -> str:
    """The HTML from the element with id `start` to the end of its <details>."""
    i = html.index(f'id="{start}"')
    return html[i:html.index("</details>", i)]


@pytest.fixture
def report(in_tmp: Path) -> str:
    write_dataset(in_tmp)
    result = CliRunner().invoke(cli, ["stats", "--config", "sftlint.toml", "data.jsonl",
                                      "--html", "report.html"])
    assert result.exit_code == 0, result.output
    return (in_tmp / "report.html").read_text(encoding="utf-8")


def test_the_report_is_one_self_contained_file(report: str) -> None:
    assert "<script" not in report and "<link" not in report and "@import" not in report
    assert not re.search(r"(src|href)=\"(https?:|//)", report)
    assert "url(" not in report


def test_examples_mark_the_flagged_text(report: str) -> None:
    a001 = section(report, "rule-A001")
    [phrase] = marks(a001)
    assert phrase and f"lecturing phrase &quot;{phrase}&quot;" in a001
    assert phrase in '他说"好"。\n😀其实你应该早点睡，别熬夜。' and "data.jsonl:1:" in a001
    assert marks(section(report, "rule-S008")) == ["{{name}}"]
    assert marks(section(report, "rule-I001")) == ["wang.li1987@qq.com"]
    u003 = marks(section(report, "rule-U003"))
    assert u003 and all(m in "您好，请问晚上睡不着怎么办？" for m in u003)
    # Findings about a whole turn mark the turn; a line that holds no record shows the line.
    assert 'class="turn target' in section(report, "rule-U001")
    assert '<pre class="line">' in section(report, "rule-F006")


def test_duplicate_clusters_show_their_text(report: str) -> None:
    exact = section(report, "cluster-1")
    assert "3 records</b>, exact duplicates" in exact
    assert "有点想家了。" in exact and "想家是很正常的" in exact
    assert exact.count("data.jsonl") == 1 and "lines 6, 7, 8" in exact
    near = section(report, "cluster-2")
    assert "near-duplicates" in near and "<ins>" in near and "% similar" in near


def test_charts_draw_limits_targets_and_sorted_findings(report: str) -> None:
    assert re.search(r'class="limit"[^>]*><title>U001 max-chars 50', report)
    assert re.search(r'class="limit"[^>]*><title>A003 max-chars 40', report)
    assert re.search(r'class="limit"[^>]*><title>U002 min-chars 2', report)
    assert report.count('class="target"') == 2  # one per category
    findings = report[report.index('id="findings"'):report.index("</svg>",
                                                                 report.index('id="findings"'))]
    counts = [int(n.replace(",", "")) for n in re.findall(r'class="value"[^>]*>([\d,]+)<',
                                                          findings)]
    assert counts == sorted(counts, reverse=True) and len(counts) >= 8


def test_small_histograms_have_one_value_per_bin() -> None:
    svg = histogram(Distribution([7, 8, 8, 9, 12]), "h", "#000", "characters", [])
    labels = re.findall(r"<title>(\S+) characters:", svg)
    assert labels[:6] == ["0", "1", "2", "3", "4", "5"] and "7" in labels
    assert not any("–" in label for label in labels)


def test_examples_are_capped_and_say_how_many_are_hidden(in_tmp: Path) -> None:
    records = [chat(f"第{i}天睡不着。", f"你应该早点睡，第{i}天。") for i in range(9)]
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    CliRunner().invoke(cli, ["stats", "d.jsonl", "--html", "r.html"])
    a001 = section((in_tmp / "r.html").read_text(encoding="utf-8"), "rule-A001")
    assert a001.count('class="example"') == 5
    assert "4 more finding(s) of A001 not shown" in a001


def test_json_findings_carry_the_span_length(in_tmp: Path) -> None:
    write_dataset(in_tmp)
    out = CliRunner().invoke(cli, ["check", "--config", "sftlint.toml", "data.jsonl",
                                   "--format", "json"]).stdout
    found = json.loads(out)
    lines = (in_tmp / "data.jsonl").read_text(encoding="utf-8").split("\n")
    s008 = next(f for f in found if f["code"] == "S008")
    line = lines[s008["line"] - 1]
    assert line[s008["column"] - 1:][:s008["length"]] == "{{name}}"
    a001 = next(f for f in found if f["code"] == "A001")
    phrase = re.search(r'"(.*?)"', a001["message"]).group(1)  # type: ignore[union-attr]
    raw = lines[0][a001["column"] - 1:][:a001["length"]]
    assert json.loads(f'"{raw}"') == phrase
    assert all("length" in f for f in found)
    assert next(f for f in found if f["code"] == "S007")["length"] is None


def test_check_writes_the_findings_section_as_html(in_tmp: Path) -> None:
    write_dataset(in_tmp)
    result = CliRunner().invoke(cli, ["check", "--config", "sftlint.toml", "data.jsonl",
                                      "--format", "html"])
    assert result.exit_code == 1
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert 'id="findings"' in page and 'id="rule-A001"' in page
    assert marks(section(page, "rule-S008")) == ["{{name}}"]


def test_the_report_renders_in_chromium(report: str, in_tmp: Path) -> None:
    dom = headless("--dump-dom", (in_tmp / "report.html").as_uri()).stdout
    assert dom.count('<mark class="span">') >= 4
    assert 'class="cluster"' in dom and "有点想家了。" in dom
    assert dom.count('class="limit"') >= 3 and 'class="target"' in dom
    for plot in ("findings", "hist-user", "hist-assistant", "categories"):
        assert f'id="{plot}"' in dom, plot
    shot = in_tmp / "report.png"
    headless("--window-size=1200,3000", f"--screenshot={shot}",
             (in_tmp / "report.html").as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # a page, not a blank


def test_token_histograms_draw_max_length() -> None:
    from sftlint.stats import DatasetStats, Limits
    from sftlint.stats_html import render_html

    stats = DatasetStats(records=3, files=1, limits=Limits(max_tokens=16))
    stats.user_chars.values.extend([5, 6, 7])
    stats.assistant_chars.values.extend([9, 12, 30])
    stats.user_tokens, stats.assistant_tokens = Distribution([3, 4, 5]), Distribution([6, 9, 20])
    page = render_html(stats, "t")
    assert 'id="hist-tokens"' in page and 'id="hist-user-tokens"' in page
    assert "<title>[tokens] max-length 16</title>" in page  # drawn on the reply tokens
    assert "[tokens] max-length 16 →" in page  # far past the user tokens: named at the edge


def test_tool_calls_reasoning_and_pairs_get_their_sections(in_tmp: Path) -> None:
    call = {"id": "c1", "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city": "北京"}'}}
    tools = [{"type": "function", "function": {
        "name": "get_weather", "description": "天气",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
    record = {"messages": [{"role": "user", "content": "北京天气？"},
                           {"role": "assistant", "content": "", "tool_calls": [call]},
                           {"role": "tool", "tool_call_id": "c1", "content": "晴"},
                           {"role": "assistant", "content": "<think>查到了</think>北京今天晴。"}],
              "tools": tools}
    pair = {"prompt": [{"role": "user", "content": "你好"}],
            "chosen": [{"role": "assistant", "content": "你好呀，今天过得怎么样？"}],
            "rejected": [{"role": "assistant", "content": "你好。"}]}
    image = {"messages": [{"role": "user", "content": "<image>这是什么？"},
                          {"role": "assistant", "content": "一只猫。"}], "images": ["cat.png"]}
    (in_tmp / "tools.jsonl").write_bytes(jsonl([record]))
    (in_tmp / "pairs.jsonl").write_bytes(jsonl([pair]))
    (in_tmp / "media.jsonl").write_bytes(jsonl([image]))
    result = CliRunner().invoke(cli, ["stats", "tools.jsonl", "pairs.jsonl", "media.jsonl",
                                      "--html", "r.html"])
    assert result.exit_code == 0, result.output
    page = (in_tmp / "r.html").read_text(encoding="utf-8")
    assert 'id="tool-calls"' in page and "get_weather" in page
    # Replies: the answer after the tool result, the chosen reply and the cat; one reasons.
    assert '<p id="reasoning-share"><b>33.3%</b>' in page and 'id="pair-similarity"' in page
    assert re.search(r'<table id="media"><tr><td>image</td><td class="num">1</td>', page)


def test_control_characters_in_the_data_are_shown_not_written_raw(in_tmp: Path) -> None:
    """Raw control characters are not allowed in HTML; the report shows each as a visible
    symbol (a browser would drop a NUL, and a C1 character is a parse error)."""
    (in_tmp / "sftlint.toml").write_text(CONFIG, encoding="utf-8")
    record = chat("睡不着\x00。", "你应该早点睡\x07，别熬夜\x85。", category="sleep")
    (in_tmp / "data.jsonl").write_bytes(jsonl([record]))
    page = CliRunner().invoke(cli, ["check", "--config", "sftlint.toml", "data.jsonl",
                                    "--select", "A001", "--format", "html"]).stdout
    assert 'id="rule-A001"' in page
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", page)
    assert "\u2407" in page and "\\x85" in page


@pytest.mark.parametrize("records", [
    # alpaca: the turns are fields of the record itself
    [{"instruction": "你叫什么？", "input": "", "output": "我是{{name}}，很高兴认识您。",
      "system": "你是一位陪伴者。"}],
    # xtuner: the system, user and assistant turns share one object
    [{"conversation": [{"system": "你是一位陪伴者。", "input": "你叫什么？",
                        "output": "我是{{name}}，很高兴认识您。"}]}],
], ids=["alpaca", "xtuner"])
def test_the_example_outlines_the_turn_the_finding_is_in(in_tmp: Path,
                                                         records: list[dict[str, object]]
                                                         ) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    result = CliRunner().invoke(cli, ["check", "d.jsonl", "--select", "S008", "--format",
                                      "html", "--exit-zero"])
    html = result.output
    targets = re.findall(r'<div class="turn target[^"]*"><span class="role">([a-z]+)', html)
    assert targets == ["assistant"], targets
    assert marks(html) == ["{{name}}"]


def test_the_example_is_the_record_and_turn_the_finding_is_in(in_tmp: Path) -> None:
    """Two records on one line (json.dump's array): the example is the one the finding's
    column is in. A finding in a reply's reasoning after a tool call outlines that reply,
    not the call's turn (whose message object is its pointer)."""
    records = [chat("你好", "你好呀，今天怎么样？"),
               chat("你叫什么？", "我是{{name}}，很高兴认识您。")]
    (in_tmp / "one.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    html = CliRunner().invoke(cli, ["check", "one.json", "--select", "S008", "--format",
                                    "html", "--exit-zero"]).output
    assert marks(html) == ["{{name}}"]
    call = {"messages": [
        {"role": "user", "content": "给我闺女打电话"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function",
                                                                 "function": {"name": "call",
                                                                              "arguments": {}}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "ok"},
        {"role": "assistant", "reasoning_content": "她的号码是13912345678。",
         "content": "打通了。"}]}
    (in_tmp / "d.jsonl").write_bytes(jsonl([call]))
    html = CliRunner().invoke(cli, ["check", "d.jsonl", "--select", "I002", "--format",
                                    "html", "--exit-zero"]).output
    turns = re.findall(r'<div class="turn ([a-z ]+)"><span class="role">([a-z]+)', html)
    assert [role for kind, role in turns if kind.startswith("target")] == ["assistant"]
    assert turns[-1][0].startswith("target")
