"""Configuration: `[tool.sftlint]` in pyproject.toml or `sftlint.toml`, as strict models."""

from __future__ import annotations

import functools
import json
import os
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

# ConfigError, StrictModel and kebab are re-exported: rules and the trainer import them here
from sftlint.options import ConfigError as ConfigError
from sftlint.options import Field, ValidationError, model_check, toml_value, validation_message
from sftlint.options import StrictModel as StrictModel
from sftlint.options import kebab as kebab
from sftlint.registry import validate_rule_options

if TYPE_CHECKING:
    from sftlint.formats import Dataset

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


# Upper bounds that no real setting reaches: an absurd value is a typo, not a wish.
MAX_COUNT = 1_000_000_000  # records, category counts, steps
MAX_CHARS = 1_000_000  # character limits of turns
MAX_TOKENS = 1 << 20  # token lengths
# Files the config names and sftlint reads must be regular files inside the project, no
# larger than this: a pull request that edits the config must not make CI print a secret.
MAX_SOURCE_BYTES = 1 << 20  # system-prompt-file, inference-prompt-sources, record-schema
MAX_BASELINE_BYTES = 256 << 20
RECORD_KEY_LENGTH = 24  # hex digits of a record's content key (sftlint/records.py)


def shown_path(value: str) -> str:
    """A path as an error quotes it: JSON-quoted, and cut short past 200 characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:197] + "..."


def relative_path(path: str, root: str) -> str:
    """`path` (absolute, or relative to the working directory) relative to `root`, with `/`
    separators; a path outside the root stays absolute."""
    absolute = os.path.abspath(path)
    try:
        rel = os.path.relpath(absolute, root)
    except ValueError:  # another drive
        return absolute
    if rel == ".." or rel.startswith(".." + os.sep):
        return absolute
    return rel.replace(os.sep, "/")


def split_prompt_source(spec: str) -> tuple[str, str]:
    """(file, NAME) of an inference prompt source `file.py:NAME`; NAME is "" for a text file."""
    file_part, _, name = spec.rpartition(":")
    if not name.isidentifier():  # a plain text file (or a Windows drive letter)
        return spec, ""
    return file_part, name


def _default_roles() -> dict[Literal["system", "user", "assistant"], list[str]]:
    return {"system": ["system"], "user": ["user"], "assistant": ["assistant"]}


class MappingConfig(StrictModel):
    messages: str = "messages"
    role: str = "role"
    content: str = "content"
    roles: dict[Literal["system", "user", "assistant"], list[str]] = Field(
        default_factory=_default_roles)

    @model_check
    def _one_role_each(self) -> None:
        seen: dict[str, str] = {}
        for role, raw_roles in self.roles.items():
            for raw in raw_roles:
                if raw in seen and seen[raw] != role:
                    raise ValueError(f'roles: "{raw}" is listed under both {seen[raw]} and '
                                     f"{role}; a data role maps to one role")
                seen[raw] = role


class CategoriesConfig(StrictModel):
    field: str | None = None
    names: list[str] = Field(default_factory=list)
    expected: dict[str, Annotated[int, Field(ge=0, le=MAX_COUNT)]] | None = None
    tolerance: float = Field(0.2, ge=0, le=10)
    # Per-category keyword lists, matched as substrings when the data has no category field.
    keywords: dict[str, list[str]] | None = None

    @model_check
    def _names_agree(self) -> None:
        # a name left out of `expected` would get a target of 0, a name only there (a typo)
        # a category of its own: both are mistakes, not settings
        if self.field is not None and not self.field.strip(". "):
            raise ValueError('field is empty; name the record\'s category key ("category", '
                             '"meta.category"), or leave field out')
        if any(not n.strip() for n in self.names):
            raise ValueError("names holds an empty name; a record whose category is blank "
                             "counts as uncategorized (B002), so leave it out")
        twice = sorted({n for n in self.names if self.names.count(n) > 1})
        if twice:
            raise ValueError(f"names lists {', '.join(twice)} more than once; list each "
                             "category once")
        if not self.names:
            return
        for key, given in (("expected", self.expected), ("keywords", self.keywords)):
            unknown = [n for n in given or {} if n not in self.names]
            if unknown:
                raise ValueError(f"{key} names categories not in names: {', '.join(unknown)}; "
                                 "add them to names or correct the spelling")
        missing = [n for n in self.names if self.expected is not None and n not in self.expected]
        if missing:
            raise ValueError(f"expected has no target for {', '.join(missing)}; give every "
                             "name a target, or leave expected out for an even split")
        if self.field is None and not self.keywords:
            raise ValueError("names need a field (the record's category, e.g. \"category\") "
                             "or keywords (words that tell each category), or no record has a "
                             "category")

    @property
    def all_names(self) -> list[str]:
        names = list(self.names)
        for extra in (self.expected or {}, self.keywords or {}):
            names += [n for n in extra if n not in names]
        return names


class SplitsConfig(StrictModel):
    """D004: the training and evaluation inputs (files or folders) that must not overlap."""

    train: list[str] = Field(min_length=1)
    eval: list[str] = Field(min_length=1)


class TokensConfig(StrictModel):
    tokenizer: str | None = None
    max_length: int = Field(512, gt=0, le=MAX_TOKENS)


class TrainConfig(StrictModel):
    model: str | None = None
    output: str | None = None
    epochs: float = Field(3.0, gt=0, le=10_000)
    max_steps: int = Field(-1, ge=-1, le=MAX_COUNT)
    learning_rate: float = Field(2e-4, gt=0, le=1)
    batch_size: int = Field(4, gt=0, le=65_536)
    gradient_accumulation_steps: int = Field(1, gt=0, le=65_536)
    lora_r: int = Field(16, gt=0, le=65_536)
    lora_alpha: int = Field(32, gt=0, le=65_536)
    lora_dropout: float = Field(0.05, ge=0, lt=1)
    seed: int = Field(42, ge=0, le=2**32 - 1)
    logging_steps: int = Field(1, gt=0, le=MAX_COUNT)
    method: Literal["sft", "dpo", "kto"] = "sft"  # preference methods: DESIGN.md, Version 2
    beta: float = Field(0.1, gt=0, le=100)  # dpo/kto: how far from the reference model
    loss_type: str | None = None  # dpo: trl's loss_type (default sigmoid); kto: kto


class ExceptionEntry(StrictModel):
    """A reviewed exception: one rule's finding on one record, by the record's content."""

    code: str  # a rule code or name
    record: str = Field(min_length=8, max_length=64, pattern=r"[0-9a-f]+")  # the record's key
    # a finding about a pair of records (D002): the other one's key, so the exception
    # accepts that pair and no other, wherever the two stand
    related: str | None = Field(None, min_length=8, max_length=64, pattern=r"[0-9a-f]+")
    reason: str = Field(min_length=1, max_length=500)
    note: str | None = Field(None, max_length=200)  # e.g. a short quote, for the diff's reader

    @model_check
    def _real_reason(self) -> None:
        if not self.reason.strip():
            raise ValueError("reason: say why this finding is acceptable")
        # the whole key: a prefix of 8 hex digits is 32 bits, and a record crafted to share
        # it with the reviewed one took over its exception in a fraction of a second
        for key, value in (("record", self.record), ("related", self.related)):
            if value is not None and len(value) != RECORD_KEY_LENGTH:
                raise ValueError(f"{key}: the whole {RECORD_KEY_LENGTH}-character key from the "
                                 f"finding's `{key}` (--format json), not {value!r}; a "
                                 "shorter prefix could match another record")


class Config(StrictModel):
    paths: list[str] = Field(default_factory=lambda: ["."])
    select: list[str] | None = None
    ignore: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=lambda: ["node_modules", "venv", "build", "dist"])
    system_prompt: str | None = None
    system_prompt_file: str | None = None
    inference_prompt_sources: list[str] = Field(default_factory=list)
    record_schema: str | None = None
    bom: Literal["forbid", "require"] = "forbid"
    expected_records: int | None = Field(None, ge=0, le=MAX_COUNT)
    format: Literal["messages", "sharegpt", "alpaca", "xtuner", "sharegpt-ranking",
                    "chosen-rejected-messages", "trl-preference", "openai-preference", "kto",
                    "prompt-completion", "kto-prompt-completion", "auto"] = "auto"
    media_root: str | None = None  # M002/M003: where relative media paths resolve
    baseline: str | None = None
    engine: Literal["local", "ray"] = "local"  # where `sftlint check` runs (ray: the extra)
    ray_address: str | None = None  # engine = "ray": the cluster; none starts a local one
    mapping: MappingConfig | None = None
    categories: CategoriesConfig | None = None
    splits: SplitsConfig | None = None
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # ruff's: glob (relative to the project root) -> codes, prefixes or names to ignore there
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict)
    exceptions: list[ExceptionEntry] = Field(default_factory=list)
    tokens: TokensConfig = Field(default_factory=lambda: TokensConfig())
    train: TrainConfig = Field(default_factory=lambda: TrainConfig())
    # Where the config file lives: relative paths in it resolve from here (not a key).
    root: str = "."
    # The config file, for error messages (not a key).
    source: str = "config"

    @model_check
    def _one_prompt_source(self) -> None:
        if self.system_prompt is not None and self.system_prompt_file is not None:
            raise ValueError("set system-prompt or system-prompt-file, not both")
        if self.inference_prompt_sources and self.system_prompt is None \
                and self.system_prompt_file is None:  # P003 would have nothing to compare with
            raise ValueError("inference-prompt-sources: set system-prompt or "
                             "system-prompt-file too, the prompt these sources must equal")

    @model_check
    def _select_names_a_rule(self) -> None:
        # an empty selection runs no rule, and a gate that runs none passes everything
        if self.select is not None and not any(code.strip() for code in self.select):
            raise ValueError("select is empty, so no rule would run; name the codes to run, "
                             "or remove select to run every rule")

    @model_check
    def _paths_hold_no_nul(self) -> None:
        """A NUL cannot stand in a file name (the OS refuses it), so say so here, not
        wherever the path is first opened."""
        paths: dict[str, Sequence[str | None]] = {
            "paths": self.paths, "exclude": self.exclude,
            "system-prompt-file": [self.system_prompt_file],
            "inference-prompt-sources": self.inference_prompt_sources,
            "record-schema": [self.record_schema], "media-root": [self.media_root],
            "baseline": [self.baseline], "per-file-ignores": list(self.per_file_ignores),
            "splits": [*self.splits.train, *self.splits.eval] if self.splits else [],
            "tokens.tokenizer": [self.tokens.tokenizer],
            "train.model": [self.train.model], "train.output": [self.train.output]}
        for key, values in paths.items():
            if any(value is not None and "\x00" in value for value in values):
                raise ValueError(f"{key}: a path cannot hold a NUL character (\\u0000)")

    def resolve(self, path: str) -> str:
        return path if os.path.isabs(path) else os.path.normpath(os.path.join(self.root, path))

    def prompt(self) -> str | None:
        """The configured system prompt, read from its file if need be."""
        if self.system_prompt_file is None:
            return self.system_prompt
        _, text = self.read_project_text("system-prompt-file", self.system_prompt_file)
        return text.removesuffix("\n")

    def project_value(self, key: str) -> Any:
        """What a rule's option `from_project(key)` holds: a setting, a path resolved from
        the config's folder, or a file the config names, read (the one place rules get
        them from)."""
        values: dict[str, Callable[[], Any]] = {
            "bom": lambda: self.bom,
            "categories": lambda: self.categories,
            "expected-records": lambda: self.expected_records,
            "datasets": lambda: self.datasets,
            "source": lambda: self.source,
            # what every reported path is relative to (a message naming another file too)
            "project-root": lambda: os.path.abspath(self.root),
            "prompt-configured": lambda: (self.system_prompt is not None
                                          or self.system_prompt_file is not None),
            "system-prompt": self.prompt,
            "inference-prompts": lambda: [] if self.prompt() is None else [
                self.read_prompt_source(spec) for spec in self.inference_prompt_sources],
            "media-root": lambda: (os.path.realpath(self.resolve(self.media_root))
                                   if self.media_root else None),
            "tokenizer": lambda: (self.resolve(self.tokens.tokenizer)
                                  if self.tokens.tokenizer else None),
            "max-length": lambda: self.tokens.max_length,
            "record-schema": lambda: (self.read_project_file("record-schema", self.record_schema)
                                      if self.record_schema else None),
            "splits": lambda: (None if self.splits is None else (
                [self.resolve(p) for p in self.splits.train],
                [self.resolve(p) for p in self.splits.eval])),
            "read-records": lambda: functools.partial(_iter_records, config=self),
        }
        return values[key]()

    def read_prompt_source(self, spec: str) -> tuple[str, str, int, int]:
        """(path, prompt, line, column) from `file.txt` or `module.py:NAME` (read by AST).

        The file must be a small regular file inside the project (`read_project_text`)."""
        import ast

        file_part, name = split_prompt_source(spec)
        _, text = self.read_project_text("inference-prompt-sources", file_part)
        path = self.resolve(file_part)
        if not name:
            return path, text.removesuffix("\n"), 1, 1
        try:
            tree = ast.parse(text, filename=str(path))
        except SyntaxError as exc:
            raise ConfigError(f"inference-prompt-sources: {path}:{exc.lineno}: "
                              f"cannot parse: {exc.msg}") from None
        for node in ast.walk(tree):
            value = _assigned_value(node, name)
            if value is not None:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    return str(path), value.value, value.lineno, value.col_offset + 1
                raise ConfigError(f"inference-prompt-sources: {path}:{value.lineno}: {name} "
                                  "is not a string constant")
        raise ConfigError(f"inference-prompt-sources: {path}: no assignment to {name}")

    def not_data(self) -> dict[str, str]:
        """The real paths of what the config names that is not data, each with its key: its
        own input files (the prompt file, the record schema, the baseline) and the tokenizer,
        model and output folders. A folder walk leaves them out, and pre-commit, which names
        every staged file, gets them skipped, not read as records."""
        named = {"system-prompt-file": self.system_prompt_file,
                 "record-schema": self.record_schema, "baseline": self.baseline,
                 "tokens.tokenizer": self.tokens.tokenizer, "train.model": self.train.model,
                 "train.output": self.train.output}
        splits = [*self.splits.train, *self.splits.eval] if self.splits else []
        data = [os.path.realpath(self.resolve(p)) for p in (*self.paths, *splits)]
        # a folder that holds the data (output = ".") is no reason to skip the data in it
        return {real: key for key, p in named.items() if p
                for real in [os.path.realpath(self.resolve(p))]
                if not any(d == real or d.startswith(real.rstrip(os.sep) + os.sep)
                           for d in data)}

    def datasets(self, paths: list[str], warnings: list[str] | None = None,
                 once: bool = True) -> list[Dataset]:
        """The datasets `paths` name, as every command reads them: `exclude` and `not_data`
        left out, a file two paths reach read once (sftlint.formats.collect_datasets)."""
        from sftlint.formats import collect_datasets

        return collect_datasets(paths, self.exclude, warnings, self.not_data(), once)

    def baseline_path(self) -> str | None:
        """The configured baseline file, checked as `project_file` checks it."""
        if self.baseline is None:
            return None
        return self.project_file("baseline", self.baseline, MAX_BASELINE_BYTES)

    def project_file(self, key: str, value: str, limit: int = MAX_SOURCE_BYTES) -> str:
        """The real path of the file `value` names; a one-line error unless it is inside the
        project (the config's folder, symlinks followed) and, where it exists, a regular
        file of at most `limit` bytes. Its content is never quoted in errors."""
        root = os.path.realpath(self.root)
        real = os.path.realpath(self.resolve(value))
        where = f"{self.source}: {key}: {shown_path(value)}"
        try:
            inside = os.path.commonpath([root, real]) == root
        except ValueError:  # another drive
            inside = False
        if not inside:
            raise ConfigError(f"{where} is outside the project folder {root} (symlinks "
                              "followed); use a file inside it")
        try:
            st = os.stat(real)
        except FileNotFoundError:
            return real
        except OSError as exc:
            raise ConfigError(f"{where}: cannot read: {exc.strerror or exc}") from None
        self._check_regular(where, st, limit)
        return real

    @staticmethod
    def _check_regular(where: str, st: os.stat_result, limit: int) -> None:
        if not stat.S_ISREG(st.st_mode):
            raise ConfigError(f"{where} is not a regular file; name a text file in the project")
        if st.st_size > limit:
            raise ConfigError(f"{where} is {st.st_size} bytes, over the limit of {limit}; "
                              "name a smaller file")

    def read_project_file(self, key: str, value: str,
                          limit: int = MAX_SOURCE_BYTES) -> tuple[str, bytes]:
        """(real path, bytes) of a file inside the project, as `project_file` checks it."""
        real = self.project_file(key, value, limit)
        where = f"{self.source}: {key}: {shown_path(value)}"
        # O_NONBLOCK: a FIFO swapped in after the check must not hang the open.
        flags = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                 | getattr(os, "O_BINARY", 0))
        try:
            fd = os.open(real, flags)
        except FileNotFoundError:
            raise ConfigError(f"{where}: no such file") from None
        except OSError as exc:
            raise ConfigError(f"{where}: cannot read: {exc.strerror or exc}") from None
        with os.fdopen(fd, "rb") as f:
            self._check_regular(where, os.fstat(f.fileno()), limit)
            data = f.read(limit + 1)
        if len(data) > limit:
            raise ConfigError(f"{where} is over the limit of {limit} bytes; name a smaller file")
        return real, data

    def read_project_text(self, key: str, value: str,
                          limit: int = MAX_SOURCE_BYTES) -> tuple[str, str]:
        """(real path, text) of a UTF-8 file inside the project."""
        real, data = self.read_project_file(key, value, limit)
        try:
            return real, data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{self.source}: {key}: {shown_path(value)} "
                              f"is not UTF-8 (byte {exc.start}); save it as UTF-8") from None

    def check_project_files(self) -> None:
        """Every file the config reads content from is contained (checked again on reading)."""
        if self.system_prompt_file is not None:
            self.project_file("system-prompt-file", self.system_prompt_file)
        for spec in self.inference_prompt_sources:
            self.project_file("inference-prompt-sources", split_prompt_source(spec)[0])
        if self.record_schema:
            self.project_file("record-schema", self.record_schema)
        self.baseline_path()


def _assigned_value(node: Any, name: str) -> Any:
    """The value `node` assigns to `name` (`NAME = ...` or `NAME: str = ...`), if it does."""
    import ast

    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign):
        targets = [node.target]
    else:
        return None
    hit = any(isinstance(t, ast.Name) and t.id == name for t in targets)
    return node.value if hit else None


def _iter_records(path: str, config: Config) -> Any:
    from sftlint.engine import iter_records

    return iter_records(path, config)


def parse_config(data: dict[str, Any], source: str, root: str, table: str = "") -> Config:
    """Validate `data` (the `[tool.sftlint]` table, named `table` in messages)."""
    try:
        config = Config.model_validate({**data, "root": root, "source": source})
    except ValidationError as exc:
        raise ConfigError(validation_message(exc, source, table, data)) from None
    validate_rule_options(config, source, table)
    config.check_project_files()
    return config


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            data = f.read()
        if data.startswith(b"\xef\xbb\xbf"):  # TOML has no byte-order mark; tomllib says "line 1"
            raise ConfigError(f"{path}: starts with a UTF-8 byte-order mark (BOM), which TOML "
                              "does not allow; save it as UTF-8 without BOM")
        return tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:  # tomllib parses nested arrays by recursion
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 (byte {exc.start}); save the config as "
                          "UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def require_regular_file(path: Path | str, what: str, devices: bool = False) -> None:
    """A one-line error unless `path` is a regular file (or, with `devices`, a character
    device such as /dev/null): a FIFO would hang the read, and a config that is a folder or
    a broken link must not be skipped in silence (the check would run with defaults)."""
    from sftlint.reader import file_kind

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            raise ConfigError(f"{path}: a link to nothing; {what} must be a file") from None
        raise ConfigError(f"{path}: {what} not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not (stat.S_ISREG(mode) or devices and stat.S_ISCHR(mode)):
        raise ConfigError(f"{path}: {file_kind(mode)}, not a regular file; {what} must be a file")


def refuse_to_replace(path: str, what: str, ours: Callable[[bytes], bool]) -> None:
    """A file sftlint writes replaces only one of its own kind (`ours` of its first 4 KB):
    a slip of the keyboard (`--write-baseline data.jsonl`, `--html sftlint.toml`) must not
    turn other data into a report. A new path or an empty file pass; a path that is not a
    regular file (a FIFO would hang the read, a device would be replaced), cannot be read,
    or holds something else is a one-line error."""
    if not os.path.lexists(path):
        return
    require_regular_file(path, what)
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it to see whether it is {what}: "
                          f"{exc.strerror}") from None
    if head.strip() and not ours(head):
        raise ConfigError(f"{path}: exists and is not {what}; refusing to overwrite it (name a "
                          "new file, or remove this one first)")


def find_config_file(start: Path) -> tuple[Path, bool] | None:
    """The nearest sftlint.toml or pyproject.toml with [tool.sftlint], upward from `start`.

    Returns (path, is_pyproject).
    """
    for folder in (start, *start.parents):
        for name in ("sftlint.toml", "pyproject.toml"):
            candidate = folder / name
            if not os.path.lexists(candidate):
                continue
            require_regular_file(candidate, "a config file")
            if name == "sftlint.toml":
                return candidate, False
            if "sftlint" in _tool_table(_load_toml(candidate), candidate):
                return candidate, True
    return None


def _tool_table(data: dict[str, Any], path: Path) -> dict[str, Any]:
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: [tool] must be a table, got {toml_value(tool)}")
    return tool


def _pyproject_table(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """`[tool.sftlint]` of a pyproject.toml: a table, or a one-line error naming the key."""
    table = _tool_table(data, path).get("sftlint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.sftlint] must be a table, got {toml_value(table)}")
    return table


def load_config(explicit: str | None = None, cwd: Path | None = None) -> tuple[Config, Path | None]:
    """The project's config and the file it came from (None: defaults)."""
    if explicit is not None:
        path = Path(explicit)
        # a regular file, or /dev/null: no settings
        require_regular_file(path, "config file", devices=True)
        is_pyproject = path.name == "pyproject.toml"
    else:
        found = find_config_file((cwd or Path.cwd()).resolve())
        if found is None:
            return Config.model_validate({}), None
        path, is_pyproject = found
    data = _load_toml(path)
    if is_pyproject:
        data = _pyproject_table(data, path)
    return parse_config(data, str(path), str(path.resolve().parent),
                        "tool.sftlint" if is_pyproject else ""), path
