"""The two pre-commit hooks: which rules each runs, and when the dataset hook has work.

pre-commit splits long file lists across processes, so the `sftlint` hook runs the file
and record rules on the staged data files it is given, and the `sftlint-dataset` hook runs
the dataset and project rules once on the configured `paths`. Nothing is reported by both.

The dataset hook is given every changed file (pre-commit's `files` regex is static, and
the inputs of a check are not all data files: the config, the system prompt file, the
inference prompt sources). It decides from those names, reading nothing, whether any of
them is an input of the check; when none is, it does nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sftlint.config import Config, split_prompt_source
from sftlint.findings import Finding
from sftlint.formats import DATA_SUFFIXES, has_suffix
from sftlint.registry import rule_by_key
from sftlint.rule import DatasetRule, ProjectRule, RecordRule, Rule

CHANGED_DATA = (*DATA_SUFFIXES, ".arrow")  # a changed .arrow file: its dataset changed
# Files records may name as media (M002, M003): a change to one beside the data, or under
# `media-root`, runs the dataset hook.
MEDIA_SUFFIXES = (".jpg", ".jpeg", ".jfif", ".pjpeg", ".png", ".apng", ".gif", ".webp",
                  ".bmp", ".tif", ".tiff", ".heic", ".heif", ".avif", ".ico", ".mp4", ".mov",
                  ".webm", ".mkv", ".avi", ".flv", ".wmv", ".3gp", ".3g2", ".mpg", ".mpeg",
                  ".ts", ".mts", ".m2ts", ".m4v", ".ogv", ".mp3", ".wav", ".flac", ".ogg",
                  ".oga", ".opus", ".m4a", ".aac", ".wma", ".weba", ".amr")
# What the `sftlint` hook is given (its `files`): JSON text. Parquet and Arrow data are
# checked record by record by the dataset hook.
FILE_HOOK_SUFFIXES = (".jsonl", ".json")


def is_whole_check_rule(rule: type[Rule]) -> bool:
    """Dataset and project rules: they need every file of a dataset, or none. A record rule
    with a dataset half (S004: is a system message the norm?) runs its record half in the
    `sftlint` hook and its dataset half in the dataset hook (`Finding.dataset_level`)."""
    return issubclass(rule, ProjectRule) or (issubclass(rule, DatasetRule)
                                             and not issubclass(rule, RecordRule))


def per_file_rules(rules: list[type[Rule]]) -> list[type[Rule]]:
    """What the `sftlint` hook (`--no-dataset`) runs on the files it is given (the engine
    leaves out the dataset halves)."""
    return [r for r in rules if not is_whole_check_rule(r)]


def _reported_by_dataset_hook(rule: type[Rule] | None, finding: Finding) -> bool:
    return rule is None or is_whole_check_rule(rule) or finding.dataset_level


@dataclass
class DatasetHookPlan:
    run: bool = False  # some changed file is an input of the check
    # A shared input changed (config, system prompt file, record schema, baseline,
    # tokenizer): every record may have new findings, not only those in changed files.
    all_records: bool = False
    reasons: list[str] = field(default_factory=list)
    # Changed data files: the `sftlint` hook reports their file and record findings.
    covered: set[str] = field(default_factory=set)
    # Changed Parquet and Arrow data, which the `sftlint` hook is not given: this hook
    # reports their record findings.
    uncovered: set[str] = field(default_factory=set)
    # An image, video or audio file changed beside the data or under `media-root`: the
    # rules that read media run on every record.
    media: bool = False


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def plan_dataset_hook(changed: list[str], config: Config,
                      config_file: Path | None) -> DatasetHookPlan:
    """Whether the dataset hook must run, given the changed files pre-commit passes."""
    plan = DatasetHookPlan()
    # real paths: a data folder may be a link (data -> real/v3), and git names the target
    where = os.path.realpath
    shared = {where(config.resolve(p)): key for key, p in (
        ("system-prompt-file", config.system_prompt_file),
        ("record-schema", config.record_schema),
        ("baseline", config.baseline)) if p}
    if config_file is not None:
        shared[where(config_file)] = "config"
    tokenizer = (where(config.resolve(config.tokens.tokenizer))
                 if config.tokens.tokenizer else None)
    sources = {where(config.resolve(split_prompt_source(s)[0]))
               for s in config.inference_prompt_sources}
    splits = [*config.splits.train, *config.splits.eval] if config.splits else []
    data_roots = [where(config.resolve(p)) for p in (*config.paths, *splits)]
    media_roots = [where(config.resolve(config.media_root))] if config.media_root else []
    for name in changed:
        path = where(name)
        # a link is judged where it stands as well as where it leads: git-annex and DVC
        # links lead out of `paths`, into their store
        standing = os.path.join(where(os.path.dirname(os.path.abspath(name))),
                                os.path.basename(name))

        def under(roots: list[str], places: tuple[str, ...] = (path, standing)) -> bool:
            return any(_inside(place, root) for place in places for root in roots)

        if has_suffix(name, FILE_HOOK_SUFFIXES):
            plan.covered.add(path)
        # Parquet and Arrow data, and a folder link in the data re-pointed (data -> v4,
        # data/part -> ../store/part): data the `sftlint` hook is not given
        elif (has_suffix(name, CHANGED_DATA) or os.path.isdir(path)) and under(data_roots):
            plan.uncovered.add(path)
        if path in shared or (tokenizer and _inside(path, tokenizer)):
            plan.run = plan.all_records = True
            plan.reasons.append(name)
        elif path in sources or ((has_suffix(name, CHANGED_DATA) or os.path.isdir(path))
                                 and under(data_roots)):
            plan.run = True
            plan.reasons.append(name)
        elif has_suffix(name, MEDIA_SUFFIXES) and under([*data_roots, *media_roots]):
            plan.run = plan.media = True
            plan.reasons.append(name)
    return plan


def _reads_media(rule: type[Rule] | None) -> bool:
    """Rules that open the media files records name (they take `media-root`)."""
    return rule is not None and "media_root" in rule.Options.model_fields


def dataset_hook_rules(rules: list[type[Rule]], plan: DatasetHookPlan) -> list[type[Rule]]:
    """The dataset and project rules, and the dataset halves of record rules; the rules
    that read media when a media file may have changed; every rule when a shared input
    changed, or Parquet or Arrow data did (the `sftlint` hook is not given those)."""
    if plan.all_records or plan.uncovered:
        return rules
    return [r for r in rules if is_whole_check_rule(r) or issubclass(r, DatasetRule)
            or (plan.media and _reads_media(r))]


def dataset_hook_findings(findings: list[Finding], plan: DatasetHookPlan) -> list[Finding]:
    """Drop the file and record findings the `sftlint` hook reports (those of the changed
    JSON files), and, unless a shared input changed, those of data that did not change:
    each finding is printed once."""
    out = []
    for f in findings:
        rule = rule_by_key(f.code)
        if not _reported_by_dataset_hook(rule, f):
            path = os.path.realpath(f.path)
            if path in plan.covered or not (plan.all_records or _in_any(path, plan.uncovered)
                                            or (plan.media and _reads_media(rule))):
                continue
        out.append(f)
    return out


def _in_any(path: str, changed: set[str]) -> bool:
    """Whether `path` is one of the changed files, the Arrow dataset folder of one, or in a
    changed (re-linked) folder."""
    return path in changed or any(_inside(c, path) or _inside(path, c) for c in changed)
