"""The rule registry: every rule, found by code, prefix or name; selection; options."""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from pydantic import ValidationError

from sftlint.config import Config, ConfigError, StrictModel, _format_error
from sftlint.rule import Rule


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Built-in rules, then third-party packs from the `sftlint.rules` entry-point group."""
    from sftlint.rules import RULES

    rules = list(RULES)
    for ep in entry_points(group="sftlint.rules"):
        loaded = ep.load()
        rules.extend(loaded if isinstance(loaded, list | tuple) else [loaded])
    return tuple(sorted(rules, key=lambda r: r.code))


def rule_by_key(key: str) -> type[Rule] | None:
    key_upper = key.upper()
    for rule in all_rules():
        if rule.code == key_upper or rule.name == key:
            return rule
    return None


def _matches(rule: type[Rule], selector: str) -> bool:
    s = selector.strip()
    return rule.name == s or rule.code.startswith(s.upper()) or s.upper() == "ALL"


def check_selectors(selectors: list[str], source: str) -> None:
    for s in selectors:
        if not any(_matches(r, s) for r in all_rules()):
            raise ConfigError(f"{source}: unknown rule code, prefix or name '{s}'")


def select_rules(select: list[str] | None, ignore: list[str]) -> list[type[Rule]]:
    chosen = all_rules() if select is None else [
        r for r in all_rules() if any(_matches(r, s) for s in select)]
    return [r for r in chosen if not any(_matches(r, s) for s in ignore)]


def rule_options(rule: type[Rule], config: Config) -> StrictModel:
    """The rule's options from `[tool.sftlint.rules.CODE]` or `[... .rules.NAME]`."""
    raw = config.rules.get(rule.code) or config.rules.get(rule.name) or {}
    return rule.Options.model_validate(raw)


def validate_rule_options(config: Config, source: str, table: str = "") -> None:
    """Each `[rules.KEY]` table against its rule's strict `Options` (`table` prefixes it)."""
    for key, values in config.rules.items():
        section = f"{table}.rules.{key}" if table else f"rules.{key}"
        rule = rule_by_key(key)
        if rule is None:
            raise ConfigError(f"{source}: [{section}] unknown rule code or name; "
                              "`sftlint rules` lists them")
        try:
            rule.Options.model_validate(values)
        except ValidationError as exc:
            raise ConfigError(_format_error(exc, source, section, values)) from None
    check_selectors(list(config.select or []) + list(config.ignore), source)


def instantiate(rules: list[type[Rule]], config: Config) -> list[Rule]:
    return [rule(rule_options(rule, config), config) for rule in rules]
