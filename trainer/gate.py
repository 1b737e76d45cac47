"""The training gate: the policy of `sftlint train` in one place.

Which checks gate (every check the project's config selects, plus T001-T004), with which
tokenizer (the model's: the gate, `--dry-run` and training use one), which settings
(`[tool.sftlint.train]`, then the caller's), which system prompt the receipt records, and
what happens to what the gate cannot evaluate: it is refused, never passed. The CLI parses
arguments and calls `run_gate`; the Python API calls the same code.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sftlint.trainer.data import (
    Encoded,
    TemplateError,
    chat_messages,
    encode,
    load_tokenizer,
)
from sftlint.trainer.receipt import RECEIPT_NAME, sha256_of

from sftlint.config import Config, ConfigError, TokensConfig, TrainConfig, kebab
from sftlint.engine import CheckResult, Linter, collect_datasets, display_path, iter_records
from sftlint.findings import Finding, Severity
from sftlint.records import MISSING, ROLES, Record
from sftlint.registry import select_rules
from sftlint.rule import Rule

TOKEN_RULES = ("T001", "T002", "T003", "T004")


@dataclass(frozen=True)
class TrainRequest:
    """What the caller asks for; None takes the value from `[tool.sftlint.train]`."""

    data: tuple[str, ...] = ()  # empty: the config's `paths`
    model: str | None = None
    output: str | None = None
    epochs: float | None = None
    max_steps: int | None = None
    learning_rate: float | None = None
    batch_size: int | None = None
    lora_r: int | None = None
    seed: int | None = None
    dry_run: bool = False
    overwrite: bool = False


@dataclass(frozen=True)
class TrainSettings:
    """Every setting training runs with; its defaults live in one place, TrainConfig."""

    model: str  # absolute path of the local model directory
    output: str  # absolute path, or "" for a dry run
    epochs: float
    max_steps: int
    learning_rate: float
    batch_size: int
    gradient_accumulation_steps: int
    lora_r: int
    lora_alpha: int
    lora_dropout: float
    seed: int
    logging_steps: int
    max_length: int


@dataclass
class DataFile:
    path: str  # absolute
    sha256: str  # of the bytes the gate checked, taken before it ran
    records: int = 0


@dataclass
class Gate:
    """The gate's verdict and, when it passes, exactly what training will see."""

    settings: TrainSettings
    tokenizer_dir: str
    check: CheckResult
    files: list[DataFile]
    records: list[Record] = field(default_factory=list)
    encoded: list[Encoded] = field(default_factory=list)
    system_prompt: str | None = None
    tokenizer: Any = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.check.findings if f.severity is Severity.ERROR]

    @property
    def passed(self) -> bool:
        return not self.errors


def model_directory(model: str | None) -> str:
    """The absolute path of a local model directory; a hub id or a missing path is refused:
    models are never downloaded."""
    if not model:
        raise ConfigError("no base model: pass --model DIR or set [tool.sftlint.train] model")
    path = Path(model).expanduser()
    if not path.is_dir():
        hub = not path.exists() and re.fullmatch(r"[\w.-]+/[\w.-]+", model) is not None
        raise ConfigError(f"model {model}: no such directory{' (a hub id?)' if hub else ''}; "
                          "models are never downloaded: download it first and pass its "
                          "local directory")
    if not (path / "config.json").is_file():
        raise ConfigError(f"model {model}: not a model directory (no config.json)")
    return str(path.resolve())


def gate_tokenizer(config: Config, model_dir: str) -> str:
    """The one tokenizer of the gate, the dry run and training: the model's."""
    named = config.tokens.tokenizer
    if named and os.path.realpath(config.resolve(named)) != os.path.realpath(model_dir):
        raise ConfigError(f"[tokens] tokenizer {named} is not the model's ({model_dir}): the "
                          "gate, --dry-run and training use one tokenizer, the model's; remove "
                          "[tokens] tokenizer or set it to the model directory")
    return model_dir


def training_settings(config: Config, request: TrainRequest, model_dir: str) -> TrainSettings:
    """`[tool.sftlint.train]`, overridden by what the request sets, validated as the config is."""
    given = {name: getattr(request, name) for name in
             ("epochs", "max_steps", "learning_rate", "batch_size", "lora_r", "seed")
             if getattr(request, name) is not None}
    try:
        train = TrainConfig.model_validate({**config.train.model_dump(), **given})
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ConfigError(f"--{kebab(str(err['loc'][0]))}: {err['msg']}") from None
    output = request.output or (config.resolve(train.output) if train.output else "")
    values = {f.name: getattr(train, f.name) for f in fields(TrainSettings)
              if f.name not in ("model", "output", "max_length")}
    return TrainSettings(model=model_dir, output=os.path.abspath(output) if output else "",
                         max_length=config.tokens.max_length, **values)


def check_output(output: str, overwrite: bool) -> None:
    """An existing run (or any non-empty directory) is replaced only with `overwrite`."""
    if not output:
        raise ConfigError("no output directory: pass --output DIR or set "
                          "[tool.sftlint.train] output")
    path = Path(output)
    if path.exists() and not path.is_dir():
        raise ConfigError(f"--output {output}: a file, not a directory")
    if path.is_dir() and any(path.iterdir()) and not overwrite:
        what = "a run" if (path / RECEIPT_NAME).exists() else "files"
        raise ConfigError(f"--output {display_path(output)} already holds {what}; pass "
                          "--overwrite to replace it, or choose another directory")


def gate_rules(config: Config) -> list[type[Rule]]:
    """Every rule the config selects, plus the token rules (unless ignored: the gate's own
    encoding of every record still refuses what cannot be encoded)."""
    rules = select_rules(config.select, config.ignore)
    return rules + [r for r in select_rules(list(TOKEN_RULES), config.ignore) if r not in rules]


def hash_data(targets: list[str], exclude: list[str]) -> list[DataFile]:
    files = [os.path.abspath(f) for ds in collect_datasets(targets, exclude) for f in ds.files]
    if not files:
        raise ConfigError(f"no .jsonl or .json files in {', '.join(targets)}: nothing to train on")
    return [DataFile(path, sha256_of(path)) for path in files]


def changed_files(files: list[DataFile]) -> list[str]:
    """The files whose bytes are no longer the ones the gate hashed."""
    return [f.path for f in files if not os.path.exists(f.path) or sha256_of(f.path) != f.sha256]


def majority_prompt(records: list[Record]) -> str | None:
    """The system prompt most records carry: P002's reference when none is configured."""
    prompts = Counter(next((m.content for m in r.messages if m.role == "system"), None)
                      for r in records)
    prompts.pop(None, None)
    return prompts.most_common(1)[0][0] if prompts else None


def run_gate(config: Config, request: TrainRequest,
             progress: Callable[[str], None] | None = None) -> Gate:
    """Check the data as `sftlint train` must before it trains or dry-runs.

    Raises ConfigError (one line) for what cannot be evaluated; returns the Gate, with the
    findings, when it ran: `gate.passed` says whether training may go on, and then the gate
    holds the records and their encodings exactly as training will use them."""
    model_dir = model_directory(request.model or
                                (config.resolve(config.train.model) if config.train.model
                                 else None))
    tokenizer_dir = gate_tokenizer(config, model_dir)
    settings = training_settings(config, request, model_dir)
    if not request.dry_run:
        check_output(settings.output, request.overwrite)
    targets = list(request.data) or [config.resolve(p) for p in config.paths]
    files = hash_data(targets, config.exclude)  # before the checks: the receipt names these
    gate_config = config.model_copy(update={"tokens": TokensConfig(
        tokenizer=tokenizer_dir, max_length=config.tokens.max_length)})
    result = Linter(gate_config, gate_rules(config)).check(targets, progress=progress)
    gate = Gate(settings, tokenizer_dir, result, files)
    if not gate.passed:
        return gate
    gate.tokenizer = load_tokenizer(tokenizer_dir)
    counts: Counter[str] = Counter()
    for data_file in files:
        for record in iter_records(data_file.path, config):
            gate.records.append(record)
            gate.encoded.append(_encode(gate.tokenizer, record, settings.max_length))
            counts[data_file.path] += 1
    for data_file in files:
        data_file.records = counts[data_file.path]
    changed = changed_files(files)
    if changed:
        raise ConfigError(f"{display_path(changed[0])} changed while the gate checked it; "
                          "run again once the data is settled")
    gate.system_prompt = config.prompt() or majority_prompt(gate.records)
    return gate


def untrainable(record: Record) -> str | None:
    """What the record holds that SFT on system, user and assistant text would silently
    drop or misuse, if anything: training it would not be training the data."""
    if record.pair is not None:
        return "a preference pair (sftlint train does SFT; the rejected reply would be lost)"
    if record.label is not MISSING:
        return "a KTO label (sftlint train would learn undesirable replies too)"
    if record.tools is not None or any(m.tool_calls for m in record.messages):
        return "tool declarations or calls (sftlint train trains text turns only)"
    if any(m.role not in ROLES for m in record.messages):
        return "tool results (sftlint train trains system, user and assistant turns only)"
    if any(m.reasoning for m in record.messages):
        return "reasoning (sftlint train would train the answers without it)"
    if record.media_refs():
        return "media (sftlint train trains text only)"
    return None


def _encode(tokenizer: Any, record: Record, max_length: int) -> Encoded:
    """A record as training sees it; what cannot be read, trained as it is, or encoded is
    refused."""
    where = f"{record.path}:{record.line}"
    if record.problems:  # only reachable when the S rules are ignored
        raise ConfigError(f"{where}: {record.problems[0].message}; the gate cannot evaluate "
                          "this record, so it will not train on it")
    unsupported = untrainable(record)
    if unsupported:
        raise ConfigError(f"{where}: the record has {unsupported}; remove such records from "
                          "the training data")
    try:
        return encode(tokenizer, chat_messages(record), max_length)
    except TemplateError as exc:
        raise ConfigError(f"{where}: {exc}; the gate cannot evaluate this record, so it will "
                          "not train on it") from None
