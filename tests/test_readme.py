"""The README's rule table is the generated one."""

from sftlint.cli import rules_markdown
from tests.conftest import REPO


def test_readme_rule_table_is_current() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert rules_markdown() in readme, "regenerate with `sftlint rules --format markdown`"
