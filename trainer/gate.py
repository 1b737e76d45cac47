"""The training gate: the policy of `sftlint train` in one place.

Which checks gate (every check the project's config selects, plus the tokenizer rules
T001-T005 and R003, plus the V rules for preference methods), which of their findings
count (the user's reviewed decisions as `check` applies them: per-file-ignores,
exceptions, severity overrides; never a baseline), with which tokenizer (the model's: the
gate, `--dry-run` and training use one), which settings (`[tool.sftlint.train]`, then the
caller's), which data each method trains (sft: conversations, tool calls and reasoning
included; dpo: preference pairs; kto: labelled replies), which system prompt the receipt
records, and what happens to what the gate cannot evaluate or a method cannot train: it is
refused, never passed. The CLI parses arguments and calls `run_gate`; the Python API calls
the same code.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeAlias

from sftlint.config import Config, ConfigError, TokensConfig, TrainConfig, kebab
from sftlint.engine import (
    CheckResult,
    Dataset,
    Linter,
    display_path,
    iter_records,
)
from sftlint.filtering import filter_findings
from sftlint.findings import Finding, Severity
from sftlint.formats import DATASET_DICT, skipped_folder
from sftlint.options import ValidationError
from sftlint.records import MISSING, TOOL_ROLES, Record
from sftlint.registry import select_rules
from sftlint.rule import Rule
from sftlint.trainer.data import (
    Encoded,
    EncodedCompletion,
    EncodedPair,
    TemplateError,
    chat_messages,
    chat_tools,
    encode,
    encode_completion,
    encode_pair,
    kto_split,
    load_tokenizer,
    pair_messages,
    trained_turns,
)
from sftlint.trainer.receipt import RECEIPT_NAME, sha256_of

TOKEN_RULES = ("T001", "T002", "T003", "T004", "T005", "R003")
PREFERENCE_RULES = ("V",)  # dpo and kto: the pair and label rules gate too
METHODS = ("sft", "dpo", "kto")
# trl 1.16's DPOConfig.loss_type and KTOConfig.loss_type choices
LOSS_TYPES = {
    "dpo": ("sigmoid", "hinge", "ipo", "exo_pair", "nca_pair", "robust", "bco_pair",
            "sppo_hard", "aot", "aot_unpaired", "apo_zero", "apo_down", "discopop", "sft",
            "sigmoid_norm"),
    "kto": ("kto", "apo_zero_unpaired"),
}
Example: TypeAlias = Encoded | EncodedPair | EncodedCompletion


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
    method: str | None = None
    beta: float | None = None
    loss_type: str | None = None
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
    method: str = "sft"  # sft | dpo | kto
    beta: float | None = None  # dpo/kto only
    loss_type: str | None = None  # dpo/kto only


@dataclass
class DataFile:
    path: str  # absolute
    sha256: str  # of the bytes the gate checked, taken before it ran
    records: int = 0
    # (device, inode, size, mtime, ctime) before the hash, per file of a folder, and the
    # links on its path: any write or rename since moves the ctime, which no process sets
    # back, so the bytes hashed, checked and trained are one and the same (a file, or the
    # link naming it, swapped between the gate's reads and swapped back has the same hash,
    # not the same ctime)
    fingerprint: tuple[Any, ...] = ()


@dataclass
class Gate:
    """The gate's verdict and, when it passes, exactly what training will see."""

    settings: TrainSettings
    tokenizer_dir: str
    check: CheckResult
    files: list[DataFile]
    records: list[Record] = field(default_factory=list)
    # per record, as its method trains it: Encoded (sft), EncodedPair (dpo),
    # EncodedCompletion (kto)
    encoded: list[Example] = field(default_factory=list)
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
             ("epochs", "max_steps", "learning_rate", "batch_size", "lora_r", "seed", "method",
              "beta", "loss_type")
             if getattr(request, name) is not None}
    try:
        train = TrainConfig.model_validate({**config.train.model_dump(), **given})
    except ValidationError as exc:
        option = f"--{kebab(str(exc.loc[0]))}: " if exc.loc else ""
        raise ConfigError(option + exc.message) from None
    output = request.output or (config.resolve(train.output) if train.output else "")
    values = {f.name: getattr(train, f.name) for f in fields(TrainSettings)
              if f.name not in ("model", "output", "max_length", "beta", "loss_type")}
    beta, loss_type = None, None
    if train.method != "sft":
        beta, loss_type = train.beta, train.loss_type or LOSS_TYPES[train.method][0]
        if loss_type not in LOSS_TYPES[train.method]:
            raise ConfigError(f"--loss-type {loss_type}: not a {train.method} loss; choose one "
                              f"of {', '.join(LOSS_TYPES[train.method])}")
    elif train.loss_type is not None:
        raise ConfigError(f"--loss-type {train.loss_type}: a loss type is for --method dpo "
                          "or kto; sft trains the replies' next-token loss")
    return TrainSettings(model=model_dir, output=os.path.abspath(output) if output else "",
                         max_length=config.tokens.max_length, beta=beta, loss_type=loss_type,
                         **values)


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


def gate_rules(config: Config, method: str = "sft") -> list[type[Rule]]:
    """Every rule the config selects, plus the tokenizer rules, plus the V rules for the
    preference methods (unless ignored: the gate's own encoding of every record still
    refuses what cannot be encoded or trained)."""
    rules = select_rules(config.select, config.ignore)
    forced = list(TOKEN_RULES) + (list(PREFERENCE_RULES) if method != "sft" else [])
    return rules + [r for r in select_rules(forced, config.ignore) if r not in rules]


def training_set(targets: list[str], config: Config,
                 warnings: list[str] | None = None) -> Dataset:
    """Every input `targets` name, as the one dataset training sees: the gate's dataset rules
    (duplicates, counts, balance) must judge the records together, as they are trained. A
    file named twice would be trained twice, so it is refused."""
    named: dict[object, str] = {}
    for target in targets:  # collect_datasets checks a path named twice once, silently
        _named_once(target, named)
    files: list[str] = []
    seen: dict[object, str] = {}
    named_real = {os.path.realpath(t) for t in targets}
    for dataset in config.datasets(targets, warnings, once=False):  # repeats refused below
        for path in dataset.files:
            _named_once(path, seen)
            _one_split(path, named_real)
            files.append(os.path.abspath(path))
    if not files:
        raise ConfigError(f"no data files in {', '.join(targets)}: nothing to train on")
    return Dataset(", ".join(display_path(t) for t in targets), files)


def _one_split(path: str, named: set[str]) -> None:
    """Refuse a split of a saved DatasetDict that was not named itself: training on a
    folder that holds one would train every split, `test` and `validation` too."""
    holder = os.path.dirname(os.path.abspath(path))
    if os.path.isfile(os.path.join(holder, DATASET_DICT)) and \
            os.path.realpath(path) not in named:
        splits = sorted(d for d in os.listdir(holder) if os.path.isdir(os.path.join(holder, d)))
        raise ConfigError(f"{display_path(holder)} is a DatasetDict of splits "
                          f"{', '.join(splits)}; training on it would train every split: name "
                          f"the split to train on ({display_path(path)})")


def _named_once(path: str, seen: dict[object, str]) -> None:
    """Refuse `path` if `seen` (a file's identity -> the path as named) holds it; else add
    it. The identity is the inode where there is one, so a hard link is the same file."""
    try:
        st = os.stat(path)
        same: object = (st.st_dev, st.st_ino) if st.st_ino else os.path.realpath(path)
    except OSError:
        same = os.path.realpath(path)  # collect_datasets says what is wrong with it
    if same in seen:
        again = "" if seen[same] == path else f" (also as {display_path(seen[same])})"
        raise ConfigError(f"{display_path(path)} is named twice{again}; training would "
                          "see its records twice: name each data file once")
    seen[same] = path


def hash_data(files: list[str]) -> list[DataFile]:
    hashed = []
    for path in files:
        before = fingerprint(path)  # first: a write while it hashes then shows
        hashed.append(DataFile(path, sha256_of(path), fingerprint=before))
    return hashed


def fingerprint(path: str) -> tuple[Any, ...]:
    """What changes whenever a file's bytes may have (see DataFile.fingerprint)."""
    def key(item: str) -> tuple[int, ...]:
        st = os.stat(item)
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    if os.path.isdir(path):  # an Arrow dataset saved with save_to_disk
        return (_links(path), *((str(p.relative_to(path)), *key(str(p)))
                                for p in sorted(Path(path).rglob("*")) if p.is_file()))
    return (_links(path), *key(path))


def _links(path: str) -> tuple[tuple[int, ...], ...]:
    """The symbolic links on `path` (the file, the folders above it), each by its inode and
    change time: a link pointed at a dirty copy and back is a new link (git-annex and DVC
    keep data as links), where the file it names is unchanged."""
    links = []
    here = os.path.abspath(path)
    while True:
        if os.path.islink(here):
            st = os.lstat(here)
            links.append((st.st_dev, st.st_ino, st.st_ctime_ns))
        parent = os.path.dirname(here)
        if parent == here:
            return tuple(links)
        here = parent


def changed_files(files: list[DataFile]) -> list[str]:
    """The files that may no longer hold the bytes the gate hashed: gone, written to or
    replaced since (their fingerprint), or with other bytes."""
    return [f.path for f in files if not os.path.exists(f.path)
            or fingerprint(f.path) != f.fingerprint or sha256_of(f.path) != f.sha256]


def check_output_apart(output: str, data: list[str], exclude: list[str],
                       model_dir: str) -> None:
    """The run's folder is not read as data (inside a data folder, the adapter's .json files
    would be, by every later check and train, unless a hidden or excluded folder holds it)
    and is not the base model's folder or inside it (`--overwrite` would write the adapter
    over the model's files)."""
    out = os.path.realpath(output)
    for target in data:
        real = os.path.realpath(target)
        if not os.path.isdir(target) or os.path.commonpath([out, real]) != real:
            continue
        inside = os.path.relpath(out, real).split(os.sep)
        if not any(skipped_folder(name, exclude) for name in inside if name != "."):
            raise ConfigError(f"--output {display_path(output)} lies inside the data "
                              f"({display_path(target)}), so its files would be read as data; "
                              f"choose a folder outside it, or add \"{inside[0]}\" to exclude")
    model = os.path.realpath(model_dir)
    if os.path.isdir(model_dir) and os.path.commonpath([out, model]) == model:
        raise ConfigError(f"--output {display_path(output)} lies inside the base model "
                          f"({display_path(model_dir)}); choose a folder outside it")


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
    if config.system_prompt_file is not None:
        # read once: the prompt P001 checks the data against is the one the receipt records
        # and `sftlint chat` serves, even if the file is edited while the gate runs
        config = config.model_copy(update={"system_prompt": config.prompt(),
                                           "system_prompt_file": None})
    model_dir = model_directory(request.model or
                                (config.resolve(config.train.model) if config.train.model
                                 else None))
    tokenizer_dir = gate_tokenizer(config, model_dir)
    settings = training_settings(config, request, model_dir)
    if not request.dry_run:
        check_output(settings.output, request.overwrite)
    targets = list(request.data) or [config.resolve(p) for p in config.paths]
    if not request.dry_run:
        check_output_apart(settings.output, targets, config.exclude, model_dir)
    skipped: list[str] = []  # what a folder holds that cannot be read: neither checked nor trained
    # the model and the run's folder are not data, however they were named (a link to the
    # model inside the project is followed like any folder)
    apart = config.model_copy(update={
        "paths": [os.path.abspath(t) for t in targets],  # what not_data must never hide
        "train": config.train.model_copy(update={"model": model_dir,
                                                 "output": settings.output})})
    dataset = training_set(targets, apart, skipped)
    files = hash_data(dataset.files)  # before the checks: the receipt names these
    gate_config = config.model_copy(update={"tokens": TokensConfig(
        tokenizer=tokenizer_dir, max_length=config.tokens.max_length)})
    result = Linter(gate_config, gate_rules(config, settings.method)).check_datasets(
        [dataset], {}, progress)
    result.warnings = skipped
    # the user's reviewed decisions count as in `check`; a baseline never opens the gate
    result.findings = filter_findings(result.findings, config).findings
    gate = Gate(settings, tokenizer_dir, result, files)
    if not gate.passed:
        return gate
    gate.tokenizer = load_tokenizer(tokenizer_dir)
    counts: Counter[str] = Counter()
    for data_file in files:
        for record in iter_records(data_file.path, config, gate.check.warnings):
            gate.records.append(record)
            gate.encoded.append(_encode(gate.tokenizer, record, settings))
            counts[data_file.path] += 1
    for data_file in files:
        data_file.records = counts[data_file.path]
    changed = changed_files(files)
    if changed:
        raise ConfigError(f"{display_path(changed[0])} changed while the gate checked it; "
                          "run again once the data is settled")
    gate.system_prompt = config.prompt() or majority_prompt(gate.records)
    return gate


def untrainable(record: Record, method: str) -> str | None:
    """Why `method` cannot train the record as the data means it, if it cannot: training
    it would not be training the data."""
    if record.media_refs():
        return ("media (sftlint train has no processor for images, video or audio; it "
                "trains text only)")
    if any(m.role not in TOOL_ROLES for m in record.messages):
        return "a turn whose role no chat template knows"
    if method == "sft":
        if record.pair is not None:
            return ("a preference pair: train pairs with --method dpo (sft would lose the "
                    "rejected reply)")
        if record.label is not MISSING:
            return ("a KTO label: train labelled replies with --method kto (sft would learn "
                    "undesirable replies too)")
        return None
    if method == "dpo":
        if record.pair is None:
            return ("no preference pair: --method dpo trains chosen/rejected pairs only "
                    "(train conversations with --method sft)")
        sides = (record.pair.chosen or [], record.pair.rejected or [])
        if any(not side or any(m.role != "assistant" for m in side) for side in sides):
            return "a pair side that is missing or not assistant turns only"
        return None
    if record.label is MISSING or not isinstance(record.label, bool):
        return ("no boolean KTO label: --method kto trains labelled replies only"
                + (" (train pairs with --method dpo)" if record.pair is not None else ""))
    if not record.messages or record.messages[-1].role != "assistant":
        return "no reply to label"
    return None


def _encode(tokenizer: Any, record: Record, settings: TrainSettings) -> Example:
    """A record as training sees it; what cannot be read, trained as it is, or encoded is
    refused."""
    where = f"{record.path}:{record.line}"
    if record.problems:  # only reachable when the S rules are ignored
        raise ConfigError(f"{where}: {record.problems[0].message}; the gate cannot evaluate "
                          "this record, so it will not train on it")
    unsupported = untrainable(record, settings.method)
    if unsupported:
        raise ConfigError(f"{where}: the record has {unsupported}; remove such records from "
                          "the training data")
    tools, max_length = chat_tools(record), settings.max_length
    try:
        if settings.method == "dpo":
            sides = pair_messages(record)
            assert sides is not None  # untrainable() refuses a pair without both sides
            return encode_pair(tokenizer, *sides, max_length, tools)
        if settings.method == "kto":
            messages = chat_messages(record)
            split = kto_split(record)
            prompt_ids, completion_ids, dropped, _ = encode_completion(
                tokenizer, messages[:split], messages[split:], max_length, tools)
            return EncodedCompletion(prompt_ids, completion_ids, max_length,
                                     bool(record.label), dropped)
        trained = trained_turns(record)
        if isinstance(trained, str):
            raise ConfigError(f"{where}: the record has {trained}; remove such records from "
                              "the training data")
        return encode(tokenizer, chat_messages(record), max_length, tools, trained)
    except TemplateError as exc:
        raise ConfigError(f"{where}: {exc}; the gate cannot evaluate this record, so it will "
                          "not train on it") from None
