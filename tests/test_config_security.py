"""Files the config reads (prompts, inference sources, the record schema, the baseline) are
small regular files inside the project: a config edited in a pull request must not make CI
read /dev/zero or print a secret from outside the repository."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sftlint.cli import cli
from sftlint.config import MAX_SOURCE_BYTES, Config, ConfigError, parse_config
from tests.conftest import SYSTEM, chat, jsonl

SECRET = "AKIA-TOPSECRET-0123456789"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp/proj is the project (config + data); tmp/outside holds a secret next to it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n")
    (outside / "secret.py").write_text(f'SYSTEM_PROMPT = "{SECRET}"\n')
    (outside / "schema.json").write_text(json.dumps({"type": "object", "title": SECRET}))
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "d.jsonl").write_bytes(jsonl([chat("最近老睡不好。", "睡不好挺磨人的，有心事吗？")]))
    monkeypatch.chdir(proj)
    return proj


def check(proj: Path, config: str, *args: str) -> tuple[int, str]:
    (proj / "sftlint.toml").write_text(config, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "d.jsonl", *args])
    return result.exit_code, result.stdout + result.stderr


def assert_refused(code: int, out: str, *words: str) -> None:
    assert code == 2, out
    assert out.count("\n") == 1 and "Traceback" not in out, out
    assert SECRET not in out and "root:" not in out, out
    for word in words:
        assert word in out, out


def toml_str(value: str) -> str:
    return json.dumps(value)


@pytest.mark.parametrize("value", [
    "../outside/secret.txt",
    "../../../../../../../etc/passwd",
    "/etc/passwd",
    "/dev/zero",
    "prompts/../../outside/secret.txt",
])
def test_system_prompt_file_outside_the_project(project: Path, value: str) -> None:
    code, out = check(project, f"system-prompt-file = {toml_str(value)}\n")
    assert_refused(code, out, "system-prompt-file", "outside the project")


def test_absolute_path_outside_the_project(project: Path) -> None:
    secret = project.parent / "outside" / "secret.txt"
    code, out = check(project, f"system-prompt-file = {toml_str(str(secret))}\n")
    assert_refused(code, out, "system-prompt-file", "outside the project")


def test_symlink_pointing_outside(project: Path) -> None:
    (project / "prompt.txt").symlink_to(project.parent / "outside" / "secret.txt")
    code, out = check(project, 'system-prompt-file = "prompt.txt"\n')
    assert_refused(code, out, "system-prompt-file", "outside the project")


def test_symlinked_folder_pointing_outside(project: Path) -> None:
    (project / "prompts").symlink_to(project.parent / "outside", target_is_directory=True)
    code, out = check(project, 'system-prompt-file = "prompts/secret.txt"\n')
    assert_refused(code, out, "system-prompt-file", "outside the project")


def test_symlink_to_dev_zero(project: Path) -> None:
    (project / "prompt.txt").symlink_to("/dev/zero")
    code, out = check(project, 'system-prompt-file = "prompt.txt"\n')
    assert_refused(code, out, "system-prompt-file")


def test_dev_zero_inside_the_project_is_not_a_regular_file() -> None:
    # A project at / contains /dev/zero: the regular-file check still refuses it.
    with pytest.raises(ConfigError, match="system-prompt-file.*not a regular file"):
        parse_config({"system-prompt-file": "/dev/zero"}, "sftlint.toml", "/")
    # Built without parse_config (the Python API): reading checks again.
    config = Config.model_validate({"system-prompt-file": "/dev/zero", "root": "/"})
    with pytest.raises(ConfigError, match="system-prompt-file.*not a regular file"):
        config.prompt()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo(project: Path) -> None:
    os.mkfifo(project / "prompt.txt")  # reading it would block forever
    code, out = check(project, 'system-prompt-file = "prompt.txt"\n')
    assert_refused(code, out, "system-prompt-file", "not a regular file")


def test_directory(project: Path) -> None:
    (project / "prompts").mkdir()
    code, out = check(project, 'system-prompt-file = "prompts"\n')
    assert_refused(code, out, "system-prompt-file", "not a regular file")


def test_50_mb_file(project: Path) -> None:
    with open(project / "prompt.txt", "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written
    code, out = check(project, 'system-prompt-file = "prompt.txt"\n')
    assert_refused(code, out, "system-prompt-file", f"limit of {MAX_SOURCE_BYTES}")


def test_file_just_under_the_limit_is_read(project: Path) -> None:
    (project / "prompt.txt").write_text("a" * (MAX_SOURCE_BYTES - 1))
    code, out = check(project, 'system-prompt-file = "prompt.txt"\n', "--select", "P001")
    assert code == 1 and "P001" in out  # read, compared, and found different


def test_missing_prompt_file(project: Path) -> None:
    code, out = check(project, 'system-prompt-file = "nope.txt"\n')
    assert_refused(code, out, "system-prompt-file", "nope.txt", "no such file")


def test_prompt_file_not_utf8(project: Path) -> None:
    (project / "prompt.txt").write_bytes(b"\xff\xfeBe kind.")
    code, out = check(project, 'system-prompt-file = "prompt.txt"\n')
    assert_refused(code, out, "system-prompt-file", "not UTF-8")


def test_symlink_inside_the_project_is_fine(project: Path) -> None:
    (project / "prompts").mkdir()
    (project / "prompts" / "system.txt").write_text(SYSTEM + "\n", encoding="utf-8")
    (project / "prompt.txt").symlink_to(project / "prompts" / "system.txt")
    code, out = check(project, 'system-prompt-file = "prompt.txt"\n')
    assert code == 0, out


@pytest.mark.parametrize("spec", ["../outside/secret.py:SYSTEM_PROMPT", "../outside/secret.txt",
                                  "/etc/passwd", "/dev/zero"])
def test_inference_prompt_sources_outside(project: Path, spec: str) -> None:
    code, out = check(project, f'system-prompt = "{SYSTEM}"\n'
                               f"inference-prompt-sources = [{toml_str(spec)}]\n")
    assert_refused(code, out, "inference-prompt-sources", "outside the project")


def test_inference_prompt_source_symlink_outside(project: Path) -> None:
    (project / "serve.py").symlink_to(project.parent / "outside" / "secret.py")
    code, out = check(project, f'system-prompt = "{SYSTEM}"\n'
                               'inference-prompt-sources = ["serve.py:SYSTEM_PROMPT"]\n')
    assert_refused(code, out, "inference-prompt-sources", "outside the project")


def test_inference_prompt_source_too_big(project: Path) -> None:
    with open(project / "serve.py", "wb") as f:
        f.truncate(MAX_SOURCE_BYTES + 1)
    code, out = check(project, f'system-prompt = "{SYSTEM}"\n'
                               'inference-prompt-sources = ["serve.py:SYSTEM_PROMPT"]\n')
    assert_refused(code, out, "inference-prompt-sources", "over the limit")


def test_record_schema_outside(project: Path) -> None:
    code, out = check(project, 'record-schema = "../outside/schema.json"\n')
    assert_refused(code, out, "record-schema", "outside the project")


def test_record_schema_fifo(project: Path) -> None:
    os.mkfifo(project / "schema.json")
    code, out = check(project, 'record-schema = "schema.json"\n')
    assert_refused(code, out, "record-schema", "not a regular file")


def test_baseline_outside(project: Path) -> None:
    code, out = check(project, 'baseline = "../outside/secret.txt"\n')
    assert_refused(code, out, "baseline", "outside the project")


def test_paths_are_checked_even_when_no_rule_reads_them(project: Path) -> None:
    # No system prompt is set, so P003 would never read the source: still refused.
    code, out = check(project, 'inference-prompt-sources = ["/etc/passwd"]\n')
    assert_refused(code, out, "inference-prompt-sources")


def test_p003_quotes_only_a_short_window(project: Path) -> None:
    prompt = "你是一位耐心的陪伴者，" * 300
    drifted = prompt[:1500] + "。" + prompt[1501:]
    (project / "serve.txt").write_text(drifted + "\n", encoding="utf-8")
    code, out = check(project, f"system-prompt = {toml_str(prompt)}\n"
                               'inference-prompt-sources = ["serve.txt"]\n',
                      "--select", "P003", "--format", "json")
    assert code == 1, out
    [finding] = json.loads(out)
    message = finding["message"]
    assert "differs at char 1501" in message
    assert len(message) < 120, message
    # at most a few characters of either prompt are quoted
    assert "你是一位耐心的陪伴者" not in message


def test_p001_message_stays_one_line(project: Path) -> None:
    record = chat("你好呀。", "你好，今天怎么样？", system="Be\nkind.")
    (project / "d.jsonl").write_bytes(jsonl([record]))
    code, out = check(project, 'system-prompt = "Be kind."\n', "--select", "P001")
    assert code == 1
    [line] = [x for x in out.splitlines() if "P001" in x]
    assert 'differs at char 3: "\\nkind." vs " kind."' in line


@pytest.mark.parametrize("ref", ["file://{outside}/schema.json", "../outside/schema.json",
                                 "http://127.0.0.1:9/schema.json"])
def test_record_schema_refs_are_not_fetched(project: Path, ref: str) -> None:
    # jsonschema fetches file:// and http:// $refs on its own unless told not to.
    target = ref.format(outside=project.parent / "outside")
    (project / "schema.json").write_text(json.dumps({"$ref": target}))
    code, out = check(project, 'record-schema = "schema.json"\n', "--select", "S010")
    assert_refused(code, out, "record-schema", "cannot resolve $ref")


def test_record_schema_local_refs_work(project: Path) -> None:
    schema = {"$defs": {"turns": {"type": "array", "minItems": 9}},
              "properties": {"messages": {"$ref": "#/$defs/turns"}}}
    (project / "schema.json").write_text(json.dumps(schema))
    code, out = check(project, 'record-schema = "schema.json"\n', "--select", "S010")
    assert code == 1 and "S010" in out and "is too short" in out, out
