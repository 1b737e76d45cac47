"""The README's rule table is the generated one."""

from sftlint.registry import rules_markdown
from tests.conftest import REPO


def test_readme_rule_table_is_current() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert rules_markdown() in readme, "regenerate with `sftlint rules --format markdown`"


def test_readme_tour_shows_real_output(monkeypatch) -> None:
    from click.testing import CliRunner

    from sftlint.cli import cli

    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["check", "--config", "examples/sftlint.toml",
                                      "examples/dirty.jsonl"])
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert result.exit_code == 1
    assert result.stdout in readme, "update the README's quick tour"


def test_readme_config_examples_are_valid() -> None:
    import re

    from sftlint.config import parse_config, tomllib

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```toml\n(.*?)```", readme, re.S) if "[tool.sftlint" in b]
    assert len(blocks) >= 3
    for block in blocks:
        data = tomllib.loads(block)["tool"]["sftlint"]
        parse_config(data, "README", str(REPO))


def test_every_rule_file_in_the_table_exists() -> None:
    from sftlint.registry import all_rules, rule_file

    for rule in all_rules():
        path = REPO / rule_file(rule)
        assert path.is_file(), (rule.code, path)
        assert f"class {rule.__name__}(" in path.read_text(encoding="utf-8")
