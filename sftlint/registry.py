"""The rule registry: every rule, found by code, prefix or name; selection; options."""

from __future__ import annotations

import os
import sys
from functools import cache
from typing import TYPE_CHECKING, Any

from sftlint import collector
from sftlint.findings import Severity
from sftlint.options import (
    ConfigError,
    StrictModel,
    ValidationError,
    project_fields,
    toml_value,
    validation_message,
)
from sftlint.rule import Rule

if TYPE_CHECKING:
    from sftlint.config import Config


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Built-in rules, then third-party packs from the `sftlint.rules` entry-point group."""
    with collector.paused():  # the rules' modules, numpy and the patterns live to the end
        from sftlint.rules import RULES

    rules = list(RULES)
    if not _installed_packs():
        return tuple(sorted(rules, key=lambda r: r.code))
    from importlib.metadata import entry_points

    for ep in entry_points(group="sftlint.rules"):
        loaded = ep.load()
        rules.extend(loaded if isinstance(loaded, list | tuple) else [loaded])
    return tuple(sorted(rules, key=lambda r: r.code))


def _installed_packs() -> bool:
    """Whether any installed distribution declares `sftlint.rules` entry points: a scan of
    the entry_points.txt files on sys.path, far cheaper than importlib.metadata's (which
    parses every distribution's metadata), so that a run without packs never pays it."""
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(folder or ".", name, "entry_points.txt"),
                          encoding="utf-8") as f:
                    if "[sftlint.rules]" in f.read():
                        return True
            except OSError:
                continue
    return False


def rule_file(rule: type[Rule]) -> str:
    """Where a rule is defined, as a newcomer finds it in the repository: a built-in rule's
    `rules/<slug>.py`, a third-party rule's module."""
    module = rule.__module__
    if module.startswith("sftlint.rules."):
        return "rules/" + module.removeprefix("sftlint.rules.").replace(".", "/") + ".py"
    return module


def rules_markdown() -> str:
    """The rule table the README carries (`sftlint rules --format markdown`)."""
    lines = ["| code | name | scope | severity | fix | file | what |",
             "|---|---|---|---|---|---|---|"]
    for r in all_rules():
        fix = "yes" if r.fixable else ""
        lines.append(f"| {r.code} | {r.name} | {r.scope.value} | {r.severity.value} | {fix} | "
                     f"[{rule_file(r).removeprefix('rules/')}]({rule_file(r)}) | "
                     f"{r.summary()} |")
    return "\n".join(lines)


def rule_by_key(key: str) -> type[Rule] | None:
    key_upper = key.upper()
    for rule in all_rules():
        if rule.code == key_upper or rule.name == key:
            return rule
    return None


def _matches(rule: type[Rule], selector: str) -> bool:
    s = selector.strip()
    # an empty selector is a prefix of every code: in `ignore` it would switch off every rule
    return bool(s) and (rule.name == s or rule.code.startswith(s.upper()) or s.upper() == "ALL")


def check_selectors(selectors: list[str], source: str) -> None:
    for s in selectors:
        if not s.strip():
            raise ConfigError(f"{source}: an empty rule selector ({s!r}) in select, ignore or "
                              "per-file-ignores; name a code, prefix or name, or remove it")
        if not any(_matches(r, s) for r in all_rules()):
            raise ConfigError(f"{source}: unknown rule code, prefix or name '{s}'")


def select_rules(select: list[str] | None, ignore: list[str]) -> list[type[Rule]]:
    chosen = all_rules() if select is None else [
        r for r in all_rules() if any(_matches(r, s) for s in select)]
    return [r for r in chosen if not any(_matches(r, s) for s in ignore)]


def rule_options(rule: type[Rule], config: Config) -> StrictModel:
    """The rule's options: its own from `[tool.sftlint.rules.CODE]` or `[... .rules.NAME]`,
    and the project values its `Options` name (`from_project`), from the rest of the config."""
    raw = next((v for k, v in config.rules.items() if rule_by_key(k) is rule), {})
    options = rule.Options.model_validate(_without_severity(raw))
    project = project_fields(rule.Options)
    if not project:
        return options
    return options.model_copy(update={name: config.project_value(key)
                                      for name, key in project.items()})


def _without_severity(values: dict[str, Any]) -> dict[str, Any]:
    """A rule's table less `severity`, which every rule takes and the filter applies."""
    return {k: v for k, v in values.items() if k != "severity"}


def severity_overrides(config: Config) -> dict[str, Severity]:
    """Rule code -> the severity `[rules.CODE] severity` sets."""
    out: dict[str, Severity] = {}
    for key, values in config.rules.items():
        rule = rule_by_key(key)
        if rule is not None and "severity" in values:
            out[rule.code] = Severity(values["severity"])
    return out


def validate_rule_options(config: Config, source: str, table: str = "") -> None:
    """Each `[rules.KEY]` table against its rule's strict `Options` (`table` prefixes it)."""
    seen: dict[str, str] = {}
    for key, values in config.rules.items():
        section = f"{table}.rules.{key}" if table else f"rules.{key}"
        rule = rule_by_key(key)
        if rule is None:
            raise ConfigError(f"{source}: [{section}] unknown rule code or name; "
                              "`sftlint rules` lists them")
        if rule.code in seen:  # `[rules.U001]` and `[rules.user-too-long]`: one would be lost
            raise ConfigError(f"{source}: [{section}] sets {rule.code}'s options again (also "
                              f"[rules.{seen[rule.code]}]); keep one table")
        seen[rule.code] = key
        severity = values.get("severity", "error")
        if severity not in ("error", "warning"):
            raise ConfigError(f"{source}: [{section}] severity: expected \"error\" or "
                              f"\"warning\", got {toml_value(severity)}")
        from_config = set(project_fields(rule.Options)) & {k.replace("-", "_") for k in values}
        if from_config:
            raise ConfigError(f"{source}: [{section}] unknown option "
                              f"'{sorted(from_config)[0].replace('_', '-')}'; it is a project "
                              "setting, set at the top level of the config")
        try:
            rule.Options.model_validate(_without_severity(values))
        except ValidationError as exc:
            raise ConfigError(validation_message(exc, source, section, values)) from None
    per_file = [c for codes in config.per_file_ignores.values() for c in codes]
    check_selectors(list(config.select or []) + list(config.ignore) + per_file, source)
    for entry in config.exceptions:
        rule = rule_by_key(entry.code)
        if rule is None:
            raise ConfigError(f"{source}: exceptions: unknown rule code or name '{entry.code}'")
        # an exception that could never match would leave its finding reported in silence
        if rule.about_pairs and entry.related is None:
            raise ConfigError(f"{source}: exceptions: {rule.code} {entry.record}: each "
                              f"{rule.code} finding is about two records; name the other one "
                              "too, as related = \"...\" (the finding's `related` in --format "
                              "json)")
        if not rule.about_pairs and entry.related is not None:
            raise ConfigError(f"{source}: exceptions: {rule.code} {entry.record}: `related` "
                              f"names a second record, and each {rule.code} finding is about "
                              "one; remove it")


def instantiate(rules: list[type[Rule]], config: Config) -> list[Rule]:
    return [rule(rule_options(rule, config)) for rule in rules]
