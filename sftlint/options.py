"""Strict option models and their one-line errors: what the config, the registry and every
rule's `Options` share, so that none of them imports another's internals.

A model is a class of annotated fields, validated strictly from a TOML table: kebab-case
keys as in ruff, an unknown key is an error that names it, and `max-chars = "50"` or
`= true` is an error, never coerced. It is small on purpose (pydantic was a fifth of every
run's start-up); what it reads of an annotation: bool, int, float (finite), str, None,
Literal, unions, list, dict, Annotated bounds and nested models."""

from __future__ import annotations

import json
import math
import operator
import re
import sys
import types
import typing
from collections.abc import Callable
from typing import Any, ClassVar, Literal, Union

_UNSET: Any = object()


class ConfigError(Exception):
    """A broken or unknown setting: reported on one line, exit code 2."""


class ValidationError(ValueError):
    """The first wrong value of a table: `loc`, the keys and indexes from the table to it,
    and what is wrong (`unknown` marks a key the model does not have, named by `loc`)."""

    def __init__(self, loc: tuple[str | int, ...], message: str, unknown: bool = False) -> None:
        super().__init__(f"{'.'.join(map(str, loc))}: {message}" if loc else message)
        self.loc, self.message, self.unknown = loc, message, unknown


def kebab(name: str) -> str:
    return name.replace("_", "-")


class FieldInfo:
    """A field's default and bounds (`pattern`: what the whole string matches); `project`
    names the project value a rule's option is filled with (`from_project`). `annotation`
    is set when the model's fields are read."""

    def __init__(self, default: Any = _UNSET, *, default_factory: Callable[[], Any] | None = None,
                 ge: float | None = None, gt: float | None = None, le: float | None = None,
                 lt: float | None = None, min_length: int | None = None,
                 max_length: int | None = None, pattern: str | None = None,
                 project: str | None = None) -> None:
        self.default, self.default_factory = default, default_factory
        self.ge, self.gt, self.le, self.lt = ge, gt, le, lt
        self.min_length, self.max_length, self.pattern = min_length, max_length, pattern
        self.project = project
        self.annotation: Any = None

    @property
    def required(self) -> bool:
        return self.default is _UNSET and self.default_factory is None

    def new_default(self) -> Any:
        if self.default_factory is not None:
            return self.default_factory()
        return self.default.copy() if isinstance(self.default, list | dict) else self.default

    def check_bounds(self, value: Any, loc: tuple[str | int, ...]) -> None:
        if value is None:  # an optional setting left unset
            return
        for bound, sign, ok in ((self.ge, ">=", operator.ge), (self.gt, ">", operator.gt),
                                (self.le, "<=", operator.le), (self.lt, "<", operator.lt)):
            if bound is not None and not ok(value, bound):
                raise ValidationError(loc, f"must be {sign} {bound}, got {toml_value(value)}")
        if isinstance(value, str | list):
            unit = "character" if isinstance(value, str) else "item"
            what = "string" if isinstance(value, str) else "array"
            if self.min_length is not None and len(value) < self.min_length:
                raise ValidationError(loc, f"{what} should have at least {self.min_length} "
                                           f"{unit}{'s' * (self.min_length != 1)}, got "
                                           f"{toml_value(value)}")
            if self.max_length is not None and len(value) > self.max_length:
                raise ValidationError(loc, f"{what} should have at most {self.max_length} "
                                           f"{unit}{'s' * (self.max_length != 1)}, got "
                                           f"{toml_value(value)}")
        if self.pattern is not None and isinstance(value, str) \
                and not re.fullmatch(self.pattern, value):
            raise ValidationError(loc, f"string should match pattern '{self.pattern}', got "
                                       f"{toml_value(value)}")


def Field(default: Any = _UNSET, **bounds: Any) -> Any:  # noqa: N802
    """A field's default and bounds, as in `threshold: float = Field(90, gt=0, le=100)`
    (the keywords of FieldInfo; typed Any, so that it stands for the field's value)."""
    return FieldInfo(default, **bounds)


def from_project(key: str) -> Any:
    """A field of a rule's `Options` filled from the project's configuration, never from the
    rule's own `[rules.CODE]` table: `key` names a setting or what the configuration derives
    from its settings (`Config.project_value`). A rule's options are then the one way the
    configuration reaches it."""
    return FieldInfo(None, project=key)


def model_check(method: Callable[[Any], None]) -> Callable[[Any], None]:
    """Marks a method that checks the whole model once its fields are valid; a ValueError it
    raises is the error's message."""
    method.model_check = True  # type: ignore[attr-defined]
    return method


class _Fields:
    """`Model.model_fields`: name -> FieldInfo, read from the annotations on first use (not
    at import: an annotation may name what its module defines further down)."""

    def __get__(self, instance: Any, owner: type) -> dict[str, FieldInfo]:
        fields = owner.__dict__.get("_model_fields")
        if fields is None:
            fields = {}
            for klass in reversed(owner.__mro__):
                for name, annotation in klass.__dict__.get("__annotations__", {}).items():
                    if name.startswith("_") or "ClassVar" in str(annotation):
                        continue
                    info = klass.__dict__.get(name, _UNSET)
                    info = info if isinstance(info, FieldInfo) else FieldInfo(info)
                    if info.project is None:  # project values are the config's, validated there
                        info.annotation = _evaluate(annotation, klass)
                    fields[name] = info
            owner._model_fields = fields  # type: ignore[attr-defined]
        return typing.cast(dict[str, FieldInfo], fields)


def _evaluate(annotation: Any, klass: type) -> Any:
    if not isinstance(annotation, str):
        return annotation
    module = sys.modules[klass.__module__].__dict__
    return eval(annotation, module, dict(vars(klass)))  # noqa: S307


class StrictModel:
    """A table of strictly validated fields (see the module's docstring); frozen."""

    model_fields: ClassVar[Any] = _Fields()

    def __init__(self, **values: Any) -> None:
        fields = type(self).model_fields
        given = dict(values)
        for name, info in fields.items():
            key = kebab(name) if kebab(name) in given or name not in given else name
            if key in given:  # errors name the key as written (kebab-case, or snake_case)
                value = given.pop(key)
                if info.project is None:
                    value = _validate(info.annotation, value, (key,))
                    info.check_bounds(value, (key,))
            elif info.required:
                raise ValidationError((key,), "required, not set")
            else:
                value = info.new_default()
            object.__setattr__(self, name, value)
        if given:
            raise ValidationError((next(iter(given)),), "unknown key", unknown=True)
        for klass in type(self).__mro__:
            for method in vars(klass).values():
                if getattr(method, "model_check", False):
                    try:
                        method(self)
                    except ValueError as exc:
                        raise ValidationError((), str(exc)) from None

    @classmethod
    def model_validate(cls, data: Any) -> Any:
        """`data` (a table) validated, or a ValidationError on its first wrong value."""
        if not isinstance(data, dict):
            raise ValidationError((), f"expected a table, got {toml_value(data)}")
        return cls(**data)

    def model_copy(self, update: dict[str, Any] | None = None) -> Any:
        """A copy with `update`'s fields set as they are (not validated)."""
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(update or {})
        return copy

    def model_dump(self) -> dict[str, Any]:
        return {name: value.model_dump() if isinstance(value, StrictModel) else value
                for name, value in self.__dict__.items()}

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    def __hash__(self) -> int:
        return hash((type(self), *self.__dict__.values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"


def project_fields(options: type[StrictModel]) -> dict[str, str]:
    """Option field -> the project value it is filled with (see `from_project`)."""
    return {name: info.project for name, info in options.model_fields.items()
            if info.project is not None}


def _expected(tp: Any) -> str:
    """What a value of type `tp` must be, as the error says it."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _expected(typing.get_args(tp)[0])
    if origin is Literal:
        return _choices(typing.get_args(tp))
    if origin in (Union, types.UnionType):
        return " or ".join(_expected(t) for t in typing.get_args(tp) if t is not type(None))
    names = {bool: "true or false", int: "an integer", float: "a number", str: "a string",
             list: "an array", dict: "a table"}
    return names.get(origin or tp, "a table")


def _choices(values: tuple[Any, ...]) -> str:
    quoted = [json.dumps(v, ensure_ascii=False) for v in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _validate(tp: Any, value: Any, loc: tuple[str | int, ...]) -> Any:
    """`value` if it is of type `tp` (strictly: no coercion), else a ValidationError."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any:
        return value
    if origin is typing.Annotated:
        value = _validate(args[0], value, loc)
        for meta in args[1:]:
            if isinstance(meta, FieldInfo):
                meta.check_bounds(value, loc)
        return value
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        for branch in args:
            if branch is type(None):
                continue
            try:
                return _validate(branch, value, loc)
            except ValidationError as exc:
                if exc.loc != loc or len(args) - (type(None) in args) == 1:
                    raise  # wrong inside a table or an array of the one branch it can be
        raise ValidationError(loc, f"expected {_expected(tp)}, got {toml_value(value)}")
    if origin is Literal:
        if any(value == v and type(value) is type(v) for v in args):
            return value
        raise ValidationError(loc, f"expected {_choices(args)}, got {toml_value(value)}")
    if origin is list:
        if not isinstance(value, list | tuple):  # a tuple: from the Python API
            raise ValidationError(loc, f"expected an array, got {toml_value(value)}")
        return [_validate(args[0], item, (*loc, i)) for i, item in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ValidationError(loc, f"expected a table, got {toml_value(value)}")
        key_type, value_type = args
        out = {}
        for key, item in value.items():
            if typing.get_origin(key_type) is Literal and key not in typing.get_args(key_type):
                raise ValidationError(loc, f"unknown key {toml_value(key)}: expected "
                                           f"{_choices(typing.get_args(key_type))}")
            out[key] = _validate(value_type, item, (*loc, key))
        return out
    if isinstance(tp, type) and issubclass(tp, StrictModel):
        if not isinstance(value, dict):
            raise ValidationError(loc, f"expected a table, got {toml_value(value)}")
        try:
            return tp(**value)
        except ValidationError as exc:
            raise ValidationError((*loc, *exc.loc), exc.message, exc.unknown) from None
    return _scalar(tp, value, loc)


def _scalar(tp: Any, value: Any, loc: tuple[str | int, ...]) -> Any:
    if tp is bool and isinstance(value, bool) or tp is str and isinstance(value, str):
        return value
    if tp is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if tp is float and isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)  # 2 reads as 2.0, as in TOML's own floats
        except OverflowError:  # an integer past any float
            raise ValidationError(loc, f"expected a number, got {toml_value(value)}") from None
        if not math.isfinite(number):
            raise ValidationError(loc, f"expected a finite number, got {toml_value(value)}")
        return number
    what = f"expected {_expected(tp)}, got {toml_value(value)}"
    if tp is int and isinstance(value, str) and value.strip().lstrip("-").isdigit() and loc:
        what += f" (write {loc[-1]} = {value.strip()}, without quotes)"
    raise ValidationError(loc, what)


def toml_value(value: Any) -> str:
    """A value as it looks in TOML, cut short: `"50"`, `true`, `inf`, `an array`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, float) and value != value:
        text = "nan"
    elif isinstance(value, float) and value in (float("inf"), float("-inf")):
        text = "inf" if value > 0 else "-inf"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _key_path(parts: tuple[str | int, ...]) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            name = p if re.fullmatch(r"[A-Za-z0-9_-]+", str(p)) else json.dumps(p)
            out += f".{name}" if out else str(name)
    return out


def validation_message(exc: ValidationError, source: str, table: str = "",
                       data: Any = None) -> str:
    """`path: [table] key.path: what was wrong, got VALUE`."""
    parts = exc.loc
    # A sub-table (`[categories]`, `expected = {...}` inline) names its own section.
    if len(parts) > 1 and isinstance(data, dict) and isinstance(data.get(parts[0]), dict):
        table = f"{table}.{parts[0]}" if table else str(parts[0])
        parts = parts[1:]
    where = f"{source}: " + (f"[{table}] " if table else "")
    if exc.unknown:
        return f"{where}unknown key '{_key_path(parts)}'"
    key = _key_path(parts)
    message = exc.message[:1].lower() + exc.message[1:]
    return f"{where}{key}: {message}" if key else where + message
