"""Config values are strict: a wrong type, an infinite number, an absurd size or a minimum
above its maximum is a one-line error naming the key (exit 2), never silently coerced."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sftlint.cli import cli
from sftlint.config import ConfigError, load_config, parse_config, tomllib
from sftlint.options import ValidationError
from sftlint.registry import all_rules
from tests.conftest import REPO, chat, jsonl


@pytest.fixture
def project(in_tmp: Path) -> Path:
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat("最近老睡不好。", "睡不好挺磨人的，有心事吗？")]))
    return in_tmp


def check(project: Path, text: str, name: str = "sftlint.toml") -> tuple[int, str]:
    (project / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "d.jsonl"])
    return result.exit_code, result.stdout + result.stderr


def assert_one_line(code: int, out: str, *words: str) -> None:
    assert code == 2, out
    assert out.count("\n") == 1 and "Traceback" not in out and "internal error" not in out, out
    for word in words:
        assert word in out, out


def test_config_not_utf8(project: Path) -> None:
    (project / "sftlint.toml").write_bytes('system-prompt = "你好"\n'.encode("gbk"))
    result = CliRunner().invoke(cli, ["check", "d.jsonl"])
    assert_one_line(result.exit_code, result.stdout + result.stderr, "sftlint.toml", "not UTF-8")


def test_pyproject_not_utf8(project: Path) -> None:
    (project / "pyproject.toml").write_bytes(b'[tool.sftlint]\nignore = ["U002"]\n# \xff\xfe\n')
    result = CliRunner().invoke(cli, ["check", "d.jsonl"])
    assert_one_line(result.exit_code, result.stdout + result.stderr, "pyproject.toml",
                    "not UTF-8")


CASES = {
    # U001 from the issue: quoted numbers and booleans are not integers
    '[rules.U001]\nmax-chars = "50"\n':
        '[rules.U001] max-chars: expected an integer, got "50" (write max-chars = 50',
    "[rules.U001]\nmax-chars = true\n": "[rules.U001] max-chars: expected an integer, got true",
    "[rules.U001]\nmax-chars = 50.5\n": "[rules.U001] max-chars: expected an integer, got 50.5",
    "[rules.user-too-long]\nmax-chars = 0\n": "[rules.user-too-long] max-chars: must be > 0",
    "[rules.U001]\nmax-chars = 100000000000\n": "[rules.U001] max-chars: must be <= 1000000",
    "[rules.U002]\nmin-chars = -1\n": "[rules.U002] min-chars: must be >= 0, got -1",
    # a minimum above its maximum
    "[rules.A003]\nmin-chars = 600\nmax-chars = 500\n":
        "[rules.A003] min-chars (600) is above max-chars (500)",
    "[rules.A002]\nmin-items = 1e9\n": "[rules.A002] min-items: expected an integer",
    "[rules.A004]\nn = 100000\n": "[rules.A004] n: must be <= 100",
    "[rules.A004]\nthreshold = nan\n": "[rules.A004] threshold: expected a finite number, got nan",
    "[rules.D002]\nthreshold = inf\n": "[rules.D002] threshold: expected a finite number, got inf",
    '[rules.D002]\nthreshold = "90"\n': '[rules.D002] threshold: expected a number, got "90"',
    "[rules.D003]\nmin-count = 99999999999999\n": "[rules.D003] min-count: must be <=",
    '[rules.S004]\nrequire-system = "no"\n':
        '[rules.S004] require-system: expected true or false or "auto", got "no"',
    "[rules.S006]\nallow = \"meta\"\n": '[rules.S006] allow: expected an array, got "meta"',
    "[rules.S006]\nallow = [1]\n": "[rules.S006] allow[0]: expected a string, got 1",
    "[rules]\nU001 = 5\n": "[rules] U001: expected a table, got 5",
    # categories
    "[categories]\ntolerance = inf\n": "[categories] tolerance: expected a finite number, got inf",
    "[categories]\ntolerance = -0.1\n": "[categories] tolerance: must be >= 0",
    '[categories]\ntolerance = "0.2"\n': '[categories] tolerance: expected a number, got "0.2"',
    "[categories]\nexpected = { loneliness = -3 }\n":
        "[categories] expected.loneliness: must be >= 0, got -3",
    "[categories]\nexpected = { loneliness = 1e12 }\n":
        "[categories] expected.loneliness: expected an integer",
    "[categories]\nexpected = { loneliness = 100000000000 }\n":
        "[categories] expected.loneliness: must be <= 1000000000",
    # an empty field read no category; a name twice counted its records twice
    '[categories]\nfield = ""\n': "categories: field is empty",
    '[categories]\nfield = "c"\nnames = ["a", "b", "a"]\n':
        "categories: names lists a more than once",
    # an empty selector is a prefix of every code: ignoring it switched every rule off
    'ignore = [""]\n': "an empty rule selector ('') in select, ignore or per-file-ignores",
    'per-file-ignores = { "*" = [" "] }\n': "an empty rule selector (' ')",
    # top-level keys and other tables
    "expected-records = -1\n": "expected-records: must be >= 0, got -1",
    'expected-records = "1000"\n': 'expected-records: expected an integer, got "1000"',
    "expected-records = 100000000000\n": "expected-records: must be <= 1000000000",
    'select = "A"\n': 'select: expected an array, got "A"',
    "system-prompt = true\n": "system-prompt: expected a string, got true",
    'format = "csv"\n': 'format: expected "messages", "sharegpt"',
    "[tokens]\nmax-length = 0\n": "[tokens] max-length: must be > 0",
    "[tokens]\nmax-length = 1000000000\n": "[tokens] max-length: must be <= 1048576",
    '[tokens]\nmax-length = "512"\n': '[tokens] max-length: expected an integer, got "512"',
    "[train]\nseed = -1\n": "[train] seed: must be >= 0",
    "[train]\nbatch-size = 1000000000\n": "[train] batch-size: must be <=",
    "[train]\nlearning-rate = inf\n": "[train] learning-rate: expected a finite number",
    '[mapping]\nroles = { bot = ["ai"] }\n': '[mapping] roles: unknown key "bot"',
    "[mapping]\nrole = 3\n": "[mapping] role: expected a string, got 3",
    'per-file-ignores = { "data/*.jsonl" = "A001" }\n':
        '[per-file-ignores] "data/*.jsonl": expected an array, got "A001"',
    '[[exceptions]]\ncode = "A001"\nrecord = "zz"\nreason = "ok"\n':
        'exceptions[0].record: string should have at least 8 characters, got "zz"',
    # one data role under two roles: which wins would depend on the order of the keys
    '[mapping]\nroles = { user = ["client", "ai"], assistant = ["ai"] }\n':
        'mapping: roles: "ai" is listed under both user and assistant',
    # an integer past any float, in a float setting (tomllib reads integers of any size)
    "[categories]\ntolerance = 1" + "0" * 400 + "\n":
        "[categories] tolerance: expected a number, got 1000000000",
    # a record hash is all hex: a trailing newline (a multi-line string) does not pass
    '[[exceptions]]\ncode = "A001"\nrecord = """deadbeef\n"""\nreason = "ok"\n':
        "exceptions[0].record: string should match pattern '[0-9a-f]+'",
    # an error names the key as written, snake_case too
    'expected_records = "5"\n': 'expected_records: expected an integer, got "5" (write '
                                'expected_records = 5, without quotes)',
    'per_file_ignores = { "data/*.jsonl" = "A001" }\n':
        '[per_file_ignores] "data/*.jsonl": expected an array, got "A001"',
    # a NUL cannot stand in a file name
    'system-prompt-file = "a\\u0000b"\n': "system-prompt-file: a path cannot hold a NUL",
    '[tokens]\ntokenizer = "tok\\u0000"\n': "tokens.tokenizer: a path cannot hold a NUL",
    # P003 needs the prompt the sources must equal; without it they were silently ignored
    'inference-prompt-sources = ["d.jsonl"]\n':
        "inference-prompt-sources: set system-prompt or system-prompt-file too",
}


@pytest.mark.parametrize("text", list(CASES))
def test_bad_value_names_the_key(project: Path, text: str) -> None:
    code, out = check(project, text)
    assert_one_line(code, out, "sftlint.toml: " + CASES[text])


def test_pyproject_names_the_full_table(project: Path) -> None:
    code, out = check(project, '[tool.sftlint.rules.U001]\nmax-chars = "50"\n', "pyproject.toml")
    assert_one_line(code, out, 'pyproject.toml: [tool.sftlint.rules.U001] max-chars: expected '
                               'an integer, got "50"')
    code, out = check(project, "[tool.sftlint]\nexpected-records = -5\n", "pyproject.toml")
    assert_one_line(code, out, "[tool.sftlint] expected-records: must be >= 0")


@pytest.mark.parametrize(("text", "error"), [
    ('[tool]\nsftlint = ["F"]\n', "[tool.sftlint] must be a table, got an array"),
    ("tool = 5\n", "[tool] must be a table, got 5"),
    ('tool = "sftlint"\n', '[tool] must be a table, got "sftlint"'),
])
def test_pyproject_tool_that_is_not_a_table(project: Path, text: str, error: str) -> None:
    code, out = check(project, text, "pyproject.toml")
    assert_one_line(code, out, "pyproject.toml: " + error)


def test_valid_values_still_work(project: Path) -> None:
    # integers where numbers are expected, equal minimum and maximum, names for codes
    code, out = check(project, "[categories]\ntolerance = 1\n"
                               "[rules.D002]\nthreshold = 95\n"
                               "[rules.reply-length]\nmin-chars = 10\nmax-chars = 10\n"
                               "[train]\nepochs = 2\n")
    assert code in (0, 1), out


def test_example_config_is_valid() -> None:
    config, path = load_config(str(REPO / "examples" / "sftlint.toml"))
    assert path is not None and config.prompt()


def test_every_rule_option_is_strict_and_bounded() -> None:
    """No rule option coerces a string, and every integer option has an upper bound (the
    project values a rule's options carry are the config's, validated there)."""
    from sftlint.options import project_fields

    for rule in all_rules():
        from_config = project_fields(rule.Options)
        for name, field in rule.Options.model_fields.items():
            if name in from_config:
                continue
            key = name.replace("_", "-")
            if field.annotation in (int, float):
                with pytest.raises(ValidationError):
                    rule.Options.model_validate({key: str(field.default)})
                bounded = field.le is not None or field.lt is not None
                assert bounded, f"{rule.code} {key}: give it an upper bound (le=...)"
            if field.annotation is float:
                with pytest.raises(ValidationError):
                    rule.Options.model_validate({key: float("inf")})


def test_readme_config_blocks_parse() -> None:
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for block in re.findall(r"```toml\n(.*?)```", readme, re.S):
        data = tomllib.loads(block)
        data = data.get("tool", {}).get("sftlint", data)
        parse_config(data, "README", str(REPO))


def test_rule_table_by_lower_case_code_applies(project: Path) -> None:
    record = chat("最近老是睡不好觉。", "睡不好挺磨人的，有心事吗？")
    (project / "d.jsonl").write_bytes(jsonl([record]))
    code, out = check(project, "[rules.u001]\nmax-chars = 3\n")
    assert code in (0, 1) and "U001" in out and "(max 3)" in out, out


def test_same_rule_twice(project: Path) -> None:
    code, out = check(project, "[rules.U001]\nmax-chars = 30\n"
                               "[rules.user-too-long]\nmax-chars = 40\n")
    assert_one_line(code, out, "[rules.user-too-long] sets U001's options again", "[rules.U001]")


def test_project_settings_reach_a_rule_through_its_options_only(tmp_path: Path) -> None:
    """A rule reads the project's settings from its options, filled from the config; its
    own table cannot set them."""
    from sftlint.registry import instantiate, rule_by_key

    (tmp_path / "prompt.txt").write_text("你是小暖。\n", encoding="utf-8")
    config = parse_config({"bom": "require", "system-prompt-file": "prompt.txt",
                           "tokens": {"max-length": 512}}, "sftlint.toml", str(tmp_path))
    f001, p001, t001 = instantiate([rule_by_key(c) for c in ("F001", "P001", "T001")], config)
    assert (f001.options.bom, p001.options.expected, t001.options.max_length) == (
        "require", "你是小暖。", 512)
    assert not hasattr(f001, "config")
    with pytest.raises(ConfigError, match=r"\[rules.F001\] unknown option 'bom'; it is a project"):
        parse_config({"rules": {"F001": {"bom": "allow"}}}, "sftlint.toml", str(tmp_path))


def test_values_read_as_their_type(in_tmp: Path) -> None:
    """A whole number in a float setting is a float (the training receipt records 2.0, as
    TOML's 2.0 would); an unset optional setting may be given as None and an array as a
    tuple (the Python API)."""
    config = parse_config({"train": {"epochs": 2, "learning-rate": 1}, "expected-records": None,
                           "paths": ("data",)}, "sftlint.toml", str(in_tmp))
    assert type(config.train.epochs) is float and type(config.train.learning_rate) is float
    assert config.expected_records is None and config.paths == ["data"]
