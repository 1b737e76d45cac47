"""S010: the project's own JSON Schema for a record."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any

from sftlint.config import ConfigError, StrictModel
from sftlint.findings import Finding
from sftlint.options import from_project
from sftlint.records import Record, escape_pointer
from sftlint.rule import RecordRule


class SchemaViolation(RecordRule):
    """The record violates the project's own JSON Schema.

    ## What it does
    Validates each record against the schema named by `record-schema` (any draft that
    `jsonschema` knows), for the fields your project adds: ids, metadata, categories.
    Runs only when `record-schema` is set. The message gives the JSON pointer of the
    offending value and the schema's complaint.

    ## Why it matters for training
    Pipelines downstream (filters, samplers, the category balance) rely on those fields.

    ## Example
    ```text
    record-schema requires "meta": {"source": string}; the record has "meta": {}
    ```

    ## Use instead
    ```text
    add the field the schema requires, or change the schema
    ```
    """

    code = "S010"
    name = "schema-violation"

    class Options(StrictModel):
        # (real path, bytes) of the `record-schema` file, read by the config; None: not set
        schema_file: tuple[str, bytes] | None = from_project("record-schema")
        source: str = from_project("source")  # the config file, for errors

    options: Options

    @cached_property
    def validator(self) -> Any:
        import orjson

        from sftlint.json_schema import (
            SchemaTimeout,
            TooDeep,
            bounded_errors,
            schema_error,
            validator,
        )

        assert self.options.schema_file is not None
        path, data = self.options.schema_file
        try:
            schema = orjson.loads(data)
        except ValueError as exc:
            raise ConfigError(f"record-schema: cannot load {path}: {exc}") from None
        problem = schema_error(schema)
        if problem is not None:
            raise ConfigError(f"record-schema: {path} is not a valid schema: {problem}")
        checker = validator(schema)
        try:  # a schema that recurses on any record is the config's fault, not a record's
            bounded_errors(checker, {})
        except TooDeep:
            raise ConfigError(f"record-schema: {path} refers to itself without end") from None
        except (ValueError, SchemaTimeout):
            pass  # said per record, where it matters
        return checker

    def check(self, record: Record) -> Iterator[Finding]:
        if self.options.schema_file is None:
            return
        from sftlint.json_schema import BUDGET_SECONDS, SchemaTimeout, TooDeep, bounded_errors

        try:
            errors = bounded_errors(self.validator, record.source.value)
        except TooDeep as exc:  # the record's nesting, or the schema's: said on the record
            yield self.at(record, None, f"schema: cannot be checked: {exc}")
            return
        except ValueError as exc:
            raise ConfigError(f"{self.options.source}: record-schema: {exc}") from None
        except SchemaTimeout:
            yield self.at(record, None, f"schema: checking the record took over "
                          f"{BUDGET_SECONDS:g} s and was given up (a `pattern` in the schema "
                          "that backtracks without end?)")
            return
        for error in errors:
            pointer = "".join("/" + escape_pointer(str(p)) for p in error.absolute_path)
            yield self.at(record, pointer or None, f"schema: {pointer or '/'}: {error.message}")
