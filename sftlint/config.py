"""Configuration: `[tool.sftlint]` in pyproject.toml or `sftlint.toml`, as pydantic models."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(Exception):
    """A broken or unknown setting: reported on one line, exit code 2."""


def kebab(name: str) -> str:
    return name.replace("_", "-")


class StrictModel(BaseModel):
    """Kebab-case keys as in ruff; an unknown key is an error that names it."""

    model_config = ConfigDict(extra="forbid", alias_generator=kebab, populate_by_name=True,
                              frozen=True)


def _default_roles() -> dict[Literal["system", "user", "assistant"], list[str]]:
    return {"system": ["system"], "user": ["user"], "assistant": ["assistant"]}


class MappingConfig(StrictModel):
    messages: str = "messages"
    role: str = "role"
    content: str = "content"
    roles: dict[Literal["system", "user", "assistant"], list[str]] = Field(
        default_factory=_default_roles)


class CategoriesConfig(StrictModel):
    field: str | None = None
    names: list[str] = Field(default_factory=list)
    expected: dict[str, int] | None = None
    tolerance: float = Field(0.2, ge=0)
    # Per-category keyword lists, matched on jieba tokens when the data has no category field.
    keywords: dict[str, list[str]] | None = None

    @property
    def all_names(self) -> list[str]:
        names = list(self.names)
        for extra in (self.expected or {}, self.keywords or {}):
            names += [n for n in extra if n not in names]
        return names


class TokensConfig(StrictModel):
    tokenizer: str | None = None
    max_length: int = Field(512, gt=0)


class TrainConfig(StrictModel):
    model: str | None = None
    output: str | None = None
    epochs: float = Field(3.0, gt=0)
    max_steps: int = -1
    learning_rate: float = Field(2e-4, gt=0)
    batch_size: int = Field(4, gt=0)
    gradient_accumulation_steps: int = Field(1, gt=0)
    lora_r: int = Field(16, gt=0)
    lora_alpha: int = Field(32, gt=0)
    lora_dropout: float = Field(0.05, ge=0, lt=1)
    seed: int = 42
    logging_steps: int = Field(1, gt=0)


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
    expected_records: int | None = Field(None, ge=0)
    format: Literal["messages", "sharegpt", "alpaca", "xtuner", "auto"] = "auto"
    baseline: str | None = None
    mapping: MappingConfig | None = None
    categories: CategoriesConfig | None = None
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    tokens: TokensConfig = Field(default_factory=lambda: TokensConfig())
    train: TrainConfig = Field(default_factory=lambda: TrainConfig())
    # Where the config file lives: relative paths in it resolve from here (not a key).
    root: str = Field(default=".", exclude=True)

    @model_validator(mode="after")
    def _one_prompt_source(self) -> Config:
        if self.system_prompt is not None and self.system_prompt_file is not None:
            raise ValueError("set system-prompt or system-prompt-file, not both")
        return self

    def resolve(self, path: str) -> str:
        return path if os.path.isabs(path) else os.path.normpath(os.path.join(self.root, path))

    def prompt(self) -> str | None:
        """The configured system prompt, read from its file if need be."""
        if self.system_prompt_file is None:
            return self.system_prompt
        path = self.resolve(self.system_prompt_file)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"system-prompt-file: cannot read {path}: {exc}") from exc
        return text.removesuffix("\n")


def _format_error(exc: ValidationError, source: str) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "(top)"
    if err["type"] == "extra_forbidden":
        return f"{source}: unknown key '{where}'"
    return f"{source}: {where}: {err['msg']}"


def parse_config(data: dict[str, Any], source: str, root: str) -> Config:
    try:
        config = Config.model_validate({**data, "root": root})
    except ValidationError as exc:
        raise ConfigError(_format_error(exc, source)) from None
    from sftlint.registry import validate_rule_options

    validate_rule_options(config, source)
    return config


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def find_config_file(start: Path) -> tuple[Path, bool] | None:
    """The nearest sftlint.toml or pyproject.toml with [tool.sftlint], upward from `start`.

    Returns (path, is_pyproject).
    """
    for folder in (start, *start.parents):
        candidate = folder / "sftlint.toml"
        if candidate.is_file():
            return candidate, False
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "sftlint" in _load_toml(candidate).get("tool", {}):
            return candidate, True
    return None


def load_config(explicit: str | None = None, cwd: Path | None = None) -> tuple[Config, Path | None]:
    """The project's config and the file it came from (None: defaults)."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        is_pyproject = path.name == "pyproject.toml"
    else:
        found = find_config_file((cwd or Path.cwd()).resolve())
        if found is None:
            return Config.model_validate({}), None
        path, is_pyproject = found
    data = _load_toml(path)
    if is_pyproject:
        data = data.get("tool", {}).get("sftlint", {})
    return parse_config(data, str(path), str(path.resolve().parent)), path
