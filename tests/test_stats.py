"""`sftlint stats`: the terminal table, and the HTML report rendered in headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sftlint.cli import cli
from tests.browser import headless
from tests.conftest import REPO, chat, jsonl


def test_terminal_table_on_the_example() -> None:
    result = CliRunner().invoke(cli, ["stats", "--config", str(REPO / "examples" / "sftlint.toml"),
                                      str(REPO / "examples" / "data")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "records      40 in 1 file(s)" in out
    assert "loneliness" in out and "duplicate clusters: 0" in out
    assert "user (chars)" in out


def test_duplicates_and_findings_in_the_table(in_tmp: Path) -> None:
    records = [chat("有点想家了。", "想家是很正常的。"), chat("有点想家了。", "想家是很正常的。"),
               chat("睡不着。", "你应该早点睡。")]
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    out = CliRunner().invoke(cli, ["stats", "d.jsonl"]).output
    assert "duplicate clusters: 1" in out and "d.jsonl: 1, 2" in out  # each path once
    assert "A001 imperative-reply" in out and "D001 exact-duplicate" in out


def test_html_report_renders_its_plots_in_chromium(in_tmp: Path) -> None:
    report = in_tmp / "report.html"
    result = CliRunner().invoke(cli, ["stats", "--config",
                                      str(REPO / "examples" / "sftlint.toml"),
                                      str(REPO / "examples" / "data"),
                                      str(REPO / "examples" / "dirty.jsonl"),
                                      "--html", str(report)])
    assert result.exit_code == 0, result.output
    html = report.read_text(encoding="utf-8")
    assert "http://" not in html.replace('http://www.w3.org', '') and "<script" not in html
    dom = headless("--dump-dom", report.as_uri()).stdout
    for plot in ("hist-user", "hist-assistant", "categories", "findings"):
        assert f'id="{plot}"' in dom, plot
    assert dom.count('class="bar"') >= 20 and 'class="target"' in dom
    shot = in_tmp / "report.png"
    headless("--window-size=1280,1100", f"--screenshot={shot}", report.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a page, not a blank


def test_data_kinds_in_text_and_json(in_tmp: Path) -> None:
    from tests.conftest import REPO

    fixture = REPO / "tests" / "files" / "tools_messages.jsonl"
    out = CliRunner().invoke(cli, ["stats", str(fixture)]).stdout
    assert "tool calls" in out
    data = json.loads(CliRunner().invoke(cli, ["stats", "--format", "json", str(fixture)]).stdout)
    assert data["kinds"]["tool_calls"] and data["training_tokens"] is None
    pairs = REPO / "tests" / "files" / "trl_preference.jsonl"
    out = CliRunner().invoke(cli, ["stats", str(pairs)]).stdout
    assert "chosen vs rejected similarity p50" in out


@pytest.mark.train
def test_tokens_per_epoch_with_a_tokenizer(in_tmp: Path,
                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    import torch

    from tests.conftest import SYSTEM
    from tests.tiny_model import PAIRS, shared_tiny_model

    torch.set_num_threads(1)
    texts = [SYSTEM] + [t for pair in PAIRS for t in pair] * 5
    model = shared_tiny_model(tmp_path_factory.getbasetemp(), "stats-tiny", texts)
    rows = [chat(u, a) for u, a in PAIRS]
    (in_tmp / "d.jsonl").write_bytes(jsonl(rows))
    (in_tmp / "sftlint.toml").write_text(f'[tokens]\ntokenizer = "{model}"\nmax-length = 512\n',
                                         encoding="utf-8")
    result = CliRunner().invoke(cli, ["stats", "--format", "json", "d.jsonl"])
    tokens = json.loads(result.stdout)["training_tokens"]
    assert tokens["records"] == len(PAIRS) and tokens["not_rendered"] == 0
    assert 0 < tokens["trainable"] < tokens["tokens"]  # replies carry loss, prompts do not
    assert "trainable (" in CliRunner().invoke(cli, ["stats", "d.jsonl"]).stdout


def test_html_replaces_only_a_report(in_tmp: Path) -> None:
    """`--html` renamed its page over whatever the path named: the config in use, a data
    file, a device node (/dev/null became a regular file). A report replaces only a report
    (or an empty file), and the refusal comes before the stats are computed."""
    import os

    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("在吗", "在的，今天过得怎么样？")]))
    (in_tmp / "my.toml").write_text('select = ["A"]\n')
    os.mkfifo(in_tmp / "pipe")
    before = {name: (in_tmp / name).read_bytes() for name in ("d.jsonl", "my.toml")}
    for target in ("my.toml", "d.jsonl", "pipe"):
        result = CliRunner().invoke(cli, ["stats", "d.jsonl", "--config", "my.toml",
                                          "--html", target])
        assert result.exit_code == 2, result.output
        assert result.stdout == ""  # refused before any table was printed
        assert target in result.stderr and result.stderr.count("\n") == 1
    assert {name: (in_tmp / name).read_bytes() for name in before} == before
    assert (in_tmp / "pipe").is_fifo()
    for _ in range(2):  # a new page, then that page replaced
        assert CliRunner().invoke(cli, ["stats", "d.jsonl", "--html", "r.html"]).exit_code == 0
    for page in (b"\xef\xbb\xbf<!DOCTYPE html><p>old", b"<!-- saved -->\n<html></html>"):
        (in_tmp / "old.html").write_bytes(page)  # a page with a BOM or a comment first
        assert CliRunner().invoke(cli, ["stats", "d.jsonl", "--html", "old.html"]).exit_code \
            == 0
    assert (in_tmp / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_length_columns_stay_apart_for_long_records(in_tmp: Path) -> None:
    """Lengths of 7 digits ran into each other ("234567823456623456..."): every column is as
    wide as its longest number."""
    record = {"messages": [{"role": "user", "content": "在" * 1_234_567},
                           {"role": "assistant", "content": "好" * 12_345_678}]}
    (in_tmp / "big.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["stats", "big.jsonl"])
    rows = {line.split("  ")[0]: line.split()[-4:] for line in result.stdout.splitlines()
            if line.startswith(("user (chars)", "assistant (chars)"))}
    assert rows == {"user (chars)": ["1234567"] * 4, "assistant (chars)": ["12345678"] * 4}


def test_stats_compares_the_texts_d002_compares(in_tmp: Path) -> None:
    """stats searched near-duplicates in texts of any length (one 90 MB record peaked near
    5 GB); it keeps D002's bound, so its clusters and D002 agree."""
    from sftlint.rules.duplicates import NEAR_MAX_CHARS

    long = "好的，" * (NEAR_MAX_CHARS // 3 + 1)
    records = [chat("在吗", long), chat("在吗", long + "呀"),
               chat("今天有点闷，想出去走走", "好呀，想去哪儿走走？"),
               chat("今天有点闷，想出去走走。", "好呀，想去哪儿走走？")]
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    result = CliRunner().invoke(cli, ["stats", "d.jsonl", "--format", "json"])
    clusters = json.loads(result.stdout)["duplicate_clusters"]
    assert clusters == [["d.jsonl:3", "d.jsonl:4"]]


def test_the_category_chart_stays_small_for_free_text_in_the_field(in_tmp: Path) -> None:
    """A category field holding free text (every value long and distinct) drew one bar per
    value with its name in full twice: 38 MB of data made a 193 MB page."""
    records = [chat(f"第{i}天。", "您好呀。", category=f"{i:04d}" + "长" * 2000)
               for i in range(300)]
    (in_tmp / "d.jsonl").write_bytes(jsonl(records))
    (in_tmp / "sftlint.toml").write_text('[categories]\nfield = "category"\nnames = ["a", "b"]\n')
    result = CliRunner().invoke(cli, ["stats", "d.jsonl", "--html", "r.html"])
    assert result.exit_code == 0, result.output
    page = (in_tmp / "r.html").read_text(encoding="utf-8")
    assert "242 more categories (242 records) are not drawn" in page  # 60 bars: a, b, 58
    assert page.count("0000" + "长" * 75 + "…") == 2  # cut to 80, in its label and tooltip
    assert "长" * 100 not in page.split('id="categories-section"')[1].split("</svg>")[0]
